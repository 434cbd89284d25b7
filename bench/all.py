"""Every performance figure of issue #6 beside its baselines, measured in one run.

    .venv/bin/python bench/all.py [--size 100000] [--skip-build]

Runs, one after another and each in its own child process (so that every
memory figure is that process's own):

1. bench/run.py --sizes SIZE: builds bench/out/index-SIZE (unless --skip-build
   and it exists; the corpus bench/corpus/SIZE.jsonl is generated if missing),
   then times QUERIES with `Library.search` in a fresh process;
2. bench/baselines.py --size SIZE --engines fts5,tantivy,rg,whoosh: the same
   corpus and queries through SQLite FTS5, tantivy, rg and raw Whoosh (with
   --skip-build, their indexes in bench/out/baselines-SIZE/ are reused when
   newer than the corpus);
3. bench/tui.py --index-dir bench/out/index-SIZE: the app, headless: start-up,
   keystrokes, opening a document (and a 10 KB one), memory after QUERIES;
4. bench/incremental.py --size SIZE: 100 changed articles re-indexed, on copies
   of the wartui and the raw Whoosh indexes;
5. bench/versions.py --n SIZE --dupes SIZE/100: duplicate detection with the
   planted pairs of the same generated corpus, and its all-pairs baselines at
   2,000 articles;
6. bench/cold.py --size SIZE: a cold `wartui search` against `rg -il` on the
   corpus and on a versions-heavy one of the same size (its index,
   bench/out/index-SIZE-versions, is built when missing: ~10 min at 100k).

Writes everything (every step's own JSON, its wall time and exit status, the
table) to bench/out/all-SIZE.json, and prints the table: one entry per figure
of the issue, each {"wartui": ..., "baselines": {...}, "target": ...,
"met": true/false (null when not measured or when there is no target)}. The
targets are issue #6's for 100k articles; the targets in seconds of the build
and of duplicate detection scale with SIZE (so they are linear-time targets),
the others do not, so at a smaller SIZE "met" is indicative only. A step that
fails is reported (`steps.NAME.error`, its stderr in bench/out/all-SIZE-NAME.err)
and the others still run. See bench/README.md ("All figures at once").
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
from bench.run import OUT_DIR, dir_mb, run_child  # noqa: E402

ENGINES = ("fts5", "tantivy", "rg", "whoosh")
FULL = 100_000  # the size the targets are for


def step(name: str, size: int, cmd: list[str]) -> tuple[dict, dict]:
    """Run `python cmd` as a child: (its JSON, {seconds, peak_rss_mb} or {error})."""
    start = time.perf_counter()
    try:
        seconds, code, peak_mb, out = run_child([sys.executable, *cmd], f"all-{size}-{name}")
        figures = json.loads(out)
        return figures, {"seconds": round(seconds, 1), "exit_code": code,
                         "peak_rss_mb": round(peak_mb, 1)}
    except (SystemExit, json.JSONDecodeError) as exc:  # run_child: SystemExit(message)
        return {}, {"seconds": round(time.perf_counter() - start, 1),
                    "error": str(exc)[-2000:] or type(exc).__name__}


def get(data: dict, *path, default=None):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return default
        data = data[key]
    return data


def at_most(value, limit) -> bool | None:
    return None if value is None else value <= limit


def all_of(*checks) -> bool | None:
    if any(check is None for check in checks):
        return None
    return all(checks)


def latency(query: dict) -> dict | None:
    if not query:
        return None
    figures = {k: query.get(k) for k in ("p50_ms", "p95_ms", "max_ms", "n")}
    if query.get("skipped"):
        figures["skipped_queries"] = len(query["skipped"])
    return figures


def table(size: int, steps: dict) -> dict:
    run = get(steps, "run", "figures", "sizes", str(size), default={})
    base = get(steps, "baselines", "figures", default={})
    tui = get(steps, "tui", "figures", default={})
    inc = get(steps, "incremental", "figures", default={})
    ver = get(steps, "versions", "figures", default={})
    cold = get(steps, "cold", "figures", "corpora", default={})
    query, build = run.get("query", {}), run.get("build", {})
    scale = size / FULL
    engines = {e: base[e] for e in ENGINES if e in base}
    rows = {}

    rows["query_latency_ms"] = {
        "what": "every query of bench/run.py's QUERIES once, warm, top 20 with snippets and "
                "the exact total (p50/p95/max)",
        "wartui": latency(query),
        "baselines": {e: latency(v.get("query")) for e, v in engines.items()},
        "target": {"p50_ms": 18, "p95_ms": 50},
        "met": all_of(at_most(query.get("p50_ms"), 18), at_most(query.get("p95_ms"), 50)),
    }
    rows["cold_search_vs_rg"] = {
        "what": "a fresh `wartui search WORD --limit 20` process, plain and --json, against "
                "`rg -il -F WORD` over the same articles as .txt files: 10 words, the minimum "
                "of 3 runs of each, the median over the words (bench/cold.py), on the default "
                "corpus and the versions-heavy one (generate.py --versions-heavy)",
        "wartui": {name: {"plain_ms": c["median_ms"]["wartui"],
                          "json_ms": c["median_ms"]["wartui_json"],
                          "ratio_to_rg": c["ratio"]["wartui"],
                          "json_ratio_to_rg": c["ratio"]["wartui_json"]}
                   for name, c in cold.items()} or None,
        "baselines": {name: {"rg_ms": c["median_ms"]["rg"]} for name, c in cold.items()},
        "target": {"ratio_to_rg": 0.5},
        "met": all_of(*[at_most(c["ratio"][name], 0.5) for c in cold.values()
                        for name in ("wartui", "wartui_json")]) if cold else None,
    }
    keys = tui.get("keystroke_ms") or {}
    rows["keystroke_to_results_ms"] = {
        "what": "app, headless at 120x40: a 10-letter query typed at 20 keys/s (bench/tui.py "
                "--query, default 'evacuation'), each key until its results are painted",
        "wartui": keys or None, "baselines": {},
        "target": {"p95": 100}, "met": at_most(keys.get("p95"), 100),
    }
    rows["slowest_query_ms"] = {
        "what": "the slowest of the QUERIES (max), as in query_latency_ms",
        "wartui": {"max_ms": query.get("max_ms"), "query": query.get("slowest")} if query else None,
        "baselines": {e: {"max_ms": get(v, "query", "max_ms"), "query": get(v, "query", "slowest")}
                      for e, v in engines.items()},
        "target": {"max_ms": 250}, "met": at_most(query.get("max_ms"), 250),
    }
    rows["app_start_to_search_box_ms"] = {
        "what": "a fresh `python` process running the app until the search box is focused "
                "(cold_start_ms, best of 3); startup_ms: in-process, from starting the app",
        "wartui": {"cold_start_ms": tui.get("cold_start_ms"),
                   "startup_ms": tui.get("startup_ms"),
                   "first_results_ms": tui.get("first_results_ms")} if tui else None,
        "baselines": {'python -c "import textual"': tui.get("python_import_textual_ms"),
                      'python -c "import textual.app"': tui.get("python_import_textual_app_ms")},
        "target": {"cold_start_ms": 500}, "met": at_most(tui.get("cold_start_ms"), 500),
    }
    rows["app_rss_after_queries_mb"] = {
        "what": "resident memory after all QUERIES: the app's process (bench/tui.py, the "
                "queries typed into its box); library_only: a process with Library.search "
                "alone (bench/run.py); baselines: their query process after the same queries",
        "wartui": {"app": tui.get("rss_mb_after_queries"),
                   "app_anon": tui.get("rss_anon_mb"), "app_file": tui.get("rss_file_mb"),
                   "library_only": query.get("rss_mb_after")} if tui or query else None,
        "baselines": {e: get(v, "query", "rss_mb_after") for e, v in engines.items()
                      if e != "rg"},
        "target": {"app": 400}, "met": at_most(tui.get("rss_mb_after_queries"), 400),
    }
    rows["open_document_10kb_ms"] = {
        "what": "app: enter on a ~10 KB article's hit until its text, entities marked, is "
                "painted (an article added to a copy of the index; see bench/tui.py)",
        "wartui": {"ms": tui.get("open_document_10kb_ms"),
                   "chars": tui.get("open_document_10kb_chars"),
                   "entity_spans": tui.get("open_document_10kb_entities"),
                   "typical_2kb_ms": tui.get("open_document_ms"),
                   "typical_2kb_chars": tui.get("open_document_chars")} if tui else None,
        "baselines": {}, "target": {"ms": 50}, "met": at_most(tui.get("open_document_10kb_ms"), 50),
    }
    skipped = bool(build.get("skipped"))
    rows["build_index_s"] = {
        "what": "`wartui index --rebuild CORPUS`: read, clean, entities, versions, index, "
                "end to end; baselines: each engine's build of the same text (no cleaning)",
        "wartui": None if skipped or not build else {
            k: build.get(k) for k in ("seconds", "docs", "docs_per_s", "peak_rss_mb")},
        "baselines": {e: None if get(v, "build", "skipped") else
                      {k: get(v, "build", k) for k in ("seconds", "docs_per_s", "peak_rss_mb")}
                      for e, v in engines.items() if "build" in v},
        "target": {"seconds": round(150 * scale, 1), "docs_per_s": 650, "peak_rss_mb": 1024},
        "met": None if skipped or not build else all_of(
            at_most(build.get("seconds"), 150 * scale), build.get("docs_per_s", 0) >= 650,
            at_most(build.get("peak_rss_mb"), 1024)),
    }
    if skipped:
        rows["build_index_s"]["note"] = "not measured: --skip-build"
    changed, unchanged = get(inc, "wartui", "changed"), get(inc, "wartui", "unchanged")
    rows["incremental_reindex_s"] = {
        "what": f"`wartui index CORPUS` with {inc.get('changes', 100)} articles changed "
                "(a sentence added), on a copy of the index; unchanged_s: the same with none "
                "changed (reading and hashing the whole file)",
        "wartui": None if not changed else {
            "seconds": changed["seconds"], "unchanged_s": unchanged["seconds"],
            "reindex_s": changed["reindex_s"],
            "new_changed_unchanged": [changed["new"], changed["changed"], changed["unchanged"]],
            "counts_ok": changed["ok"] and unchanged["ok"]},
        "baselines": {"full_rebuild_s": None if skipped else build.get("seconds"),
                      "whoosh_update_document_s": get(inc, "whoosh_update_document", "seconds")},
        "target": {"seconds": 10},
        "met": None if not changed else all_of(at_most(changed["seconds"], 10),
                                               changed["ok"] and unchanged["ok"]),
    }
    det = ver.get("wartui") or {}
    rows["duplicate_detection"] = {
        "what": f"near-duplicate detection over {det.get('articles')} articles with "
                f"{det.get('planted_pairs')} planted pairs (bench/versions.py); baselines: "
                "all pairs at --baseline-n articles, their time extrapolated to 100k",
        "wartui": {k: det.get(k) for k in ("seconds", "recall", "recall_shorts", "precision",
                                           "peak_rss_mb")}
                  if det else None,
        "baselines": {name: {k: (ver.get(name) or {}).get(k) for k in
                             ("articles", "seconds", "extrapolated_seconds_at_100k", "recall")}
                      for name in ("exact_all_pairs", "rapidfuzz_cdist")},
        "target": {"seconds": round(120 * scale, 1), "recall": 0.95, "precision": 0.95},
        "met": None if not det else all_of(at_most(det.get("seconds"), 120 * scale),
                                           (det.get("recall") or 0) >= 0.95,
                                           (det.get("precision") or 0) >= 0.95),
    }
    index_dir = OUT_DIR / f"index-{size}"
    rows["index_size_mb"] = {
        "what": "on disk: the whole index directory (whoosh: the full-text part, store: the "
                "SQLite article store with the raw pages, entities and version tables)",
        "wartui": {"total": build.get("index_mb"),
                   "whoosh": dir_mb(index_dir / "whoosh") if index_dir.is_dir() else None,
                   "store": round((index_dir / "articles.sqlite").stat().st_size / 1e6, 1)
                   if (index_dir / "articles.sqlite").is_file() else None},
        "baselines": {e: get(v, "build", "index_mb") for e, v in engines.items() if "build" in v},
        "target": "report", "met": None,
    }
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=FULL, help="articles (default %(default)s)")
    parser.add_argument("--skip-build", action="store_true",
                        help="reuse bench/out/index-SIZE and the baselines' indexes when they "
                             "exist (their builds are then not timed)")
    parser.add_argument("--baseline-n", type=int, default=2000,
                        help="articles for the all-pairs duplicate baselines (default 2000)")
    args = parser.parse_args(argv)
    size, bench = args.size, str(BENCH)
    skip = ["--skip-build"] if args.skip_build else []
    plan = [
        ("run", [f"{bench}/run.py", "--sizes", str(size), *skip]),
        ("baselines", [f"{bench}/baselines.py", "--size", str(size), "--engines",
                       ",".join(ENGINES), *skip]),
        ("tui", [f"{bench}/tui.py", "--index-dir", str(OUT_DIR / f"index-{size}")]),
        ("incremental", [f"{bench}/incremental.py", "--size", str(size)]),
        ("versions", [f"{bench}/versions.py", "--n", str(size), "--dupes",
                      str(max(1, size // 100)), "--shorts", str(max(1, size // 200)),
                      "--baseline-n", str(args.baseline_n)]),
        ("cold", [f"{bench}/cold.py", "--size", str(size)]),
    ]
    started = time.perf_counter()
    steps: dict = {}
    for name, cmd in plan:
        print(f"bench/all.py: {name}…", file=sys.stderr, flush=True)
        figures, info = step(name, size, cmd)
        steps[name] = {"command": " ".join(["python", *cmd]), **info, "figures": figures}
        if "error" in info:
            print(f"bench/all.py: {name} failed: {info['error'][-500:]}", file=sys.stderr)
    rows = table(size, steps)
    result = {"size": size, "skip_build": args.skip_build,
              "machine": get(steps, "run", "figures", "machine"),
              "seconds": round(time.perf_counter() - started, 1),
              "failed_steps": [name for name, s in steps.items() if "error" in s],
              "table": rows, "steps": steps}
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = OUT_DIR / f"all-{size}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    del result["steps"]
    result["written"] = str(out)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 1 if result["failed_steps"] else 0


if __name__ == "__main__":
    sys.exit(main())
