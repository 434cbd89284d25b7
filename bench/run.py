"""Benchmark wartui: build an index of a generated corpus, then time queries.

    .venv/bin/python bench/run.py --sizes 10000,100000 [--skip-build] [--queries-only]

Prints the figures as JSON and writes them to bench/out/results.json (which
also keeps each query's time and hit count). The build and the queries each
run in a fresh child process, so that their memory figures are their own.
See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CORPUS_DIR, OUT_DIR = BENCH / "corpus", BENCH / "out"
sys.path.insert(0, str(BENCH.parent))  # `bench.generate`, also when run as a script

# Realistic queries, reused by later benchmarks. The first is also the cold query.
QUERIES = [
    # single terms
    "aleppo", "idlib", "chemical", "airstrike", "ceasefire", "damascus", "homs", "raqqa",
    "ghouta", "douma", "kurdish", "refugees", "hospital", "sarin", "isis", "daesh",
    "opposition", "civilians", "children", "evacuation",
    # AND queries (explicit and implicit)
    "aleppo AND airstrike", "chemical AND idlib", "russian AND raids AND civilians",
    "ceasefire AND violation", "children killed", "turkey kurdish afrin",
    # phrases
    '"Syrian Observatory for Human Rights"', '"Deir Ezzor"', '"barrel bombs"',
    '"White Helmets"', '"Free Syrian Army"', '"chemical weapons"',
    # names in their many spellings
    "Deir ez-Zor", "Deir al-Zour", "al-Nusra", "Nusra Front", "Jaish al-Islam",
    "Hayat Tahrir al-Sham", "Ahrar al-Sham", "Daraa", "Dara'a",
    # wildcards
    "bomb*", "terror*", "chem*", "kill*",
    # fields, dates and operators
    "source:reuters", "source:sana AND aleppo", "title:aleppo",
    "date:[2016-01-01 to 2016-12-31] AND aleppo", "date:2017 AND chemical",
    "date:[2013-08-01 to 2013-08-31]", "isis OR daesh", "aleppo NOT russia",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="corpus sizes (default %(default)s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dupes", type=float, default=0.01,
                        help="near-duplicate pairs planted, as a share of the size (default 0.01)")
    parser.add_argument("--skip-build", action="store_true",
                        help="reuse bench/out/index-SIZE when it exists (build only if missing)")
    parser.add_argument("--queries-only", action="store_true",
                        help="only time queries on the existing indexes")
    args = parser.parse_args(argv)

    results = {"machine": machine(), "sizes": {}}
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        index_dir = OUT_DIR / f"index-{size}"
        figures = {}
        if args.queries_only or (args.skip_build and (index_dir / "wartui.json").is_file()):
            if not (index_dir / "wartui.json").is_file():
                parser.error(f"no index in {index_dir}; run without --queries-only first")
            figures["build"] = {"skipped": True, "index_mb": dir_mb(index_dir)}
        else:
            corpus, figures["corpus"] = ensure_corpus(size, args.seed, int(size * args.dupes))
            figures["build"] = build(corpus, index_dir)
        figures["query"] = time_queries(index_dir)
        results["sizes"][str(size)] = figures

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    for figures in results["sizes"].values():  # the per-query lists stay in the file
        figures["query"].pop("per_query", None)
    print(json.dumps(results, indent=2))
    return 0


# -- corpus --------------------------------------------------------------------

def ensure_corpus(size: int, seed: int, dupes: int) -> tuple[Path, dict]:
    """bench/corpus/SIZE.jsonl, generated unless it exists with these parameters."""
    from bench.generate import write_corpus

    corpus, params_file = CORPUS_DIR / f"{size}.jsonl", CORPUS_DIR / f"{size}.params.json"
    params = {"n": size, "seed": seed, "dupes": dupes,
              "generator": hashlib.sha256((BENCH / "generate.py").read_bytes()).hexdigest()[:16]}
    info = {"articles": size + dupes, "planted_pairs": dupes}
    if corpus.is_file() and params_file.is_file() and json.loads(params_file.read_text()) == params:
        return corpus, {**info, "mb": round(corpus.stat().st_size / 1e6, 1), "reused": True}
    start = time.perf_counter()
    write_corpus(corpus, size, seed, dupes, manifest=CORPUS_DIR / f"{size}.pairs.json")
    params_file.write_text(json.dumps(params) + "\n")
    return corpus, {**info, "mb": round(corpus.stat().st_size / 1e6, 1),
                    "generate_s": round(time.perf_counter() - start, 2)}


# -- measuring -----------------------------------------------------------------

def run_child(cmd: list[str], name: str) -> tuple[float, int, float, str]:
    """Run cmd; (wall seconds, exit code, the child's peak RSS in MB, its stdout).
    stdout/stderr go to bench/out/NAME.out/.err, so nothing blocks on a pipe."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out_path, err_path = OUT_DIR / f"{name}.out", OUT_DIR / f"{name}.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage
        seconds = time.perf_counter() - start
    child.returncode = code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # wartui: 1 = something was skipped
        tail = err_path.read_text(errors="replace")[-3000:]
        raise SystemExit(f"{' '.join(cmd)} exited with {code}:\n{tail}")
    return seconds, code, usage.ru_maxrss / 1024, out_path.read_text()  # ru_maxrss: KB


def build(corpus: Path, index_dir: Path) -> dict:
    cmd = [sys.executable, "-m", "wartui", "--index-dir", str(index_dir),
           "index", "--rebuild", str(corpus), "--json"]
    seconds, _, peak_mb, out = run_child(cmd, f"build-{index_dir.name}")
    report = json.loads(out)
    return {
        "seconds": round(seconds, 2), "docs": report["new"],
        "docs_per_s": round(report["new"] / seconds, 1), "peak_rss_mb": round(peak_mb, 1),
        "index_mb": dir_mb(index_dir), "whoosh_mb": dir_mb(index_dir / "whoosh"),
        "skipped": len(report["skipped"]), "notes": len(report["notes"]),
        "first_skipped": report["skipped"][:3],
    }


def time_queries(index_dir: Path) -> dict:
    cmd = [sys.executable, __file__, "_query-worker", str(index_dir)]
    _, _, peak_mb, out = run_child(cmd, f"query-{index_dir.name}")
    figures = json.loads(out)
    figures["peak_rss_mb"] = round(peak_mb, 1)
    return figures


def query_worker(index_dir: str) -> None:
    """In a fresh process: open the index, time the first query, then all QUERIES."""
    start = time.perf_counter()
    from wartui import Library
    from wartui.errors import WartuiError

    imported = time.perf_counter()
    lib = Library(index_dir)
    lib.search(QUERIES[0], limit=20)
    cold_ms = (time.perf_counter() - imported) * 1000
    per_query, errors = {}, {}
    for q in QUERIES:
        t0 = time.perf_counter()
        try:
            hits = lib.search(q, limit=20).total
        except WartuiError as exc:
            errors[q] = str(exc)
            hits = None
        per_query[q] = {"ms": round((time.perf_counter() - t0) * 1000, 2), "hits": hits}
    times = sorted(v["ms"] for v in per_query.values())
    slowest = max(per_query, key=lambda q: per_query[q]["ms"])
    print(json.dumps({
        "import_ms": round((imported - start) * 1000, 1), "cold_first_ms": round(cold_ms, 1),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2),
        "max_ms": times[-1], "slowest": slowest, "n": len(times),
        "zero_hits": [q for q, v in per_query.items() if v["hits"] == 0],
        "errors": errors, "rss_mb_after": rss_mb(), "per_query": per_query,
    }))


# -- facts ---------------------------------------------------------------------

def dir_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6, 1)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def machine() -> dict:
    from importlib.metadata import version

    from wartui.search.engine import installed_whoosh

    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    mem = Path("/proc/meminfo").read_text().split()[1]  # MemTotal, KB
    return {"cpus": os.cpu_count(), "cpu": cpu, "mem_gb": round(int(mem) / 1024**2, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "wartui": version("wartui"), "whoosh": " ".join(installed_whoosh() or ("?",))}


if __name__ == "__main__":
    if sys.argv[1:2] == ["_query-worker"]:
        query_worker(sys.argv[2])
        sys.exit(0)
    sys.exit(main())
