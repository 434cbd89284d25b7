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
from ..store import in_chunks
from .dates import MONTHS

THRESHOLD = 3  # stories (pages that are not versions of each other)
VERSION_CONTAINMENT = 0.5  # of the smaller page's prose sentences in the other's
EDGE_FRAGMENTS = 8
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
_SENTENCE_SPLIT = re.compile(r"(?<![\s/(.][A-Z]\.)(?<!^[A-Z]\.)(?<=[.!?…])[\"'”’»)]*\s+")


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
    """The page's prose lines (or, for an article on one line, sentences),
    as sorted int64s: each line's key (a CRC of it, case-folded) in the high
    32 bits and its length in the low ones, so that a page's long paragraphs
    weigh more than its tagline. (A CRC is stable across processes and ~20
    times cheaper than a unit key; a collision among a page's lines costs
    nothing but one shared line more.)"""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) <= ONE_LINE_PAGE:  # an article on one line: its sentences
        lines = [part for line in lines for part in sentences(line)]
    found = {zlib.crc32(line.casefold().encode("utf-8", "surrogatepass")): len(line)
             for line in lines if line.count(" ") >= PROSE_FRAGMENT_WORDS - 1}
    return np.array(sorted((key << 32) | min(size, 0xFFFFFFFF) for key, size in found.items()),
                    dtype=np.uint64).astype(np.int64)


