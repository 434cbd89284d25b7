"""The index stays whole: killed writers, two writers, a reader while another
process writes, a read-only index, a damaged one (issue #7).

The kill tests run `wartui index` in child processes under the hooks of
bench/kill.py (which SIGKILL the child at an exact point, or hold it there)
on a small generated corpus, in batches of 40 articles.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import wartui.indexing as indexing_module
import wartui.library as library_module
from wartui import Library
from wartui.indexing import Indexer
from wartui.cli import main
from wartui.errors import IndexBusy, IndexReadOnly, IndexVersionError
from wartui.tui.app import WartuiApp
from wartui.tui.screens.search import SearchScreen
from wartui.tui.widgets.results import ResultList

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import write_corpus  # noqa: E402
from bench.kill import (child_argv, expected_ids, held_locks, inspect,  # noqa: E402
                        wait_for_phase)
from textual_view import notifications, screen_text as textual_screen_text

BATCH = 40
SEED_ID = "001_cddafe3289ae453d"
NEW_PAGE = ("Shelling reported near Zarzour\n\nShelling hit the village of Zarzour on "
            "Monday, activists said, as fighting continued in the countryside.\n")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, set[str]]:
    path = tmp_path_factory.mktemp("kill") / "kill.jsonl"
    write_corpus(path, 240, seed=3, dupes=4)
    return path, expected_ids(path)


def index_run(index_dir: Path, paths: list[Path], **hooks) -> subprocess.CompletedProcess:
    return subprocess.run(child_argv(index_dir, paths, batch=BATCH, **hooks),
                          capture_output=True, text=True, timeout=120)


def assert_whole(index_dir: Path, expected: set[str], final: bool = False) -> dict:
    found = inspect(index_dir, expected, final=final)
    assert not found["problems"], found
    assert found["searches"] == 16
    return found


# -- kill -9 ----------------------------------------------------------------------------

@pytest.mark.parametrize("crash, stored, searched", [
    ("in-sqlite:1", 0, 0),           # the first batch: an empty index
    ("in-sqlite:2", 1, 1),           # inside the store's transaction (articles, versions half)
    ("between-commits:2", 2, 1),     # the store committed, Whoosh not
    ("whoosh-commit:2", 2, 1),       # segment files written, the new TOC not yet in place
])
def test_a_run_killed_at_a_commit_leaves_a_whole_index(corpus, tmp_path, crash, stored,
                                                       searched):
    """`stored` and `searched`: the batches in the store and in Whoosh after
    the kill. A batch the store has and Whoosh not is put into Whoosh from
    the store by the next run (it is not cleaned again)."""
    path, expected = corpus
    index_dir = tmp_path / "ix"
    killed = index_run(index_dir, [path], crash=crash)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    found = assert_whole(index_dir, expected)  # every search works, nothing doubled
    assert (found["store"], found["whoosh"]) == (stored * BATCH, searched * BATCH)
    rerun = index_run(index_dir, [path])  # --wait 0: no lock may be left behind
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    done = stored * BATCH
    assert (report["new"], report["unchanged"]) == (len(expected) - done, done)
    if stored > searched:
        assert [note["reason"] for note in report["notes"]][:1] == [
            f"{BATCH} articles put back into the search index from the article store"]
    assert_whole(index_dir, expected, final=True)


def test_killed_again_and_again_then_finished(corpus, tmp_path):
    """Kills at exact points, then at random moments, one after the other on
    the same index: each leaves it whole, and the last run completes it."""
    path, expected = corpus
    index_dir = tmp_path / "ix"
    for crash in ("between-commits:1", "in-sqlite:2"):
        assert index_run(index_dir, [path], crash=crash).returncode == -signal.SIGKILL
        assert_whole(index_dir, expected)
    child = subprocess.Popen(child_argv(index_dir, [path], batch=BATCH),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(random.Random().uniform(0.8, 3.0))
    child.kill()
    child.wait()
    assert_whole(index_dir, expected)
    finished = index_run(index_dir, [path])
    assert finished.returncode == 0, finished.stderr
    assert_whole(index_dir, expected, final=True)
    again = json.loads(index_run(index_dir, [path]).stdout)
    assert (again["new"], again["changed"], again["unchanged"]) == (0, 0, len(expected))
    assert not list(index_dir.glob("write.pending"))


def test_repair_puts_whoosh_back_to_the_store(library, seeds_dir):
    """What a kill can leave, made by hand: a Whoosh document the store lacks,
    one in Whoosh twice, one missing from Whoosh and from the version tables."""
    from wartui.search.writer import document_fields, indexed_hashes

    library.add_paths([seeds_dir])
    extra = library.article("003_84e21071b25684eb")
    extra.id = "ghost"
    writer = library._ix.writer()
    writer.add_document(**document_fields(extra))
    writer.add_document(**document_fields(library.article(SEED_ID)))  # twice now
    writer.delete_by_term("id", "002_193f624956799aae")
    writer.commit()
    library._store.db.execute("DELETE FROM version_docs WHERE id = ?", (SEED_ID,))
    library._store.db.commit()
    library.close()
    report = library.add_paths([seeds_dir])
    assert report.summary() == "0 new, 0 changed, 5 unchanged"
    assert any("taken out" in note.reason for note in report.notes)
    hashes = indexed_hashes(library._ix)
    assert sorted(hashes) == sorted(library.ids())
    assert all(len(found) == 1 for found in hashes.values())
    assert library.search("Taqsis").total == 2
    assert len(library._store.db.execute("SELECT id FROM version_docs").fetchall()) == 5


def test_a_killed_writer_leaves_no_lock_that_blocks(corpus, tmp_path):
    """Our write.lock and Whoosh's MAIN_WRITELOCK are flocks: they go with
    the process that held them, though their files stay."""
    path, expected = corpus
    index_dir, phases = tmp_path / "ix", tmp_path / "phases"
    child = subprocess.Popen(child_argv(index_dir, [path], batch=BATCH, crash="whoosh-commit:1",
                                        hold=60, phase_file=phases),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_phase(phases, "held", child)  # inside the Whoosh commit
        assert held_locks(index_dir) == ["write.lock", "MAIN_WRITELOCK"]
    finally:
        child.kill()
        child.wait()
    assert held_locks(index_dir) == []
    assert (index_dir / "write.lock").exists() and (index_dir / "whoosh/MAIN_WRITELOCK").exists()
    started = time.monotonic()
    rerun = index_run(index_dir, [path])  # --wait 0
    assert rerun.returncode == 0, rerun.stderr
    assert time.monotonic() - started < 60
    assert_whole(index_dir, expected, final=True)


# -- two writers --------------------------------------------------------------------------

def wartui(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wartui", *args], capture_output=True,
                          text=True, timeout=timeout)


def test_a_second_writer_waits_or_says_the_index_is_busy(corpus, tmp_path, seeds_dir):
    path, expected = corpus
    index_dir, phases = tmp_path / "ix", tmp_path / "phases"
    first = subprocess.Popen(
        child_argv(index_dir, [path], batch=BATCH, crash="between-commits:2", hold=4,
                   phase_file=phases), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        wait_for_phase(phases, "held", first)  # between its SQLite and Whoosh commits
        assert held_locks(index_dir) == ["write.lock", "MAIN_WRITELOCK"]
        busy = wartui("--index-dir", str(index_dir), "index", str(seeds_dir), "--wait", "0.2")
        assert busy.returncode == 3
        lines = busy.stderr.strip().splitlines()
        assert len(lines) == 1, busy.stderr
        assert "is being written by another process" in lines[0]
        assert f"(pid {first.pid})" in lines[0] and "Traceback" not in busy.stderr
        # readers are not held up meanwhile
        reader = wartui("--index-dir", str(index_dir), "search", "Aleppo", "--json")
        assert reader.returncode == 0, reader.stderr
        # a writer that waits long enough runs after the first
        patient = subprocess.Popen(
            [sys.executable, "-m", "wartui", "--index-dir", str(index_dir), "index",
             str(seeds_dir), "--wait", "60", "--json"], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        out, err = first.communicate(timeout=120)
        assert first.returncode == 0, err
        out, err = patient.communicate(timeout=120)
        assert patient.returncode == 0, err
        assert json.loads(out)["new"] == 5
    finally:
        for child in (first,):
            if child.poll() is None:
                child.kill()
    seeds = {p.stem for p in seeds_dir.glob("*.txt")}
    assert_whole(index_dir, expected | seeds, final=True)


def test_in_one_process_two_libraries_take_turns(tmp_path, seeds_dir):
    first, second = Library(tmp_path / "ix"), Library(tmp_path / "ix")
    with Indexer(first)._write_lock(0):
        started = time.monotonic()
        with pytest.raises(IndexBusy, match="being written by another process"):
            second.add_paths([seeds_dir], wait=0.3)
        assert 0.3 <= time.monotonic() - started < 3
    assert second.add_paths([seeds_dir], wait=0).new == 5
    first.close()
    second.close()


# -- the app while another process writes ---------------------------------------------------

def run_app(app: WartuiApp, scenario, size=(100, 32)) -> None:
    async def go() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await scenario(pilot)

    asyncio.run(go())


async def settle(pilot) -> None:
    for _ in range(200):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            break
    await pilot.pause(0.2)


def screen_text(app) -> str:
    return textual_screen_text(app)


def result_ids(app) -> list[str]:
    return [hit.id for hit in app.search_screen.query_one(ResultList).hits]


@pytest.fixture
def seed_copy(tmp_path, seeds_dir) -> Path:
    index_dir = tmp_path / "ix"
    with Library(index_dir) as library:
        library.add_paths([seeds_dir])
    return index_dir


def add_page_elsewhere(index_dir: Path, tmp_path: Path) -> None:
    """Another process indexes a new page."""
    page = tmp_path / "zarzour.txt"
    page.write_text(NEW_PAGE, encoding="utf-8")
    result = wartui("--index-dir", str(index_dir), "index", str(page))
    assert result.returncode == 0, result.stderr


def test_the_app_notices_another_process_indexing(seed_copy, tmp_path):
    app = WartuiApp(seed_copy)
    app.watch_seconds = 0.3

    async def scenario(pilot):
        await pilot.press(*"Zarzour")
        await settle(pilot)
        assert result_ids(pilot.app) == []
        await asyncio.to_thread(add_page_elsewhere, seed_copy, tmp_path)
        for _ in range(100):  # the next check (0.3 s) reopens and searches again
            await pilot.pause(0.1)
            if result_ids(pilot.app):
                break
        await settle(pilot)
        assert result_ids(pilot.app) == ["zarzour"]
        assert any("The index has 6 reports (+1)" in n
                   for n in notifications(pilot.app))
        assert pilot.app.screen.query_one("#query").value == "Zarzour"  # the query stays

    run_app(app, scenario)


def test_an_unchanged_index_is_not_reopened(seed_copy):
    """The app's own reading (SQLite makes and removes its -wal file) is not
    a change: no refresh loop."""
    app = WartuiApp(seed_copy)
    app.watch_seconds = 0.2
    refreshes = []
    real_refresh = app.refresh_index

    async def counting(*args, **kwargs):
        refreshes.append(args)
        return await real_refresh(*args, **kwargs)

    app.refresh_index = counting

    async def scenario(pilot):
        await pilot.press(*"Taqsis")
        await pilot.pause(1.5)
        await settle(pilot)
        assert refreshes == []

    run_app(app, scenario)


def test_f5_refreshes_at_once(seed_copy, tmp_path):
    app = WartuiApp(seed_copy)
    app.watch_seconds = 0  # no automatic check: only f5

    async def scenario(pilot):
        await pilot.press(*"Zarzour")
        await settle(pilot)
        await asyncio.to_thread(add_page_elsewhere, seed_copy, tmp_path)
        await pilot.press("backspace", "r")  # the same query again: still the old index
        await settle(pilot)
        assert result_ids(pilot.app) == []
        await pilot.press("f5")  # from the search box (ctrl+r there is the history)
        await settle(pilot)
        assert result_ids(pilot.app) == ["zarzour"]
        assert any("The index has 6 reports" in n
                   for n in notifications(pilot.app))

    run_app(app, scenario)


def test_refresh_is_in_the_help_with_its_id():
    from textual.binding import Binding

    bindings = {b.id: b for b in Binding.make_bindings(SearchScreen.BINDINGS)}
    assert bindings["search.refresh"].key == "f5"
    assert bindings["search.refresh"].description == "Refresh"


def test_the_app_searches_while_another_process_writes(corpus, seed_copy, tmp_path):
    """The writer holds its lock inside the store's transaction: the app
    opens the index, searches and reads articles all the same."""
    path, _ = corpus
    phases = tmp_path / "phases"
    writer = subprocess.Popen(child_argv(seed_copy, [path], batch=BATCH, crash="in-sqlite:1",
                                         hold=8, phase_file=phases),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_phase(phases, "held", writer)
        app = WartuiApp(seed_copy)

        async def scenario(pilot):
            await pilot.press(*"Taqsis")
            await settle(pilot)
            assert set(result_ids(pilot.app)) >= {"000_1d8dfec3ee535e83"}
            pilot.app.open_document(SEED_ID)
            await settle(pilot)
            assert "Taqsis" in screen_text(pilot.app)

        run_app(app, scenario)
    finally:
        writer.kill()
        writer.wait()


@pytest.mark.parametrize("crash", ["between-commits:2", "whoosh-commit:2"])
def test_a_search_never_lists_an_article_show_cannot_open(corpus, tmp_path, crash):
    """A writer held between a batch's two commits, then killed there: every
    hit of every search opens, in this process as `show` would (before, the
    batch was in Whoosh first: its hits were "not found" until the next
    `index`). The batch is found once the next run has put it into Whoosh."""
    path, expected = corpus
    index_dir, phases = tmp_path / "ix", tmp_path / "phases"

    def every_hit_opens(library) -> int:
        hits = library.search("", limit=1000, all_versions=True).hits
        hits += library.search("aleppo OR damascus", limit=1000, all_versions=True).hits
        assert hits
        assert [hit.id for hit in hits if library.article(hit.id) is None] == []
        return len({hit.id for hit in hits})

    writer = subprocess.Popen(child_argv(index_dir, [path], batch=BATCH, crash=crash, hold=30,
                                         phase_file=phases),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_phase(phases, "held", writer)
        with Library(index_dir) as library:  # a reader opened while it waits
            assert every_hit_opens(library) == BATCH
            assert library.count() == 2 * BATCH  # (the held batch: in the store only)
    finally:
        writer.kill()
        writer.wait()
    with Library(index_dir) as library:  # and after the kill
        assert every_hit_opens(library) == BATCH
    assert index_run(index_dir, [path]).returncode == 0
    with Library(index_dir) as library:
        assert every_hit_opens(library) == len(expected)


# -- read-only --------------------------------------------------------------------------------

@pytest.fixture
def read_only(monkeypatch):
    """As a directory without write permission looks to a user who is not
    root (root writes anyway: the real case is tested below)."""
    for module in (library_module, indexing_module):  # (opening, and the write run)
        monkeypatch.setattr(module, "writable", lambda directory: False)


def test_a_read_only_index_is_searched_without_writing(seed_copy, read_only, capsys):
    def files():  # (SQLite makes its -wal and -shm where it can, even to read)
        return sorted(p.name for p in seed_copy.rglob("*") if not p.name.endswith(("-wal", "-shm")))

    before = files()
    with Library(seed_copy) as library:
        assert library.search("Taqsis").total == 2
        assert library.read_only and library._store.readonly
        assert library.entities(SEED_ID)
        with pytest.raises(IndexReadOnly, match="cannot write to the index"):
            library.add_paths([tmp_path_page(seed_copy)])
    assert files() == before
    for argv in (["search", "Taqsis"], ["show", SEED_ID], ["entities", SEED_ID],
                 ["entities", "--top"]):
        assert main(["--index-dir", str(seed_copy), *argv]) == 0, argv
    capsys.readouterr()
    assert main(["--index-dir", str(seed_copy), "index"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write to the index" in err


def tmp_path_page(index_dir: Path) -> Path:
    page = index_dir.parent / "page.txt"
    page.write_text(NEW_PAGE, encoding="utf-8")
    return page


def test_a_permission_error_while_writing_says_read_only(seed_copy, monkeypatch, seeds_dir):
    """A read-only disk seen only when writing (root, a remount)."""
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):
        if str(path).endswith("write.lock"):
            raise PermissionError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(library_module.os, "open", refuse)
    with Library(seed_copy) as library, pytest.raises(IndexReadOnly, match="Read-only"):
        library.add_paths([seeds_dir])


def test_the_app_on_a_read_only_folder(tmp_path, read_only):
    """The first run cannot build the seed index there: a message, no crash."""
    app = WartuiApp(tmp_path / "new-index")

    async def scenario(pilot):
        for _ in range(100):
            if isinstance(pilot.app.screen, SearchScreen):
                break
            await pilot.pause(0.05)
        await settle(pilot)
        assert pilot.app.is_running
        assert isinstance(pilot.app.screen, SearchScreen)
        assert "cannot write to the index" in screen_text(pilot.app)
        assert pilot.app.screen.query_one("#status").has_class("-error")

    run_app(app, scenario)
    assert not (tmp_path / "new-index").exists()


def test_the_app_searches_a_read_only_index(seed_copy, read_only):
    app = WartuiApp(seed_copy)

    async def scenario(pilot):
        await pilot.press(*"Taqsis")
        await settle(pilot)
        assert result_ids(pilot.app) == ["000_1d8dfec3ee535e83"]  # (001 is its version)

    run_app(app, scenario)


READ_ONLY_CHILD = r"""
import contextlib, io, json, os, sys
from wartui.cli import main

