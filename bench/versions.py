"""Near-duplicate detection at scale, against planted pairs and baselines.

    .venv/bin/python bench/versions.py [--n 100000] [--dupes 1000] [--baseline-n 2000]

Generates N articles plus DUPES planted near-copies (bench/generate.py: about
10% of sentences edited, boilerplate added), runs wartui's detector over them
in batches as indexing does (MinHash bands in SQLite, verification with
shingle containment and rapidfuzz), and reports recall and precision of the
planted pairs, wall time and peak memory. Baselines, at a size where they
still run: exact all-pairs shingle containment, and rapidfuzz's cdist.

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


def _articles(n: int, dupes: int):
    sys.path.insert(0, str(ROOT))
    from bench.generate import generate, planted_pairs
    from wartui.model import Article

    docs = [Article(id=d["id"], title=d["title"], date=d["date"], source=d["source"], author="",
                    paragraphs=d["text"].split("\n\n")) for d in generate(n, 1, dupes)]
    return docs, {tuple(sorted(p)) for p in planted_pairs(n, 1, dupes)}


def detect(n: int, dupes: int) -> dict:
    import sqlite3

    from wartui.versions.detect import VersionIndex

    docs, planted = _articles(n, dupes)
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
    return {"articles": len(docs), "planted_pairs": len(planted), "found_pairs": len(found),
            "recall": round(len(true) / len(planted), 4) if planted else None,
            "precision": round(len(true) / len(found), 4) if found else None,
            "seconds": round(seconds, 1), "articles_per_s": round(len(docs) / seconds),
            "tables_mb": round(size_mb, 1),
            "missed_examples": sorted(planted - found)[:5],
            "extra_examples": sorted(found - planted)[:5]}


def baseline_exact(n: int, dupes: int) -> dict:
    """All pairs, exact shingle containment: the ground truth detect() samples."""
    from wartui.versions.detect import CONTAINMENT_MIN, shingles, words

    docs, planted = _articles(n, dupes)
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

    docs, planted = _articles(n, dupes)
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


def _child(kind: str, n: int, dupes: int) -> dict:
    """Run one measurement in a fresh process; add its peak RSS."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + str(ROOT))
    proc = subprocess.Popen([sys.executable, __file__, "--child", kind, "--n", str(n),
                             "--dupes", str(dupes)], stdout=subprocess.PIPE, text=True, env=env)
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
    parser.add_argument("--baseline-n", type=int, default=2000,
                        help="size for the all-pairs baselines (they grow with n squared)")
    parser.add_argument("--child", choices=("detect", "exact", "cdist"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = {"detect": detect, "exact": baseline_exact, "cdist": baseline_cdist}[args.child]
        print(json.dumps(run(args.n, args.dupes)))
        return
    small_dupes = max(1, args.baseline_n // 100)
    report = {
        "wartui": _child("detect", args.n, args.dupes),
        "wartui_at_baseline_size": _child("detect", args.baseline_n, small_dupes),
        "exact_all_pairs": _child("exact", args.baseline_n, small_dupes),
        "rapidfuzz_cdist": _child("cdist", args.baseline_n, small_dupes),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
