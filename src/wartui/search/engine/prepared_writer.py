"""A Whoosh segment writer that takes prepared postings a term at a time.

Whoosh's SegmentWriter puts each posting of each document into a pool as a
tuple, sorts the pool at the commit, and feeds the postings one by one to
its postings writer. In a large build that was most of the writing
process's time (py-spy of a 10k build: the pool, its sort and the
per-posting calls were ~40% of it). The postings of `prepared.Indexed`
values come as columns already; `PreparedWriter` keeps them so, a set of
columns per field, and at the commit sorts each field's postings by term
with numpy and loads Whoosh's postings writer a block (up to 128 postings)
at a time. The blocks and term infos are still written by Whoosh's postings
writer (`finish_postings`; its `_write_block` as search/blocks.py has it),
so the segment reads as the one Whoosh writes; tests/test_prepared.py
compares them.

Everything else goes through Whoosh as before: stored fields, lengths and
columns, fields given as plain values, and the documents of segments merged
into the new one. A field with postings of both kinds (a small segment
merged at an incremental update) is written from Whoosh's pool, the
prepared postings added to it first.
"""

from __future__ import annotations

from array import array
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

import numpy as np
from whoosh.writing import SegmentWriter

from .prepared import Indexed, _RememberedLengths


class _FieldPostings:
    """The prepared postings of one field in the segment being written, in
    the order they were added (documents ascending)."""

    def __init__(self):
        self.terms: list[bytes] = []
        self.weights = array("f")
        self.values: list[bytes] = []
        # every posting's positions decoded (Indexed.positions), while all
        # have them, and how many each posting has
        self.positions: array | None = array("I")
        self.freqs = array("I")
        self.docs = array("I")  # each document's number ...
        self.counts = array("I")  # ... and how many postings it has here

    def add(self, docnum: int, value: Indexed, interned: dict[bytes, bytes]) -> None:
        # one bytes object per distinct term: ~40 bytes a posting less
        self.terms += map(interned.setdefault, value.terms, value.terms)
        self.weights += value.weights
        self.values += value.values
        if self.positions is not None:
            if value.positions is None:
                self.positions = None  # (and freqs are of no more use)
            else:
                self.positions += value.positions
                self.freqs += value.freqs
        self.docs.append(docnum)
        self.counts.append(len(value.terms))

    def tuples(self, fieldname: str):
        """As Whoosh's pool takes them: (field, term, doc, weight, value)."""
        postings = iter(zip(self.terms, self.weights, self.values))
        for docnum, count in zip(self.docs, self.counts):
            for _ in range(count):
                term, weight, value = next(postings)
                yield fieldname, term, docnum, weight, value or None

    def sorted_by_term(self) -> _Sorted:
        """The postings sorted by term (documents ascending within a term)."""
        distinct = sorted(set(self.terms))
        rank = dict(zip(distinct, range(len(distinct))))
        term_ids = np.fromiter(map(rank.__getitem__, self.terms), np.int64, len(self.terms))
        order = np.argsort(term_ids, kind="stable")  # keeps documents ascending per term
        ends = np.cumsum(np.bincount(term_ids, minlength=len(distinct)))
        docs = np.repeat(np.frombuffer(self.docs, np.uint32), np.frombuffer(self.counts, np.uint32))
        weights = np.frombuffer(self.weights, np.float32)
        values = list(map(self.values.__getitem__, order.tolist()))
        counts = positions = starts = None
        freqs = np.frombuffer(self.freqs, np.uint32).astype(np.int64)
        if self.positions is not None and int(freqs.sum()) == len(self.positions):
            # each posting's run of positions, the runs put in the postings' new order
            counts = freqs[order]
            starts = np.zeros(len(counts) + 1, np.int64)
            np.cumsum(counts, out=starts[1:])
            was = np.cumsum(freqs) - freqs  # where each run starts in the added order
            take = np.repeat(was[order] - starts[:-1], counts) + np.arange(starts[-1])
            positions = np.frombuffer(self.positions, np.uint32)[take]
        return _Sorted(distinct, ends, docs[order], weights[order], values,
                       counts, positions, starts)


class _Sorted(NamedTuple):
    """A field's prepared postings sorted by term."""
    terms: list[bytes]  # distinct, in order
    ends: np.ndarray  # where each term's postings end
    docs: np.ndarray
    weights: np.ndarray
    values: list[bytes]
    # With every posting's positions decoded (else None): how many each
    # posting has, all of them in posting order, and where each posting's run
    # of them starts (one more entry: the end).
    counts: np.ndarray | None
    positions: np.ndarray | None
    starts: np.ndarray | None


