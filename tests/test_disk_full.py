"""A full disk is not a damaged index (issue #22): one line saying how much
is free and what to do, exit status 4, never the advice to rebuild (which
deletes the index), nothing half-written, and the same command run again
once there is room finishes the work.

On a real small tmpfs when this process may mount one (root), and in this
process with Whoosh's or SQLite's writes made to fail, everywhere.
"""

from __future__ import annotations

import errno
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import wartui.indexing as indexing_module
from wartui import Library, space
from wartui.cli import main
from wartui.errors import DiskFull

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import write_corpus  # noqa: E402
from bench.kill import child_argv, expected_ids, inspect  # noqa: E402

FULL = "the disk is full ("
AGAIN = "; free space and run the same command again"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, set[str]]:
    path = tmp_path_factory.mktemp("full") / "full.jsonl"
    write_corpus(path, 240, seed=3, dupes=4)
    return path, expected_ids(path)


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "rebuild" not in err, err
    return lines[0]


def assert_complete(index_dir: Path, expected: set[str]) -> None:
    found = inspect(index_dir, expected, final=True)
    assert not found["problems"], found


# -- a real full disk ----------------------------------------------------------------------

@pytest.fixture
def small_disk():
    """A 2 MB tmpfs (grown with `grow`), or a skip where mounting is not allowed."""
    where = Path(tempfile.mkdtemp(prefix="wartui-small-"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)],
                             capture_output=True)
    if mounted.returncode:
        where.rmdir()
        pytest.skip("cannot mount a tmpfs here (the monkeypatched tests stand in)")

    def grow(size: str) -> None:
        subprocess.run(["mount", "-o", f"remount,size={size}", str(where)], check=True)

    try:
        yield where, grow
    finally:
        subprocess.run(["umount", str(where)], capture_output=True)
        where.rmdir()


def test_index_on_a_full_tmpfs_stops_cleanly_and_goes_on_with_room(corpus, small_disk):
    path, expected = corpus
    where, grow = small_disk
    index_dir = where / "ix"
    full = subprocess.run(child_argv(index_dir, [path], batch=40), capture_output=True, text=True,
                          timeout=120)
    assert full.returncode == 4, full.stderr
    warning, message = full.stderr.strip().splitlines()  # told before it wrote, then why it stopped
    assert warning.startswith("wartui: warning: this run may need about ")
    assert message.startswith(f"wartui: {FULL}") and message.endswith(AGAIN)
    assert f"MB free in {index_dir}" in message and "rebuild" not in full.stderr
    found = inspect(index_dir, expected)  # whole: the batches committed, nothing half-written
    assert not found["problems"] and found["store"] % 40 == 0, found
    again = subprocess.run(child_argv(index_dir, [path], batch=40), capture_output=True,
                           text=True, timeout=120)  # still no room: the same line, no damage
    assert again.returncode == 4 and FULL in one_line(again.stderr.splitlines()[-1])
    filler = where / "filler"
    subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True)
    reader = subprocess.run([sys.executable, "-m", "wartui", "--index-dir", str(index_dir),
                             "search", "aleppo"], capture_output=True, text=True, timeout=60)
    assert reader.returncode in (0, 4), reader.stderr  # SQLite needs room even to read
    if reader.returncode == 4:
        assert one_line(reader.stderr).startswith(f"wartui: {FULL}0 MB free")
    filler.unlink()
    grow("64m")
    done = subprocess.run(child_argv(index_dir, [path], batch=40), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["warnings"] == []
    assert_complete(index_dir, expected)


# -- writes made to fail -----------------------------------------------------------------------

@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(indexing_module, "BATCH_SIZE", 40)


def whoosh_fills_up_after(monkeypatch, limit: int) -> None:
    """Every Whoosh write (segment files, the compound file, the TOC) fails
    with ENOSPC once `limit` bytes have been written."""
    from whoosh.filedb.structfile import StructFile

    real_write = StructFile.write
    written = [0]

    def write(self, data, *args, **kwargs):
        written[0] += len(data)
        if written[0] > limit:
            raise OSError(errno.ENOSPC, "No space left on device", self._name)
        return real_write(self, data, *args, **kwargs)

    monkeypatch.setattr(StructFile, "write", write)


def test_whoosh_running_out_of_space(corpus, tmp_path, small_batches, monkeypatch, capsys):
    """Before: a 39-75-line traceback ending in OSError: [Errno 28], status 1
    (the status of "something was skipped")."""
    path, expected = corpus
    index_dir = tmp_path / "ix"
    whoosh_fills_up_after(monkeypatch, 3000000)
    assert main(["--index-dir", str(index_dir), "index", str(path)]) == 4
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"wartui: {FULL}") and line.endswith(AGAIN)
    found = inspect(index_dir, expected)
    assert not found["problems"] and 0 < found["whoosh"] < len(expected), found
    assert not list((index_dir / "whoosh").glob("MAIN.tmp"))
    monkeypatch.undo()
    assert main(["--index-dir", str(index_dir), "index", str(path)]) == 0
    assert_complete(index_dir, expected)


