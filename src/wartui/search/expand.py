"""Queries that know every spelling.

A name in the query that is a spelling of a gazetteer entity is rewritten
into "that entity, or the literal text":

    Deir ez-Zor AND shelling
 -> (entity:deir-ez-zor OR "Deir ez-Zor") AND shelling

so articles writing Deir Ezzor or Dayr az-Zawr match (their entity field
holds `deir-ez-zor`), and articles the recogniser missed still match the
words. Operators, field queries (title:x, date:[...]), wildcards and
parentheses are left exactly as the user wrote them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..entities.gazetteer import Gazetteer
from ..entities.normalize import fold_token, is_article, tokens_with_spans
from . import limits

MAX_NAME_TOKENS = 9
# Pieces of query syntax that are never rewritten, in the order tried.
_SYNTAX = re.compile(r"""
    (?P<phrase>"[^"]*")                                   # "a phrase"
  | (?P<field>(?<![A-Za-z_])[A-Za-z_]+:(?:"[^"]*"|\[[^\]]*\]?|\{[^}]*\}?|[^\s()]*))  # field:value
  | (?P<range>\[[^\]]*\]?|\{[^}]*\}?)                     # bare ranges
  | (?P<op>\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b|[()])       # operators
  | (?P<wild>(?<![^\s()"])[^\s()"]*[*?][^\s()"]*)        # wildcard words
  | (?P<boost>\^[\d.]+)                                   # boosts
""", re.VERBOSE)
# (field and wild only start where a name or a word starts: tried at every
# character of a long word, each would read to its end, quadratic in the query)


@dataclass(frozen=True)
class Expansion:
    text: str  # as written in the query
    ids: tuple[str, ...]  # the entities it names


def _quote(text: str) -> str:
    return '"' + text.replace('"', " ") + '"'


def _clause(text: str, ids: tuple[str, ...]) -> str:
    alternatives = [f"entity:{entity_id}" for entity_id in ids] + [_quote(text)]
    return "(" + " OR ".join(alternatives) + ")"


def _names_in(words: str, gazetteer: Gazetteer) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, ids) of the longest gazetteer names in free query words."""
    tokens = tokens_with_spans(words)
    found, i = [], 0
    while i < len(tokens):
        best, key = None, ""
        for j in range(i, min(i + MAX_NAME_TOKENS, len(tokens))):
            token, start, end, hyphen = tokens[j]
            if j > i and words[tokens[j - 1][2]:start].strip(" -‐–'’"):
                break
            if is_article(token, hyphen) and j + 1 < len(tokens):
                continue
            key += fold_token(token)
            if key not in gazetteer.prefixes:
                break
            ids = gazetteer.keys.get(key)
            caps_ok = key not in gazetteer.caps_only or words[tokens[i][1]:end].isupper()
            if ids and caps_ok:
                best = (tokens[i][1], end, ids, j)
        if best:
            found.append(best[:3])
            i = best[3] + 1
        else:
            i += 1
    return found


def expand_query(query: str, gazetteer: Gazetteer) -> tuple[str, list[Expansion]]:
    """The rewritten query and the names it expanded. Raises QueryError for a
    query too long to read quickly (search/limits.py), before any work."""
    query = limits.check_text(query)
    out: list[str] = []
    expansions: list[Expansion] = []
    position = 0

    def free_words(segment: str) -> None:
        last = 0
        for start, end, ids in _names_in(segment, gazetteer):
            out.append(segment[last:start])
            out.append(_clause(segment[start:end], ids))
            expansions.append(Expansion(segment[start:end], ids))
            last = end
        out.append(segment[last:])

    for match in _SYNTAX.finditer(query):
        free_words(query[position:match.start()])
        piece = match.group(0)
        if match.lastgroup == "phrase":
            inner = piece[1:-1].strip()
            names = _names_in(inner, gazetteer)
            if len(names) == 1 and names[0][0] == 0 and names[0][1] == len(inner):
                piece = _clause(inner, names[0][2])
                expansions.append(Expansion(inner, names[0][2]))
        out.append(piece)
        position = match.end()
    free_words(query[position:])
    return "".join(out), expansions