def are_versions(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two pages are versions of one story: most of the smaller
    one's prose (by length) is the other's. Pages of one site share their
    furniture too, but it is a small part of each."""
    if not len(a) or not len(b):
        return False
    keys_a, keys_b = a.view(np.uint64) >> 32, b.view(np.uint64) >> 32
    sizes_a, sizes_b = a.view(np.uint64) & 0xFFFFFFFF, b.view(np.uint64) & 0xFFFFFFFF
    shared = np.isin(keys_a, keys_b, assume_unique=True)
    return int(sizes_a[shared].sum()) >= VERSION_CONTAINMENT * min(int(sizes_a.sum()),
                                                                   int(sizes_b.sum()))


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
    """Counts the units of pages, a story at a time. With a `table`
    (FurnitureTable), the counts of earlier runs are read for the units a
    page has, when it is added, and `save` writes what changed."""

    def __init__(self, table: FurnitureTable | None = None):
        self.table = table
        self.counts: dict[int, Counted] = {}
        self.fingerprints: dict[str, np.ndarray] = {}
        self.became: set[int] = set()  # keys that reached THRESHOLD in this run
        self.touched: set[int] = set()
        self.scope_pages: dict[str, int] = table.scope_pages() if table else {}
        self.added_pages: dict[str, int] = {}
        self.added: set[str] = set()  # the pages of this run

    def add(self, page_id: str, scope: str, text: str) -> None:
        self.added.add(page_id)
        keys = {unit_key(scope, unit) for unit in page_units(text)}
        if not keys:
            return
        if self.table is not None:
            self._load(keys)
        self.scope_pages[scope] = self.scope_pages.get(scope, 0) + 1
        self.added_pages[scope] = self.added_pages.get(scope, 0) + 1
        mine = fingerprint(text)
        self.fingerprints[page_id] = mine
        self.touched |= keys
        for key in keys:
            counted = self.counts.get(key)
            if counted is None:
                counted = self.counts[key] = Counted()
            if page_id in counted.sample:
                continue  # the same page again (re-indexed): counted already
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

    def _load(self, keys: set[int]) -> None:
        missing = [key for key in keys if key not in self.counts]
        if not missing:
            return
        found = self.table.counts(missing)
        self.counts.update(found)
        samples = {page for counted in found.values() for page in counted.sample
                   if page not in self.fingerprints}
        if samples:
            self.fingerprints.update(self.table.fingerprints(samples))

    def knowledge(self) -> Furniture:
        """The furniture among the units counted (every unit of the pages
        added: what cleaning them looks up)."""
        return Furniture({key: counted.pages for key, counted in self.counts.items()
                          if counted.stories >= THRESHOLD}, dict(self.scope_pages))

    def pages_to_reclean(self) -> set[str]:
        """Pages of earlier runs that hold a unit which became furniture in
        this one: cleaned without knowing it, they are to be cleaned again."""
        return {page for key in self.became for page in self.counts[key].sample
                if page not in self.added}


def learn(records: Iterable[RawRecord]) -> Furniture:
    """The furniture of a set of pages, counted from them alone."""
    learner = Learner()
    for record in records:
        if record.kind != "html":
            learner.add(record.id, scope_of(record), record.text)
    return learner.knowledge()


class FurnitureTable:
    """The counts, kept in the index's SQLite store beside the articles, so
    that a page indexed alone later is cleaned with what earlier runs
    learned (a unit of one page is a row too: its next page may come in the
    next run). Counts grow as pages are added (a page re-indexed with other
    text adds its new lines); a page removed from the index takes its own
    lines back (`forget`)."""

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS furniture_units (
        key INTEGER PRIMARY KEY,   -- unit_key: a line (or a line's end) within a scope
        pages INTEGER NOT NULL,
        stories INTEGER NOT NULL,
        sample TEXT NOT NULL       -- the first pages of distinct stories, one id a line
    );
    CREATE TABLE IF NOT EXISTS furniture_pages (
        id TEXT PRIMARY KEY,       -- a sampled page
        fingerprint BLOB NOT NULL  -- its prose lines' keys (int64, sorted)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS furniture_scopes (
        scope TEXT PRIMARY KEY,    -- a source, or '' for pages of unknown source
        pages INTEGER NOT NULL
    ) WITHOUT ROWID;
    """

    def __init__(self, db, create: bool = False):
        self.db = db
        if create:
            self.db.executescript(self.SCHEMA)

    def exists(self) -> bool:
        return bool(self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                    "AND name = 'furniture_units'").fetchone())

    def counts(self, keys: list[int]) -> dict[int, Counted]:
        found = {}
        if not self.exists():
            return found
        for chunk, marks in in_chunks(keys):
            for key, pages, stories, sample in self.db.execute(
                    f"SELECT key, pages, stories, sample FROM furniture_units "
                    f"WHERE key IN ({marks})", chunk):
                found[key] = Counted(pages, stories, sample.split("\n") if sample else [])
        return found

    def fingerprints(self, ids: set[str]) -> dict[str, np.ndarray]:
        found = {}
        if not self.exists():
            return found
        for chunk, marks in in_chunks(ids):
            for page, blob in self.db.execute(
                    f"SELECT id, fingerprint FROM furniture_pages WHERE id IN ({marks})", chunk):
                found[page] = np.frombuffer(blob, dtype=np.int64)
        return found

    def scope_pages(self) -> dict[str, int]:
        if not self.exists():
            return {}
        return dict(self.db.execute("SELECT scope, pages FROM furniture_scopes"))

    def save(self, learner: Learner) -> None:
        """Write the units the learner counted in this run, the fingerprints
        of the pages it sampled and the pages per scope (in the caller's
        transaction)."""
        rows = [(key, c.pages, c.stories, "\n".join(c.sample))
                for key in learner.touched if (c := learner.counts.get(key)) is not None]
        self.db.executemany("INSERT OR REPLACE INTO furniture_units (key, pages, stories, sample) "
                            "VALUES (?, ?, ?, ?)", rows)
        sampled = {page for key in learner.touched for page in learner.counts[key].sample}
        self.db.executemany(
            "INSERT OR REPLACE INTO furniture_pages (id, fingerprint) VALUES (?, ?)",
            ((page, learner.fingerprints[page].tobytes()) for page in sampled
             if page in learner.fingerprints))
        self.db.executemany(
            "INSERT INTO furniture_scopes (scope, pages) VALUES (?, ?) "
            "ON CONFLICT(scope) DO UPDATE SET pages = pages + excluded.pages",
            learner.added_pages.items())

    def forget(self, pages: Iterable[tuple[str, str, str]]) -> None:
        """Take back the counts of removed pages, (id, scope, text) each, as
        `Learner.add` counted them (the caller's transaction): each of its
        units is on one page fewer, and one story fewer where the page was
        its story's sample. A unit on no page any more goes."""
        if not self.exists():
            return
        scopes: dict[str, int] = {}
        for page_id, scope, text in pages:
            keys = sorted({unit_key(scope, unit) for unit in page_units(text)})
            if not keys:
                continue
            scopes[scope] = scopes.get(scope, 0) + 1
            for key, counted in self.counts(keys).items():
                counted.pages -= 1
                if page_id in counted.sample:
                    counted.sample.remove(page_id)
                    counted.stories -= 1
                if counted.pages <= 0:
                    self.db.execute("DELETE FROM furniture_units WHERE key = ?", (key,))
                else:
                    self.db.execute("UPDATE furniture_units SET pages = ?, stories = ?, "
                                    "sample = ? WHERE key = ?",
                                    (counted.pages, max(0, counted.stories),
                                     "\n".join(counted.sample), key))
            self.db.execute("DELETE FROM furniture_pages WHERE id = ?", (page_id,))
        self.db.executemany("UPDATE furniture_scopes SET pages = MAX(0, pages - ?) "
                            "WHERE scope = ?", [(n, scope) for scope, n in scopes.items()])
