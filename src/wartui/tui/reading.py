"""What the reader sees, as passages: an article, its raw page, a diff.

Pure functions from the core's data classes to `Passage`s and `Mark`s; no
Textual. Article text is untrusted: every string goes through
`wartui.textsafe.printable` here, before any offset is computed for display,
and is only ever shown as plain text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..model import Article, Dropped, EntitySpan, dropped_spans
from ..textsafe import printable
from .passages import Mark, Passage, Span

ENTITY_TYPES = ("place", "armed-group", "person", "organisation", "country", "other",
                "date", "figure")
ENTITY_LABELS = {"place": "place", "armed-group": "armed group", "person": "person",
                 "organisation": "organisation", "country": "country", "other": "other name",
                 "date": "date", "figure": "figure"}
PANEL_TYPES = ENTITY_TYPES[:6]  # dates and figures are marked in the text, not listed
ENTITY_PLURALS = {"place": "places", "armed-group": "armed groups", "person": "people",
                  "organisation": "organisations", "country": "countries",
                  "other": "other names", "date": "dates", "figure": "figures"}


def safe(text: str | None, keep_newlines: bool = True) -> str:
    """`printable` text without tabs (a tab is one character but many cells)."""
    return printable(text, keep_newlines=keep_newlines).replace("\t", " ")


def safe_passage(text: str, spans: list[tuple[int, int, str]], style: str = "",
                 space_after: int = 1,
                 marks: list[tuple[int, int]] = ()) -> tuple[Passage, list[tuple[int, int]]]:
    """A passage of untrusted `text` with its spans (and marks) moved to where
    they fall once control characters are made visible (one ESC becomes one
    ␛, but one bidi control becomes several characters)."""
    cuts = sorted({0, len(text), *(o for s, e, _ in spans for o in (s, e)),
                   *(o for s, e in marks for o in (s, e))})
    cuts = [cut for cut in cuts if 0 <= cut <= len(text)]
    moved, pieces, position = {}, [], 0
    for begin, end in zip(cuts, cuts[1:]):
        moved[begin] = position
        piece = safe(text[begin:end])
        pieces.append(piece)
        position += len(piece)
    moved[len(text)] = position
    passage = Passage("".join(pieces), tuple(Span(moved[s], moved[e], name)
                                             for s, e, name in spans if s in moved and e in moved),
                      style, space_after)
    return passage, [(moved[s], moved[e]) for s, e in marks if s in moved and e in moved]


# -- search hits inside an article ---------------------------------------------------

# Whoosh's default English stop words: the index ignores them, so do the marks.
STOP_WORDS = frozenset("a an and are as at be by can for from have if in is it may not of on "
                       "or tbd that the this to us we when will with yet you your".split())
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})
# Fields whose words are not in the body: searching source:reuters marks nothing.
# (tag:, note: and has: are the reader's annotations, not words of the text.)
UNMARKED_FIELDS = frozenset({"source", "date", "author", "id", "url", "tag", "note", "has"})
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "ly",
             "s", "e", "y")
_FIELD = re.compile(r"(?<![^\s(])([-+]?)(\w+):(\[[^\]]*\]|\"[^\"]*\"|\([^)]*\)|[^\s()]+)")
_TOKEN = re.compile(r"\"[^\"]*\"|[^\s()\"]+")


@dataclass(frozen=True)
class HitTerms:
    """What to mark as a hit: word patterns (over folded text) and entity ids."""

    patterns: tuple[re.Pattern, ...] = ()
    entity_ids: frozenset[str] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.patterns or self.entity_ids)


def hit_terms(query: str, entity_ids: set[str] | frozenset[str] = frozenset()) -> HitTerms:
    """The words of a Whoosh query as patterns, and the entities it names.

    An approximation of the index's analysis (the facade gives no hit offsets
    for a whole article): case and accents folded, a light suffix stemming
    (`reports` marks `reported`), wildcards, phrases; stop words, operators,
    NOT-ed words and fields not in the body are left out."""
    ids = set(entity_ids)

    def field(match: re.Match) -> str:
        sign, name, value = match.group(1), match.group(2).casefold(), match.group(3)
        if sign == "-":  # excluded: nothing of it is in the hits
            return " "
        if name == "entity":
            ids.add(value.strip('"'))
            return " "
        if name in UNMARKED_FIELDS:
            return " "
        return " " + value.strip("()") + " "

    rest = _FIELD.sub(field, query)
    patterns, skip_next = [], False
    for token in _TOKEN.findall(rest):
        if token in ("NOT", "ANDNOT", "-"):  # (-"a phrase": the sign, then the phrase)
            skip_next = True
            continue
        if token.startswith("-") and len(token) > 1:  # -word: excluded
            continue
        if token in OPERATORS:
            continue
        if skip_next:
            skip_next = False
            continue
        words = [_word_pattern(w) for w in re.findall(r"[\w*?'’-]+", token)]
        words = [w for w in words if w]
        if not words:
            continue
        # a phrase: its words in order, with anything that is not a word between
        patterns.append(re.compile(r"\b" + r"\W+".join(words) + r"\b"))
    return HitTerms(tuple(patterns), frozenset(ids))


def find_marks(passages: list[Passage], pattern: str) -> list[Mark]:
    """Where `pattern` is in the passages (as shown), case and accents
    folded: `/` in an article, as less finds."""
    needle = fold(pattern)
    if not needle.strip():
        return []
    marks = []
    for number, passage in enumerate(passages):
        text = fold(passage.text)
        start = text.find(needle)
        while start >= 0:
            marks.append(Mark(number, start, start + len(needle)))
            start = text.find(needle, start + len(needle))
    return marks


def _word_pattern(word: str) -> str:
    word = fold(word.strip("-'’"))
    if not word or word in STOP_WORDS or (len(word) < 2 and "*" not in word):
        return ""
    if "*" in word or "?" in word:
        return "".join(r"\w*" if c == "*" else r"\w" if c == "?" else re.escape(c) for c in word)
    stem = stem_word(word)
    return re.escape(stem) + "(?:" + "|".join(_SUFFIXES) + "){0,2}"


def stem_word(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[:-len(suffix)]
    return word


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)[:1] or char
    folded = base.casefold()
    if len(folded) != 1:
        folded = base.lower() if len(base.lower()) == 1 else char
    return folded


def fold(text: str) -> str:
    """Case and accents folded, one character for one (offsets stay valid)."""
    return "".join(map(_fold_char, text))


def find_hits(paragraph: str, spans: list[EntitySpan], terms: HitTerms) -> list[tuple[int, int]]:
    """(start, end) of the hits in one paragraph, in order, overlaps merged."""
    found = [(s.start, s.end) for s in spans if s.id and s.id in terms.entity_ids]
    if terms.patterns:
        folded = fold(paragraph)
        for pattern in terms.patterns:
            found.extend(m.span() for m in pattern.finditer(folded) if m.end() > m.start())
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# -- an article ---------------------------------------------------------------------

def meta_line(article: Article) -> str:
    parts = [article.source or "unknown source", article.date or "undated"]
    if article.author:
        parts.append("by " + article.author)
    parts.append(article.id)
    return " · ".join(safe(p, keep_newlines=False) for p in parts)


def article_passages(article: Article, terms: HitTerms = HitTerms(),
                     tags: list[str] | tuple[str, ...] = (), note: str = ""
                     ) -> tuple[list[Passage], list[Mark]]:
    """Title, a line of source/date/author/id, the reader's tags and the
    first line of their note (when it has them), then the paragraphs with
    the entities styled by type (in the title too) and the search hits as
    marks."""
    by_paragraph: dict[int, list[EntitySpan]] = {}
    for span in article.entities:
        by_paragraph.setdefault(span.paragraph, []).append(span)
    named = by_paragraph.get(-1, []) if article.title else []  # (-1: the title's)
    title, title_hits = safe_passage(
        article.display_title, [(s.start, s.end, s.type) for s in named
                                if s.type in ENTITY_TYPES], "title", space_after=0,
        marks=find_hits(article.display_title, named, terms) if terms else [])
    annotations = annotation_passages(tags, note)
    passages = [title, safe_passage(meta_line(article), [], "meta",
                                    space_after=0 if annotations else 1)[0], *annotations]
    headings = set(article.headings)
    marks = [Mark(0, start, end) for start, end in title_hits]
    for number, paragraph in enumerate(article.paragraphs):
        spans = by_paragraph.get(number, [])
        hits = find_hits(paragraph, spans, terms) if terms else []
        passage, moved = safe_passage(
            paragraph, [(s.start, s.end, s.type) for s in spans if s.type in ENTITY_TYPES],
            "heading" if number in headings else "", marks=hits)
        marks.extend(Mark(len(passages), start, end) for start, end in moved)
        passages.append(passage)
    if not article.paragraphs:
        passages.append(Passage("(this article has no text)", style="meta"))
    return passages, marks


# -- the reader's tags and notes ---------------------------------------------------------

MARKED = "●"  # a result marked (space), in the results list
NOTE_MARK = "✎"  # an article with a note, in the results list


def tag_marker(tags: list[str] | tuple[str, ...], most: int = 32) -> str:
    """The tags as the results list and the facet line show them, in
    brackets: "[disputed todo]"; past about `most` characters, the rest
    counted ("[disputed +2]")."""
    shown: list[str] = []
    for number, tag in enumerate(tags):
        rest = len(tags) - number - 1
        room = most - 2 - len(" ".join(shown)) - (len(f" +{rest}") if rest else 0)
        if shown and len(tag) + 1 > room:
            return "[" + " ".join(shown) + f" +{len(tags) - number}]"
        shown.append(safe(tag, keep_newlines=False))
    return "[" + " ".join(shown) + "]"


def first_line(text: str, most: int = 200) -> str:
    """The first line of a note with something on it, "…" when there is more."""
    lines = [line.strip() for line in safe(text).split("\n") if line.strip()]
    if not lines:
        return ""
    line = lines[0]
    if len(line) > most:
        return line[:most - 1].rstrip() + "…"
    return line + (" …" if len(lines) > 1 else "")


def annotation_passages(tags: list[str] | tuple[str, ...], note: str) -> list[Passage]:
    """The reader's tags and note under an article's title: "Tags: [disputed
    todo] (t)", "Note: the first line … (m)"."""
    out = []
    if tags:
        out.append(Passage("Tags: " + tag_marker(tags, most=200) + "  (t changes them)",
                           style="annotation", space_after=0))
    if note.strip():
        out.append(Passage("Note: " + first_line(note) + "  (m edits it)",
                           style="annotation", space_after=0))
    if out:
        out[-1] = replace(out[-1], space_after=1)
    return out


