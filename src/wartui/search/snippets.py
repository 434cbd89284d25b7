"""Snippets: the passages of an article around the words a query matched.

Whoosh's highlighter runs the whole analyzer (tokenizer, lower case, accent
folding, stop words, stemmer) over every token of every hit, as a chain of
generators: at 20 hits of ~2 KB that was half of a query's time. Here a
text's distinct words come from one `re.findall`, each analysed once
(analysis.Terms), and only the spellings of the searched forms are located
(`Snippets.hits`). In a text whose words are all ASCII (most), not even
that: only the words that start like a searched form are found, by one
pattern (`_hits_by_start`). The output is Segments, never markup, so no
article text is read as Rich or HTML markup.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..model import Segment
from .analysis import Terms, body_terms

FRAGMENTS = 2
MAX_CHARS = 300  # one fragment, at most
SURROUND = 60  # context kept on each side of a hit
BETWEEN = " … "
_WORD_CHAR = re.compile(r"[\w*]")
# (curly quotes and dashes are outside ASCII, but not word characters)
_NON_ASCII_WORD_CHAR = re.compile(r"[^\W\x00-\x7f]")
_JOINER = re.compile(r"^[\s\-‐–'’]{1,2}$")


class Snippets:
    """Makes snippets with one field's analyzer (the body's)."""

    def __init__(self, analyzer):
        # The body's analyzer is the one indexing uses: share what it learnt.
        shared = body_terms()
        self.terms = shared if analyzer == shared.analyzer else Terms(analyzer)
        self._patterns: dict[frozenset[str], re.Pattern] = {}

    def hits(self, body: str, words: set[str]) -> list[tuple[int, int, str]]:
        """(start, end, term) of the tokens of `body` whose indexed form is in
        `words`. The distinct words of the text are found at C speed, and
        matched to the searched forms through the words seen of each form
        (analysis.Terms.forms); only the few that hit are then located, by a
        pattern that matches exactly where the tokenizer would cut them."""
        if not words:  # (a query on other fields: else every word would be looked at)
            return []
        terms = self.terms
        if terms.findall is None:
            distinct = None
        elif terms.rewrites is not None and (body.isascii()
                                             or not _NON_ASCII_WORD_CHAR.search(body)):
            return self._hits_by_start(body, words)  # every word is ASCII
        else:
            distinct = set(terms.findall(body))
        if distinct is None or not terms.learn(distinct, words):  # scan every token
            return [(m.start(), m.end(), t) for m in terms.token.finditer(body)
                    if (t := terms.term(m.group())) in words]
        # every word seen whose indexed form is searched: the same for all the
        # hits of a query (one pattern), until a text brings a new spelling
        surface = frozenset().union(*(terms.forms.get(w, ()) for w in words))
        if distinct.isdisjoint(surface):
            return []
        pattern = self._patterns.get(surface)
        if pattern is None:
            if len(self._patterns) > 100:
                self._patterns.clear()
            # longest first: a word is tried whole before a shorter one it starts with
            alternatives = "|".join(map(re.escape, sorted(surface, key=len, reverse=True)))
            # (the start is checked below: a lookbehind here makes re try
            # every position of the text: twice the time on FA-KES)
            pattern = self._patterns[surface] = re.compile(
                rf"(?:{alternatives})(?![\w*])(?!\.[\w*])")
        return [(m.start(), m.end(), terms.term(m.group())) for m in pattern.finditer(body)
                if _starts_word(body, m.start())]

    def _hits_by_start(self, body: str, words: set[str]) -> list[tuple[int, int, str]]:
        """`hits` in a text of ASCII words: the analyzer writes at most the last
        few letters of an indexed form (analysis.stem_rewrites), so only the
        words that start like a searched form can hit. One pattern finds them
        (~5x faster than listing the text's distinct words, the dearest
        part of a snippet), and each is analysed (remembered)."""
        terms = self.terms
        term = terms.term
        return [(m.start(), m.end(), found) for m in _starting(terms.starts(words)).finditer(body)
                if _starts_word(body, m.start()) and (found := term(m.group())) in words]

    def snippet(self, body: str, words: set[str],
                ranges: list[tuple[int, int]] = ()) -> list[Segment]:
        """Up to two fragments around the tokens whose indexed form is in
        `words`, and the character `ranges` (entity spellings) given."""
        hits = self.hits(body, words)
        # "\0" marks an entity's other spelling: it counts less than the words typed
        hits.extend((start, end, "\0" + body[start:end].casefold()) for start, end in ranges)
        if not hits:
            return []
        hits.sort()
        fragments = _fragments(body, _merged(hits))
        best = sorted(fragments, key=lambda f: (-f[3], f[0]))[:FRAGMENTS]
        out: list[Segment] = []
        for number, (start, end, spans, _) in enumerate(sorted(best)):
            if number:
                out.append(Segment(BETWEEN))
            out.extend(_segments(body, start, end, spans))
        return out


@lru_cache(maxsize=256)
def _starting(starts: frozenset[str]) -> re.Pattern:
    """Whole tokens (as analysis.WORDS cuts them) that start with one of `starts`,
    in any case; a match may begin inside a token (_starts_word says). The
    start is a lookahead: matched itself, one with a dot ("u.s") would carry
    the match over a dot that ends the token ("U..S")."""
    alternatives = "|".join(map(re.escape, sorted(starts, key=len, reverse=True)))
    return re.compile(rf"(?=(?i:{alternatives}))[\w*]+(?:\.[\w*]+)*")


def _starts_word(body: str, start: int) -> bool:
    """Whether the tokenizer starts a word at `start`: not inside a run of
    word characters, nor just after one and a dot ("U.S", "x.y")."""
    if start and _WORD_CHAR.match(body, start - 1):
        return False
    return not (start >= 2 and body[start - 1] == "." and _WORD_CHAR.match(body, start - 2))


def _merged(hits):
    """Overlapping spans (a word inside an entity's spelling) become one."""
    merged: list[list] = []
    for start, end, term in hits:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2].add(term)
        else:
            merged.append([start, end, {term}])
    return merged


