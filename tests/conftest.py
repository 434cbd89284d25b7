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
