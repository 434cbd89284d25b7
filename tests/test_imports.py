"""The core must import without Textual (the app is a client of the core)."""

import subprocess
from pathlib import Path
import sys

CODE = """
import sys
sys.modules['textual'] = None  # any `import textual` now raises ImportError
import wartui, wartui.library, wartui.cli, wartui.ingest.clean, wartui.search.searcher
from wartui import Library
assert 'textual' not in [m for m in sys.modules if sys.modules[m] is not None]
print('ok')
"""


def test_core_imports_without_textual():
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_import_wartui_is_cheap():
    """`import wartui` must not pull Whoosh or trafilatura (lazy facade)."""
    code = ("import sys, wartui; heavy = [m for m in ('whoosh', 'trafilatura', 'textual') "
            "if m in sys.modules]; print(heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]"


def test_json_commands_do_not_import_rich(tmp_path, seeds_dir):
    """Scripts call `wartui search --json` in loops: Rich's import (~65 ms)
    is for what prints with it, not for JSON."""
    index = str(tmp_path / "index")
    code = (f"import sys; from wartui.cli import main; main(['--index-dir', {index!r}, "
            f"'index', {str(seeds_dir)!r}, '--json']); "
            f"main(['--index-dir', {index!r}, 'search', 'Manbij', '--json']); "
            f"main(['--index-dir', {index!r}, 'dupes', '--json']); "
            f"main(['--index-dir', {index!r}, 'entities', '--top', '--json']); "
            "print([m for m in sys.modules if m.split('.')[0] == 'rich'], file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert '"total"' in result.stdout and "Manbij" in result.stdout
    assert result.stderr.strip() == "[]"


def test_a_search_imports_only_what_searching_needs(tmp_path, seeds_dir):
    """A fresh `wartui search` (over SSH, every search is one) imports
    nothing of what writing needs (the cleaner, the ingest workers, the
    version detector and rapidfuzz), nor what Whoosh imports for nothing
    (English word endings for a query wartui never makes: wartui.search
    imports Whoosh without them)."""
    from wartui import Library

    with Library(tmp_path / "index") as library:
        library.add_paths([seeds_dir])
    code = ("import sys; from wartui.cli import main; "
            f"main(['--index-dir', {str(tmp_path / 'index')!r}, 'search', 'Taqsis', '--json']); "
            "print(' '.join(sys.modules), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert '"versions": 1' in result.stdout  # (versions were grouped)
    modules = result.stderr.split()
    assert "whoosh.reading" in modules and "numpy" in modules
    unneeded = [m for m in modules if m.startswith(("wartui.ingest", "wartui.versions.detect",
                                                     "rapidfuzz", "asyncio", "urllib.request",
                                                     "http.client", "cached_property",
                                                     "whoosh.lang.morph_en"))]
    assert unneeded == []


def test_whoosh_without_its_unused_imports_leaves_the_real_modules_to_others():
    """The stand-in wartui.search gives Whoosh for whoosh.lang.morph_en is
    gone once Whoosh is imported: Whoosh's Variations query gets the real
    word variations."""
    code = """
import sys
import wartui.search
from whoosh import reading
assert 'whoosh.lang.morph_en' not in sys.modules
from whoosh.query import terms
from whoosh.lang import morph_en
assert terms.variations("killed") == morph_en.variations("killed") >= {"kill", "killing"}
print('ok')
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_search_prints_without_richs_console(tmp_path, seeds_dir):
    """`wartui search` prints its results as Rich's Console would
    (termtext.py, tests/test_termtext.py), without importing it."""
    from wartui import Library

    with Library(tmp_path / "index") as library:
        library.add_paths([seeds_dir])
    code = ("import sys; from wartui.cli import main; "
            f"main(['--index-dir', {str(tmp_path / 'index')!r}, 'search', 'Taqsis']); "
            "print(' '.join(sys.modules), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Taqsis" in result.stdout
    assert [m for m in result.stderr.split() if m.startswith(("rich.console", "rich.text"))] == []


def test_whoosh_imported_by_another_thread_gets_its_own_modules():
    """The stand-in is only for the main thread's import of Whoosh (the
    command line): in another thread (the app's workers), Whoosh is
    imported as it comes, and nothing is swapped under other threads."""
    code = """
import sys, threading
def load():
    import wartui.search
worker = threading.Thread(target=load)
worker.start()
worker.join()
import whoosh.query.terms
assert sys.modules['whoosh.lang.morph_en'].variations("killed") >= {"kill", "killing"}
print('ok')
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_only_the_engine_package_reaches_into_whooshs_codec():
    """Whoosh's private format (its codec, its file storage, its matchers)
    is read and written in src/wartui/search/engine/ only: the one door a
    Whoosh release that changes it has to pass (see engine/__init__.py)."""
    import re

    root = Path(__file__).resolve().parents[1] / "src" / "wartui"
    engine = root / "search" / "engine"
    private = re.compile(r"^\s*(from|import)\s+whoosh\.(codec|filedb|matching)\b", re.M)
    outside = [str(path.relative_to(root)) for path in root.rglob("*.py")
               if engine not in path.parents and private.search(path.read_text())]
    assert outside == []
    inside = [path.name for path in engine.glob("*.py") if private.search(path.read_text())]
    assert {"fast.py", "flat.py", "nocopy.py", "prepared.py", "blocks.py"} <= set(inside)