def _fragments(body: str, hits):
    """(start, end, hit spans, score) windows of at most MAX_CHARS around
    runs of hits; a window scores by the distinct words of the query it
    shows, then by the other spellings of the names searched, then by how
    many hits."""
    out = []
    i = 0
    while i < len(hits):
        first = hits[i][0]
        j = i + 1
        while j < len(hits) and hits[j][1] - first + 2 * SURROUND <= MAX_CHARS:
            j += 1
        spans = hits[i:j]
        start = _word_start(body, max(0, first - SURROUND), first)
        end = _word_end(body, min(len(body), spans[-1][1] + SURROUND), spans[-1][1])
        terms = set().union(*(span[2] for span in spans))
        typed = sum(not term.startswith("\0") for term in terms)
        score = typed * 100 + (len(terms) - typed) * 10 + len(spans)
        out.append((start, end, [(s, e) for s, e, _ in spans], score))
        i = j
    return out


def _word_start(body: str, start: int, limit: int) -> int:
    """Move `start` forward to the beginning of a word (not past `limit`)."""
    if start == 0 or body[start - 1].isspace():
        return start
    space = body.find(" ", start, limit)
    return space + 1 if space != -1 else start


def _word_end(body: str, end: int, limit: int) -> int:
    """Move `end` back to the end of a word (not before `limit`)."""
    if end >= len(body) or body[end].isspace():
        return end
    space = body.rfind(" ", limit, end)
    return space if space != -1 else end


def _segments(body: str, start: int, end: int, spans) -> list[Segment]:
    segments, index = [], start
    for hit_start, hit_end in spans:
        if hit_start > index:
            segments.append(Segment(body[index:hit_start]))
        segments.append(Segment(body[hit_start:hit_end], hit=True))
        index = hit_end
    segments.append(Segment(body[index:end]))
    return _merge_adjacent_hits(segments)


def _merge_adjacent_hits(segments: list[Segment]) -> list[Segment]:
    """"Jaish", "al", "Islam" hit one after another read as one mark."""
    merged: list[Segment] = []
    for segment in segments:
        if (segment.hit and len(merged) >= 2 and merged[-2].hit
                and _JOINER.match(merged[-1].text)):
            gap = merged.pop()
            previous = merged.pop()
            merged.append(Segment(previous.text + gap.text + segment.text, hit=True))
        elif segment.text:
            merged.append(segment)
    return merged
