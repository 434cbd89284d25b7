"""Pathological queries: how long they take with wartui's bounds, and without.

    .venv/bin/python bench/pathological.py [--index DIR] [--also DIR] [--size N]

The index is `--index`, else bench/out/index-10000 if it exists, else one
built from a generated corpus of `--size` articles (default 5000) in
bench/out/index-pathological-SIZE. Each query of QUERIES is run once with
`Library.search(q, limit=20)` as the user gets it (bounded: refused with a
reason, or searched) and once with the bounds of search/limits.py lifted
(unbounded), after one warm-up search. `--also DIR` times the bounded
queries on a second index (the 100k one: read-only, refusals only cost the
counting). Prints JSON; the index is opened read-only and never written.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wartui import Library  # noqa: E402
from wartui.errors import QueryError  # noqa: E402
from wartui.search import limits  # noqa: E402

def nested(depth: int) -> str:
    query = "aleppo"
    for level in range(depth):
        query = f"(homs {'OR' if level % 2 else 'AND'} {query})"
    return query


NESTED = nested(100)
QUERIES = [
    "*ing",            # leading wildcard: every word of the index is read
    "*a*",             # leading and trailing: nearly every word matches
    "?yria",
    "a*",              # a one-letter prefix
    "s*",
    "al*",
    "bomb*",           # an ordinary wildcard, for comparison
    "title:[a TO m]",  # a range over words
    "a" * 10_000,      # one 10,000-letter word: the parser is quadratic in it
    " ".join(f"word{n}" for n in range(1_500)),  # 1,500 words: a pass each
    NESTED,            # groups 100 deep: Whoosh's walks of a query are recursive
    "aleppo",          # an ordinary query, for comparison
]


def shown(query: str) -> str:
    return query if len(query) <= 40 else f"{query[:20]}… ({len(query):,} characters)"


@contextmanager
def unbounded():
    """search/limits.py's checks lifted (the parser's own failures remain)."""
    saved = limits.check_text, limits.check_query
    limits.check_text = lambda text, scale=1: text
    limits.check_query = lambda q, reader=None: None
    try:
        yield
    finally:
        limits.check_text, limits.check_query = saved


def expansion(library: Library, query: str) -> int | None:
    """How many index words the query's wildcards and word ranges stand for."""
    from whoosh import query as wq

    searcher = library._search
    try:
        with unbounded():
            q = searcher.parse(query)
    except (QueryError, RecursionError):
        return None
    reader = searcher._searcher.reader()
    total = 0
    for leaf in q.leaves():
        if isinstance(leaf, (wq.Prefix, wq.Wildcard, wq.TermRange)):
            total += sum(1 for _ in leaf._btexts(reader))
    return total


def run(library: Library, query: str, repeat: int) -> dict:
    """The outcome, the first run's ms (a query typed once pays it: Whoosh
    reads its postings cold) and the best of `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            results = library.search(query, limit=20)
            outcome = {"hits": results.total}
        except QueryError as error:
            outcome = {"refused": str(error)}
        except RecursionError:
            outcome = {"error": "RecursionError"}
        times.append(time.perf_counter() - start)
    outcome["first_ms"] = round(times[0] * 1000, 1)
    if repeat > 1:
        outcome["best_ms"] = round(min(times) * 1000, 1)
    return outcome


def measure(index_dir: Path, with_unbounded: bool, repeat: int) -> dict:
    library = Library(index_dir)
    library.search("syria", limit=20)  # open the index and warm it outside the timing
    reader = library._search._searcher.reader()
    figures = {"index": str(index_dir), "articles": library.count(),
               "body_words": sum(1 for _ in reader.lexicon("body")), "queries": []}
    for query in QUERIES:
        row = {"query": shown(query), "bounded": run(library, query, repeat)}
        if with_unbounded:
            with unbounded():
                row["unbounded"] = run(library, query, repeat)
            row["expanded_words"] = expansion(library, query)
        figures["queries"].append(row)
    library.close()
    return figures


def build(size: int) -> Path:
    from bench.generate import generate

    index_dir = ROOT / "bench" / "out" / f"index-pathological-{size}"
    if (index_dir / "wartui.json").exists():
        return index_dir
    corpus = ROOT / "bench" / "out" / f"pathological-{size}.jsonl"
    with open(corpus, "w", encoding="utf-8") as handle:
        for record in generate(size):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    with Library(index_dir) as library:
        library.add_paths([corpus])
    return index_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--also", type=Path, default=None,
                        help="a second index to time the bounded queries on")
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per query (best taken)")
    args = parser.parse_args()
    index_dir = args.index
    if index_dir is None:
        default = ROOT / "bench" / "out" / "index-10000"
        index_dir = default if (default / "wartui.json").exists() else build(args.size)
    out = {"limits": {name: getattr(limits, name) for name in (
        "MAX_QUERY_CHARS", "MAX_WORD_CHARS", "MAX_WORDS", "MAX_DEPTH", "MAX_LEAVES",
        "MAX_EXPANSION")},
        "runs": [measure(index_dir, with_unbounded=True, repeat=args.repeat)]}
    if args.also:
        out["runs"].append(measure(args.also, with_unbounded=False, repeat=1))
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