def raw_passages(raw: str | None, dropped: list[Dropped]) -> tuple[list[Passage], list[Mark]]:
    """The raw page line by line with line numbers; exactly the parts the
    cleaner dropped are marked (a whole line, or the repeated title at the
    start of a row, the furniture glued to its end), each with its reason,
    and are the `n`/`N` marks."""
    if raw is None:
        return [Passage("(the raw page is not stored)", style="meta")], []
    spans = dropped_spans(raw, dropped)
    elsewhere = [item for item in dropped if item.line <= 0]
    lines = raw.split("\n")
    digits = len(str(len(lines)))
    passages: list[Passage] = []
    marks: list[Mark] = []
    for number, line in enumerate(lines, 1):
        gutter = f"{number:>{digits}} │ "
        line = line.rstrip("\r")
        styled = [Span(0, len(gutter), "gutter")]
        text = gutter
        position = 0
        line_spans = spans.get(number, [])
        for start, end, _ in line_spans:
            text += safe(line[position:start], keep_newlines=False)
            begin = len(text)
            text += safe(line[start:end], keep_newlines=False)
            styled.append(Span(begin, len(text), "dropped"))
            position = end
        text += safe(line[position:], keep_newlines=False)
        if line_spans:
            label = "  ◂ dropped: " + ", ".join(dict.fromkeys(r for _, _, r in line_spans))
            styled.append(Span(len(text), len(text) + len(label), "reason"))
            text += label
            marks.append(Mark(len(passages), len(gutter), len(text), style=""))
        passages.append(Passage(text, tuple(styled), space_after=0, indent=len(gutter)))
    if elsewhere:
        passages[-1] = replace(passages[-1], space_after=1)
        passages.append(Passage("Dropped, not from one line of the page:", style="heading",
                                space_after=0))
        for item in elsewhere:
            text = safe(item.text, keep_newlines=False)
            label = f"  ◂ dropped: {item.reason}"
            marks.append(Mark(len(passages), 0, len(text) + len(label), style=""))
            passages.append(Passage(text + label, (Span(0, len(text), "dropped"),
                                                   Span(len(text), len(text) + len(label),
                                                        "reason")), space_after=0))
    return passages, marks


