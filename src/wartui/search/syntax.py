"""What the user wrote, read the way people who use search boxes mean it.

This runs on the query text before names are expanded (expand.py) and
before Whoosh's parser (searcher.py), and gives them text in the syntax
they already read:

- `-word`, `-field:value`, `-"a phrase"`, `-(group)` exclude: written
  `NOT ...` for the parser (which otherwise drops the sign, and `Douma
  -Ghouta` meant Douma AND Ghouta); `+word` requires: the word (AND is the
  default).
- `name:value` with a name that is not a field is refused, with the fields
  there are (the parser otherwise searched the words "name" and "value").
- `date:` values are checked and written in full: `date:2017-5` is May 2017
  (the parser read it as all of 2017); an impossible date
  (`date:2017-02-30`) or one that is not a date (`date:April 2017`) is
  refused with the form to use.
- `entity:ID` with an id the gazetteer lacks is refused with the closest ids.
- `tag:`, `note:` and `has:` are the reader's annotations (search/annotated.py),
  not fields of the index; `has:` is followed by note or tag.
- A quote left open is refused (the command line), or closed (typing).

While typing (the app), the last word, not yet followed by a space, is read
as a prefix: `chem` finds chemical, `Deir ez-Zo` finds Deir ez-Zor, an open
phrase `"Jaish al-Isl` finds "Jaish al-Islam". The index holds stemmed words
("chemical" is `chemic`), so a prefix that runs past a stem ("chemica",
"evacuatio") also stands for the stems its words would have (`Words.forms`).
A word that completes a name of the gazetteer is left whole (it is expanded
to every spelling instead). A date being typed (`date:2017-0`) is read up to
its last complete part.

The index is asked only through `Words` (search/words.py), so that this
module reads text and nothing else.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Protocol

from ..errors import QueryError

# The fields a user writes (the schema has a few more, for the app's own use),
# and the reader's annotations, read as fields (search/annotated.py).
ANNOTATION_FIELDS = ("tag", "note", "has")
USER_FIELDS = ("title", "body", "source", "author", "date", "entity", "id",
               *ANNOTATION_FIELDS)
TEXT_FIELDS = frozenset({"title", "body", "source", "author"})
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})
PHRASE_COMPLETIONS = 8  # words an open phrase's last letters are tried as
DATE_HINT = ("write dates as YYYY, YYYY-MM or YYYY-MM-DD, ranges as "
             "date:[2018-04-01 to 2018-04-30]")

_TOKENS = re.compile(r"""
    (?P<space>\s+)
  | (?P<sign>(?<![^\s(])[-+](?=[^\s)+-]))                # -word +word -"..." -(...)
  | (?P<field>(?<![^\s(+-])[A-Za-z_][A-Za-z0-9_]*:(?=[^\s)]))   # name: with a value
  | (?P<phrase>"[^"]*"?)
  | (?P<range>[\[{][^\]}]*[\]}]?)
  | (?P<open>\()
  | (?P<close>\))
  | (?P<word>[^\s()"\[{]+)
""", re.VERBOSE)
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_RANGE_TO = re.compile(r"\s+to\s+|^to\s+|\s+to$", re.IGNORECASE)
_MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.casefold(): number for number, name in enumerate(calendar.month_abbr)
                if name})
_TAIL = re.compile(r"[^\W_]+$")  # the letters and digits a word ends with
_WILD = frozenset("*?")


class Words(Protocol):
    """What reading a query asks of the index (search/words.py)."""

    def fields(self) -> frozenset[str]: ...

    def entity_exists(self, entity_id: str) -> bool: ...

    def close_entities(self, entity_id: str) -> list[str]: ...

    def entity_prefix_exists(self, prefix: str) -> bool: ...

    def ends_with_name(self, text: str) -> bool: ...

    def forms(self, prefix: str) -> list[str]: ...

    def completions(self, prefix: str, most: int) -> list[str]: ...


@dataclass(frozen=True)
class Reading:
    """A query as it is searched."""

    text: str  # for the searcher (names not yet expanded)
    shown: str  # the same, in the user's own syntax: what the app shows as searched
    prefix: str = ""  # the last word, read as a prefix while typing ("" if none)


@dataclass
class _Token:
    kind: str
    text: str


def tokens(text: str) -> list[_Token]:
    return [_Token(m.lastgroup, m.group()) for m in _TOKENS.finditer(text)]


def read(text: str, words: Words, typing: bool = False) -> Reading:
    """The query `text` as it is searched; raises QueryError with the reason
    when it cannot mean what it says. `typing`: the text is being typed (the
    app's box): its last word is a prefix, an open quote is closed, a date
    being typed is read up to its last complete part."""
    parts = tokens(text)
    finished = not typing or not text or text[-1].isspace()
    last = _last_term(parts) if not finished else None
    out: list[str] = []  # for the searcher
    shown: list[str] = []  # for the user
    prefix = ""
    index = 0
    while index < len(parts):
        token = parts[index]
        is_last = index == last
        if token.kind == "sign":
            out.append("NOT " if token.text == "-" else "")
            shown.append(token.text)
        elif token.kind == "field":
            name = token.text[:-1]
            field = name.casefold()
            if field not in words.fields() and field not in ANNOTATION_FIELDS:
                raise QueryError(f"there is no field {_shown(name)}; the fields are "
                                 f"{', '.join(USER_FIELDS)}; to search the words, leave out "
                                 "the colon")
            value = parts[index + 1] if index + 1 < len(parts) else _Token("word", "")
            value_last = index + 1 == last
            searched, written, value_prefix = _field_value(field, value, parts[index + 2:],
                                                           words, typing, value_last)
            if searched is None:  # a value being typed that means nothing yet
                index += 2
                continue
            out.append(searched)
            shown.append(written)
            prefix = prefix or value_prefix
            index += 2
            continue
        elif token.kind == "phrase":
            closed = _closed_phrase(token.text, typing)
            if is_last and not words.ends_with_name(closed):
                searched, written, prefix = _phrase_prefix(closed, words)
                out.append(searched)
                shown.append(written)
            else:
                out.append(closed)
                shown.append(closed)
        elif token.kind == "range" and not token.text.endswith(("]", "}")) and not typing:
            raise QueryError(f"a range is left open: {_shown(token.text)} needs its closing "
                             f"{']' if token.text.startswith('[') else '}'}")
        elif token.kind == "word" and is_last and \
                not words.ends_with_name("".join(shown) + token.text):
            searched, written, prefix = _word_prefix(token.text, words)
            out.append(searched)
            shown.append(written)
        else:
            out.append(token.text)
            shown.append(token.text)
        index += 1
    return Reading("".join(out), "".join(shown), prefix)


def _last_term(parts: list[_Token]) -> int | None:
    """The index of the token being typed, if it can be read as a prefix: a
    word (alone or as a field's value) or an open phrase, at the very end."""
    if not parts:
        return None
    index = len(parts) - 1
    token = parts[index]
    if token.kind == "phrase" and not (len(token.text) > 1 and token.text.endswith('"')):
        return index
    if token.kind != "word" or token.text in OPERATORS or _WILD & set(token.text):
        return None
    tail = _TAIL.search(token.text)
    if tail is None or (len(tail.group()) == 1 and token.text[:-1].endswith(("'", "’"))):
        return None  # (Assad's: a word, not a prefix "s")
    return index


def _closed_phrase(text: str, typing: bool) -> str:
    if len(text) > 1 and text.endswith('"'):
        return text
    if not typing:
        raise QueryError(f"a quote is left open: {_shown(text)} needs its closing quote")
    return text + '"' if len(text) > 1 else ""  # a lone quote: nothing yet


def _shown(text: str, most: int = 40) -> str:
    """User text in a message: quoted, on one line, not too long."""
    return repr(text if len(text) <= most else text[:most - 1] + "…")


# -- the last word, as a prefix ---------------------------------------------------------

def _split_tail(word: str) -> tuple[str, str]:
    """`ez-Zo` -> ("ez ", "Zo"): the letters being typed, and the word before
    them (its joining hyphen or apostrophe a space: the parser reads the
    pieces as words anyway)."""
    tail = _TAIL.search(word).group()
    head = word[:-len(tail)]
    if head and not head[-1].isspace():
        head = head[:-1] + " " if not head[-1].isalnum() else head
    return head, tail


def _alternatives(tail: str, words: Words) -> str:
    """`tail*`, or `(tail* OR form ...)` when its words are indexed under
    stems shorter than the letters typed (`chemica` -> chemic)."""
    forms = words.forms(tail)
    if not forms:
        return tail + "*"
    return "(" + " OR ".join([tail + "*", *forms]) + ")"


def _word_prefix(word: str, words: Words) -> tuple[str, str, str]:
    head, tail = _split_tail(word)
    return head + _alternatives(tail, words), word + "*", tail


def _phrase_prefix(phrase: str, words: Words) -> tuple[str, str, str]:
    """An open phrase whose last word is being typed: the phrase with each
    of the most used words that start like it (and the phrase as written)."""
    inner = phrase[1:-1]
    if not inner.strip() or not _TAIL.search(inner):
        return phrase, phrase, ""
    head, tail = _split_tail(inner)
    shown = '"' + inner + '*"'
    if not head.strip():  # one word: a plain prefix
        return _alternatives(tail, words), shown, tail
    completions = words.completions(tail, PHRASE_COMPLETIONS)
    if not completions:
        return phrase, shown, tail
    alternatives = [phrase] + [f'"{head}{word}"' for word in completions]
    return "(" + " OR ".join(dict.fromkeys(alternatives)) + ")", shown, tail


# -- field values ----------------------------------------------------------------------------

def _field_value(field: str, value: _Token, rest: list[_Token], words: Words, typing: bool,
                 is_last: bool) -> tuple[str | None, str, str]:
    """(for the searcher, for the user, the prefix) of `field:value`; None
    for the searcher when a value being typed means nothing yet."""
    if field == "date":
        return _date_value(value, rest, typing, is_last)
    if value.kind == "phrase":
        closed = _closed_phrase(value.text, typing)
        if not closed:
            return None, "", ""
        value = _Token("phrase", closed)
    if field == "entity":
        return _entity_value(value, words, is_last)
    if field in ANNOTATION_FIELDS:
        return _annotation_value(field, value, typing and is_last)
    if is_last and field in TEXT_FIELDS and value.kind == "word" and \
            _TAIL.fullmatch(value.text):
        return (f"{field}:{_alternatives(value.text, words)}", f"{field}:{value.text}*",
                value.text)
    return f"{field}:{value.text}", f"{field}:{value.text}", ""


def _entity_value(value: _Token, words: Words, is_last: bool) -> tuple[str | None, str, str]:
    entity_id = value.text.strip('"').strip().casefold()
    if value.kind not in ("word", "phrase") or _WILD & set(entity_id) or \
            words.entity_exists(entity_id):
        return f"entity:{value.text}", f"entity:{value.text}", ""
    if is_last and words.entity_prefix_exists(entity_id):  # an id being typed
        return f"entity:{entity_id}*", f"entity:{entity_id}*", ""
    close = words.close_entities(entity_id)
    hint = (f"did you mean {', '.join('entity:' + c for c in close)}?" if close else
            "ids are written like deir-ez-zor (`wartui entities --top` lists the most named)")
    raise QueryError(f"no entity has the id {_shown(entity_id)}; {hint}")


_ANNOTATION_WORD = re.compile(r"\w[\w.\-/]*")
_HAS = ("note", "tag")


def _annotation_value(field: str, value: _Token, typing: bool) -> tuple[str | None, str, str]:
    """`tag:TAG`, `note:WORD`, `has:note`; while typed, a tag or word is
    a prefix and `has:` waits for a whole value."""
    text = value.text.strip('"').strip()
    if field == "has":
        if text.casefold().rstrip("s") in _HAS:
            return f"has:{text}", f"has:{text}", ""
        if typing and any(name.startswith(text.casefold()) for name in _HAS):
            return None, "", ""
        raise QueryError(f"has: is followed by note or tag (has:note, has:tag), not "
                         f"{_shown(text)}")
    if typing and _ANNOTATION_WORD.fullmatch(text):
        return f"{field}:{text}*", f"{field}:{text}*", ""
    return f"{field}:{value.text}", f"{field}:{value.text}", ""


def _date_value(value: _Token, rest: list[_Token], typing: bool,
                is_last: bool) -> tuple[str | None, str, str]:
    lenient = typing and is_last
    if value.kind == "range":
        text = value.text
        closing = {"[": "]", "{": "}"}[text[0]]
        if not text.endswith(("]", "}")):
            if not typing:
                raise QueryError(f"a date range is left open: {_shown('date:' + text)} needs "
                                 f"its closing {closing}")
            text += closing
        ends = _RANGE_TO.split(text[1:-1].strip(), maxsplit=1)
        if len(ends) != 2:
            if lenient:
                return None, "", ""
            raise QueryError(f"cannot read the date range {_shown(value.text)}; {DATE_HINT}")
        start, end = (_date(e.strip(), lenient, rest) if e.strip() else "" for e in ends)
        if start is None or end is None:
            return None, "", ""
        written = f"date:{text[0]}{start} to {end}{text[-1]}".replace("[ to", "[to").replace(
            " to ]", " to]")
        return written, written, ""
    date = _date(value.text.strip('"'), lenient, rest)
    if date is None:
        return None, "", ""
    return f"date:{date}", f"date:{date}", ""


def _date(text: str, lenient: bool, rest: list[_Token]) -> str | None:
    """`2017-5` -> "2017-05"; raises QueryError for what is not a date (or,
    `lenient`, reads what is typed so far up to its last complete part;
    None when nothing is)."""
    match = _DATE.fullmatch(text)
    if match is None:
        if lenient:
            cut = text
            while cut and not _DATE.fullmatch(cut):
                cut = cut[:-1]
            return _date(cut.rstrip("-"), True, rest) if cut.rstrip("-") else None
        raise QueryError(_not_a_date(text, rest))
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is not None and not 1 <= month <= 12:
        if lenient:
            return f"{year:04d}"
        raise QueryError(f"{text} is not a date: there is no month {month}")
    if day is not None:
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            if lenient:
                return f"{year:04d}-{month:02d}"
            raise QueryError(f"{text} is not a date: {calendar.month_name[month]} {year} has "
                             f"{days} days")
        return f"{year:04d}-{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}" if month is not None else f"{year:04d}"


def _not_a_date(text: str, rest: list[_Token]) -> str:
    """Why `text` is not a date, with the form that says what was meant
    (`date:April 2017` -> date:2017-04)."""
    month = _MONTHS.get(text.casefold().rstrip("."))
    if month:
        following = [t.text for t in rest if t.kind != "space"][:1]
        year = following[0] if following and re.fullmatch(r"\d{4}", following[0]) else "YYYY"
        return (f"cannot read the date {_shown(text)}: for {calendar.month_name[month]} {year} "
                f"write date:{year}-{month:02d}; {DATE_HINT}")
    return f"cannot read the date {_shown(text)}; {DATE_HINT}"
