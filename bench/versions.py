"""Near-duplicate detection at scale, against planted pairs and baselines.

    .venv/bin/python bench/versions.py [--n 100000] [--dupes 1000] [--shorts 500]
        [--baseline-n 2000]
    .venv/bin/python bench/versions.py --judged

With --judged, it indexes the seeds and FA-KES instead and scores the
versions found on the pairs judged by hand (tests/data/version_pairs.csv):
same-report pairs found, look-alikes merged, and the pairs missed.

Generates N articles plus DUPES planted near-copies (bench/generate.py: about
10% of sentences edited, boilerplate added) and SHORTS planted short stories
each carried by a longer article (3-5 sentences, 1-2 of them edited, inside
an article three times as long), runs wartui's detector over them in batches
as indexing does (MinHash candidates looked up in memory, verification on
the texts), and reports recall of each kind of planted pair, precision over
all of them, wall time and peak memory. Baselines, at a size where they still
run: exact all-pairs shingle containment, and rapidfuzz's cdist.

Every figure is measured in a child process (so peak RSS is its own) and
printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BATCH = 5000  # as Library.add_paths commits


def _articles(n: int, dupes: int, shorts: int = 0):
    """The articles, the planted near-copies and the planted short stories."""
    sys.path.insert(0, str(ROOT))
    from bench.generate import generate, planted_pairs, short_pairs
    from wartui.model import Article

    docs = [Article(id=d["id"], title=d["title"], date=d["date"], source=d["source"], author="",
                    paragraphs=d["text"].split("\n\n")) for d in generate(n, 1, dupes, shorts)]
    return (docs, {tuple(sorted(p)) for p in planted_pairs(n, 1, dupes)},
            {tuple(sorted(p)) for p in short_pairs(n, 1, dupes, shorts)})


def detect(n: int, dupes: int, shorts: int = 0) -> dict:
    import sqlite3

    from wartui.versions.detect import VersionIndex

    docs, copies, inside = _articles(n, dupes, shorts)
    planted = copies | inside
    bodies = {d.id: d.body for d in docs}
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp) / "versions.sqlite")
        db.execute("PRAGMA journal_mode=WAL")
        index = VersionIndex(db, lambda ids: {i: bodies[i] for i in ids})
        start = time.perf_counter()
        for at in range(0, len(docs), BATCH):
            index.update(docs[at:at + BATCH])
        seconds = time.perf_counter() - start
        found = {(p.a, p.b) for p in index.pairs()}
        size_mb = sum(f.stat().st_size for f in Path(tmp).iterdir()) / 1e6
    true = found & planted
    return {"articles": len(docs), "planted_pairs": len(copies), "planted_shorts": len(inside),
            "found_pairs": len(found),
            "recall": round(len(found & copies) / len(copies), 4) if copies else None,
            "recall_shorts": round(len(found & inside) / len(inside), 4) if inside else None,
            "precision": round(len(true) / len(found), 4) if found else None,
            "seconds": round(seconds, 1), "articles_per_s": round(len(docs) / seconds),
            "tables_mb": round(size_mb, 1),
            "missed_examples": sorted(copies - found)[:5],
            "missed_shorts_examples": sorted(inside - found)[:5],
            "extra_examples": sorted(found - planted)[:5]}


def baseline_exact(n: int, dupes: int) -> dict:
    """All pairs, exact shingle containment: the ground truth detect() samples."""
    from wartui.versions.detect import CONTAINMENT_MIN, shingles, words

    docs, planted, _ = _articles(n, dupes)
    sets = [(d.id, shingles(words(d.body))) for d in docs]
    start = time.perf_counter()
    found = set()
    for i, (a, sa) in enumerate(sets):
        for b, sb in sets[i + 1:]:
            shared = len(sa & sb)
            if shared and shared / min(len(sa), len(sb)) >= CONTAINMENT_MIN:
                found.add((a, b) if a < b else (b, a))
    seconds = time.perf_counter() - start
    pairs = len(docs) * (len(docs) - 1) // 2
    return {"articles": len(docs), "pairs_compared": pairs, "seconds": round(seconds, 1),
            "found_pairs": len(found), "recall": round(len(found & planted) / len(planted), 4),
            "extrapolated_seconds_at_100k": round(seconds * (101_000 ** 2) / len(docs) ** 2)}


def baseline_cdist(n: int, dupes: int) -> dict:
    """rapidfuzz.process.cdist of every article against every other (2 workers)."""
    from rapidfuzz import fuzz, process

    docs, planted, _ = _articles(n, dupes)
    texts = [d.body for d in docs]
    start = time.perf_counter()
    scores = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=60, workers=-1,
                           dtype="uint8")
    seconds = time.perf_counter() - start
    found = {tuple(sorted((docs[i].id, docs[j].id)))
             for i, j in zip(*scores.nonzero()) if i < j}
    return {"articles": len(docs), "seconds": round(seconds, 1), "found_pairs": len(found),
            "recall": round(len(found & planted) / len(planted), 4),
            "extrapolated_seconds_at_100k": round(seconds * (101_000 ** 2) / len(docs) ** 2)}


def judged() -> dict:
    """The seeds and FA-KES indexed as a user does; the hand-judged pairs
    scored: a pair is found when its two articles are in one version group."""
    import csv

    from wartui import Library

    with tempfile.TemporaryDirectory() as tmp:
        library = Library(Path(tmp) / "index")
        start = time.perf_counter()
        library.add_paths([ROOT / "seeds", ROOT / "tests" / "data" / "fakes.csv"])
        seconds = time.perf_counter() - start
        clusters = library._version_index.clusters()
        library.close()
    with open(ROOT / "tests" / "data" / "version_pairs.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = {"same": [], "different": []}
    for row in rows:
        cluster = clusters.get(row["a"])
        together = cluster is not None and cluster == clusters.get(row["b"])
        found[row["verdict"]].append((together, row))
    same, different = found["same"], found["different"]
    return {"corpus": "seeds + FA-KES", "index_seconds": round(seconds, 1),
            "same_found": f"{sum(t for t, _ in same)}/{len(same)}",
            "look_alikes_merged": f"{sum(t for t, _ in different)}/{len(different)}",
            "same_missed": [f"{r['a']} {r['b']}: {r['reason']}" for t, r in same if not t],
            "look_alikes_merged_list": [f"{r['a']} {r['b']}: {r['reason']}"
                                        for t, r in different if t]}


def _child(kind: str, n: int, dupes: int, shorts: int = 0) -> dict:
    """Run one measurement in a fresh process; add its peak RSS."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + str(ROOT))
    proc = subprocess.Popen([sys.executable, __file__, "--child", kind, "--n", str(n),
                             "--dupes", str(dupes), "--shorts", str(shorts)],
                            stdout=subprocess.PIPE, text=True, env=env)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)  # the child's own rusage, peak RSS included
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"bench/versions.py: the {kind} child failed ({proc.returncode})")
    figures = json.loads(out)
    figures["peak_rss_mb"] = round(usage.ru_maxrss / 1024)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--dupes", type=int, default=1000)
    parser.add_argument("--shorts", type=int, default=500,
                        help="planted short stories inside longer articles")
    parser.add_argument("--baseline-n", type=int, default=2000,
                        help="size for the all-pairs baselines (they grow with n squared)")
    parser.add_argument("--judged", action="store_true",
                        help="score the hand-judged FA-KES pairs instead")
    parser.add_argument("--child", choices=("detect", "exact", "cdist"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.judged:
        sys.path.insert(0, str(ROOT / "src"))
        print(json.dumps(judged(), indent=2))
        return
    if args.child:
        if args.child == "detect":
            print(json.dumps(detect(args.n, args.dupes, args.shorts)))
            return
        run = {"exact": baseline_exact, "cdist": baseline_cdist}[args.child]
        print(json.dumps(run(args.n, args.dupes)))
        return
    small_dupes = max(1, args.baseline_n // 100)
    report = {
        "wartui": _child("detect", args.n, args.dupes, args.shorts),
        "wartui_at_baseline_size": _child("detect", args.baseline_n, small_dupes,
                                          max(1, small_dupes // 2)),
        "exact_all_pairs": _child("exact", args.baseline_n, small_dupes),
        "rapidfuzz_cdist": _child("cdist", args.baseline_n, small_dupes),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
