"""A cold `wartui search` (a fresh process, as over SSH) against `rg -il -F`.

    .venv/bin/python bench/cold.py --size 100000                 # both corpora
    .venv/bin/python bench/cold.py --size 100000 --corpora versions --breakdown
    .venv/bin/python bench/cold.py --index-dir DIR --txt-dir DIR  # any index and .txt folder

On each corpus (`default`: bench/corpus/SIZE.jsonl as run.py makes it, SIZE
articles plus 1% planted pairs; `versions`: bench/corpus/SIZE-versions.jsonl,
`generate.py --versions-heavy`, 30% of the articles in clusters of 2-200
versions), for each query of QUERIES, RUNS rounds of, one after the other:

- `rg -il -F WORD DIR` over the corpus written out as one ID.txt per article;
- `wartui --index-dir INDEX search WORD --limit 20` (the console script);
- the same with `--json`;

each a fresh process whose output is read through a pipe (rg stops at the
first match when its output is /dev/null). A query's figure is the minimum
of its runs, a corpus's the median over the queries, and `ratio` is
wartui's median over rg's (the target: at most 0.5). The three commands
alternate, so that they share the machine's speed of the moment.

`--breakdown` also runs cold searches in a child that times where they go
(bench/cold_phases.py, which runs the program as its console script does):
the interpreter's start, imports, opening the index, the gazetteer,
parsing, ranking, reading the hits' stored fields and collapsing versions,
reading the articles, snippets, printing, the rest (`other`) and the
process's end (`exit`); the minimum of RUNS runs of each phase, then the
median over the queries.

The wartui processes run in a user's environment: without
PYTHONDONTWRITEBYTECODE and PYTHONUNBUFFERED, which this machine's sessions
set, and with wartui's bytecode compiled first (as pip does when it
installs): otherwise each process compiled wartui's modules from source.
`--before SRC` also times the wartui of another checkout's src/ (from
`git archive COMMIT src | tar -x -C DIR`) in the same rounds: old and new
in the same minutes.

Indexes are bench/out/index-SIZE and bench/out/index-SIZE-versions, built
(`wartui index --rebuild`) when missing. Prints JSON and writes it to
bench/out/cold-SIZE.json (or --out).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
from bench.run import CORPUS_DIR, OUT_DIR, build, dir_mb, ensure_corpus  # noqa: E402

# Single words, as `rg -F WORD` takes them: the first ten of run.py's QUERIES.
QUERIES = ["aleppo", "idlib", "chemical", "airstrike", "ceasefire", "damascus", "homs",
           "raqqa", "ghouta", "douma"]
RUNS = 3
LIMIT = 20
WARTUI = str(Path(sys.executable).with_name("wartui"))


# -- corpora ---------------------------------------------------------------------------

def ensure_versions_corpus(size: int, seed: int = 1) -> Path:
    """bench/corpus/SIZE-versions.jsonl (generate.py --versions-heavy), made unless it
    exists with these parameters; its clusters in SIZE-versions.clusters.json."""
    import hashlib

    from bench.generate import write_corpus

    corpus = CORPUS_DIR / f"{size}-versions.jsonl"
    params_file = CORPUS_DIR / f"{size}-versions.params.json"
    params = {"n": size, "seed": seed, "versions_heavy": True,
              "generator": hashlib.sha256((BENCH / "generate.py").read_bytes()).hexdigest()[:16]}
    if not (corpus.is_file() and params_file.is_file()
            and json.loads(params_file.read_text()) == params):
        write_corpus(corpus, size, seed, manifest=CORPUS_DIR / f"{size}-versions.clusters.json",
                     versions_heavy=True)
        params_file.write_text(json.dumps(params) + "\n")
    return corpus


def ensure_txt(corpus: Path) -> Path:
    """CORPUS-txt/ (beside the JSONL): one ID.txt per article (title, blank line,
    body), as bench/baselines.py writes it; made again when older than the JSONL."""
    txt = corpus.with_name(corpus.stem + "-txt")
    done = txt / ".complete"
    if not done.is_file() or done.stat().st_mtime < corpus.stat().st_mtime:
        shutil.rmtree(txt, ignore_errors=True)
        txt.mkdir(parents=True)
        with corpus.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                (txt / f"{record['id']}.txt").write_text(
                    f"{record['title']}\n\n{record['text']}\n", encoding="utf-8")
        done.touch()
    return txt


def corpora(size: int, names: list[str]) -> dict[str, tuple[Path, Path]]:
    """{name: (index dir, .txt folder)}, each made when missing."""
    found = {}
    for name in names:
        if name == "default":
            corpus, _ = ensure_corpus(size, 1, int(size * 0.01))
            index_dir = OUT_DIR / f"index-{size}"
        elif name == "versions":
            corpus = ensure_versions_corpus(size)
            index_dir = OUT_DIR / f"index-{size}-versions"
        else:
            raise SystemExit(f"bench/cold.py: unknown corpus {name!r} (default, versions)")
        if not (index_dir / "wartui.json").is_file():
            print(f"bench/cold.py: building {index_dir}…", file=sys.stderr, flush=True)
            build(corpus, index_dir)
        found[name] = (index_dir, ensure_txt(corpus))
    return found


# -- timing ----------------------------------------------------------------------------

# This machine's sessions set these; a user's shell does not: a program then
# reads its modules' compiled bytecode (compiled first, as pip does when it
# installs) and buffers its output.
SESSION_ONLY = ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")
# The console script as pip writes it, for code given by --before (whose
# program may be cli.main, before cli.run).
LAUNCHER = ("import re, sys\n"
            "try:\n    from wartui.cli import run\n"
            "except ImportError:\n    from wartui.cli import main\n"
            "    def run():\n        sys.exit(main())\n"
            "run()\n")


class Program:
    """A wartui to time: this checkout's console script, or the code of
    another checkout's src/ (--before), each in a user's environment."""

    def __init__(self, src: Path | None = None):
        self.env = {k: v for k, v in os.environ.items() if k not in SESSION_ONLY}
        if src is None:
            import wartui

            self.package = Path(wartui.__file__).parent
            self.start = [WARTUI]
        else:
            self.package = src.resolve() / "wartui"
            self.env["PYTHONPATH"] = str(src.resolve())
            self.start = [sys.executable, "-c", LAUNCHER]
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(self.package)],
                       env=self.env, check=True, stdout=subprocess.DEVNULL)

    def search(self, index_dir: Path, query: str) -> list[str]:
        return [*self.start, "--index-dir", str(index_dir), "search", query,
                "--limit", str(LIMIT)]


def wall_ms(cmd: list[str], env: dict | None = None) -> float:
    """A fresh process's wall time, its output read through a pipe."""
    start = time.perf_counter()
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    elapsed = (time.perf_counter() - start) * 1000
    if result.returncode not in (0, 1):  # rg: 1 = no match
        raise SystemExit(f"{' '.join(cmd)} exited with {result.returncode}:\n"
                         f"{result.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def compare(programs: dict[str, Program], index_dir: Path, txt: Path, queries: list[str],
            runs: int) -> dict:
    """Every command on every query, RUNS rounds, alternated: the minimum of
    each, the median over the queries, and each wartui's ratio to rg."""
    per_query: dict[str, dict[str, list[float]]] = {q: {} for q in queries}
    for _ in range(runs):
        for query in queries:
            timed = {"rg": wall_ms(["rg", "-il", "-F", query, str(txt)])}
            for name, program in programs.items():
                command = program.search(index_dir, query)
                timed[name] = wall_ms(command, program.env)
                timed[f"{name}_json"] = wall_ms([*command, "--json"], program.env)
            for name, ms in timed.items():
                per_query[query].setdefault(name, []).append(ms)
    best = {q: {name: round(min(times), 1) for name, times in found.items()}
            for q, found in per_query.items()}
    names = list(best[queries[0]])
    medians = {name: round(statistics.median(b[name] for b in best.values()), 1)
               for name in names}
    return {"median_ms": medians,
            "ratio": {name: round(medians[name] / medians["rg"], 3)
                      for name in names if name != "rg"},
            "per_query_min_ms": best}


