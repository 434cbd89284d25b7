"""The reader's annotations in a query: `tag:disputed`, `-tag:read`,
`has:note`, `note:WORD`.

Tags and notes are not in the search index (they belong to the reader,
annotations.py, and change without a re-index). Whoosh's parser is given
the three names as fields of its own (`parse_schema`), so they take part in
the query's logic as any field does; each of their terms is then replaced
(`resolve`) by the set of articles it stands for (`IdSet`), which
search/fast.py evaluates as a mask of the documents with those ids.

    tag:TAG, tag:TAG*, tag:*   the articles carrying the tag (one starting
                               so, any)
    note:WORD, note:WORD*      the articles whose note has the word
    note:*, has:note           the articles with a note
    has:tag                    the articles with any tag
"""

from __future__ import annotations

from collections.abc import Callable

from whoosh import query as wq
from whoosh.fields import ID

FIELDS = ("tag", "note", "has")
HAS_VALUES = {"note": "note", "notes": "note", "tag": "tag", "tags": "tag"}

# (field, value or None for any, prefix) -> the ids it stands for
Lookup = Callable[[str, "str | None", bool], set[str]]


def parse_schema(schema):
    """The index's schema, with the annotation fields, for the parser only."""
    extended = schema.copy()
    for name in FIELDS:
        extended.add(name, ID())
    return extended


class IdSet(wq.Query):
    """The articles of `ids`, each matching with the same score (a filter:
    what a tag stands for). `label` is the query text it came from."""

    def __init__(self, label: str, ids: frozenset[str], boost: float = 1.0):
        self.label, self.ids, self.boost = label, frozenset(ids), boost

    def __eq__(self, other):
        return type(other) is IdSet and (self.label, self.ids, self.boost) == (
            other.label, other.ids, other.boost)

    def __hash__(self):
        return hash((self.label, self.ids, self.boost))

    def __repr__(self):
        return f"IdSet({self.label!r}, {len(self.ids)} articles)"

    __unicode__ = __str__ = lambda self: self.label

    def field(self):
        return None

    def estimate_size(self, ixreader):
        return len(self.ids)

    def matcher(self, searcher, context=None):
        """(Whoosh's own evaluation, if ever asked: the ids' documents.)"""
        return wq.Or([wq.Term("id", doc_id) for doc_id in sorted(self.ids)]
                     or [wq.NullQuery]).matcher(searcher, context)


def resolve(q, lookup: Lookup):
    """`q` with every term of an annotation field replaced by its IdSet.
    Raises ValueError for `has:` with something else than note or tag."""
    if isinstance(q, (wq.Term, wq.Prefix, wq.Every)) and q.field() in FIELDS:
        field = q.field()
        text = None if isinstance(q, wq.Every) else q.text
        prefix = isinstance(q, wq.Prefix)
        label = f"{field}:{'*' if text is None else text + ('*' if prefix else '')}"
        if field == "has":
            what = HAS_VALUES.get((text or "").casefold())
            if what is None:
                raise ValueError(f"has: is followed by note or tag (has:note, has:tag), "
                                 f"not {text or '*'!r}")
            field, text, prefix = what, None, False
        return IdSet(label, frozenset(lookup(field, text, prefix)), q.boost)
    if isinstance(q, wq.Wildcard) and q.field() in FIELDS:
        start = q.text.replace("?", "*").split("*")[0]
        raise ValueError(f"{q.field()}: takes a whole word, or one ending in * "
                         f"({q.field()}:{start}*)")
    return q if q.is_leaf() else q.apply(lambda child: resolve(child, lookup))


def mentions(q) -> bool:
    """Does the query have an annotation term (its matches change when the
    reader tags, without a new search index)?"""
    return any(isinstance(leaf, IdSet) for leaf in q.leaves())


def only_annotations(q) -> bool:
    """Is every word of the query an annotation term (nothing to rank by:
    listed newest first, as everything is)?"""
    leaves = list(q.leaves())
    return bool(leaves) and all(isinstance(leaf, IdSet) for leaf in leaves)