warm, target, doc = sys.argv[1:4]
commands = [["search", "Taqsis", "--json"], ["show", doc], ["entities", doc],
            ["entities", "--top"], ["index"]]
if os.geteuid() == 0:
    # Root writes through chmod: import everything the commands use while
    # root can still read the standard library, then become nobody.
    for argv in commands:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            main(["--index-dir", warm, *argv])
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
out = []
for argv in commands:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main(["--index-dir", target, *argv])
    out.append([argv[0], status, stdout.getvalue(), stderr.getvalue()])
print(json.dumps(out))
"""


def test_a_really_read_only_index(seed_copy):
    """chmod -R a-w, as a user who is not root (as nobody, when the tests run
    as root): SQLite opens as immutable, Whoosh without writing."""
    base = Path(tempfile.mkdtemp(prefix="wartui-ro-"))
    try:
        os.chmod(base, 0o755)
        target, warm = base / "ix", base / "warm"
        shutil.copytree(seed_copy, target)
        shutil.copytree(seed_copy, warm)
        for path in [target, *target.rglob("*")]:
            os.chmod(path, 0o555 if path.is_dir() else 0o444)
        before = sorted(p.name for p in target.rglob("*"))
        result = subprocess.run([sys.executable, "-c", READ_ONLY_CHILD, str(warm), str(target),
                                 SEED_ID], capture_output=True, text=True, timeout=120)
        if result.returncode and "Operation not permitted" in result.stderr:
            pytest.skip("cannot become nobody here")
        assert result.returncode == 0, result.stderr
        found = {name: (status, out, err) for name, status, out, err in
                 json.loads(result.stdout)}
        assert found["search"][0] == 0 and json.loads(found["search"][1])["total"] == 2
        assert found["show"][0] == 0 and "Taqsis" in found["show"][1]
        assert found["entities"][0] == 0
        status, _, err = found["index"]
        assert status == 2 and err.count("\n") == 1 and "cannot write to the index" in err
        assert sorted(p.name for p in target.rglob("*")) == before  # no -wal, -shm, lock
    finally:
        for path in [base, *base.rglob("*")]:
            if path.is_dir():
                os.chmod(path, 0o755)
        shutil.rmtree(base)


WAL_CHILD = r"""
import contextlib, io, json, os, shutil, sys, tempfile
import wartui.space, wartui.store
from wartui.cli import main

