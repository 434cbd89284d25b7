"""kill -9 `wartui index` at random points; the index must stay whole.

    .venv/bin/python bench/kill.py --n 10000 --kills 20 [--seed 1] [--batch 5000]
        [--signal KILL|INT|TERM]

With `--signal INT` (sent to the child's process group, as a terminal's
Ctrl-C) or `TERM` (to its pid), each stop must also end with status 130 or
143 and the one line "wartui: interrupted; ..." on stderr, nothing more;
with KILL, nothing at all on stderr (no worker's traceback); and no process
of the child's may be left 5 s after (`signal_failures` counts the stops
that broke one of these).

Indexes bench/corpus/N.jsonl (made by bench/generate.py if missing) into a
fresh index, killing the `wartui index` child with SIGKILL after a random
delay (up to the time the articles still to index should take), `--kills`
times; the next run starts on what the killed one left (a run that finishes
before its kill is not counted: the index is deleted and started anew).
After every kill the index is inspected in this process: it must open, every
query of a small set must work, no article may be in Whoosh twice, every
Whoosh document must be in the store (a search never lists an article that
`show` cannot open), every stored article in the version tables, and no lock
may be left held. The re-runs use `--wait 0`, so a lock left behind by a killed
writer would fail them at once (exit status 3). When the kills are done, runs
continue until one completes; then Whoosh ids, store ids and version-table ids
must all equal the corpus's ids, and one more run must find nothing to do.

Prints JSON: kills, runs, seconds, missing, doubled, errors (all must be 0
but kills, runs and seconds), and where the kills landed (`phases`: cleaning =
cleaning pages and adding them to the open Whoosh writer, sqlite = inside
the store's transaction, whoosh = from the end of that transaction to the
end of the Whoosh commit), as told by the child.

The child is this file with `--child`: it runs the CLI with BATCH_SIZE set to
`--batch` (with `--parallel`, cleaning in worker processes however small the
input; it logs the phase `prepared` once their first article is back) and
optionally a `--crash POINT:N` hook that SIGKILLs itself at an
exact point of the Nth batch (the tests use it): `in-sqlite` (inside the
store's transaction, before its commit), `between-commits` (after the first
of the batch's two commits, before the second: the store's, then Whoosh's),
`whoosh-commit` (segment files written, the new TOC not yet in place),
`prepared` (the workers' first article back; with `--hold`, the run waits
there for a signal).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CORPUS_DIR, OUT_DIR = BENCH / "corpus", BENCH / "out"
sys.path.insert(0, str(BENCH.parent))  # `bench.generate`, also when run as a script

CHECK_QUERIES = ["", "aleppo", "chemical AND idlib", '"Syrian Observatory for Human Rights"',
                 "Deir ez-Zor", "bomb*", "source:reuters", "date:2016 AND aleppo"]


# -- the child -------------------------------------------------------------------------

def _phase_logger(path: str | None):
    if not path:
        return lambda phase: None
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    return lambda phase: os.write(fd, f"{phase}\n".encode())


def _suicide() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def install_hooks(crash: str | None, phase_file: str | None, hold: float = 0.0) -> None:
    """Wrap the writing steps: log the phase (unbuffered, it must survive the
    kill) and SIGKILL this process at `crash` ("point:N", N counted from 1),
    or with `hold`, log "held" there and sleep that long instead."""
    from contextlib import contextmanager

    import whoosh.filedb.filestore as filestore
    import whoosh.writing as writing

    import wartui.ingest.pipeline as pipeline
    import wartui.search.writer as writer
    import wartui.store as store
    import wartui.versions.detect as detect

    log = _phase_logger(phase_file)
    point, _, nth = (crash or "").partition(":")
    nth = int(nth or 1)
    counts: Counter = Counter()

    def at(name: str) -> None:
        counts[name] += 1
        if name == point and counts[name] == nth:
            if hold:
                log("held")
                time.sleep(hold)
            else:
                _suicide()

    real_prepare_all = pipeline.prepare_all

    def prepare_all(*args, **kwargs):
        for number, prepared in enumerate(real_prepare_all(*args, **kwargs)):
            if number == 0:
                log("prepared")
                at("prepared")  # (with --hold: the run held there, its workers busy)
            yield prepared

    pipeline.prepare_all = prepare_all

    # A batch is committed twice, to the store and to Whoosh: "between-commits"
    # is after the first of the two (whichever it is), before the second.
    committed: list[str] = []
    batch_rows = []

    def one_commit_done(name: str) -> None:
        committed.append(name)
        if len(committed) == 1:
            at("between-commits")
        else:
            committed.clear()

    real_put_many = store.ArticleStore.put_many

    def put_many(self, rows):
        batch_rows.append(True)
        return real_put_many(self, rows)

    store.ArticleStore.put_many = put_many

    real_batch_commit = writer.IndexBatch.commit

    def batch_commit(self):
        log("whoosh")
        real_batch_commit(self)
        log("cleaning")
        one_commit_done("whoosh")

    writer.IndexBatch.commit = batch_commit

    real_commit_toc = writing.SegmentWriter._commit_toc
    real_rename = filestore.FileStorage.rename_file
    in_commit = []

    def commit_toc(self, segments):
        in_commit.append(True)
        try:
            return real_commit_toc(self, segments)
        finally:
            in_commit.pop()

    def rename_file(self, old, new, safe=False):
        if in_commit and ".toc." in old:  # the new TOC is written, not yet in place
            at("whoosh-commit")
        return real_rename(self, old, new, safe)

    writing.SegmentWriter._commit_toc = commit_toc
    filestore.FileStorage.rename_file = rename_file

    real_verify = detect.VersionIndex._verify

    def verify(self, *args, **kwargs):  # inside the store's transaction
        found = real_verify(self, *args, **kwargs)
        at("in-sqlite")
        return found

    detect.VersionIndex._verify = verify

    real_transaction = store.transaction

    @contextmanager
    def transaction(db):
        outer = not db.in_transaction
        if outer:
            log("sqlite")
        with real_transaction(db):
            yield db
        if outer:
            log("cleaning")
            if batch_rows:  # a batch's rows, committed
                batch_rows.clear()
                one_commit_done("store")

    store.transaction = transaction
    log("cleaning")


def child(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kill.py --child")
    parser.add_argument("--batch", type=int, default=None)
    parser.add_argument("--crash", default=None)
    parser.add_argument("--phase-file", default=None)
    parser.add_argument("--hold", type=float, default=0.0)
    parser.add_argument("--parallel", action="store_true")
    parser.add_argument("cli", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    # Ctrl-C as a terminal's foreground `wartui index` takes it: a process
    # started in the background by a script (a CI runner, `cmd &`) inherits
    # SIGINT ignored, and Python then leaves it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import wartui.ingest.pipeline
    import wartui.indexing
    from wartui.cli import main

    if args.batch:
        wartui.indexing.BATCH_SIZE = args.batch
    if args.parallel:
        wartui.ingest.pipeline.PARALLEL_MIN_BYTES = 0
    install_hooks(args.crash, args.phase_file, args.hold)
    cli = args.cli[1:] if args.cli[:1] == ["--"] else args.cli
    return main(cli)


def child_argv(index_dir: Path, paths: list[Path], batch: int | None = None,
               crash: str | None = None, phase_file: Path | None = None,
               wait: float | None = 0.0, hold: float = 0.0,
               parallel: bool = False) -> list[str]:
    """The command of one `wartui index` run under the hooks (`wait` None:
    no --wait option, for a wartui without it)."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--child"]
    if batch:
        argv += ["--batch", str(batch)]
    if parallel:
        argv.append("--parallel")
    if crash:
        argv += ["--crash", crash]
    if phase_file:
        argv += ["--phase-file", str(phase_file)]
    if hold:
        argv += ["--hold", str(hold)]
    argv += ["--", "--index-dir", str(index_dir), "index", *map(str, paths), "--json"]
    return argv + (["--wait", str(wait)] if wait is not None else [])


