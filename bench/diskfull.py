"""Fill the disk under `wartui index`; it must stop with one line, status 4,
nothing half-written, and finish when run again with room.

    sudo .venv/bin/python bench/diskfull.py --n 3000 --tries 10 [--seed 1] [--batch 1000]

Each try mounts a tmpfs (so: root) of a random size, from 5% to 95% of
what the whole index takes, and runs `wartui index` on bench/corpus/N.jsonl
into it (bench/kill.py's child, the phase of the failure logged). A run
that fits is not a try. Then:

- the failed run must exit 4 with the line "wartui: the disk is full (...);
  free space and run the same command again" (and, before it, at most the
  warning that the run may not fit), never a traceback nor the advice to
  rebuild;
- the index it leaves must be whole (bench/kill.py's `inspect`), and the
  same command run again on the still full disk must say the same, with
  status 4;
- with the tmpfs grown, the same command must finish (status 0), the index
  then hold every article once, and `wartui check` call it whole.

Prints JSON: tries, failures (all must be 0), where the disk filled up
(`phases`: sqlite, whoosh, cleaning, as bench/kill.py), seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from bench.kill import OUT_DIR, child_argv, corpus_path, expected_ids, inspect, last_phase  # noqa: E402

FULL = "wartui: the disk is full ("
AGAIN = "; free space and run the same command again"
WARNING = "wartui: warning: this run may need about "


def mount(where: Path, size: int) -> None:
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                   check=True, capture_output=True)


def said_full(result: subprocess.CompletedProcess) -> list[str]:
    """What is wrong with a run that met a full disk (nothing: [])."""
    found = []
    if result.returncode != 4:
        found.append(f"status {result.returncode}, not 4")
    lines = result.stderr.strip().splitlines()
    if lines and lines[0].startswith(WARNING):
        lines = lines[1:]
    if len(lines) != 1 or not (lines[0].startswith(FULL) and lines[0].endswith(AGAIN)):
        found.append(f"stderr: {result.stderr[-400:]!r}")
    if "rebuild" in result.stderr or "Traceback" in result.stderr:
        found.append("a traceback or the advice to rebuild")
    return found


def whole_size(corpus: Path, batch: int | None, scratch: Path) -> int:
    """Bytes the finished index takes (a run on the ordinary disk)."""
    index_dir = scratch / "full-size"
    subprocess.run(child_argv(index_dir, [corpus], batch=batch), check=True,
                   capture_output=True)
    size = sum(path.stat().st_size for path in index_dir.rglob("*") if path.is_file())
    shutil.rmtree(index_dir)
    return size


def run_bench(n: int, tries: int, seed: int, batch: int | None) -> dict:
    corpus = corpus_path(n, seed)
    expected = expected_ids(corpus)
    rng = random.Random(seed)
    scratch = Path(tempfile.mkdtemp(prefix="wartui-diskfull-"))
    figures: dict = {"n": len(expected), "tries": 0, "fitted": 0, "failures": 0,
                     "phases": Counter(), "problems": [], "sizes_mb": []}
    start = time.perf_counter()
    try:
        size = whole_size(corpus, batch, scratch)
        figures["index_mb"] = round(size / 1e6, 1)
        while figures["tries"] < tries:
            where = scratch / "disk"
            where.mkdir(exist_ok=True)
            tmpfs = int(size * rng.uniform(0.05, 0.95))
            mount(where, tmpfs)
            try:
                index_dir, phases = where / "ix", scratch / "phases"
                phases.unlink(missing_ok=True)
                argv = child_argv(index_dir, [corpus], batch=batch, phase_file=phases)
                first = subprocess.run(argv, capture_output=True, text=True, timeout=1800)
                if first.returncode == 0:
                    figures["fitted"] += 1
                    continue
                figures["tries"] += 1
                figures["sizes_mb"].append(round(tmpfs / 1e6, 1))
                figures["phases"][last_phase(phases)] += 1
                problems = said_full(first)
                problems += inspect(index_dir, expected)["problems"]
                again = subprocess.run(child_argv(index_dir, [corpus], batch=batch),
                                       capture_output=True, text=True, timeout=1800)
                problems += [f"again: {p}" for p in said_full(again)]
                subprocess.run(["mount", "-o", f"remount,size={3 * size}", str(where)],
                               check=True)
                done = subprocess.run(child_argv(index_dir, [corpus], batch=batch),
                                      capture_output=True, text=True, timeout=1800)
                if done.returncode != 0:
                    problems.append(f"with room: status {done.returncode}: {done.stderr[-300:]}")
                problems += inspect(index_dir, expected, final=True)["problems"]
                check = subprocess.run([sys.executable, "-m", "wartui", "--index-dir",
                                        str(index_dir), "check"], capture_output=True,
                                       text=True, timeout=600)
                if check.returncode != 0:
                    problems.append(f"check: {check.stdout[-300:]} {check.stderr[-300:]}")
                if problems:
                    figures["failures"] += 1
                    figures["problems"].append({"try": figures["tries"],
                                                "tmpfs_mb": round(tmpfs / 1e6, 1),
                                                "problems": problems})
                print(f"try {figures['tries']:2d}: {tmpfs / 1e6:5.1f} MB, filled in "
                      f"{last_phase(phases):8s} {first.stderr.strip().splitlines()[-1][:90]!r}"
                      f", problems {len(problems)}", file=sys.stderr, flush=True)
            finally:
                subprocess.run(["umount", str(where)], capture_output=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    figures["seconds"] = round(time.perf_counter() - start, 1)
    figures["phases"] = dict(figures["phases"])
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=3000, help="base articles (default 3000)")
    parser.add_argument("--tries", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=1000,
                        help="articles per commit (default 1000: several a run)")
    args = parser.parse_args(argv)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    figures = run_bench(args.n, args.tries, args.seed, args.batch)
    text = json.dumps(figures, indent=2)
    (OUT_DIR / f"diskfull-{args.n}.json").write_text(text + "\n")
    print(text)
    return 0 if not figures["failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
