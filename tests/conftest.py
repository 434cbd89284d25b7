import gc
from pathlib import Path

import pytest

from wartui import Library

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
FAKES = ROOT / "tests" / "data" / "fakes.csv"


@pytest.fixture(autouse=True)
def _unfrozen_after_each_test():
    """The app freezes what its start-up made (gc.freeze) for the rest of the
    process; in the test process, the next test's garbage must go."""
    yield
    gc.unfreeze()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def fakes_csv() -> Path:
    return FAKES


@pytest.fixture(scope="session")
def corpus_library(tmp_path_factory) -> Library:
    """One index of the seeds and FA-KES, shared by read-only tests."""
    library = Library(tmp_path_factory.mktemp("corpus") / "index")
    report = library.add_paths([SEEDS, FAKES])
    assert report.new == 5 + 804, report.summary()
    yield library
    library.close()


@pytest.fixture
def library(tmp_path) -> Library:
    library = Library(tmp_path / "index")
    yield library
    library.close()


_test_cache = None


def pytest_configure(config):
    """The tests (and the worker processes they start) keep the gazetteer's
    cached tables in a folder of their own, not in the user's cache."""
    global _test_cache
    import os
    import tempfile

    from wartui.config import CACHE_ENV

    if CACHE_ENV not in os.environ:
        _test_cache = os.environ[CACHE_ENV] = tempfile.mkdtemp(prefix="wartui-test-cache-")
    # the query history and saved searches the app keeps (wartui/state.py):
    # never the user's own
    global _test_state
    from wartui.state import STATE_ENV

    _test_state = os.environ[STATE_ENV] = tempfile.mkdtemp(prefix="wartui-test-state-")


_test_state = None


def pytest_unconfigure(config):
    import shutil

    if _test_cache:
        shutil.rmtree(_test_cache, ignore_errors=True)
    if _test_state:
        shutil.rmtree(_test_state, ignore_errors=True)
