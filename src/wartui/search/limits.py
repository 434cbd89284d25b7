"""Bounds on what one query may cost, each refused with a reason.

Whoosh reads any query, but some cost far more than they look:

- a leading wildcard (`*ing`, `*a*`) reads every word of the index, and a
  short prefix (`a*`) or a range over words (`title:[a TO z]`) stands for
  thousands of them, each a posting list to read and score; so does
  `field:*` in a field that has no lengths or column to say which articles
  have it (`id:*`: one word per article; `title:*` is read from the lengths);
- the query parser is quadratic in the length of one word (10,000 letters
  without a space take seconds), and recursive in the nesting of parentheses;
- every word of the query is a pass over the index's documents.

`check_text` looks at the text before parsing, `check_query` at the parsed
query, with the index's reader: what a search costs is about the postings it
reads (for each word, the documents it is in), so a wildcard is refused when
its words are used too often, and a query when all its words together are.
bench/pathological.py times these queries with and without the bounds.
"""

from __future__ import annotations

import re

from whoosh import query as wq

from ..errors import QueryError

MAX_QUERY_CHARS = 20_000
MAX_WORD_CHARS = 256  # one run without a space
MAX_WORDS = 256  # runs without a space, operators included
MAX_DEPTH = 64  # nested groups (Whoosh's query walks are recursive)
MAX_LEAVES = 256  # words, phrases, wildcards, ranges (after expansion)
MAX_EXPANSION = 1_000  # index words one wildcard, prefix or word range may stand for
MAX_EXPANSION_POSTINGS = 500_000  # ... and the documents those words are in, summed
MAX_POSTINGS = 3_000_000  # documents per word, summed over the whole query
MAX_MESSAGE_CHARS = 300
# `Searcher.parse` gets the text with each name expanded to "(entity:ID OR
# "name")" (search/expand.py): its limits are this many times the user's.
EXPANDED = 4

_SURROGATE = re.compile("[\ud800-\udfff]")


def one_line(message: str) -> str:
    """A message on one line and of a readable length."""
    message = " ".join(message.split())
    if len(message) > MAX_MESSAGE_CHARS:
        message = message[:MAX_MESSAGE_CHARS - 1].rstrip() + "…"
    return message


def _shown(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


def check_text(text: str, scale: int = 1) -> str:
    """The query text to parse (lone surrogates, from argv bytes that are not
    UTF-8, become U+FFFD); raises QueryError for a text too long to parse
    quickly. `scale`: the text is the user's with its names expanded to all
    their spellings (`expand_query`), which may make it that much longer."""
    if len(text) > MAX_QUERY_CHARS * scale:
        raise QueryError(f"the query is too long ({len(text):,} characters; at most "
                         f"{MAX_QUERY_CHARS * scale:,})")
    words = text.split()
    if len(words) > MAX_WORDS * scale:
        raise QueryError(f"the query has too many words ({len(words):,}; at most "
                         f"{MAX_WORDS * scale:,})")
    longest = max(map(len, words), default=0)
    if longest > MAX_WORD_CHARS:
        raise QueryError(f"a word of {longest:,} characters (at most {MAX_WORD_CHARS}): "
                         "put spaces between words")
    return _SURROGATE.sub("\ufffd", text)


def check_query(q, reader=None, doc_frequency=None, expansion=None) -> None:
    """Raises QueryError for a parsed query too deep or too wide, with a
    leading wildcard, or (with the index's `reader`) with a wildcard or word
    range that stands for too many words or too many uses of them, or whose
    words are used too often together: what it costs to search is about the
    number of postings it reads. Counting stops at the limits.
    `doc_frequency(fieldname, text)` counts a word's uses (default: the
    reader's; FastSearcher's keeps the term lookups for reading postings).
    `expansion(node, most)` lists a wildcard's or range's words, stopping
    after `most` + 1 (default: the reader's; FastSearcher's keeps them)."""
    leaves, budget = 0, _Budget(reader, doc_frequency, expansion)
    stack = [(q, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise QueryError(f"the query nests groups too deeply (at most {MAX_DEPTH} levels)")
        children = [] if node.is_leaf() else list(node.children())
        if children:
            stack.extend((child, depth + 1) for child in children)
            continue
        leaves += 1
        if leaves > MAX_LEAVES:
            raise QueryError(f"the query has too many words (at most {MAX_LEAVES}, counting "
                             "every spelling of the names in it)")
        if isinstance(node, wq.Wildcard) and node.text[:1] in ("*", "?"):
            raise QueryError(f"a word cannot start with a wildcard ({_shown(node.text)}): "
                             "that reads every word of the index; put a letter or more "
                             "before the * or ?")
        if reader is not None:
            budget.add(node)


class _Budget:
    """The postings (documents per word) the query's words will read."""

    def __init__(self, reader, doc_frequency=None, expansion=None):
        self.reader = reader
        self.doc_frequency = doc_frequency or (reader.doc_frequency if reader else None)
        self.expansion = expansion or (lambda node, most: _words(node, reader))
        self.used = 0

    def _uses(self, fieldname: str, text) -> int:
        try:
            return self.doc_frequency(fieldname, text)
        except (ValueError, TypeError, KeyError, UnicodeError):  # not a word of this field
            return 0

    def add(self, node) -> None:
        fieldname = node.field() if hasattr(node, "field") else None
        if fieldname not in self.reader.schema:
            return
        if isinstance(node, (wq.Prefix, wq.Wildcard, wq.TermRange, wq.Every)):
            self.used += self._expansion(node, fieldname)
        elif isinstance(node, wq.Term):
            self.used += self._uses(fieldname, node.text)
        elif isinstance(node, wq.Phrase):
            self.used += sum(self._uses(fieldname, word) for word in node.words)
        if self.used > MAX_POSTINGS:
            raise QueryError(f"the query's words are too common together (used more than "
                             f"{MAX_POSTINGS:,} times in the index): leave some out, or "
                             "narrow its wildcards")

    def _expansion(self, node, fieldname: str) -> int:
        words = uses = 0
        try:
            for btext in self.expansion(node, MAX_EXPANSION):
                words += 1
                uses += self._uses(fieldname, btext)
                if words > MAX_EXPANSION or uses > MAX_EXPANSION_POSTINGS:
                    break
        except (ValueError, TypeError):  # a bound the field cannot hold: matches nothing
            return 0
        if words > MAX_EXPANSION or uses > MAX_EXPANSION_POSTINGS:
            what = "range" if isinstance(node, wq.TermRange) else "wildcard"
            advice = ("search for some of its values instead (letters before the *)"
                      if isinstance(node, wq.Every) else "narrow it: more letters before the *")
            raise QueryError(f"the {what} {_shown(_written(node))} stands for too many of the "
                             f"index's words (more than {MAX_EXPANSION:,} words or "
                             f"{MAX_EXPANSION_POSTINGS:,} uses of them); {advice}")
        return uses


def _words(node, reader):
    """The index's words a wildcard, range or `field:*` stands for."""
    return reader.lexicon(node.fieldname) if isinstance(node, wq.Every) else node._btexts(reader)


def _written(node) -> str:
    if isinstance(node, wq.Prefix):
        return node.text + "*"
    if isinstance(node, wq.TermRange):
        return f"[{node.start or ''} TO {node.end or ''}]"
    if isinstance(node, wq.Every):
        return f"{node.fieldname}:*"
    return node.text
