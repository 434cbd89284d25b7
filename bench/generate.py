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

`--versions-heavy` makes a collection full of versions instead, as real ones
are (the same wire story in many outlets, captures of one page every hour,
daily reports on one template): N articles, 30% of them in clusters of 2-200
versions with small edits, 10% reports on a few templates that share a
header and a footer but not their story (generate_versions_heavy; the
clusters are listed by planted_clusters and written to `--manifest`).

    python bench/generate.py --versions-heavy --n 100000 \\
        --out bench/corpus/100000-versions.jsonl --manifest bench/corpus/100000-versions.clusters.json
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


# -- a collection full of versions -------------------------------------------------

CLUSTERED = 0.30  # of the articles, in clusters of versions
TEMPLATED = 0.10  # of the articles, reports on a shared template
CLUSTER_SIZES = (2, 200)
CLUSTER_EXPONENT = 2.1  # cluster sizes k drawn with P(k) ~ k**-2.1: many pairs, a few of 100+
CAPTURES = 0.4  # of the clusters, captures of one page over time (a chain of small edits)

# Templates of recurring reports, in our own words: a name, a header and a
# footer around a different story each time (a date, a number, a place filled in).
TEMPLATES = [
    ("Daily humanitarian update",
     "This daily update is issued by the humanitarian coordination office for Syria and "
     "covers events reported in the 24 hours to {date}. Figures are provisional and may be "
     "revised as partners verify them.",
     "Partners on the ground continue to assess needs in {place}. To correct or add to this "
     "update, write to the coordination desk; the next one is issued tomorrow morning."),
    ("Monitoring report",
     "Monitoring report number {number}. Our field network documented the following incidents "
     "in {place} governorate on {date}, based on eyewitness accounts, local medical sources and "
     "images reviewed by our team.",
     "Methodology: an incident is counted once two independent sources confirm it. Casualty "
     "figures include civilians and fighters unless stated otherwise."),
    ("Morning briefing",
     "Good morning. Here is what you need to know about the war in Syria today, {date}, "
     "compiled by our regional desk from wire reports and local correspondents in {place}.",
     "That is all for this briefing. Sign up to receive it every morning, and follow our live "
     "page for updates throughout the day."),
    ("Weekly casualty tally",
     "In the week ending {date}, at least {number} people were reported killed across Syria, "
     "according to the tally our monitors keep, most of them in {place}.",
     "This tally is compiled from daily reports and published weekly; earlier weeks are "
     "revised when new information comes in."),
    ("Local council statement",
     "Press release, {date}. The local council of {place} issued the following statement on "
     "the situation in the city and its countryside.",
     "The council calls on all parties to respect international humanitarian law and to allow "
     "aid convoys safe passage. Statement number {number} ends."),
    ("Security summary",
     "Security situation summary for {place}, {date}. This summary is prepared for aid workers "
     "and is based on open sources; it is not an assessment of any party's intentions.",
     "Staff are reminded to check movement restrictions with the security focal point before "
     "any travel. Threat level for {place}: {number} on the agency scale."),
]
PLACES = ("Aleppo", "Idlib", "Homs", "Hama", "Daraa", "Deir ez-Zor", "Raqqa", "Damascus",
          "Latakia", "Hasakah", "Eastern Ghouta", "Quneitra")


def _cluster_sizes(rng: random.Random, members: int) -> list[int]:
    low, high = CLUSTER_SIZES
    sizes = list(range(low, high + 1))
    weights = [size ** -CLUSTER_EXPONENT for size in sizes]
    out: list[int] = []
    while members >= low:
        size = min(rng.choices(sizes, weights)[0], members)
        if members - size == 1:  # no cluster of one left over
            size += 1
        out.append(size)
        members -= size
    return out


def _plan(n: int, seed: int) -> list[tuple]:
    """What each of the n articles is, in file order: ("cluster", c, kind) for
    a member of cluster c (its first in the file is its original), ("template",
    t) or ("article",). Members of one cluster are spread through the file, as
    versions come in over time."""
    rng = random.Random(f"{seed}:versions-heavy")
    sizes = _cluster_sizes(rng, round(n * CLUSTERED))
    kinds = ["captures" if rng.random() < CAPTURES else "wire" for _ in sizes]
    slots: list[tuple] = [("cluster", c, kinds[c]) for c, size in enumerate(sizes)
                          for _ in range(size)]
    slots += [("template", rng.randrange(len(TEMPLATES))) for _ in range(round(n * TEMPLATED))]
    slots += [("article",)] * (n - len(slots))
    rng.shuffle(slots)
    return slots


def planted_clusters(n: int, seed: int = 1) -> list[list[str]]:
    """The ids of each planted cluster of versions (bench/generate.py --versions-heavy)."""
    members: dict[int, list[str]] = {}
    for number, slot in enumerate(_plan(n, seed), 1):
        if slot[0] == "cluster":
            members.setdefault(slot[1], []).append(f"gen-{number:06d}")
    return [members[c] for c in sorted(members)]


def _edit(rng: random.Random, paragraphs: list[list[str]], share: float, pool: list[str]) -> None:
    """Edit about `share` of the sentences in place (at least one): a number
    changed ("12 killed" -> "15 killed") or the sentence replaced."""
    slots = [(i, j) for i, p in enumerate(paragraphs) for j in range(len(p))]
    for i, j in rng.sample(slots, max(1, round(len(slots) * share))):
        sentence = paragraphs[i][j]
        numbers = NUMBER.findall(sentence)
        if numbers and rng.random() < 0.6:
            old = rng.choice(numbers)
            paragraphs[i][j] = re.sub(rf"\b{old}\b", str(int(old) + rng.randint(1, 9)), sentence,
                                      count=1)
        else:
            paragraphs[i][j] = rng.choice(pool)


