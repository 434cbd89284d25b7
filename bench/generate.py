"""A deterministic, realistic benchmark corpus from the FA-KES articles.

Every generated article recombines real sentences of tests/data/fakes.csv:
a lead of 2-3 sentences and the title from one "base" article (so each
article has a topic), the rest from anywhere. Articles sharing a base share
only that lead, so the planted pairs are the corpus's only near-duplicates.

    python bench/generate.py --n 100000 --dupes 1000 --out bench/corpus/100000.jsonl \\
        --manifest bench/corpus/100000.pairs.json [--txt-dir bench/corpus/txt] [--seed 1]

`--dupes K` plants K near-duplicate pairs (in addition to the N articles): a
copy of an article with ~10% of its sentences edited, boilerplate at the end,
a new id and another source. The pairs go to `--manifest`.

`--shorts K` plants K more pairs, two new articles each: a short wire story
(3-5 sentences) and a longer article, about three times its length, that
carries it with 1-2 of its sentences edited (a number changed, or the
sentence rewritten), after a sentence or two of its own or at its start. The
pairs go to the manifest's "shorts" (with --shorts, the manifest is
{"copies": [...], "shorts": [...]}).

From code: `generate(n, seed, dupes, shorts)` yields the article dicts,
`planted_pairs(n, seed, dupes)` and `short_pairs(n, seed, dupes, shorts)`
list the pairs without generating anything. The N base articles do not
depend on `dupes` or `shorts`, nor the near-copies on `shorts`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
import sys
import time
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from pathlib import Path

from wartui.ingest.decode import decode_bytes

FAKES = Path(__file__).resolve().parents[1] / "tests" / "data" / "fakes.csv"

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?"
# "Wed 05 Apr 2017", "Fri Apr 29 2016", "Tuesday 31 May 2016 18:14", "15-09-2013",
# "Published June 4 2016", "05.10.2017(updated 1935 05.10.2017) Get short URL 101"
DATELINE = re.compile(
    rf"^\s*(?:(?:date of publication|published|posted|updated)\s*:?\s*)?(?:{_WEEKDAY}\s+)?"
    rf"(?:\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}[-.]\d{{1,2}}[-.]\d{{4}})"
    rf"(?:\s*\d{{1,2}}:\d{{2}})?(?:\s*\(updated [^)]*\))?(?:\s*get short url \d*)?\s*",
    re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“A-Z0-9])")
NUMBER = re.compile(r"\b\d+\b")
FIRST_DAY, LAST_DAY = date(2011, 3, 15).toordinal(), date(2018, 12, 31).toordinal()


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def strip_dateline(content: str, title: str) -> str:
    """Drop a leading dateline and the title the body often repeats."""
    content = DATELINE.sub("", content, count=1).strip()
    if title and content.lower().startswith(title.lower()):
        content = content[len(title):].lstrip(" .:")
    return content


@lru_cache(maxsize=None)
def load_fakes() -> tuple[list[dict], list[str], list[str]]:
    """(articles as {title, source, sentences}, all sentences, the sources)."""
    text = decode_bytes(FAKES.read_bytes()).text
    articles, seen = [], set()
    for row in csv.DictReader(io.StringIO(text)):
        title = " ".join(row["article_title"].split())
        body = strip_dateline(" ".join(row["article_content"].split()), title)
        sentences = []
        for sentence in split_sentences(body):
            if not 40 <= len(sentence) <= 400 or len(sentence.split()) < 6:
                continue
            if sentence[-1] not in ".!?\"”":
                sentence += "."
            sentences.append(sentence)
        if len(sentences) >= 2 and title:
            articles.append({"title": title, "source": row["source"].strip(),
                             "sentences": sentences})
            seen.update(sentences)
    return articles, sorted(seen), sorted({a["source"] for a in articles})


def _title(rng: random.Random, base: dict, articles: list[dict], sentence: str) -> str:
    roll = rng.random()
    if roll < 0.4:
        return base["title"]
    if roll < 0.75:  # head of this title + tail of another
        head, tail = base["title"].split(), rng.choice(articles)["title"].split()
        cut_a, cut_b = max(1, len(head) // 2), len(tail) // 2
        return " ".join(head[:cut_a] + tail[cut_b:])
    words = sentence.split()[: rng.randint(6, 12)]  # a fragment of a later sentence
    return " ".join(words).strip(".,;:\"“”")


def _article(rng: random.Random, number: int, fakes) -> tuple[dict, list[list[str]]]:
    articles, pool, sources = fakes
    base = rng.choice(articles)
    own = base["sentences"]
    position = rng.randrange(len(own) // 2 + 1)
    # Only a short lead comes from the base story: articles that share a base
    # must not be near-duplicates of each other, or the planted pairs would
    # not be the only versions in the corpus (bench/versions measures them).
    lead_end = min(len(own), position + rng.randint(2, 3))
    target = rng.randint(1400, 2200)
    paragraphs: list[list[str]] = []
    used: set[str] = set()
    size = 0
    while len(paragraphs) < 4 or (size < target and len(paragraphs) < 8):
        paragraph: list[str] = []
        wanted = rng.randint(2, 4)
        while len(paragraph) < wanted:
            if position < lead_end:  # the lead: a few sentences of the base story, in order
                sentence = own[position]
                position += 1
            else:
                sentence = rng.choice(pool)
            if sentence not in used:  # a page does not repeat itself (wartui would drop it)
                used.add(sentence)
                paragraph.append(sentence)
                size += len(sentence) + 1
        paragraphs.append(paragraph)
    record = {
        "id": f"gen-{number:06d}",
        "title": _title(rng, base, articles, rng.choice(paragraphs[1:])[0]),
        "text": "\n\n".join(" ".join(p) for p in paragraphs),
        "source": base["source"] if rng.random() < 0.8 else rng.choice(sources),
        "date": date.fromordinal(rng.randint(FIRST_DAY, LAST_DAY)).isoformat(),
    }
    return record, paragraphs


def _boilerplate(rng: random.Random, articles: list[dict]) -> list[str]:
    kind = rng.randrange(3)
    if kind == 0:
        return ["Related Articles"] + [rng.choice(articles)["title"] for _ in range(3)]
    if kind == 1:
        return ["Support us: donate", "Every contribution keeps our reporting independent."]
    return ["Share this article", "Tags: Syria, " + ", ".join(
        rng.choice(("Aleppo", "Idlib", "Damascus", "Homs", "Raqqa", "Russia", "Turkey"))
        for _ in range(2))]


def _near_copy(rng: random.Random, original: dict, paragraphs: list[list[str]], number: int,
               fakes) -> dict:
    articles, pool, sources = fakes
    paragraphs = [list(p) for p in paragraphs]
    slots = [(i, j) for i, p in enumerate(paragraphs) for j in range(len(p))]
    for i, j in rng.sample(slots, max(1, round(len(slots) * 0.1))):
        sentence = paragraphs[i][j]
        numbers = NUMBER.findall(sentence)
        if numbers and rng.random() < 0.5:  # change a number: "12 killed" -> "15 killed"
            old = rng.choice(numbers)
            new = str(int(old) + rng.randint(1, 9))
            paragraphs[i][j] = re.sub(rf"\b{old}\b", new, sentence, count=1)
        else:
            paragraphs[i][j] = rng.choice(pool)
    blocks = [" ".join(p) for p in paragraphs] + ["\n".join(_boilerplate(rng, articles))]
    return {
        "id": f"gen-{number:06d}",
        "title": original["title"],
        "text": "\n\n".join(blocks),
        "source": rng.choice([s for s in sources if s != original["source"]]),
        "date": original["date"],
    }


def _short_story(rng: random.Random, number: int, fakes) -> tuple[dict, dict]:
    """A short wire story and a longer article carrying it, edited (see the
    module's docstring): article numbers `number` and `number + 1`."""
    articles, pool, sources = fakes
    # Each sentence spliced from two of the pool (the head of one, the tail of
    # another), as the titles are: the story is its own text. Pool sentences
    # are in ~160 articles each at 100k, and two of them in one article
    # about once in four: a story of whole pool sentences would be "mostly
    # in" a few unrelated articles of a large corpus.
    story = []
    while len(story) < rng.randint(3, 5) or len(story) < 3:
        head, tail = rng.choice(pool).split(), rng.choice(pool).split()
        story.append(" ".join(head[:max(3, len(head) // 2)] + tail[len(tail) // 2:]))
    carried = list(story)
    for at in rng.sample(range(len(story)), 1 if len(story) == 3 else rng.randint(1, 2)):
        carried[at] = _edited(rng, carried[at], pool)
    target = 3 * sum(len(sentence) + 1 for sentence in story)
    before = [rng.choice(pool) for _ in range(rng.choice((0, 0, 1, 2)))]
    sentences = before + carried
    while sum(len(sentence) + 1 for sentence in sentences) < target:
        sentences.append(rng.choice(pool))
    paragraphs, at = [], 0
    while at < len(sentences):
        size = rng.randint(2, 4)
        paragraphs.append(" ".join(sentences[at:at + size]))
        at += size
    title = rng.choice(articles)["title"]
    day = date.fromordinal(rng.randint(FIRST_DAY, LAST_DAY)).isoformat()
    source, other = rng.sample(sources, 2)
    short = {"id": f"gen-{number:06d}", "title": title, "text": " ".join(story),
             "source": source, "date": day}
    long = {"id": f"gen-{number + 1:06d}", "title": title.split(" ", 1)[-1], "source": other,
            "text": "\n\n".join(paragraphs), "date": day}
    return short, long


def _edited(rng: random.Random, sentence: str, pool: list[str]) -> str:
    """A sentence as another outlet edits it: a number changed ("12 killed"
    -> "15 killed"), or a few of its words rewritten (2-4 words replaced by
    1-3 words of another sentence: "Islamic State" -> "Daesh terror group")."""
    numbers = NUMBER.findall(sentence)
    if numbers and rng.random() < 0.5:
        old = rng.choice(numbers)
        return re.sub(rf"\b{old}\b", str(int(old) + rng.randint(1, 9)), sentence, count=1)
    words, other = sentence.split(), rng.choice(pool).split()
    size = min(rng.randint(2, 4), max(1, len(words) - 2))
    at = rng.randrange(1, max(2, len(words) - size))
    start = rng.randrange(max(1, len(other) - 3))
    return " ".join(words[:at] + other[start:start + rng.randint(1, 3)] + words[at + size:])


def short_pairs(n: int, seed: int = 1, dupes: int = 0, shorts: int = 0) -> list[list[str]]:
    """[[short_id, long_id], ...]: numbered after the near-copies."""
    first = n + dupes + 1
    return [[f"gen-{first + 2 * k:06d}", f"gen-{first + 2 * k + 1:06d}"] for k in range(shorts)]


def planted_pairs(n: int, seed: int = 1, dupes: int = 0) -> list[list[str]]:
    """[[original_id, copy_id], ...]: copies are numbered n+1 ... n+dupes."""
    if dupes > n:
        raise ValueError(f"cannot plant {dupes} pairs among {n} articles")
    originals = sorted(random.Random(f"{seed}:pairs").sample(range(1, n + 1), dupes))
    return [[f"gen-{o:06d}", f"gen-{n + k:06d}"] for k, o in enumerate(originals, 1)]


def generate(n: int, seed: int = 1, dupes: int = 0, shorts: int = 0) -> Iterator[dict]:
    """N articles gen-000001 ... then the DUPES near-copies (see planted_pairs),
    then the SHORTS short stories and the articles carrying them (short_pairs)."""
    fakes = load_fakes()
    pairs = planted_pairs(n, seed, dupes)
    wanted = {orig for orig, _ in pairs}
    kept: dict[str, tuple[dict, list[list[str]]]] = {}
    rng = random.Random(seed)
    for number in range(1, n + 1):
        record, paragraphs = _article(rng, number, fakes)
        if record["id"] in wanted:
            kept[record["id"]] = (record, paragraphs)
        yield record
    copy_rng = random.Random(f"{seed}:copies")
    for orig_id, copy_id in pairs:
        record, paragraphs = kept[orig_id]
        yield _near_copy(copy_rng, record, paragraphs, int(copy_id[4:]), fakes)
    short_rng = random.Random(f"{seed}:shorts")
    for short_id, _ in short_pairs(n, seed, dupes, shorts):
        yield from _short_story(short_rng, int(short_id[4:]), fakes)


def write_corpus(out: Path, n: int, seed: int = 1, dupes: int = 0, txt_dir: Path | None = None,
                 manifest: Path | None = None, shorts: int = 0) -> int:
    """Write the JSONL (and optionally one .txt per article); returns the article count."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if txt_dir:
        txt_dir.mkdir(parents=True, exist_ok=True)
    count = 0
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for record in generate(n, seed, dupes, shorts):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            if txt_dir:
                (txt_dir / f"{record['id']}.txt").write_text(
                    f"{record['title']}\n\n{record['text']}\n", encoding="utf-8")
            count += 1
    tmp.replace(out)
    if manifest:
        manifest.parent.mkdir(parents=True, exist_ok=True)
        pairs = planted_pairs(n, seed, dupes)
        if shorts:
            pairs = {"copies": pairs, "shorts": short_pairs(n, seed, dupes, shorts)}
        manifest.write_text(json.dumps(pairs) + "\n")
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="base articles (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dupes", type=int, default=0, help="near-duplicate pairs to plant")
    parser.add_argument("--shorts", type=int, default=0,
                        help="short stories to plant inside longer articles")
    parser.add_argument("--out", type=Path, required=True, help="output .jsonl")
    parser.add_argument("--txt-dir", type=Path, help="also write DIR/<id>.txt per article")
    parser.add_argument("--manifest", type=Path, help="write the planted pairs as JSON")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    count = write_corpus(args.out, args.n, args.seed, args.dupes, args.txt_dir, args.manifest,
                         args.shorts)
    print(f"{count} articles -> {args.out} ({args.out.stat().st_size / 1e6:.1f} MB, "
          f"{time.perf_counter() - start:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
