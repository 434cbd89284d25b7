"""Whoosh's per-article work, moved off the process that writes the index.

One process writes the index, and in a large build it is the bottleneck:
the worker processes that clean pages wait for it (py-spy of a 10k build).
Three of its costs do not need to be there:

- A field's postings, Whoosh's `FieldType.index` (terms, frequencies,
  weights and encoded positions), depend on the article alone. `indexed`
  computes them where the article is cleaned, in a worker process, as
  columns (`Indexed`); the writer takes them as they are.
- Whoosh's writer then pools, sorts and writes them one posting at a time;
  search/prepared_writer.py writes the columns a term at a time.
- At a commit, Whoosh looks up each posting's document length in the new
  segment's length column, a seek and a read per posting: 15% of the
  writer's time. `_RememberedLengths` reads each document's length once.

All are exact: the postings are Whoosh's own for the same schema
(tests/test_prepared.py compares the segments written with and without).
"""

from __future__ import annotations

from array import array
from itertools import chain

from whoosh.codec.base import FieldWriter
from whoosh.fields import FieldType
from whoosh.formats import Positions


class Indexed:
    """A field's value with its postings already computed: what
    `schema[name].index(value)` yields, as columns (a worker sends ~230
    postings an article: as columns they pickle ~5x and unpickle ~4x
    faster than as tuples, and the writer takes them a field at a time)."""

    __slots__ = ("terms", "freqs", "weights", "values", "positions")

    def __init__(self, terms: list[bytes], freqs: array, weights: array, values: list[bytes],
                 positions: array | None = None):
        self.terms = terms  # UTF-8, in first-seen order
        self.freqs = freqs  # array("I"): occurrences in the field
        self.weights = weights  # array("f"): Whoosh's weight (freq x field boost)
        self.values = values  # Whoosh's encoded value (positions), b"" for none
        # The positions of a Positions field, decoded: each posting's `freq`
        # of them in turn, as array("I"). The writer's flat postings
        # (search/flat.py) take them as they are; None: it decodes `values`.
        self.positions = positions

    @classmethod
    def of(cls, postings) -> Indexed:
        """From (term, freq, weight, value) tuples, as `FieldType.index` yields."""
        postings = list(postings)
        return cls([p[0] for p in postings], array("I", [p[1] for p in postings]),
                   array("f", [p[2] for p in postings]), [p[3] or b"" for p in postings])

    @property
    def postings(self) -> list[tuple[bytes, int, float, bytes]]:
        """As `FieldType.index` yields them."""
        return list(zip(self.terms, self.freqs, self.weights, self.values))

    def __getstate__(self):
        return self.terms, self.freqs, self.weights, self.values, self.positions

    def __setstate__(self, state):
        self.terms, self.freqs, self.weights, self.values, self.positions = state


def indexed(schema, fields: dict) -> dict:
    """`fields` (a document for `writer.add_document`) with the postings of
    its analysed fields computed now. The value stays what is stored and
    put in columns (`_stored_NAME`). Unique fields are left alone: Whoosh
    deletes their older documents by value."""
    out = dict(fields)
    for name, value in fields.items():
        if name.startswith("_") or value is None or name not in schema:
            continue
        field = schema[name]
        if not field.indexed or field.unique or type(field).index not in _PLAIN:
            continue
        if type(value) is list and type(field.format) is Positions:
            out[name] = _positions(value, field.format.field_boost)
        else:
            out[name] = Indexed.of(_whoosh_index(field, value))
        out.setdefault(f"_stored_{name}", value)
    return out


def _positions(words: list[str], field_boost: float) -> Indexed:
    """`FieldType.index` of a list of terms in a field with positions
    (Positions.word_values: each term's positions, its frequency as weight
    times the field's boost, the positions encoded), without Whoosh's
    Token per word."""
    positions: dict[str, list[int]] = {}
    for position, word in enumerate(words):
        found = positions.get(word)
        if found is None:
            positions[word] = [position]
        else:
            found.append(position)
    freqs = array("I", map(len, positions.values()))
    one, encode = _ONE_POSITION, _WHOOSH_POSITIONS.encode
    return Indexed([word.encode("utf-8") for word in positions], freqs,
                   array("f", [freq * field_boost for freq in freqs]),
                   [(one.get(found[0]) or _one_position(found[0])) if len(found) == 1
                    else encode(found) for found in positions.values()],
                   array("I", chain.from_iterable(positions.values())))


def _one_position(position: int) -> bytes:
    encoded = _ONE_POSITION[position] = _WHOOSH_POSITIONS.encode([position])
    return encoded


# Positions.encode: the count, then a pickle of the gaps.
_WHOOSH_POSITIONS = Positions()
# Most postings are of one position; their encodings, by that position.
_ONE_POSITION: dict[int, bytes] = {}


class _RememberedLengths:
    """The new segment's document lengths, read once per document and field."""

    def __init__(self, lengths):
        self._lengths = lengths
        self._tables: dict[tuple[str, int], list] = {}

    def table(self, fieldname: str, default: int = 0) -> list[int]:
        """Every document's length in `fieldname`, by document number."""
        table = self._tables.get((fieldname, default))
        if table is None:
            read = self._lengths.doc_field_length
            table = [read(doc, fieldname, default)
                     for doc in range(self._lengths.doc_count_all())]
            self._tables[(fieldname, default)] = table
        return table

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0):
        return self.table(fieldname, default)[docnum]


_whoosh_index = FieldType.index
_whoosh_add_postings = FieldWriter.add_postings


def _index(self, value, **kwargs):
    if type(value) is Indexed:
        return zip(value.terms, value.freqs, value.weights, value.values)
    return _whoosh_index(self, value, **kwargs)


# FieldType.index before and after `install`; fields with an index of their
# own (NUMERIC, DATETIME: trie terms, cheap) are left to Whoosh.
_PLAIN = (_whoosh_index, _index)


def _add_postings(self, schema, lengths, items):
    if lengths is not None and type(lengths) is not _RememberedLengths:
        lengths = _RememberedLengths(lengths)
    return _whoosh_add_postings(self, schema, lengths, items)


def install() -> None:
    """Let this process's Whoosh writers take `Indexed` values and read
    document lengths once."""
    FieldType.index = _index
    FieldWriter.add_postings = _add_postings
