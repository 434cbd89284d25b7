"""Ctrl-C, SIGTERM and kill -9 of a real `wartui index` with worker
processes (issue #22): one line from the parent, nothing from the workers,
no process left behind, the index whole.

The child is `wartui index` under bench/kill.py's hooks, cleaning in worker
processes however small the corpus (`parallel`); the signal is sent once
the workers' first article is back (the phase `prepared`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import write_corpus  # noqa: E402
from bench.kill import (child_argv, expected_ids, group_alive, inspect,  # noqa: E402
                        wait_for_phase)

INTERRUPTED = "wartui: interrupted; the index keeps every batch committed so far"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, set[str]]:
    path = tmp_path_factory.mktemp("signals") / "signals.jsonl"
    write_corpus(path, 600, seed=5, dupes=4)
    return path, expected_ids(path)


def interrupt(corpus, tmp_path, signum: int, to_group: bool) -> tuple[int, str, Path]:
    """Start `wartui index` with workers, send `signum` (to its whole process
    group, as a terminal's Ctrl-C does, or to its pid) once the workers
    have cleaned a first article; its status and everything on its stderr,
    once every process of the group has closed it."""
    path, _ = corpus
    index_dir, phases = tmp_path / "ix", tmp_path / "phases"
    # Held once the first article is back (its workers busy), so that the
    # signal comes mid-run however slow or loaded the machine: without the
    # hold, a test process kept off the CPU saw the run end first (exit 0).
    child = subprocess.Popen(child_argv(index_dir, [path], batch=40, phase_file=phases,
                                        parallel=True, crash="prepared:1", hold=60),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        wait_for_phase(phases, "prepared", child, seconds=90)
        if to_group:
            os.killpg(child.pid, signum)
        else:
            os.kill(child.pid, signum)
        _, err = child.communicate(timeout=60)  # (until the workers close stderr too)
        deadline = time.monotonic() + 5
        while group_alive(child.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not group_alive(child.pid), "a worker outlived the run"
    finally:
        if group_alive(child.pid):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    return child.returncode, err, index_dir


@pytest.mark.parametrize("signum, to_group, status", [
    (signal.SIGINT, True, 130),    # Ctrl-C in the terminal: the whole group
    (signal.SIGTERM, False, 143),  # kill PID
])
def test_ctrl_c_and_sigterm_print_one_line_and_no_worker_speaks(corpus, tmp_path, signum,
                                                                 to_group, status):
    returncode, err, index_dir = interrupt(corpus, tmp_path, signum, to_group)
    assert returncode == status, err
    assert err == INTERRUPTED + "\n"
    found = inspect(index_dir, corpus[1])
    assert not found["problems"], found


def test_kill_9_of_the_parent_takes_the_workers_quietly(corpus, tmp_path):
    returncode, err, index_dir = interrupt(corpus, tmp_path, signal.SIGKILL, False)
    assert returncode == -signal.SIGKILL
    assert err == ""  # no worker traceback, no "leaked semaphore" warning
    found = inspect(index_dir, corpus[1])
    assert not found["problems"], found


def test_a_signal_met_in_a_finalizer_stops_the_run_after_it(capfd):
    """Raised inside a `__del__`, an exception is printed ("Exception ignored
    in ...") and dropped, and the run went on to exit 0 (1 of 15 SIGTERMs
    of bench/kill.py, landing in Whoosh's lock finalizer). It is raised
    once the finalizer is done."""
    from wartui.cli import STOPS, Terminated

    class Finalized:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGTERM)  # delivered while this runs
            time.sleep(0.01)

    stopped = False
    with STOPS.handled():
        try:
            Finalized()
            for _ in range(100):
                time.sleep(0.01)
        except Terminated:
            stopped = True
    assert stopped
    assert "Exception ignored" not in capfd.readouterr().err
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # (put back as it was)