# -- where a cold search's time goes --------------------------------------------------------

def breakdown(program: Program, index_dir: Path, queries: list[str], runs: int,
              as_json: bool) -> dict:
    """The phases of a cold search (bench/cold_phases.py), in ms: for each
    query the minimum of RUNS runs of each phase, then the median over the
    queries. `exit` is the rest of the process's wall time: its teardown."""
    per_query = {}
    for query in queries:
        argv = ["--index-dir", str(index_dir), "search", query, "--limit", str(LIMIT)]
        argv += ["--json"] if as_json else []
        found: dict[str, list[float]] = {}
        for _ in range(runs):
            launched = time.time()
            start = time.perf_counter()
            result = subprocess.run([sys.executable, str(BENCH / "cold_phases.py"),
                                     str(launched), *argv],
                                    capture_output=True, text=True, env=program.env)
            wall = (time.perf_counter() - start) * 1000
            if result.returncode not in (0, 1):  # 1: nothing found, as grep
                raise SystemExit(f"bench/cold_phases.py {' '.join(argv)} exited with "
                                 f"{result.returncode}:\n{result.stderr[-2000:]}")
            figures = json.loads(result.stderr.splitlines()[-1])
            figures["exit"] = wall - sum(figures.values())
            figures["wall"] = wall
            for phase, ms in figures.items():
                found.setdefault(phase, []).append(ms)
        per_query[query] = {phase: min(times) for phase, times in found.items()}
    phases = list(dict.fromkeys(p for figures in per_query.values() for p in figures))
    return {phase: round(statistics.median(f.get(phase, 0.0) for f in per_query.values()), 1)
            for phase in phases}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--corpora", default="default,versions",
                        help="default, versions or both (default %(default)s)")
    parser.add_argument("--index-dir", type=Path, help="measure this index (with --txt-dir)")
    parser.add_argument("--txt-dir", type=Path, help="its articles as .txt files, for rg")
    parser.add_argument("--queries", default=",".join(QUERIES))
    parser.add_argument("--runs", type=int, default=RUNS, help="runs per query (default 3)")
    parser.add_argument("--breakdown", action="store_true",
                        help="also time the phases of a cold search (plain and --json)")
    parser.add_argument("--out", type=Path, help="write the figures here (default "
                        "bench/out/cold-SIZE.json)")
    parser.add_argument("--before", type=Path, metavar="SRC",
                        help="also time the wartui in SRC (another checkout's src/, e.g. from "
                             "`git archive COMMIT src | tar -x -C DIR`), in the same rounds")
    args = parser.parse_args(argv)
    if not shutil.which("rg"):
        raise SystemExit("bench/cold.py needs rg (apt-get install ripgrep)")
    queries = [q for q in args.queries.split(",") if q]
    if args.index_dir:
        if not args.txt_dir:
            parser.error("--index-dir needs --txt-dir")
        targets = {args.index_dir.name: (args.index_dir, args.txt_dir)}
    else:
        targets = corpora(args.size, [c for c in args.corpora.split(",") if c])
    programs = {"wartui": Program()}
    if args.before:
        programs["before"] = Program(args.before)
    results: dict = {"size": args.size, "runs": args.runs, "queries": queries,
                     "before": str(args.before) if args.before else None, "corpora": {}}
    for name, (index_dir, txt) in targets.items():
        figures = {"index": str(index_dir), "index_mb": dir_mb(index_dir),
                   **compare(programs, index_dir, txt, queries, args.runs)}
        if args.breakdown:
            figures["breakdown_ms"] = {
                f"{program}{suffix}": breakdown(programs[program], index_dir, queries,
                                                args.runs, as_json)
                for program in programs for suffix, as_json in (("", False), ("_json", True))}
        results["corpora"][name] = figures
    out = args.out or OUT_DIR / f"cold-{args.size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
