"""The small data classes that move between the stages of wartui.

raw page -> RawRecord -> Article -> (index) -> SearchHit / SearchResults.
Nothing here imports Whoosh or Textual.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import asdict, dataclass, field, replace


@dataclass(frozen=True)
class RawRecord:
    """One raw page as read from disk: a text/HTML file or one CSV/JSONL row."""

    id: str
    path: str
    text: str
    kind: str = "text"  # "text" or "html"
    given: dict[str, str] = field(default_factory=dict)  # title/date/source/url/author
    extra: dict[str, str] = field(default_factory=dict)  # unknown columns, kept
    notes: tuple[str, ...] = ()  # what reading it had to repair (encoding, NULs)


@dataclass(frozen=True)
class Dropped:
    """A line (or a part of one) the cleaner removed, and why."""

    text: str
    reason: str
    line: int = 0  # 1-based line in the raw page; 0 when not from one line
    # The dropped part's [start, end) in the raw line, when not all of it
    # (a repeated title at the start of a row, furniture glued to its end).
    start: int | None = None
    end: int | None = None
    # What the reason rests on, for the reader: "seen on 14 pages of this source".
    detail: str = ""


@dataclass(frozen=True)
class EntitySpan:
    """A recognised name, date or figure inside one paragraph of an article
    (paragraph -1: its title)."""

    start: int  # character offsets inside the paragraph (or the title)
    end: int
    # place, armed-group, person, organisation, country, other, date, figure;
    # "within": a place named at the start of a longer name ("Deir ez-Zor" of
    # "Deir ez-Zor Airbase"), not shown, for search
    type: str
    id: str  # gazetteer id; "" for other, date and figure
    text: str
    paragraph: int = 0


@dataclass
class Article:
    """A cleaned report: what a reader would call the article."""

    id: str
    title: str
    date: str | None  # ISO 8601 (YYYY-MM-DD) or None
    source: str
    author: str
    paragraphs: list[str]
    headings: list[int] = field(default_factory=list)  # indexes into paragraphs
    dropped: list[Dropped] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    path: str = ""
    content_hash: str = ""
    entities: list[EntitySpan] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def entity_ids(self) -> list[str]:
        """Distinct gazetteer ids named in the article, in order of first mention."""
        return list(dict.fromkeys(e.id for e in self.entities if e.id))

    @property
    def display_title(self) -> str:
        """The title, or the opening words when the page has none."""
        if self.title:
            return self.title
        first = self.paragraphs[0] if self.paragraphs else ""
        words = first.split()
        return " ".join(words[:12]) + (" …" if len(words) > 12 else "") or "(empty)"

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "author": self.author,
            "paragraphs": list(self.paragraphs),
            "headings": list(self.headings),
            "dropped": [_dropped_json(d) for d in self.dropped],
            "metadata": dict(self.metadata),
            "path": self.path,
            "content_hash": self.content_hash,
            # compact: [paragraph, start, end, type, id]; the text is in the paragraph
            "entities": [[e.paragraph, e.start, e.end, e.type, e.id] for e in self.entities],
        }

    @classmethod
    def from_json(cls, data: dict, entity_ids: Container[str] | None = None) -> Article:
        """The article `to_json` wrote; with `entity_ids`, only the entity
        spans naming one of them (a search's snippets mark only the names
        searched, and building every span of 20 hits took ~3 ms a query)."""
        article = cls(
            id=data["id"],
            title=data["title"],
            date=data["date"],
            source=data["source"],
            author=data["author"],
            paragraphs=list(data["paragraphs"]),
            headings=list(data.get("headings", [])),
            dropped=[Dropped(**d) for d in data.get("dropped", [])],
            metadata=dict(data.get("metadata", {})),
            path=data.get("path", ""),
            content_hash=data.get("content_hash", ""),
        )
        paragraphs = article.paragraphs
        rows = data.get("entities", ())
        if entity_ids is not None:
            rows = [row for row in rows if row[4] in entity_ids]
        article.entities = [
            EntitySpan(start, end, kind, entity_id,
                       (paragraphs[p] if p >= 0 else article.title)[start:end], p)
            for p, start, end, kind, entity_id in rows if -1 <= p < len(paragraphs)]
        return article


def dropped_spans(raw: str, dropped: list[Dropped]) -> dict[int, list[tuple[int, int, str]]]:
    """{raw line number: [(start, end, reason)]}: exactly the dropped parts
    of each raw line, in order and not overlapping; a line dropped whole is
    one span over all of it. (For the raw view and `show --raw --dropped`.)"""
    lengths = [len(line) for line in raw.split("\n")]
    found: dict[int, list[tuple[int, int, str]]] = {}
    for item in dropped:
        if not 0 < item.line <= len(lengths):
            continue
        size = lengths[item.line - 1]
        start, end = (0, size) if item.start is None else (max(0, item.start),
                                                          min(size, item.end or 0))
        if end > start:
            found.setdefault(item.line, []).append((start, end, item.reason))
    for number, spans in found.items():
        spans.sort()
        merged: list[tuple[int, int, str]] = []
        for start, end, reason in spans:
            if merged and start < merged[-1][1]:  # overlapping: the earlier span goes on
                previous = merged[-1]
                if end > previous[1]:
                    merged.append((previous[1], end, reason))
                continue
            merged.append((start, end, reason))
        found[number] = merged
    return found


def _dropped_json(item: Dropped) -> dict:
    """text, reason and line; the span and the detail only when there are."""
    found = {"text": item.text, "reason": item.reason, "line": item.line}
    if item.start is not None:
        found["start"], found["end"] = item.start, item.end
    if item.detail:
        found["detail"] = item.detail
    return found


@dataclass(frozen=True)
class Skipped:
    """An input (file, row or line) that was not indexed, with the reason."""

    where: str  # path, or path:line for a row
    reason: str
    path: str = ""  # for a row (or an article of one), its file


def by_file(items: list[Skipped]) -> list[Skipped]:
    """The entries as a report prints them: one per file. A file's rows
    (two or more) become one entry counting them by reason, "219 rows:
    212 invalid JSON, 7 empty 'text' (rows 2, 3, 5, ...)", in the place of
    the first; every row stays in the report itself."""
    rows: dict[str, list[Skipped]] = {}
    for item in items:
        if item.path:
            rows.setdefault(item.path, []).append(item)
    out = []
    for item in items:
        group = rows.get(item.path) if item.path else None
        if not group or len(group) == 1:
            out.append(item)
        elif group[0] is item:
            kinds: dict[str, int] = {}
            for row in group:
                kind = re.sub(r"\d[\d,]*", "N", re.split(r": | \(", row.reason, maxsplit=1)[0])
                kinds[kind] = kinds.get(kind, 0) + 1
            counted = ", ".join(f"{n} {kind}" for kind, n in
                                sorted(kinds.items(), key=lambda kv: -kv[1]))
            first = [row.where[len(item.path) + 1:] if row.where.startswith(item.path + ":")
                     else row.where for row in group[:3]]
            out.append(replace(item, where=item.path, reason=(
                f"{len(group)} rows: {counted} (rows {', '.join(first)}"
                f"{', …' if len(group) > 3 else ''})")))
    return out


@dataclass(frozen=True)
class Repaired(Skipped):
    """An input that was indexed after a repair (encoding, NULs, long lines)."""


@dataclass
class IngestReport:
    """What `Library.add_paths` did: counts, and a reason for every problem."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    version_pairs: int = 0  # near-duplicate pairs found among what was indexed
    # unchanged pages cleaned again: their site's furniture became known in this run
    recleaned: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Skipped] = field(default_factory=list)  # repaired, still indexed
    warnings: list[str] = field(default_factory=list)  # told before the run wrote (space)
    # the ids of articles its sources no longer hold, taken out (corpus.py)
    removed: list[str] = field(default_factory=list)

    @property
    def indexed(self) -> int:
        return self.new + self.changed

    def summary(self) -> str:
        text = f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged"
        if self.recleaned:
            text += (f" ({self.recleaned} of them cleaned again: their site's furniture is "
                     "known now)")
        if self.removed:
            text += f", {len(self.removed)} removed"
        if self.skipped:
            text += f", {len(self.skipped)} skipped"
        return text


