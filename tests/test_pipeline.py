"""Large runs clean in worker processes (ingest/pipeline.py): the index they
build is the one a single process builds."""

import itertools
import os
from pathlib import Path

import pytest

from wartui import Library
from wartui.ingest import pipeline


def _contents(library: Library) -> tuple:
    articles = library._store.get_many(library.ids())
    return ({doc_id: (a.content_hash, a.paragraphs, [(e.id, e.start, e.end) for e in a.entities])
             for doc_id, a in articles.items()},
            sorted((p.a, p.b) for p in library._version_index.pairs()),
            library.search("Deir ez-Zor", limit=50).to_json())


def test_workers_build_the_same_index(tmp_path, seeds_dir, fakes_csv, monkeypatch):
    with Library(tmp_path / "one") as alone:
        alone.add_paths([seeds_dir, fakes_csv])
        expected = _contents(alone)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(pipeline, "CHUNK", 100)  # several round trips
    assert pipeline.worker_count(1) >= 1
    with Library(tmp_path / "many") as parallel:
        report = parallel.add_paths([seeds_dir, fakes_csv])
        assert report.new == 809 and not report.skipped
        assert _contents(parallel) == expected


def test_a_page_the_cleaner_fails_on_is_skipped_with_its_reason(tmp_path, monkeypatch):
    def broken(record, rules, furniture=None):
        if "poison" in record.text:
            raise ValueError("boom")
        return clean(record, rules, furniture=furniture)

    from wartui.ingest.clean import clean

    monkeypatch.setattr("wartui.ingest.clean.clean", broken)
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "good.txt").write_text("A good page\n\nShelling hit Jarabulus.\n")
    (pages / "bad.txt").write_text("A bad page\n\npoison in the text.\n")
    with Library(tmp_path / "index") as library:
        report = library.add_paths([pages])
        assert report.new == 1
        assert [(s.where, "could not clean" in s.reason) for s in report.skipped] == [
            ("bad", True)]
        assert [hit.id for hit in library.search("Jarabulus").hits] == ["good"]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_run_at_a_lower_priority_than_the_writer(fakes_csv):
    """The writer is the process everything waits for: the workers are niced
    (pipeline.WORKER_NICE), so that it keeps its core while they share."""
    from wartui.ingest.sources import read_path

    def niceness(pid) -> int:
        # /proc/PID/stat: field 19 is the nice value; the name (2) may hold spaces
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])

    def workers() -> list[int]:
        """This process's pool workers (not multiprocessing's resource tracker)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if (int(stat.read_text().rsplit(")", 1)[1].split()[1]) == os.getpid()
                        and b"spawn_main" in (stat.parent / "cmdline").read_bytes()):
                    found.append(int(stat.parent.name))
            except (OSError, ValueError):
                pass  # a process that ended meanwhile
        return found

    jobs = ((record, "x") for record in itertools.islice(read_path(fakes_csv), 20))
    rules, recognizer = pipeline._setup()
    seen = []
    for prepared in pipeline.prepare_all(jobs, 2, rules, recognizer):
        if not seen:  # the pool is up while its results come
            seen = [niceness(pid) for pid in workers()]
        assert prepared.article is not None
    mine = niceness(os.getpid())
    if mine >= 19:
        pytest.skip("this process already runs at the lowest priority")
    assert len(seen) == 2 and all(nice > mine for nice in seen), (mine, seen)
    assert all(nice == min(19, mine + pipeline.WORKER_NICE) for nice in seen), (mine, seen)


GIVE_UP = r"""
import itertools, sys, time
from pathlib import Path
from wartui.ingest import pipeline
from wartui.ingest.sources import read_path

pipeline.CHUNK = 100
jobs = ((record, "x") for record in itertools.islice(read_path(Path(sys.argv[1])), 600))
rules, recognizer = pipeline._setup()
results = pipeline.prepare_all(jobs, 2, rules, recognizer)
next(results)
sys.setswitchinterval(30)  # this thread alone runs: nobody reads the workers' answers,
end = time.monotonic() + 4  # which wait half-written in their pipes
while time.monotonic() < end:
    pass
results.close()  # the caller gives up (a full disk, Ctrl-C): the workers are ended
print("closed")
"""


def test_giving_up_while_workers_answer_does_not_hang(fakes_csv):
    """The caller gives up (a full disk, Ctrl-C) while the workers are half
    way through writing answers nobody reads: they are killed, and their
    threads here read the end of their pipes instead of waiting for the
    rest. (multiprocessing.Pool, used before, hung once so in 16 runs of
    bench/diskfull.py: its result thread waited forever for the rest of a
    killed worker's answer, on a pipe the parent kept open; this scenario
    did not make it hang here.)"""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", GIVE_UP, str(fakes_csv)], capture_output=True,
                          text=True, timeout=90)
    assert done.returncode == 0 and done.stdout == "closed\n", done.stderr
    assert done.stderr == ""