class PreparedWriter(SegmentWriter):
    """Whoosh's SegmentWriter, with the postings of `Indexed` values kept as
    columns and written a term at a time (see the module docstring)."""

    def __init__(self, ix, **options):
        super().__init__(ix, **options)
        self._prepared: dict[str, _FieldPostings] = {}
        self._interned: dict[bytes, bytes] = {}
        # Spelling words and term vectors come from Whoosh's own add_document.
        self._takes_prepared = not any(
            field.separate_spelling() or field.vector for _, field in self.schema.items())

    def add_document(self, **fields):
        if not (self._takes_prepared and any(type(v) is Indexed for v in fields.values())
                and not any(name.endswith("_boost") for name in fields)):
            return super().add_document(**fields)  # (Indexed values pass through Whoosh)
        # SegmentWriter.add_document, but an Indexed value's postings go to
        # its field's columns, not to the pool a posting at a time.
        self._check_state()
        schema, perdoc, docnum = self.schema, self.perdocwriter, self.docnum
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if type(value) is Indexed:
                    postings = self._prepared.get(name)
                    if postings is None:
                        postings = self._prepared[name] = _FieldPostings()
                    postings.add(docnum, value, self._interned)
                    if field.scorable:
                        length = sum(value.freqs)
                elif field.indexed:
                    for term, freq, weight, encoded in field.index(value):
                        if field.scorable:
                            length += freq
                        self.pool.add((name, term, docnum, weight, encoded))
                stored = fields.get(f"_stored_{name}", value)
                perdoc.add_field(name, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(stored))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _commit_toc(self, segments):
        """The new segment's checksums (integrity.py) are written before the
        TOC that lists it: no segment of wartui's is listed without them."""
        from ... import integrity

        integrity.record(self.storage, self.indexname,
                         self.get_segment().segment_id() if self._added else None,
                         [segment.segment_id() for segment in segments])
        super()._commit_toc(segments)

    def _flush_segment(self):
        if not self._prepared:
            return super()._flush_segment()
        for name in self.pool.fieldnames & set(self._prepared):
            for posting in self._prepared.pop(name).tuples(name):  # merged: Whoosh writes it
                self.pool.add(posting)
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        remembered = _RememberedLengths(lengths) if lengths is not None else None
        # Fields in name order, as Whoosh writes them (its terms file is sorted).
        pooled = groupby(self.pool.iter_postings(), key=itemgetter(0))
        waiting = next(pooled, None)
        for name in sorted(self._prepared):
            while waiting is not None and waiting[0] < name:
                self.fieldwriter.add_postings(self.schema, remembered, waiting[1])
                waiting = next(pooled, None)
            self._write_prepared(name, self._prepared.pop(name), remembered)
        while waiting is not None:
            self.fieldwriter.add_postings(self.schema, remembered, waiting[1])
            waiting = next(pooled, None)
        self.fieldwriter.close()
        if lengths is not None:
            lengths.close()

    def _write_prepared(self, name: str, postings: _FieldPostings,
                        lengths: _RememberedLengths | None) -> None:
        """One field's prepared postings, a block at a time, into Whoosh's
        postings writer: the buffer `add_posting` would have filled, and the
        block statistics it would have kept."""
        terms, ends, docs, weights, values, counts, positions, starts = postings.sorted_by_term()
        if lengths is not None:
            table = lengths.table(name)  # (None for a length of 0)
            doc_lengths = np.fromiter((length or 0 for length in table), np.int64, len(table))[docs]
        else:
            doc_lengths = np.zeros(len(docs), dtype=np.int64)
        field_writer = self.fieldwriter
        field_writer.start_field(name, self.schema[name])
        writer = field_writer._postwriter
        limit = writer._blocklimit
        start = 0
        for term, end in zip(terms, ends.tolist()):
            field_writer.start_term(term)
            for block_start in range(start, end, limit):
                if block_start > start:
                    writer._write_block()  # the previous one, full (finish_term writes the last)
                block_end = min(block_start + limit, end)
                block = slice(block_start, block_end)
                writer._ids = array("I", docs[block].tobytes())
                writer._weights = array("f", weights[block].tobytes())
                writer._values = [value for value in values[block] if value]
                writer._maxweight = max(0, float(weights[block].max()))
                block_lengths = doc_lengths[block]
                positive = block_lengths[block_lengths > 0]
                writer._minlength = int(positive.min()) if len(positive) else None
                writer._maxlength = max(0, int(block_lengths.max()))
                if positions is not None:  # for the flat postings (flat._write_block)
                    writer._flat_decoded = (counts[block], positions[
                        starts[block_start]:starts[block_end]])
            field_writer.finish_term()
            start = end
        field_writer.finish_field()
