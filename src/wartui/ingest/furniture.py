"""Site furniture, learned from the user's own collection.

Analysts scrape many pages from each site, and every page of a site carries
the same menu, tagline, newsletter prompt, donation appeal and footer. A line
that appears on several otherwise different pages is furniture: the
line-deduplication of large web-text pipelines (CCNet, Gopher, RefinedWeb),
applied per site. Where a page's source is known its lines are counted with
that source's pages; where it is not (plain-text captures), with the other
pages of unknown source: the repetition across unrelated pages is the
evidence.

"Otherwise different" matters: four versions of one story share their
sentences, and those are article. So a line counts once per *story*: a page
whose prose sentences are mostly (`VERSION_CONTAINMENT`) those of a page
already counted for that line is a version of it and adds nothing.

What is counted, for each page ("units", keyed by `unit_key`):
- every line, whole;
- the first and the last `EDGE_FRAGMENTS` sentences of its first and last
  lines, and their first and last words in `EDGE_WORDS` counts: collections
  such as FA-KES keep a whole article on one line, its furniture glued to
  its ends ("... Tags Damascus Community standards Discussion Comment via
  Facebook").

Keys fold case, spacing, punctuation, digits and month names, so that "42
Comments" and "3 Comments", or "Posted on April 19 2017 by X" and "Posted on
May 2 2016 by X", are the same line. A line is furniture from `THRESHOLD`
stories on; the cleaner then drops it with its count ("seen on 14 pages of
this source"), and keeps a prose sentence only shared by other pages unless
it sits among other furniture (clean.py).
"""

from __future__ import annotations

import hashlib
import re
import string
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from ..model import RawRecord
from .dates import MONTHS

THRESHOLD = 3  # stories (pages that are not versions of each other)
VERSION_CONTAINMENT = 0.5  # of the smaller page's prose sentences in the other's
EDGE_FRAGMENTS = 3
EDGE_WORDS = (3, 5, 8, 12, 20, 32)
PROSE_FRAGMENT_WORDS = 8  # a sentence this long is prose, for the version check
SAMPLE = THRESHOLD
# Lines longer than this (in words) are an article's paragraphs, not a site's
# furniture (its longest "about us" lines are 20-35 words): not counted.
UNIT_WORDS = 45
# Pages of this many lines or fewer keep their article on one line (a CSV
# or JSONL row): the ends of their lines are counted and trimmed too.
ONE_LINE_PAGE = 2  # pages kept per unit: the version check and the re-cleaning

# after . ! ? …, but not after an initial ("H. Said", "M. al-Frieh")
_SENTENCE_SPLIT = re.compile(r"(?<![\s/(][A-Z]\.)(?<=[.!?…])[\"'”’»)]*\s+")


# Punctuation to spaces and digits to 0, in one pass (a regex per line cost
# four times as much: folding is most of learning's time).
_FOLD = str.maketrans({**{ord(c): " " for c in string.punctuation + "“”‘’„‚–—…«»·•|›‹©®°€£¥"},
                       **{ord(d): "0" for d in "123456789"}})


def fold(text: str) -> str:
    """A line as compared: its words, case-folded, punctuation as spaces,
    digits as 0 and month names as `month` (where there is a digit: a date)."""
    folded = text.casefold().translate(_FOLD)
    if "0" not in folded:
        return " ".join(folded.split())
    return " ".join(["month" if word in MONTHS else word for word in folded.split()])