def _day(iso: str, days: int) -> str:
    return date.fromordinal(min(LAST_DAY, date.fromisoformat(iso).toordinal() + days)).isoformat()


def _templated(rng: random.Random, number: int, template: int, fakes) -> dict:
    articles, pool, sources = fakes
    name, header, footer = TEMPLATES[template]
    day = date.fromordinal(rng.randint(FIRST_DAY, LAST_DAY))
    fill = {"date": f"{day.day} {day:%B %Y}", "number": rng.randint(2, 400),
            "place": rng.choice(PLACES)}
    story = [" ".join(rng.sample(pool, rng.randint(2, 4))) for _ in range(rng.randint(3, 5))]
    title = f"{name}, {fill['date']}: {rng.choice(articles)['title']}"
    return {"id": f"gen-{number:06d}", "title": title,
            "text": "\n\n".join([header.format(**fill), *story, footer.format(**fill)]),
            "source": sources[template % len(sources)], "date": day.isoformat()}


def generate_versions_heavy(n: int, seed: int = 1) -> Iterator[dict]:
    """N articles gen-000001 ..., about CLUSTERED of them in clusters of 2-200
    versions (planted_clusters), TEMPLATED of them reports on a few templates
    that share a header and a footer but not their story, the rest as
    generate()'s. A cluster is either a wire story republished (each copy
    the original with ~3-10% of its sentences edited, another source, a
    boilerplate block appended) or captures of one page over time (each the
    capture before with one or two sentences edited, sometimes a sentence
    added, a day later at most)."""
    fakes = load_fakes()
    articles, pool, sources = fakes
    rng = random.Random(f"{seed}:versions-heavy:text")
    plan = _plan(n, seed)
    remaining: dict[int, int] = {}  # members of each cluster still to write
    for slot in plan:
        if slot[0] == "cluster":
            remaining[slot[1]] = remaining.get(slot[1], 0) + 1
    open_clusters: dict[int, tuple[dict, list[list[str]]]] = {}
    for number, slot in enumerate(plan, 1):
        if slot[0] == "article":
            yield _article(rng, number, fakes)[0]
        elif slot[0] == "template":
            yield _templated(rng, number, slot[1], fakes)
        else:
            _, cluster, kind = slot
            remaining[cluster] -= 1
            if cluster not in open_clusters:  # the original
                record, paragraphs = _article(rng, number, fakes)
                if remaining[cluster]:
                    open_clusters[cluster] = (record, paragraphs)
                yield record
                continue
            base, paragraphs = open_clusters[cluster]
            paragraphs = [list(p) for p in paragraphs]
            record = {**base, "id": f"gen-{number:06d}"}
            if kind == "wire":
                _edit(rng, paragraphs, rng.uniform(0.03, 0.10), pool)
                blocks = [" ".join(p) for p in paragraphs]
                blocks.append("\n".join(_boilerplate(rng, articles)))
                record["source"] = rng.choice([s for s in sources if s != base["source"]])
            else:  # the next capture: edited from the last one, which it replaces
                _edit(rng, paragraphs, 0.0, pool)
                if rng.random() < 0.2:
                    paragraphs[-1].append(rng.choice(pool))
                blocks = [" ".join(p) for p in paragraphs]
                record["date"] = _day(base["date"], rng.randint(0, 1))
                open_clusters[cluster] = (record, paragraphs)
            record["text"] = "\n\n".join(blocks)
            if not remaining[cluster]:
                open_clusters.pop(cluster, None)
            yield record


def write_corpus(out: Path, n: int, seed: int = 1, dupes: int = 0, txt_dir: Path | None = None,
                 manifest: Path | None = None, shorts: int = 0,
                 versions_heavy: bool = False) -> int:
    """Write the JSONL (and optionally one .txt per article); returns the article count.
    `versions_heavy`: generate_versions_heavy's corpus (`dupes` and `shorts`
    unused), whose manifest lists the planted clusters."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if txt_dir:
        txt_dir.mkdir(parents=True, exist_ok=True)
    count = 0
    tmp = out.with_name(out.name + ".tmp")
    records = (generate_versions_heavy(n, seed) if versions_heavy
               else generate(n, seed, dupes, shorts))
    with tmp.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            if txt_dir:
                (txt_dir / f"{record['id']}.txt").write_text(
                    f"{record['title']}\n\n{record['text']}\n", encoding="utf-8")
            count += 1
    tmp.replace(out)
    if manifest:
        manifest.parent.mkdir(parents=True, exist_ok=True)
        if versions_heavy:
            planted = planted_clusters(n, seed)
        else:
            planted = planted_pairs(n, seed, dupes)
            if shorts:
                planted = {"copies": planted, "shorts": short_pairs(n, seed, dupes, shorts)}
        manifest.write_text(json.dumps(planted) + "\n")
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
    parser.add_argument("--manifest", type=Path,
                        help="write the planted pairs (--versions-heavy: clusters) as JSON")
    parser.add_argument("--versions-heavy", action="store_true",
                        help=f"N articles, {CLUSTERED:.0%} of them in clusters of versions of "
                             f"{CLUSTER_SIZES[0]}-{CLUSTER_SIZES[1]}, {TEMPLATED:.0%} templated "
                             "reports (--dupes is not used)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    count = write_corpus(args.out, args.n, args.seed, args.dupes, args.txt_dir, args.manifest,
                         args.shorts, versions_heavy=args.versions_heavy)
    print(f"{count} articles -> {args.out} ({args.out.stat().st_size / 1e6:.1f} MB, "
          f"{time.perf_counter() - start:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
