"""Cleaning and entity recognition of many pages, in worker processes.

Cleaning an article, finding its entities, its shingle hashes and MinHash
band keys for version detection and its Whoosh postings (search/prepared.py)
take about half of the time an article costs; the rest is writing Whoosh,
SQLite and the version tables, which one process must do. So on a large run
(PARALLEL_MIN_BYTES of input or more) that first half runs in worker
processes while the main process writes: chunks of pages go out in input
order and come back in input order, IN_FLIGHT chunks at most, so memory
stays bounded however large the input.

Workers are started with "spawn", not fork: the app indexes from a thread,
and forking a process that has threads can deadlock. A worker that dies
takes its chunk with it: the run stops with the error, and the next run
picks up from the last committed batch (nothing is half-written).

Workers never speak for the run. Ctrl-C in a terminal reaches the whole
process group, but it is the parent that stops the run (and then kills the
workers): workers ignore SIGINT, from their start. A worker whose parent
dies (kill -9) is killed with it by the kernel, before it writes its next
result into a pipe nobody reads (a traceback each, before).
"""

from __future__ import annotations

import collections
import itertools
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..model import Article, RawRecord

PARALLEL_MIN_BYTES = 4_000_000  # smaller runs: start-up of workers (~1 s) costs more
CHUNK = 1000  # pages per round trip to the workers
# Chunks submitted ahead of the caller, so that the workers go on through the
# writer's commits (~7 s each, every indexing.BATCH_SIZE articles). Each holds
# ~45 MB of prepared articles. At 30k, 4 against 2: ~11% less time for the
# same CPU time, 90 MB more; 6 against 4 (the workers now ~25% faster): the
# writer waited 12-20 s for them instead of 24-29, 3-4% less time for the
# same CPU time, the writer's peak 30-45 MB more.
IN_FLIGHT = 6
# Workers run at a lower priority (nice): the writer is the one process that
# everything waits for, and with a worker per core it otherwise shares its
# core with one. 7-11% faster at 30k (paired runs); an app indexing from a
# thread stays responsive too.
WORKER_NICE = 10


@dataclass
class Prepared:
    """A page made ready for the index: its article (or why there is none),
    its Whoosh document with the postings computed (search/prepared.py), and
    its shingle hashes and band keys for version detection (detect.signature)."""
    record: RawRecord
    digest: str
    article: Article | None
    error: str | None = None
    signature: tuple | None = None
    fields: dict | None = None


def worker_count(input_bytes: int) -> int:
    """0 (clean in this process) for small inputs; else a worker per core,
    at most 3 (the writing process is the bottleneck beyond that). Not one
    per spare core: the writer waits for the workers too (its commits, when
    they have nothing to do, are a third of its time), and with 2 cores one
    worker made the 10k build 15% slower than two."""
    if input_bytes < PARALLEL_MIN_BYTES:
        return 0
    return max(1, min(3, (os.cpu_count() or 1)))


_state: tuple | None = None


def _setup() -> tuple:
    global _state
    if _state is None:
        from ..entities.recognizer import default_recognizer
        from .clean import load_rules

        _state = (load_rules(), default_recognizer())
    return _state


_schema = None


def _whoosh_schema():
    global _schema
    if _schema is None:
        from ..search.schema import build_schema

        _schema = build_schema()
    return _schema


def prepare(record: RawRecord, digest: str, rules=None, recognizer=None,
            furniture=None) -> Prepared:
    """Clean one page (knowing the collection's `furniture`) and find its
    entities, in whichever process runs it; a worker loads the rules and the
    recognizer once, as the caller did, and is handed the furniture when it
    starts."""
    from ..search.engine import indexed
    from ..search.writer import document_fields
    from ..versions.detect import signature
    from .clean import clean

    if rules is None or recognizer is None:
        rules, recognizer = _setup()
    if furniture is None:
        furniture = _furniture
    try:
        article = clean(record, rules, furniture=furniture)
        article.entities = recognizer.find_in_article(article)
    except Exception as exc:  # a cleaner bug must not cost the other pages
        return Prepared(record, digest, None, f"could not clean: {exc!r}")
    article.content_hash = digest
    return Prepared(record, digest, article, signature=signature(article.body),
                    fields=indexed(_whoosh_schema(), document_fields(article)))