def citation(article: Article) -> str:
    """The article as plain text with a citation line, for the clipboard:
    its address when the page had one, and the day it was indexed (export.py)."""
    from ..export import cite

    line = cite(article.display_title, article.source, article.date, article.id,
                article.metadata.get("url", ""), article.metadata.get("indexed", ""))
    body = "\n\n".join(article.paragraphs)
    return safe(f"{line}\n\n{body}\n")


# -- the entity panel ---------------------------------------------------------------

@dataclass(frozen=True)
class EntityEntry:
    type: str
    name: str
    count: int
    spellings: tuple[str, ...]
    query: str  # what `enter` searches: entity:ID, or the quoted text


def entity_entries(pairs) -> list[EntityEntry]:
    """Entities of an article by type (in PANEL_TYPES order), most mentioned
    first, with their spellings. `pairs` is `Library.entities(id)`."""
    groups: dict[tuple[str, str], dict] = {}
    for span, entity in pairs or ():
        if span.type not in PANEL_TYPES:
            continue
        if span.id:  # linked to the gazetteer: one entry for all its spellings
            key, name, query = span.id, entity.name if entity else span.text, f"entity:{span.id}"
        else:
            key, name = fold(span.text), span.text
            query = '"' + span.text.replace('"', "") + '"'
        group = groups.setdefault((span.type, key), {"name": name, "count": 0, "spellings": {},
                                                     "query": query})
        group["count"] += 1
        group["spellings"][span.text] = None
    entries = [EntityEntry(kind, g["name"], g["count"], tuple(g["spellings"]), g["query"])
               for (kind, _), g in groups.items()]
    order = {kind: number for number, kind in enumerate(PANEL_TYPES)}
    entries.sort(key=lambda e: (order[e.type], -e.count, e.name.casefold()))
    return entries