def unit_key(scope: str, text: str) -> int:
    """A stable 63-bit key of a folded line within a scope (a source, or ""
    for pages of unknown source). Stable across processes and runs:
    Python's own hash() is not."""
    digest = hashlib.blake2b(f"{scope}\0{fold(text)}".encode("utf-8", "surrogatepass"),
                             digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


def scope_of(record: RawRecord) -> str:
    """Where a page's lines are counted: its source, or "" when unknown."""
    return " ".join(record.given.get("source", "").casefold().split())


EDGE_CHARS = 1500  # of a long line, where its first (last) sentences are looked for


def sentences(line: str) -> list[str]:
    return [part for part in _SENTENCE_SPLIT.split(line) if part]


def edge_sentences(line: str, at_end: bool, count: int = EDGE_FRAGMENTS) -> tuple[list[str], bool]:
    """The first (last) `count` sentences of a line, and whether the line
    has more than them: split near that end only (a 2 KB line each time
    cost more than the rest of cleaning it)."""
    if len(line) <= EDGE_CHARS:
        parts = sentences(line)
        more = len(parts) > count
        return (parts[-count:] if at_end else parts[:count]), more
    parts = sentences(line[-EDGE_CHARS:] if at_end else line[:EDGE_CHARS])
    parts = parts[1:] if at_end else parts[:-1]  # (the cut one is partial)
    return (parts[-count:] if at_end else parts[:count]), True


def edge_units(line: str, at_start: bool, at_end: bool) -> list[str]:
    """The leading (`at_start`) and trailing (`at_end`) fragments of a long
    line: its first/last sentences and its first/last words in EDGE_WORDS
    counts."""
    units: list[str] = []
    for wanted, end in ((at_start, False), (at_end, True)):
        if wanted:
            parts, more = edge_sentences(line, end)
            if more or len(parts) >= 2:
                units += parts
    words = line.split()
    for count in EDGE_WORDS:
        if count >= len(words):
            break
        if at_start:
            units.append(" ".join(words[:count]))
        if at_end:
            units.append(" ".join(words[-count:]))
    return units


def page_units(text: str) -> list[str]:
    """What of a page is counted (see the module's docstring)."""
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return []
    units = [line for line in lines if line.count(" ") < UNIT_WORDS]
    if len(lines) <= ONE_LINE_PAGE:
        units += edge_units(lines[0], True, len(lines) == 1)
        if len(lines) > 1:
            units += edge_units(lines[-1], False, True)
    return units


def fingerprint(text: str) -> np.ndarray:
    """The page's prose lines (or, for an article on one line, sentences), as
    sorted keys: what versions of one story share. (A CRC of each case-folded sentence: stable across
    processes, and ~20 times cheaper than a unit key; a collision among a
    page's sentences costs nothing but a shared sentence more.)"""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) <= ONE_LINE_PAGE:  # an article on one line: its sentences
        lines = [part for line in lines for part in sentences(line)]
    keys = {zlib.crc32(line.casefold().encode("utf-8", "surrogatepass"))
            for line in lines if line.count(" ") >= PROSE_FRAGMENT_WORDS - 1}
    return np.array(sorted(keys), dtype=np.int64)


def are_versions(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two pages are versions of one story (by their fingerprints)."""
    smaller = min(len(a), len(b))
    if not smaller:
        return False
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared >= VERSION_CONTAINMENT * smaller


# A sentence that reads like prose is furniture only when it is on this
# share of its source's pages: a site's "about us" is on every page, a
# background paragraph an outlet repeats on a few.
PROSE_SHARE = 0.2


@dataclass
class Furniture:
    """What the cleaner knows: {unit key: pages it was seen on}, for the
    units that are furniture (seen on THRESHOLD stories or more), and how
    many pages each source (scope) has."""
    pages: dict[int, int] = field(default_factory=dict)
    scope_pages: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.pages)

    def seen(self, scope: str, text: str) -> int:
        """On how many pages this line is furniture (0: it is not)."""
        if not self.pages:
            return 0
        return self.pages.get(unit_key(scope, text), 0)

    def everywhere(self, scope: str, seen: int) -> bool:
        """Whether `seen` pages are enough for prose to be furniture: a large
        share of a known source's pages (any count for pages of unknown
        source, which mix many sites)."""
        return not scope or seen >= PROSE_SHARE * self.scope_pages.get(scope, 0)


@dataclass
class Counted:
    """One unit's counts: the pages it is on, the stories among them, and
    the first pages of distinct stories (to tell versions, and to re-clean
    them when the unit becomes furniture)."""
    pages: int = 0
    stories: int = 0
    sample: list[str] = field(default_factory=list)


class Learner:
    """Counts the units of pages, a story at a time. `past` holds the counts
    of units from earlier runs ({key: Counted}, filled by the caller for the
    keys it is asked about) and `fingerprints` the sampled pages'."""

    def __init__(self, past: dict[int, Counted] | None = None,
                 fingerprints: dict[str, np.ndarray] | None = None):
        self.counts: dict[int, Counted] = past if past is not None else {}
        self.fingerprints: dict[str, np.ndarray] = fingerprints if fingerprints is not None else {}
        self.became: set[int] = set()  # keys that reached THRESHOLD in this run
        self.scope_pages: dict[str, int] = {}

    def add(self, page_id: str, scope: str, text: str) -> None:
        keys = {unit_key(scope, unit) for unit in page_units(text)}
        if not keys:
            return
        self.scope_pages[scope] = self.scope_pages.get(scope, 0) + 1
        mine = fingerprint(text)
        self.fingerprints[page_id] = mine
        for key in keys:
            counted = self.counts.get(key)
            if counted is None:
                counted = self.counts[key] = Counted()
            counted.pages += 1
            if counted.stories >= THRESHOLD:
                continue  # furniture already: no need to tell versions apart
            if any(are_versions(mine, self.fingerprints[other])
                   for other in counted.sample if other in self.fingerprints):
                continue
            counted.stories += 1
            counted.sample.append(page_id)
            if counted.stories == THRESHOLD:
                self.became.add(key)

    def knowledge(self) -> Furniture:
        return Furniture({key: counted.pages for key, counted in self.counts.items()
                          if counted.stories >= THRESHOLD}, dict(self.scope_pages))


def learn(records: Iterable[RawRecord]) -> Furniture:
    """The furniture of a set of pages, counted from them alone."""
    learner = Learner()
    for record in records:
        learner.add(record.id, scope_of(record), record.text)
    return learner.knowledge()