def test_sqlite_running_out_of_space(corpus, tmp_path, small_batches, monkeypatch, capsys):
    """SQLite's own "database or disk is full" (its page limit reached).
    Before: "the index ... is damaged (...); rebuild it with ...", and a
    rebuild deletes the index."""
    path, expected = corpus
    index_dir = tmp_path / "ix"
    from wartui import store as store_module

    real_init = store_module.ArticleStore.__init__

    def limited(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        self.db.execute(f"PRAGMA max_page_count = {max(pages, 1) + 150}")

    monkeypatch.setattr(store_module.ArticleStore, "__init__", limited)
    assert main(["--index-dir", str(index_dir), "index", str(path)]) == 4
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"wartui: {FULL}") and line.endswith(AGAIN)
    found = inspect(index_dir, expected)
    assert not found["problems"] and 0 < found["store"] < len(expected), found
    monkeypatch.undo()
    assert main(["--index-dir", str(index_dir), "index", str(path)]) == 0
    assert_complete(index_dir, expected)


def test_reading_on_a_full_disk_is_not_damage(tmp_path, seeds_dir, monkeypatch, capsys):
    """SQLite cannot make its 32 KB -shm file on a full disk, even to read:
    "disk I/O error", which was called damage."""
    index_dir = tmp_path / "ix"
    with Library(index_dir) as library:
        library.add_paths([seeds_dir])
    from wartui import store as store_module

    def no_room(self, *args, **kwargs):
        error = sqlite3.OperationalError("disk I/O error")
        error.sqlite_errorcode = 4874  # SQLITE_IOERR_SHMSIZE
        raise error

    monkeypatch.setattr(store_module.ArticleStore, "__init__", no_room)
    monkeypatch.setattr(space, "free_bytes", lambda directory: 12_000)
    for argv in (["search", "Taqsis"], ["show", "001_cddafe3289ae453d"], ["index"]):
        assert main(["--index-dir", str(index_dir), *argv]) == 4, argv
        assert one_line(capsys.readouterr().err) == (
            f"wartui: the disk is full (0 MB free in {index_dir}){AGAIN}")
    monkeypatch.undo()
    with pytest.raises(DiskFull):  # from the library too, for the app
        monkeypatch.setattr(store_module.ArticleStore, "__init__", no_room)
        monkeypatch.setattr(space, "free_bytes", lambda directory: 0)
        Library(index_dir).search("Taqsis")


def test_a_run_that_may_not_fit_is_warned_before_it_writes(corpus, tmp_path, monkeypatch,
                                                          capsys):
    path, _ = corpus
    index_dir = tmp_path / "ix"
    writes = []
    monkeypatch.setattr(space, "free_bytes", lambda directory: 2_000_000)
    from wartui.store import ArticleStore

    real_put_many = ArticleStore.put_many

    def put_many(self, rows):
        writes.append(capsys.readouterr().err)  # what was said before the first write
        return real_put_many(self, rows)

    monkeypatch.setattr(ArticleStore, "put_many", put_many)
    assert main(["--index-dir", str(index_dir), "index", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (warning,) = report["warnings"]
    needed = space.needed_bytes(sum(len(r["text"]) for r in map(json.loads,
                                                                path.read_text().splitlines())),
                                10**12)
    assert warning.startswith(f"this run may need about {needed / 1e6:,.0f} MB in {index_dir}, "
                              "which has 2 MB free")
    assert writes[0] == f"wartui: warning: {warning}\n"