@dataclass(frozen=True)
class Segment:
    """A run of snippet text; `hit` marks words that matched the query."""

    text: str
    hit: bool = False


def share_text(containment: float) -> str:
    """The one figure of how close two versions are, with its name, as
    `dupes`, the versions list and the diff all show it."""
    return f"{containment:.0%} of the shorter is in the longer"


@dataclass(frozen=True)
class Version:
    """Another version of a report, and how close it is to the one compared."""

    id: str
    title: str
    source: str
    date: str | None
    resemblance: float  # how alike the whole texts are, 0..1
    # The figure shown: the share of the shorter text's 5-word shingles found
    # in the longer, 0..1 (versions.detect.compare)
    containment: float

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Cluster:
    """Versions of one story: the articles and how alike their closest pairs are."""

    ids: list[str]
    titles: list[str]
    sources: list[str]
    similarity: float  # the lowest containment among the pairs that join them

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class MatchedEntity:
    """An entity the query named, and the spellings this article uses for it."""

    id: str
    name: str
    spellings: list[str]


@dataclass
class SearchHit:
    id: str
    title: str
    source: str
    date: str | None
    score: float
    snippet: list[Segment] = field(default_factory=list)
    matched: list[MatchedEntity] = field(default_factory=list)
    versions: int = 0  # other versions of this report (shown once, grouped)
    tags: list[str] = field(default_factory=list)  # the reader's (annotations.py)
    note: str = ""  # the reader's note on it
    url: str = ""  # the page's address, when the source gave one
    indexed: str = ""  # the day it was indexed (YYYY-MM-DD), for citations

    @property
    def snippet_text(self) -> str:
        return "".join(s.text for s in self.snippet)

    def snippet_marks(self) -> list[tuple[int, int]]:
        """(start, end) offsets of the hits inside `snippet_text`."""
        marks, pos = [], 0
        for seg in self.snippet:
            if seg.hit:
                marks.append((pos, pos + len(seg.text)))
            pos += len(seg.text)
        return marks

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "date": self.date,
            "score": round(self.score, 4),
            "snippet": self.snippet_text,
            "marks": [list(m) for m in self.snippet_marks()],
            "matched": [asdict(m) for m in self.matched],
            "versions": self.versions,
            "tags": list(self.tags),
            "note": self.note or None,
            "url": self.url or None,
        }


