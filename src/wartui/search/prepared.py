"""Whoosh's per-article work, moved off the process that writes the index.

One process writes the index, and in a large build it is the bottleneck:
the worker processes that clean pages wait for it (py-spy of a 10k build).
Two of its costs do not need to be there:

- A field's postings, Whoosh's `FieldType.index` (terms, frequencies,
  weights and encoded positions), depend on the article alone. `indexed`
  computes them where the article is cleaned, in a worker process, and the
  writer takes them as they are (`Indexed`): ~1 ms an article.
- At a commit, Whoosh looks up each posting's document length in the new
  segment's length column, a seek and a read per posting: 15% of the
  writer's time. `_RememberedLengths` reads each document's length once.

Both are exact: the postings are Whoosh's own for the same schema
(tests/test_prepared.py compares the segments written with and without).
"""

from __future__ import annotations

from whoosh.codec.base import FieldWriter
from whoosh.fields import FieldType


class Indexed:
    """A field's value with its postings already computed: what
    `schema[name].index(value)` returns, as a list."""

    __slots__ = ("postings",)

    def __init__(self, postings: list[tuple[bytes, int, float, bytes]]):
        self.postings = postings

    def __getstate__(self):
        return self.postings

    def __setstate__(self, postings):
        self.postings = postings


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
        out[name] = Indexed(list(_whoosh_index(field, value)))
        out.setdefault(f"_stored_{name}", value)
    return out


class _RememberedLengths:
    """The new segment's document lengths, read once per document and field."""

    def __init__(self, lengths):
        self._lengths = lengths
        self._tables: dict[tuple[str, int], list] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0):
        table = self._tables.get((fieldname, default))
        if table is None:
            read = self._lengths.doc_field_length
            table = [read(doc, fieldname, default)
                     for doc in range(self._lengths.doc_count_all())]
            self._tables[(fieldname, default)] = table
        return table[docnum]


_whoosh_index = FieldType.index
_whoosh_add_postings = FieldWriter.add_postings


def _index(self, value, **kwargs):
    if type(value) is Indexed:
        return value.postings
    return _whoosh_index(self, value, **kwargs)


# FieldType.index before and after `install`; fields with an index of their
# own (NUMERIC, DATETIME: trie terms, cheap) are left to Whoosh.
_PLAIN = (_whoosh_index, _index)


def _add_postings(self, schema, lengths, items):
    if lengths is not None:
        lengths = _RememberedLengths(lengths)
    return _whoosh_add_postings(self, schema, lengths, items)


def install() -> None:
    """Let this process's Whoosh writers take `Indexed` values and read
    document lengths once."""
    FieldType.index = _index
    FieldWriter.add_postings = _add_postings