# -- inspecting an index ---------------------------------------------------------------

def expected_ids(corpus: Path) -> set[str]:
    """wartui's ids of a generated JSONL corpus: STEM:ID."""
    with corpus.open(encoding="utf-8") as handle:
        return {f"{corpus.stem}:{json.loads(line)['id']}" for line in handle if line.strip()}


def held_locks(index_dir: Path) -> list[str]:
    """Lock files that some process still holds (none may be, after a kill)."""
    held = []
    for path in (index_dir / "write.lock", index_dir / "whoosh" / "MAIN_WRITELOCK"):
        if not path.exists():
            continue
        fd = os.open(path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(fd, fcntl.LOCK_UN)
        except BlockingIOError:
            held.append(path.name)
        finally:
            os.close(fd)
    return held


def _cluster_problems(db) -> list[str]:
    """The clusters kept in the store must be the components of the pairs
    (they are written in the same transaction)."""
    from wartui.versions import clusters

    if not clusters.exists(db):
        return []
    groups = clusters.components(db.execute("SELECT a, b FROM version_pairs"))
    sizes = Counter(groups.values())
    wanted = {(doc_id, cluster, sizes[cluster]) for doc_id, cluster in groups.items()}
    kept = set(db.execute("SELECT id, cluster, size FROM version_clusters"))
    return [] if kept == wanted else [f"version_clusters differ from the pairs' components "
                                      f"in {len(kept ^ wanted)} rows"]


def inspect(index_dir: Path, expected: set[str], final: bool = False) -> dict:
    """What a killed (or finished) run left. `problems` lists every broken
    promise: while runs are cut short, the store may hold articles Whoosh
    lacks (the next run puts them into Whoosh), nothing else; when `final`,
    Whoosh, the store and the version tables must each hold exactly
    `expected`."""
    from wartui import Library
    from wartui.errors import QueryError

    problems: list[str] = []
    whoosh: Counter = Counter()
    store: set[str] = set()
    versions: set[str] = set()
    searches = 0
    try:
        with Library(index_dir) as library:
            store = set(library.ids())  # opens the index
            with library._ix.searcher() as searcher:
                whoosh.update(fields["id"] for fields in searcher.all_stored_fields())
            versions = {row[0] for row in  # (opened as a reader does: tables made if new)
                        library._version_index.db.execute("SELECT id FROM version_docs")}
            problems.extend(_cluster_problems(library._store.db))
            for query in CHECK_QUERIES:
                for sort in ("relevance", "date"):
                    try:
                        library.search(query, limit=10, sort=sort)
                        searches += 1
                    except QueryError as exc:
                        problems.append(f"search {query!r}: {exc}")
                library.facets(query)
            for doc_id in sorted(store)[:3]:
                if library.article(doc_id) is None or library.raw(doc_id) is None:
                    problems.append(f"show {doc_id}: not found")
                library.entities(doc_id)
                library.versions(doc_id)
            library.top_entities(limit=5)
            library.suggest("Alepo")
    except Exception as exc:  # noqa: BLE001 - every failure is a finding
        problems.append(f"{type(exc).__name__}: {exc}")
    doubled = sorted(doc_id for doc_id, count in whoosh.items() if count > 1)
    if doubled:
        problems.append(f"{len(doubled)} doubled in Whoosh, e.g. {doubled[:3]}")
    unexpected = sorted((set(whoosh) | store | versions) - expected)
    if unexpected:
        problems.append(f"{len(unexpected)} unexpected ids, e.g. {unexpected[:3]}")
    if set(whoosh) - store:
        problems.append(f"{len(set(whoosh) - store)} Whoosh documents not in the store "
                        "(found by a search, 'not found' by show)")
    if store != versions:
        problems.append(f"version tables differ from the store by {len(store ^ versions)}")
    locks = held_locks(index_dir)
    if locks:
        problems.append(f"locks still held: {locks}")
    missing = {"whoosh": len(expected - set(whoosh)), "store": len(expected - store),
               "versions": len(expected - versions)}
    if final and any(missing.values()):
        problems.append(f"missing after the final run: {missing}")
    leftovers = sorted(path.name for path in (index_dir / "whoosh").glob("_*.toc.*"))
    if final and leftovers:
        problems.append(f"files a killed writer left: {leftovers}")
    return {"whoosh": sum(whoosh.values()), "store": len(store), "versions": len(versions),
            "doubled": len(doubled), "missing": missing, "searches": searches,
            "problems": problems}


# -- the bench ---------------------------------------------------------------------------

def corpus_path(n: int, seed: int) -> Path:
    from bench.generate import write_corpus

    path = CORPUS_DIR / f"{n}.jsonl"
    params = CORPUS_DIR / f"{n}.params.json"
    if not path.exists() or json.loads(params.read_text()).get("seed") != seed:
        # (bench/run.py keeps its own params file: any seed-matching corpus will do)
        write_corpus(path, n, seed=seed, dupes=max(1, n // 100))
        params.write_text(json.dumps({"n": n, "seed": seed, "dupes": max(1, n // 100)}) + "\n")
    return path


def last_phase(phase_file: Path) -> str:
    try:
        lines = phase_file.read_text().split()
    except OSError:
        return "start"
    return lines[-1] if lines else "start"


INTERRUPTED = "wartui: interrupted; the index keeps every batch committed so far\n"
# signal: (how it is sent, the status and the stderr it must end with)
SIGNALS = {
    "KILL": ("to the pid", -signal.SIGKILL, ""),
    "INT": ("to the process group, as a terminal's Ctrl-C", 130, INTERRUPTED),
    "TERM": ("to the pid", 143, INTERRUPTED),
}


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for_phase(phase_file: Path, phase: str, child: subprocess.Popen,
                   seconds: float = 60) -> None:
    """Until the child has logged `phase` in its phase file (--phase-file);
    an AssertionError, with what it said, if it ended or never got there."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if phase_file.exists() and phase in phase_file.read_text().split():
            return
        assert child.poll() is None, child.communicate()
        time.sleep(0.05)
    raise AssertionError(f"the child never reached {phase}")


def stop(child_process: subprocess.Popen, signame: str) -> list[str] | None:
    """Send `signame` to the child (its own session), wait until every
    process of its group has closed stderr, and return what went wrong: a
    status other than SIGNALS says, anything else on stderr (a worker's
    traceback), a process left behind 5 s after. None: the run had finished
    before the signal reached it (status 0 or 1, nothing on stderr)."""
    signum = getattr(signal, f"SIG{signame}")
    try:
        if signame == "INT":
            os.killpg(child_process.pid, signum)
        else:
            os.kill(child_process.pid, signum)
    except ProcessLookupError:
        pass
    _, err = child_process.communicate()
    err = err.decode(errors="replace")
    _, status, said = SIGNALS[signame]
    if child_process.returncode in (0, 1) and not err:
        return None
    found = []
    if child_process.returncode != status:
        found.append(f"status {child_process.returncode}, not {status}")
    if err != said:
        found.append(f"stderr: {err.count(chr(10))} lines: {err[-400:]!r}")
    deadline = time.monotonic() + 5
    while group_alive(child_process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if group_alive(child_process.pid):
        found.append("processes left behind")
        os.killpg(child_process.pid, signal.SIGKILL)
    return found


def run_bench(n: int, kills: int, seed: int, batch: int | None, rate: float,
              out: Path, signame: str = "KILL") -> dict:
    """Kill (with `signame`), inspect, resume, `kills` times. Each delay is
    drawn from [0.5 s, the time the articles still to index should take at
    `rate` articles/s], so kills land all along a run, commits included; a
    run that finishes first is not a kill: the index is then deleted and
    started anew."""
    import shutil

    corpus = corpus_path(n, seed)
    expected = expected_ids(corpus)
    index_dir = out / f"index-kill-{n}"
    shutil.rmtree(index_dir, ignore_errors=True)
    phase_file = out / f"kill-{n}.phases"
    rng = random.Random(seed)
    figures: dict = {"n": len(expected), "signal": signame, "kills": 0, "runs": 0,
                     "completed_early": 0, "phases": Counter(), "missing": 0, "doubled": 0,
                     "errors": 0, "signal_failures": 0, "problems": [], "check_seconds": [],
                     "kill_after_s": []}
    stored = 0
    start = time.perf_counter()
    while figures["kills"] < kills:
        phase_file.unlink(missing_ok=True)
        child_process = subprocess.Popen(
            child_argv(index_dir, [corpus], batch=batch, phase_file=phase_file),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        delay = rng.uniform(0.5, 2.0 + (len(expected) - stored) / rate)
        try:
            _, err = child_process.communicate(timeout=delay)
            said = None
        except subprocess.TimeoutExpired:
            said = stop(child_process, signame)
            err = b""
        if said is None:  # finished before the kill: start anew
            figures["runs"] += 1
            figures["completed_early"] += 1
            if child_process.returncode not in (0, 1):
                figures["errors"] += 1
                figures["problems"].append(f"run exited {child_process.returncode}: "
                                           f"{err.decode()[-300:]}")
            shutil.rmtree(index_dir)
            stored = 0
            continue
        figures["runs"] += 1
        figures["kills"] += 1
        figures["kill_after_s"].append(round(delay, 1))
        phase = last_phase(phase_file)
        figures["phases"][phase] += 1
        checked = time.perf_counter()
        found = inspect(index_dir, expected)
        figures["check_seconds"].append(round(time.perf_counter() - checked, 2))
        stored = min(found["store"], found["whoosh"])  # (the rest: written again)
        figures["doubled"] += found["doubled"]
        if said:
            figures["signal_failures"] += 1
            found["problems"] += said
        if found["problems"]:
            figures["errors"] += len(found["problems"])
            figures["problems"].append({"kill": figures["kills"], "phase": phase,
                                        "after_s": round(delay, 1), **found})
        print(f"{signame} {figures['kills']:2d} after {delay:5.1f} s ({phase:8s}): "
              f"whoosh {found['whoosh']}, store {found['store']}, "
              f"versions {found['versions']}, problems {len(found['problems'])}",
              file=sys.stderr, flush=True)
    finals = []
    for _ in range(3):  # until a run completes (each resumes the last)
        begin = time.perf_counter()
        result = subprocess.run(child_argv(index_dir, [corpus], batch=batch),
                                capture_output=True, text=True)
        figures["runs"] += 1
        report = json.loads(result.stdout) if result.stdout.strip() else {}
        finals.append({"status": result.returncode,
                       "seconds": round(time.perf_counter() - begin, 1),
                       **{k: report.get(k) for k in ("new", "changed", "unchanged")},
                       "notes": [note["reason"] for note in report.get("notes", [])][:3],
                       "stderr": result.stderr[-300:]})
        if result.returncode in (0, 1):
            break
    found = inspect(index_dir, expected, final=True)
    begin = time.perf_counter()
    again = subprocess.run(child_argv(index_dir, [corpus], batch=batch),
                           capture_output=True, text=True)
    figures["runs"] += 1
    again_report = json.loads(again.stdout) if again.stdout.strip() else {}
    figures["rerun_seconds"] = round(time.perf_counter() - begin, 1)
    if again_report.get("unchanged") != len(expected) or again_report.get("new"):
        found["problems"].append("the run after the last changed something: " + str(
            {k: again_report.get(k) for k in ("new", "changed", "unchanged")}))
    figures["seconds"] = round(time.perf_counter() - start, 1)
    figures["missing"] = sum(found["missing"].values())
    figures["doubled"] += found["doubled"]
    figures["errors"] += len(found["problems"])
    if found["problems"]:
        figures["problems"].append({"final": True, **found})
    figures["final_runs"] = finals
    figures["final"] = {k: found[k] for k in ("whoosh", "store", "versions", "searches")}
    figures["check_seconds"] = {
        "max": max(figures["check_seconds"], default=0),
        "mean": round(sum(figures["check_seconds"]) / max(1, len(figures["check_seconds"])), 2)}
    figures["phases"] = dict(figures["phases"])
    figures["batch"] = batch or "default"
    return figures


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="base articles (default 10000)")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=None,
                        help="articles per commit (default: wartui's BATCH_SIZE)")
    parser.add_argument("--rate", type=float, default=150.0,
                        help="articles indexed per second, to spread the kills over what "
                             "is left of a run (default 150)")
    parser.add_argument("--signal", choices=sorted(SIGNALS), default="KILL",
                        help="KILL (default) or TERM to the pid, INT to the process group "
                             "(Ctrl-C)")
    args = parser.parse_args(argv)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    figures = run_bench(args.n, args.kills, args.seed, args.batch, args.rate, OUT_DIR,
                        args.signal)
    text = json.dumps(figures, indent=2, default=str)
    name = "kill" if args.signal == "KILL" else f"kill-{args.signal.lower()}"
    (OUT_DIR / f"{name}-{args.n}.json").write_text(text + "\n")
    print(text)
    return 0 if not figures["errors"] and not figures["missing"] else 1


if __name__ == "__main__":
    sys.exit(main())