_furniture = None  # a worker's: the site furniture of the run (ingest/furniture.py)


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _quiet_with(parent: int) -> None:
    """Ignore SIGINT (pending since the worker started, blocked by
    `_sigint_blocked`: setting SIG_IGN discards it), and die with `parent`:
    at once where the kernel does it (Linux), else within a second."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        by_kernel = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux
        by_kernel = False
    if not by_kernel:
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # died before the kernel was told
        os._exit(0)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _serve(connection, furniture, parent: int) -> None:
    """A worker process: quiet, niced, handed the run's furniture; then
    tasks (lists of (record, digest)) in, their Prepared out, until the
    parent sends None or goes."""
    global _furniture
    _quiet_with(parent)
    _furniture = furniture
    try:
        os.nice(WORKER_NICE)
    except (AttributeError, OSError):  # no nice on this system: same priority
        pass
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            answer = ("done", [_prepare_job(job) for job in task])
        except Exception as exc:  # noqa: BLE001 - told to the parent, which stops the run
            answer = ("failed", repr(exc))
        try:
            connection.send(answer)
        except OSError:
            return  # (the parent stopped reading: it is ending the run)


def _prepare_job(job: tuple[RawRecord, str]) -> Prepared:
    prepared = prepare(*job)
    prepared.record = None  # the parent has it: don't send the raw page back
    return prepared


class _sigint_blocked:
    """SIGINT blocked in this thread while the workers start: they inherit
    the mask, so a Ctrl-C while they import (~1 s) stays pending until
    `_quiet_with` discards it. The parent gets its own Ctrl-C when the block
    ends."""

    def __enter__(self):
        self.mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})

    def __exit__(self, *exc):
        signal.pthread_sigmask(signal.SIG_SETMASK, self.mask)


class _Team:
    """Worker processes, each with a pipe of its own and a thread here that
    hands it the next task of a queue shared by all (so a free worker takes
    it) and keeps what comes back, also while the caller writes.

    Not multiprocessing.Pool: its workers answer through one pipe whose
    writing end the parent holds too, and when a worker died in the middle
    of an answer (Pool.terminate() on Ctrl-C, or after a full disk), its
    reading thread waited for the rest of it forever, and terminate() for
    that thread (bench/diskfull.py: 1 run of 16 hung). Here a worker's pipe
    is its own: when it dies, its thread reads the end of the pipe."""

    def __init__(self, workers: int, furniture):
        from multiprocessing import resource_tracker

        context = multiprocessing.get_context("spawn")
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._done: dict[int, list | str] = {}
        self._changed = threading.Condition()
        self._submitted = 0
        self._processes, self._threads = [], []
        # (multiprocessing's resource tracker, started by the first spawn,
        # unblocks the signals it blocked to start: started first, it would
        # end `_sigint_blocked` early.)
        resource_tracker.ensure_running()
        with _sigint_blocked():
            for _ in range(workers):
                ours, theirs = context.Pipe()
                process = context.Process(target=_serve, args=(theirs, furniture, os.getpid()),
                                          daemon=True)
                process.start()
                theirs.close()  # (its end is the worker's alone)
                thread = threading.Thread(target=self._drive, args=(ours,), daemon=True)
                thread.start()
                self._processes.append(process)
                self._threads.append(thread)

    def submit(self, tasks: list[list]) -> list[int]:
        """Queue tasks (lists of (record, digest)); their numbers."""
        numbers = list(range(self._submitted, self._submitted + len(tasks)))
        self._submitted += len(tasks)
        for number, task in zip(numbers, tasks):
            self._tasks.put((number, task))
        return numbers

    def results(self, numbers: list[int]) -> list[Prepared]:
        """What those tasks gave, in order, waiting for them as needed;
        RuntimeError if one failed or its worker died. (Tasks are taken in
        order: the first one waited for is done, or being done.)"""
        out = []
        for number in numbers:
            with self._changed:
                while number not in self._done:
                    self._changed.wait()
                answer = self._done.pop(number)
            if isinstance(answer, str):
                raise RuntimeError(f"cleaning in a worker process failed: {answer}")
            out.extend(answer)
        return out

    def _drive(self, connection) -> None:
        """One worker's thread: a task out, its answer in, until there are no
        more (None) or the worker fails or dies (its task's answer is then
        why)."""
        while True:
            number, task = self._tasks.get()
            if task is None:
                break
            try:
                connection.send(task)
                outcome, answer = connection.recv()
            except (EOFError, OSError):
                outcome, answer = "failed", "a worker process ended unexpectedly"
            with self._changed:
                self._done[number] = answer if outcome == "done" else str(answer)
                self._changed.notify_all()
            if outcome != "done":
                break
        try:
            connection.send(None)  # (the worker ends)
        except OSError:
            pass
        connection.close()

    def close(self, finished: bool) -> None:
        """Each worker told to end once the queue is done (`finished`), or
        (an error, Ctrl-C, SIGTERM) killed where it is: nothing waits for
        what it was doing."""
        for _ in self._threads:
            self._tasks.put((None, None))
        if not finished:
            for process in self._processes:
                process.kill()
        for thread in self._threads:
            thread.join()
        for process in self._processes:
            process.join()


def prepare_all(jobs: Iterable[tuple[RawRecord, str]], workers: int, rules,
                recognizer, furniture=None) -> Iterator[Prepared]:
    """`prepare` every (record, digest), in order: in this process with these
    `rules`, `recognizer` and `furniture`, or with `workers` > 0 in that many
    worker processes (which load their own rules and recognizer, from the
    same files and environment, and are handed the furniture), the next
    chunks being prepared while the caller works through this one."""
    if workers <= 0:
        for record, digest in jobs:
            yield prepare(record, digest, rules, recognizer, furniture)
        return
    team = _Team(workers, furniture)
    finished = False
    try:
        part = max(1, CHUNK // 8 // workers)  # pages a task: the workers share a chunk
        in_flight: collections.deque = collections.deque()
        for chunk in _chunks(jobs, CHUNK):
            in_flight.append((chunk, team.submit(list(_chunks(chunk, part)))))
            if len(in_flight) >= IN_FLIGHT:
                yield from _returned(team, *in_flight.popleft())
        while in_flight:
            yield from _returned(team, *in_flight.popleft())
        finished = True
    finally:
        team.close(finished)


def _returned(team: _Team, chunk: list[tuple[RawRecord, str]],
              numbers: list[int]) -> Iterator[Prepared]:
    for (record, _), prepared in zip(chunk, team.results(numbers)):
        prepared.record = record
        yield prepared


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