warm, target, doc = sys.argv[1:4]
commands = [["search", "aleppo", "--json", "--limit", "100"], ["show", doc, "--json"]]
if os.geteuid() == 0:  # (as READ_ONLY_CHILD; an error line too, for what prints it)
    for argv in [*commands, ["show", "no-such-id"]]:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            main(["--index-dir", warm, *argv])
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
out = []
for room in (None, 0):
    if room is not None:
        wartui.space.free_bytes = lambda directory: room
    for argv in commands:
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            status = main(["--index-dir", target, *argv])
        out.append([argv[0], room, status, stdout.getvalue(), stderr.getvalue()])
print(json.dumps(out))
"""


def test_a_read_only_store_with_its_last_batches_in_the_wal_and_no_shm(corpus, tmp_path):
    """A writer killed with its last batches still in articles.sqlite-wal,
    the -shm file not copied, the folder read-only: SQLite cannot read the
    log without a -shm file beside it, and opened as immutable the store
    lacks those batches (here: the whole schema, "damaged; rebuild"). It is
    read from a private copy in the temporary folder, or, without room for
    one, the message says what is missing and what to do."""
    path, _ = corpus
    index_dir = tmp_path / "ix"
    killed = index_run(index_dir, [path], crash="in-sqlite:3")  # two batches committed
    assert killed.returncode == -signal.SIGKILL
    assert (index_dir / "articles.sqlite-wal").stat().st_size > 100_000
    base = Path(tempfile.mkdtemp(prefix="wartui-wal-"))
    try:
        os.chmod(base, 0o755)
        target, warm, scratch = base / "ix", base / "warm", base / "tmp"
        shutil.copytree(index_dir, target)
        (target / "articles.sqlite-shm").unlink()
        with Library(index_dir) as library:  # (writable: the answers to expect)
            expected = library.search("aleppo", limit=100).total
            doc = sorted(library.ids())[-1]
        shutil.copytree(index_dir, warm)
        scratch.mkdir(mode=0o777)
        os.chmod(scratch, 0o777)
        for item in [target, *target.rglob("*")]:
            os.chmod(item, 0o555 if item.is_dir() else 0o444)
        before = sorted((p.name, p.stat().st_size) for p in target.rglob("*"))
        result = subprocess.run([sys.executable, "-c", WAL_CHILD, str(warm), str(target), doc],
                                capture_output=True, text=True, timeout=120,
                                env={**os.environ, "TMPDIR": str(scratch)})
        if result.returncode and "Operation not permitted" in result.stderr:
            pytest.skip("cannot become nobody here")
        assert result.returncode == 0, result.stderr
        (search, show, no_room_search, no_room_show) = json.loads(result.stdout)
        assert search[2] == 0 and json.loads(search[3])["total"] == expected, search
        assert show[2] == 0 and json.loads(show[3])["id"] == doc, show
        for _, _, status, out, err in (no_room_search, no_room_show):
            assert status == 2 and out == "" and err.count("\n") == 1, err
            assert (f"its last batches are in articles.sqlite-wal, which SQLite reads only "
                    f"through an articles.sqlite-shm file beside it, and {target} cannot "
                    "hold one (read-only)") in err
            assert "rebuild" not in err
        assert sorted((p.name, p.stat().st_size) for p in target.rglob("*")) == before
        assert list(scratch.iterdir()) == []  # the private copies removed
    finally:
        for item in [base, *base.rglob("*")]:
            if item.is_dir():
                os.chmod(item, 0o755)
        shutil.rmtree(base)


# -- old and damaged indexes -----------------------------------------------------------------

def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])


REBUILD, REPAIR = "index --rebuild", "check --repair"
# damage, what the message says, and the command it gives: a damaged search
# index (Whoosh) is made again from the article store, which holds every
# article; a damaged store only a rebuild from the files mends.
DAMAGE = {
    "schema 1": (lambda ix: (ix / "wartui.json").write_text('{"schema": 1}'),
                 "has schema version 1", REBUILD),
    "wartui.json missing": (lambda ix: (ix / "wartui.json").unlink(), "wartui.json is missing",
                            REBUILD),
    "wartui.json garbled": (lambda ix: (ix / "wartui.json").write_text("{gar"), "unreadable",
                            REBUILD),
    "Whoosh TOC truncated": (lambda ix: _truncate(next((ix / "whoosh").glob("_MAIN_*.toc"))),
                             "whoosh/ unreadable", REPAIR),
    "Whoosh segment truncated": (lambda ix: _truncate(next((ix / "whoosh").glob("*.seg"))),
                                 "whoosh/ unreadable", REPAIR),
    "Whoosh TOC missing": (lambda ix: next((ix / "whoosh").glob("_MAIN_*.toc")).unlink(),
                           "whoosh/ unreadable", REPAIR),
    "whoosh/ missing": (lambda ix: shutil.rmtree(ix / "whoosh"), "whoosh is missing", REPAIR),
    "SQLite truncated": (lambda ix: _truncate(ix / "articles.sqlite"), "is truncated", REBUILD),
    "SQLite garbage": (lambda ix: (ix / "articles.sqlite").write_bytes(b"\x00garbage" * 4096),
                       "not an SQLite database", REBUILD),
    "SQLite empty": (lambda ix: (ix / "articles.sqlite").write_bytes(b""),
                     "articles.sqlite is empty", REBUILD),
    "SQLite missing": (lambda ix: (ix / "articles.sqlite").unlink(),
                       "articles.sqlite is missing", REBUILD),
}


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory, seeds_dir) -> Path:
    index_dir = tmp_path_factory.mktemp("damage") / "ix"
    with Library(index_dir) as library:
        library.add_paths([seeds_dir])
    return index_dir


@pytest.fixture(params=sorted(DAMAGE))
def damaged_index(request, seed_index, tmp_path) -> tuple[Path, str, str]:
    index_dir = tmp_path / "ix"
    shutil.copytree(seed_index, index_dir)
    damage, message, mend = DAMAGE[request.param]
    damage(index_dir)
    return index_dir, message, mend


def test_a_damaged_index_is_a_clear_message_from_the_cli(damaged_index, capsys, seeds_dir):
    index_dir, message, mend = damaged_index
    for argv in (["search", "Taqsis"], ["show", SEED_ID], ["entities", SEED_ID], ["check"]):
        assert main(["--index-dir", str(index_dir), *argv]) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err  # one line, however long
        assert message in err, err
        assert f"wartui --index-dir {index_dir} {mend}" in err, err
    with pytest.raises(IndexVersionError, match=mend):
        Library(index_dir).search("Taqsis")
    if mend == REPAIR:  # from the store: the seed files are not needed
        assert main(["--index-dir", str(index_dir), "check", "--repair"]) == 0
        assert "is whole: 5 articles" in capsys.readouterr().out
    else:  # `wartui index` without --rebuild refuses or makes it whole; --rebuild always works
        status = main(["--index-dir", str(index_dir), "index", str(seeds_dir)])
        err = capsys.readouterr().err
        assert status == 0 or (status == 2 and "--rebuild" in err), err
        assert main(["--index-dir", str(index_dir), "index", str(seeds_dir), "--rebuild"]) == 0
    capsys.readouterr()
    assert main(["--index-dir", str(index_dir), "search", "Taqsis", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 2


def test_a_damaged_index_is_a_message_in_the_app(damaged_index):
    index_dir, message, mend = damaged_index
    app = WartuiApp(index_dir)

    async def scenario(pilot):
        assert isinstance(pilot.app.screen, SearchScreen)  # no seed build over it
        status = pilot.app.screen.query_one("#status")
        assert status.has_class("-error")
        text = " ".join(screen_text(pilot.app).split())
        assert message in text and mend in text, text

    run_app(app, scenario, size=(160, 32))