@dataclass(frozen=True)
class Facets:
    """What a query's hits are made of: counts by source and by month."""

    total: int
    sources: dict[str, int]  # most hits first
    months: dict[str, int]  # "YYYY-MM" -> hits, in date order (undated left out)
    tags: dict[str, int] = field(default_factory=dict)  # the reader's, most hits first

    def to_json(self) -> dict:
        return asdict(self)


def lists_everything(query: str) -> bool:
    """Whether a query asks for every article (newest first): empty, `*` or `*:*`."""
    return query.strip() in ("", "*", "*:*")


# How well a search's total is known (SearchResults.total_kind): counted;
# estimated from a sample of a phrase's many candidates (search/fast.py); or
# only the matches found so far, when the sample's estimate is below them.
EXACT, ABOUT, AT_LEAST = "exact", "about", "at_least"


@dataclass
class SearchResults:
    query: str
    total: int
    hits: list[SearchHit] = field(default_factory=list)
    # EXACT, ABOUT or AT_LEAST (the facet counts are always exact)
    total_kind: str = EXACT

    @property
    def total_exact(self) -> bool:
        return self.total_kind == EXACT

    def total_text(self, noun: str = "result") -> str:
        """"1,234 results", "about 1,234 results", "at least 20 results"."""
        return total_text(self.total, self.total_kind, noun)
    # The query as it was searched, in the user's syntax (search/syntax.py):
    # a word being typed as a prefix (chem*), a date written in full.
    searched: str = ""

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "total_exact": self.total_exact,  # (what scripts read before total_kind)
            "total_kind": self.total_kind,
            "results": [h.to_json() for h in self.hits],
        }


def total_text(total: int, kind: str = EXACT, noun: str = "result") -> str:
    """A count of hits in words: "1,234 results", "about 1,234 results",
    "at least 20 results"."""
    prefix = {EXACT: "", ABOUT: "about ", AT_LEAST: "at least "}[kind]
    return f"{prefix}{total:,} {noun}{'s' if total != 1 else ''}"


@dataclass(frozen=True)
class SavedSearch:
    name: str
    query: str
    filters: tuple[str, ...] = ()  # each as query text (source:"x", date:2017-04)
    sort: str = "relevance"
    seen: int = 0  # its results when it was last opened
    opened: float = 0.0  # when (seconds since the epoch)
