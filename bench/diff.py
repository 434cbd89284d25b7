"""How fast is the version diff on two ~10 KB articles?

    .venv/bin/python bench/diff.py [--runs 200] [--pairs 5] [--seed 1]

Each pair is built deterministically from FA-KES sentences (bench.generate):
version a joins generated articles, in paragraphs of 1-2 sentences, until it
is about 10 KB; version b edits
about 10% of its sentences (half renumber a figure, half swap in another
sentence), moves one paragraph further down and appends a reader-comment
block. `diff_paragraphs(a, b)` is timed RUNS times over the pairs.

Prints JSON: article_kb, paragraphs [na, nb] (of the first pair), diff_ms
{p50, max}, runs, plus what the first diff found (ops, figures).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))  # `bench.generate`, also when run as a script

from bench.generate import generate, load_fakes, split_sentences  # noqa: E402
from wartui.versions.diff import diff_paragraphs  # noqa: E402

TARGET_BYTES = 10_000
NUMBER = re.compile(r"\b\d+\b")
COMMENTS = [
    "Great report, thanks for keeping us informed.",
    "By looking at the map it is easy to see who is winning this war.",
    "The west will never admit what is really happening on the ground.",
    "Who is paying for all these buses? Nobody asks that question.",
]


def article_pair(rng: random.Random, start: int) -> tuple[list[str], list[str]]:
    records = generate(400, seed=start)
    a: list[str] = []
    for record in records:
        # news sites write short paragraphs: 1-2 sentences, ~30 per 10 KB
        for paragraph in record["text"].split("\n\n"):
            sentences = split_sentences(paragraph)
            a += [" ".join(sentences[k:k + 2]) for k in range(0, len(sentences), 2)]
        if sum(len(p) + 2 for p in a) >= TARGET_BYTES:
            break
    _, pool, _ = load_fakes()
    sentences = [split_sentences(p) for p in a]
    slots = [(i, j) for i, p in enumerate(sentences) for j in range(len(p))]
    for i, j in rng.sample(slots, round(len(slots) * 0.1)):
        numbers = NUMBER.findall(sentences[i][j])
        if numbers and rng.random() < 0.5:  # a renumbered figure: "12 killed" -> "15 killed"
            old = rng.choice(numbers)
            new = str(int(old) + rng.randint(1, 9))
            sentences[i][j] = re.sub(rf"\b{old}\b", new, sentences[i][j], count=1)
        else:
            sentences[i][j] = rng.choice(pool)
    b = [" ".join(p) for p in sentences]
    moved = b.pop(2)
    b.insert(len(b) - 3, moved)
    b += rng.sample(COMMENTS, 3)
    return a, b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    pairs = [article_pair(rng, args.seed + k) for k in range(args.pairs)]
    diff_paragraphs(*pairs[0])  # warm-up: imports, regex compilation
    times = []
    for run in range(args.runs):
        a, b = pairs[run % len(pairs)]
        start = time.perf_counter()
        diff_paragraphs(a, b)
        times.append((time.perf_counter() - start) * 1000)
    first = diff_paragraphs(*pairs[0])
    a, b = pairs[0]
    print(json.dumps({
        "article_kb": round(sum(len("\n\n".join(p).encode()) for p in pairs[0]) / 2 / 1024, 1),
        "paragraphs": [len(a), len(b)],
        "diff_ms": {"p50": round(statistics.median(times), 2), "max": round(max(times), 2)},
        "runs": args.runs,
        "pairs": args.pairs,
        "first_diff": {
            "ops": dict(Counter(block.op for block in first.blocks)),
            "similarity": round(first.similarity, 4),
            "figures": [f.text for f in first.figures],
            "labelled": [block.op for block in first.blocks if block.label],
        },
    }, indent=2))


if __name__ == "__main__":
    main()
