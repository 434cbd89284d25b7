"""How much do Whoosh segments cost a query? The 53 queries of bench/run.py
on an index as built, then after merging it into one segment.

    .venv/bin/python bench/segments.py INDEX_DIR   # rewrites INDEX_DIR: use a copy

Prints JSON: segments, p50/p95/max ms before and after, and the seconds the
merge (`Index.optimize()`) took.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import QUERIES  # noqa: E402
from wartui import Library  # noqa: E402


def measure(index_dir: str) -> dict:
    library = Library(index_dir)
    library.search("syria", limit=20)  # open the index outside the timing
    times = []
    for query in QUERIES:
        start = time.perf_counter()
        try:
            library.search(query, limit=20)
        except Exception:  # a query the index cannot answer is timed all the same
            pass
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    reader = library._ix.reader()
    segments = len(reader.leaf_readers()) if hasattr(reader, "leaf_readers") else 1
    library.close()
    return {"segments": segments, "p50_ms": round(statistics.median(times)),
            "p95_ms": round(times[int(len(times) * 0.95)]), "max_ms": round(times[-1])}


def main() -> None:
    index_dir = sys.argv[1]
    before = measure(index_dir)
    start = time.perf_counter()
    library = Library(index_dir)
    library.count()  # opens it
    library._ix.optimize()
    library.close()
    merge_seconds = round(time.perf_counter() - start)
    print(json.dumps({"as_built": before, "merge_seconds": merge_seconds,
                      "one_segment": measure(index_dir)}, indent=2))


if __name__ == "__main__":
    main()