# -- a diff ---------------------------------------------------------------------------

BLOCK_LABELS = {"equal": "", "changed": "changed", "only-a": "only in A",
                "only-b": "only in B", "moved": "moved"}


def block_label(block) -> str:
    label = BLOCK_LABELS[block.op]
    if block.label:
        label = f"{block.label} ({label})" if label else block.label
    if block.op in ("changed", "moved") and block.similarity < 1:
        label += f", {block.similarity:.0%} alike"
    return label


def diff_side(block, side: str) -> Passage:
    """One side of a diff block: its words, with the changed ones styled
    "removed" (side a) or "added" (side b); whole paragraphs otherwise."""
    style = {"only-a": "only-a", "only-b": "only-b", "moved": "moved"}.get(block.op, "")
    if block.words:
        text, spans = [], []
        position = 0
        for word in block.words:
            piece = safe(word.a if side == "a" else word.b, keep_newlines=False)
            if not piece:
                continue
            if text:
                text.append(" ")
                position += 1
            if word.op != "equal":
                spans.append(Span(position, position + len(piece),
                                  "removed" if side == "a" else "added"))
            text.append(piece)
            position += len(piece)
        return Passage("".join(text), tuple(spans), style)
    paragraphs = block.a if side == "a" else block.b
    return Passage("\n\n".join(safe(p, keep_newlines=False) for p in paragraphs), (), style)
