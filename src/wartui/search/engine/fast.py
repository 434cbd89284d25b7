"""Query evaluation over Whoosh's own postings, one numpy operation per
posting block instead of several Python calls per matching document.

Whoosh's matchers score a document at a time in Python: at 100k articles a
name that 80% of them contain costs ~300 ms per field, most of it in the
collector's per-document loop. Here a term's postings are decoded a block
at a time (Whoosh's own block format: delta-coded ids, weights, and a
positions value per posting), scored with BM25F as whole arrays, and the
query tree is combined as masks over all documents. The scores are Whoosh's
own (same weighting, same statistics); `tests/test_fast_search.py` checks
that both rank the same way where Whoosh is right, `tests/test_oracle.py`
that this module finds, scores and ranks as a brute-force evaluator does
(Whoosh is wrong for some ANDNOT and ANDMAYBE trees, deleted documents and
numeric ranges near 0). Date and sortdate ranges are read from their
columns, `field:*` from the field's lengths or column.

Phrases need positions. A phrase's candidates (all its words present) are
checked all at once, as arrays, from the flat postings (search/flat.py).
Over CHECKED_AT_ONCE candidates, or from Whoosh's blocks (a `pickle.loads`
per posting), a phrase is first only a candidate set: ranking walks the
documents by an upper bound of their score and checks positions only for
the documents it is about to return. The total is then exact with few
candidates or `exact=True` (which checks every candidate); otherwise it is
estimated from the share of an even sample of them that holds, or, when
that is fewer than the documents known to match, it is those, "at least".

Any query node this module does not know is evaluated by Whoosh's own
matcher (slower), so that every query is answered.
"""

from __future__ import annotations

import heapq
import struct
import zlib
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from math import log
from pickle import loads

import numpy as np
from whoosh import query as wq
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.fields import DATETIME, NUMERIC
from whoosh.formats import Positions
from whoosh.reading import TermNotFound
from whoosh.scoring import WeightingModel
from whoosh.util.numeric import byte_to_length, to_sortable

from ...model import ABOUT, AT_LEAST, EXACT
from . import nocopy
from ..annotated import IdSet
from .flat import FlatPositions, FlatSegment

# Whoosh stores a field's length per document as one byte.
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
# Numeric fields (DATETIME too) that hold one value per article
# (writer.document_fields), so that their column says all: ranges over them
# are read from it.
ONE_VALUE_FIELDS = frozenset({"date", "sortdate"})
# Up to this many candidate documents, a phrase's positions are checked for
# all of them at once, as arrays (_PhraseCheck.held): ~75 ns a position, at
# 100k "Deir Ezzor" (19,500 candidates, 52,000 positions) ~7 ms. A phrase
# of more (or whose positions are not flat arrays) is checked a document at
# a time, as ranking reaches it (~17 us each).
CHECKED_AT_ONCE = 20_000
# Up to this many candidates, those are all checked (exact total).
VERIFY_ALL_BELOW = 3000
# Postings kept between queries, in postings (16 bytes each; one with its
# Whoosh-encoded positions counts 5, with its flat positions 2): about 24 MB.
# With flat postings (search/flat.py) a term is read again in ~1 ms, so a
# small cache does.
POSTINGS_CACHE = 1_500_000
# Terms whose TermInfos are kept (a few hundred bytes each, per segment).
TERM_INFOS_KEPT = 20_000
# Wildcards and ranges whose words are kept (as-you-type repeats them).
EXPANSIONS_KEPT = 64
# The files of a segment that a search reads, read ahead by `warm`: its
# term dictionary and its flat postings (~245 MB at 100k), not Whoosh's
# blocks, stored fields or columns.
PREFETCHED = (".trm", ".fpo")


@dataclass
class _Postings:
    """One term's postings over the whole index (global document numbers)."""
    ids: np.ndarray  # int64, ascending
    weights: np.ndarray  # float64
    values: _Values | None = None  # per posting: its word positions


class _Encoded:
    """Positions as Whoosh encodes them (a pickle per posting), decoded when asked."""

    def __init__(self, values: list[bytes], fmt):
        self.values, self.format = values, fmt

    def __getitem__(self, i: int) -> list[int]:
        return self.format.decode_positions(self.values[i])


class _Values:
    """A term's word positions, per posting, across segments: flat arrays
    (search/flat.py) or Whoosh's encoded values, read with the postings."""

    def __init__(self):
        self.starts: list[int] = []
        self.parts: list = []
        self.count = 0

    def add(self, part, count: int) -> None:
        if count:
            self.starts.append(self.count)
            self.parts.append(part)
            self.count += count

    def __getitem__(self, i: int):
        k = bisect_right(self.starts, i) - 1
        return self.parts[k][i - self.starts[k]]

    @cached_property
    def flat(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(where each posting's positions end, every position) over all
        segments, or None when some segment's are Whoosh-encoded."""
        if not self.parts or any(type(part) is not FlatPositions for part in self.parts):
            return None
        ends = np.cumsum(np.concatenate([part.counts for part in self.parts]), dtype=np.int64)
        return ends, np.concatenate([part.positions for part in self.parts])


@dataclass
class _Node:
    """A query node's matches: `upper` may match, `lower` surely matches
    (they differ only under a phrase, until its positions are checked),
    `score` is exact where lower, an upper bound where only upper."""
    upper: np.ndarray
    lower: np.ndarray
    score: np.ndarray
    query: wq.Query
    children: list[_Node] = field(default_factory=list)
    phrase: _PhraseCheck | None = None

    @property
    def unsure(self) -> np.ndarray | None:
        """Documents whose match or score is not final yet (None: none)."""
        if self.exact:
            return None
        found = self.upper & ~self.lower
        for child in self.children:
            if child.unsure is not None:
                found |= child.unsure
        return found

    @cached_property  # asked for every document a phrase check visits
    def exact(self) -> bool:
        return self.phrase is None and all(c.exact for c in self.children)


class _PhraseCheck:
    """Positions of a phrase's words, checked one document at a time, or for
    many at once (`held`)."""

    def __init__(self, postings: list[_Postings], slop: int):
        self.postings, self.slop = postings, slop
        self.known: dict[int, bool] = {}

    def held(self, docs: np.ndarray) -> np.ndarray | None:
        """For each of `docs` (ascending, each having every word), whether
        the words follow one another there, each within `slop` positions
        after the one before (as `_check`); None when that cannot be done as
        arrays (Whoosh-encoded positions).

        Each occurrence of a word is keyed (candidate, position), so that
        the keys of a word are ascending: an occurrence of word k+1 is
        reached when the last reached occurrence of word k before it is in
        the same candidate and at most `slop` positions before it (any
        reached one nearer would be after it). The phrase holds where an
        occurrence of the last word is reached."""
        if any(p.values is None or p.values.flat is None for p in self.postings):
            return None
        reached = self._keys(self.postings[0], docs)
        for postings in self.postings[1:]:
            if not len(reached):
                break
            found = self._keys(postings, docs)
            before = np.searchsorted(reached, found) - 1  # the last reached key before each
            nearest = reached[np.maximum(before, 0)]
            reached = found[(before >= 0) & (found - nearest <= self.slop)
                            & (nearest >> 32 == found >> 32)]
        out = np.zeros(len(docs), dtype=bool)
        out[reached >> 32] = True
        return out

    @staticmethod
    def _keys(postings: _Postings, docs: np.ndarray) -> np.ndarray:
        """(index in `docs`) << 32 | position, of each of the word's
        occurrences in `docs` (which all have it), ascending."""
        ends, positions = postings.values.flat
        at = np.searchsorted(postings.ids, docs)
        starts = np.where(at > 0, ends[at - 1], 0)  # (of the candidates' postings only)
        counts = ends[at] - starts
        firsts = np.repeat(starts - (np.cumsum(counts) - counts), counts)
        taken = positions[firsts + np.arange(len(firsts))].astype(np.int64)
        return np.repeat(np.arange(len(docs), dtype=np.int64), counts) << 32 | taken

    def holds(self, doc: int) -> bool:
        found = self.known.get(doc)
        if found is None:
            found = self.known[doc] = self._check(doc)
        return found

    def _check(self, doc: int) -> bool:
        positions = []
        for postings in self.postings:
            i = int(np.searchsorted(postings.ids, doc))
            if i >= len(postings.ids) or postings.ids[i] != doc:
                return False
            positions.append(postings.values[i])
        # word k+1 within `slop` positions after word k (Whoosh's SpanNear2,
        # ordered, mindist 1); stop words are renumbered away at indexing.
        starts = positions[0]
        for following in positions[1:]:
            following_set = set(following)
            starts = [p + d for p in starts for d in range(1, self.slop + 1)
                      if p + d in following_set]
            if not starts:
                return False
        return True


@dataclass
class Ranked:
    """The matches of a query: `docs` yields (docnum, score) best first.
    `total` is counted (EXACT), estimated (ABOUT), or the matches known when
    the estimate is below them (AT_LEAST)."""
    docs: Iterator[tuple[int, float]]
    total: int
    total_kind: str
    mask: np.ndarray  # every document that may match (for facets with exact totals)

    @property
    def total_exact(self) -> bool:
        return self.total_kind == EXACT


class FastSearcher:
    """Evaluates parsed Whoosh queries on one open Whoosh searcher."""

    def __init__(self, searcher, postings_cache: int | None = None):
        self.searcher = searcher
        self.postings_cache = POSTINGS_CACHE if postings_cache is None else postings_cache
        self.schema = searcher.schema
        self.weighting = searcher.weighting
        leaves = searcher.leaf_searchers() if not searcher.is_atomic() else [(searcher, 0)]
        # (an index without documents has one EmptyReader: no columns, no deletions)
        self.leaves = [(leaf, offset) for leaf, offset in leaves if leaf.doc_count_all()]
        self.size = searcher.doc_count_all()
        self.live = np.ones(self.size, dtype=bool)
        for leaf, offset in self.leaves:
            for docnum in leaf.reader().deleted_docs_set:
                self.live[offset + docnum] = False
        self._lengths: dict[str, np.ndarray] = {}
        # Decoded postings of recent terms: as-you-type repeats them.
        self._postings: dict[tuple[str, bytes, bool], _Postings] = {}
        self._cached = 0
        self._columns: dict = {}  # {field or ("dates", field): its arrays}
        self._flats: dict[int, FlatSegment | None] = {}
        # Each term's TermInfo in the segments that have it: the query's cost
        # check (limits.check_query) and the postings read both need them.
        self._term_infos: dict[tuple[str, bytes], list] = {}
        # The words of recent wildcards and ranges (`expansion`).
        self._expansions: dict[tuple, list[bytes]] = {}
        # {article id: its documents}, of the ids a tag stood for (IdSet):
        # looked up in each segment once per searcher, as a tag is typed again
        self._id_documents: dict[str, np.ndarray] = {}

    # -- per-index arrays, loaded on first use and kept ---------------------------

    WARMED_FIELDS = ("body", "title")

    def warm(self, part: int | None = None) -> bool:
        """Load now what the first scored query loads first: the documents'
        lengths in WARMED_FIELDS and each segment's flat postings (at 100k,
        ~350 ms in a fresh process when the index's pages are not in memory:
        the as-you-type search of the second letter typed paid it). With
        `part`, only that piece of it (0, 1, ...: a field's lengths, then a
        segment), so that a caller can let a search in between; False when
        there is no such piece."""
        fields = self.WARMED_FIELDS
        if part is None:
            for each in range(len(fields) + len(self.leaves)):
                self.warm(each)
            return True
        if part < len(fields):
            self.lengths(fields[part])
        elif part < len(fields) + len(self.leaves):
            index = part - len(fields)
            reader = self.leaves[index][0].reader()
            nocopy.prefetch(reader, PREFETCHED)  # (in the background: it does not wait)
            self._flat(index)
            reader.stored_fields(0)  # its offsets, read once
        else:
            return False
        return True

    def lengths(self, fieldname: str) -> np.ndarray:
        """Every document's length in `fieldname` (Whoosh's one-byte coding;
        0 for a document with nothing in it)."""
        found = self._lengths.get(fieldname)
        if found is None:
            found = np.zeros(self.size, dtype=np.float64)
            for leaf, offset in self.leaves:
                reader = leaf.reader()._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
                if reader is None:
                    continue
                coded = np.zeros(leaf.doc_count_all(), dtype=np.uint8)
                stored = reader._dbfile.get(reader._basepos, reader._count)  # one byte each
                coded[:len(stored)] = np.frombuffer(stored, dtype=np.uint8)
                found[offset:offset + len(coded)] = _LENGTH_OF_BYTE[coded]
            self._lengths[fieldname] = found
        return found

    def column(self, fieldname: str) -> np.ndarray:
        """A sortable column's value for every document (object or int array)."""
        found = self._columns.get(fieldname)
        if found is None:
            parts = []
            for leaf, _ in self.leaves:
                column = leaf.reader().column_reader(fieldname)
                count = leaf.doc_count_all()
                found = _numbers(column, count)
                if found is None:
                    found = _byte_strings(column, count)
                parts.append(found if found is not None else np.array(
                    [column[i] for i in range(count)]))
            found = np.concatenate(parts) if parts else np.empty(0)
            self._columns[fieldname] = found
        return found

    def numbers(self, fieldname: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(value, has one) of every document in an unsigned numeric column,
        as Whoosh stores them (a DATETIME's microseconds, a NUMERIC's sortable
        value); None if the column cannot be read whole."""
        found = self._columns.get(("numbers", fieldname))
        if found is None:
            values, present = [], []
            for leaf, _ in self.leaves:
                column = leaf.reader().column_reader(fieldname, translate=False)
                stored = _stored_numbers(column, leaf.doc_count_all())
                if stored is None or stored[0].dtype.kind != "u":
                    return None
                values.append(stored[0].astype(np.int64))  # (the default wraps: masked)
                present.append(stored[0] != stored[1])
            found = (np.concatenate(values) if values else np.empty(0, np.int64),
                     np.concatenate(present) if present else np.empty(0, bool))
            self._columns[("numbers", fieldname)] = found
        return found

    def postings(self, fieldname: str, btext: bytes, with_values: bool = False) -> _Postings:
        key = (fieldname, btext, with_values)
        found = self._postings.pop(key, None)
        if found is None:
            found = self._read_postings(fieldname, btext, with_values)
            self._cached += _cost(found)
            while self._postings and self._cached > self.postings_cache:  # least recently used
                self._cached -= _cost(self._postings.pop(next(iter(self._postings))))
        self._postings[key] = found  # (re)inserted last: most recently used
        return found

    def term_infos(self, fieldname: str, btext: bytes) -> list[tuple[int, object]]:
        """(segment index, TermInfo) of each segment that has the term."""
        key = (fieldname, btext)
        found = self._term_infos.get(key)
        if found is None:
            found = []
            for index, (leaf, _) in enumerate(self.leaves):
                try:
                    found.append((index, leaf.reader()._terms.term_info(fieldname, btext)))
                except TermNotFound:
                    pass
            if len(self._term_infos) >= TERM_INFOS_KEPT:
                self._term_infos.clear()
            self._term_infos[key] = found
        return found

    def expansion(self, q, most: int | None = None) -> list[bytes]:
        """The index's words that a wildcard, prefix or range query `q`
        stands for, sorted; for a `field:*` (Every), the words it reads: all
        the field's, or none when the field's lengths or column say which
        documents have it (`_has_field`). With `most`, the listing stops
        after `most` + 1 words (a query's cost check: `a*` is refused
        without listing all). A search needs them three times (its cost
        check, its ranking, its snippets' words), each ~2-4 ms at 100k:
        they are listed once."""
        key = (type(q), q.field(), getattr(q, "text", None), getattr(q, "start", None),
               getattr(q, "end", None), getattr(q, "startexcl", None),
               getattr(q, "endexcl", None))
        found = self._expansions.get(key)
        if found is not None:
            return found
        reader = self.searcher.reader()
        if isinstance(q, wq.Every):
            listed = [] if self._present(q.fieldname) is not None else reader.lexicon(q.fieldname)
        else:
            listed = q._btexts(reader)
        words = []
        for btext in listed:
            if btext:
                words.append(btext)
            if most is not None and len(words) > most:
                return words  # cut short: not kept
        if len(self._expansions) >= EXPANSIONS_KEPT:
            self._expansions.pop(next(iter(self._expansions)))
        self._expansions[key] = words
        return words

    def doc_frequency(self, fieldname: str, text) -> int:
        """How many documents have the term (deleted ones too, as Whoosh's)."""
        btext = text if isinstance(text, bytes) else self.schema[fieldname].to_bytes(text)
        return sum(info.doc_frequency() for _, info in self.term_infos(fieldname, btext))

    def _read_postings(self, fieldname: str, btext: bytes, with_values: bool) -> _Postings:
        ids, weights = [], []
        values = _Values() if with_values else None
        fmt = self.schema[fieldname].format
        for index, terminfo in self.term_infos(fieldname, btext):
            leaf, offset = self.leaves[index]
            terms = leaf.reader()._terms
            flat = self._flat(index) if terminfo._inlined is None else None
            slot = flat.slot(terminfo._offset) if flat is not None else None
            if slot is not None and (values is None or type(fmt) is Positions):
                # flat arrays (search/flat.py): nothing to decode
                local_ids, local_weights = flat.postings(slot)
                ids.append(local_ids.astype(np.int64) + offset)
                weights.append(local_weights.astype(np.float64))
                if values is not None:
                    values.add(flat.word_positions(slot), len(local_ids))
                continue
            matcher = terms.matcher(fieldname, btext, fmt)
            leaf_values = []
            if isinstance(matcher, W3LeafMatcher):
                for block_ids, block_weights, block_values in _blocks(matcher):
                    ids.append(block_ids + offset)
                    weights.append(block_weights)
                    if values is not None:
                        leaf_values.extend(block_values)
            else:  # inlined postings (a rare term): a ListMatcher
                local = list(matcher.all_ids())
                matcher.reset()
                found_weights = []
                while matcher.is_active():
                    found_weights.append(matcher.weight())
                    if values is not None:
                        leaf_values.append(matcher.value())
                    matcher.next()
                ids.append(np.asarray(local, dtype=np.int64) + offset)
                weights.append(np.asarray(found_weights, dtype=np.float64))
            if values is not None:
                values.add(_Encoded(leaf_values, fmt), len(leaf_values))
        if not ids:
            return _Postings(np.empty(0, np.int64), np.empty(0), values)
        return _Postings(np.concatenate(ids), np.concatenate(weights), values)

    def _flat(self, index: int) -> FlatSegment | None:
        """The flat postings of the index-th segment, if it has them."""
        if index not in self._flats:
            self._flats[index] = FlatSegment.open(self.leaves[index][0].reader())
        return self._flats[index]

    # -- evaluation -----------------------------------------------------------------

    def rank(self, q, sort: str = "relevance", exact: bool = False) -> Ranked:
        node = self._evaluate(q)
        upper = node.upper & self.live
        lower = node.lower & self.live
        score, checked = node.score, None
        if node.exact:
            total, total_kind = int(upper.sum()), EXACT
        elif exact or int(upper.sum()) <= VERIFY_ALL_BELOW:
            score = score.copy()
            for doc in np.flatnonzero(upper & node.unsure).tolist():
                if self._matches(node, doc):
                    lower[doc] = True
                    score[doc] = self._score(node, doc)
                else:
                    lower[doc] = False
            upper = lower
            total, total_kind = int(lower.sum()), EXACT
        else:
            (total, total_kind), checked = self._estimate(node, upper, lower), node
        if sort in ("date", "oldest"):
            docs = self._by_date(upper, lower, checked, oldest=sort == "oldest")
        else:
            docs = self._by_score(upper, score, checked)
        return Ranked(docs, total, total_kind, upper)

    def _estimate(self, node: _Node, upper: np.ndarray, lower: np.ndarray,
                  sample: int = 200) -> tuple[int, str]:
        """(matches among `upper`, ABOUT) from the share of an even sample
        that holds; (the matches known, AT_LEAST) when that is fewer than
        the documents known to match (`lower`, and the sample's)."""
        candidates = np.flatnonzero(upper)
        # (steps of at least 1: each candidate once. Not np.unique: its first
        # call imports numpy.ma, ~45 ms.)
        even = np.linspace(0, len(candidates) - 1, min(sample, len(candidates)))
        picked = candidates[even.astype(np.int64)]
        held = np.array([self._matches(node, int(doc)) for doc in picked], dtype=bool)
        estimate = round(len(candidates) * int(held.sum()) / len(picked))
        known = int(lower.sum()) + int((held & ~lower[picked]).sum())
        return (estimate, ABOUT) if estimate >= known else (known, AT_LEAST)

    def _by_score(self, mask: np.ndarray, score: np.ndarray, node: _Node | None):
        docs = np.flatnonzero(mask)
        if not len(docs):
            return
        scores = score[docs]
        if node is None:
            yield from _best_first(docs, scores)
            return
        # best first; ties by document number, as Whoosh's collector does
        order = np.lexsort((docs, -scores))
        # Scores are upper bounds until a phrase is checked: a document is
        # final once no unchecked one could beat it, nor tie it with a lower
        # document number (the unchecked ones of an equal bound come in
        # document order).
        waiting: list[tuple[float, int]] = []
        for i in order:
            bound, doc = float(scores[i]), int(docs[i])
            while waiting and waiting[0] < (-bound, doc):
                best, best_doc = heapq.heappop(waiting)
                yield best_doc, -best
            if self._matches(node, doc):
                heapq.heappush(waiting, (-self._score(node, doc), doc))
        while waiting:
            best, best_doc = heapq.heappop(waiting)
            yield best_doc, -best

    def _by_date(self, upper: np.ndarray, lower: np.ndarray, node: _Node | None,
                 oldest: bool = False):
        docs = np.flatnonzero(upper)
        dates = self.column("sortdate")[docs].astype(np.int64)
        if oldest:  # undated (0) still last
            dates = -np.where(dates == 0, np.iinfo(np.int64).max, dates)
        for i in np.lexsort((docs, -dates)):
            doc = int(docs[i])
            if node is None or lower[doc] or self._matches(node, doc):
                yield doc, 0.0

    def _matches(self, node: _Node, doc: int) -> bool:
        if node.exact or node.lower[doc]:
            return bool(node.upper[doc])
        if not node.upper[doc]:
            return False
        q = node.query
        if node.phrase is not None:
            return node.phrase.holds(doc)
        if isinstance(q, wq.Or):
            return any(self._matches(c, doc) for c in node.children)
        if isinstance(q, wq.And):
            return all(self._matches(c, doc) for c in node.children)
        if isinstance(q, wq.AndNot):
            return self._matches(node.children[0], doc) and not self._matches(node.children[1], doc)
        if isinstance(q, wq.AndMaybe):
            return self._matches(node.children[0], doc)
        if isinstance(q, wq.Require):
            return all(self._matches(c, doc) for c in node.children)
        if isinstance(q, wq.Not):
            return not self._matches(node.children[0], doc)
        if isinstance(q, wq.ConstantScoreQuery):
            return self._matches(node.children[0], doc)
        raise AssertionError(f"unexpected inexact node {type(q).__name__}")

    def _score(self, node: _Node, doc: int) -> float:
        """The exact score of a document that matches `node`."""
        if node.exact or node.phrase is not None:
            return float(node.score[doc])
        if isinstance(node.query, (wq.Not, wq.ConstantScoreQuery)):
            return float(node.score[doc])
        boost = node.query.boost
        if isinstance(node.query, (wq.AndNot, wq.Require)):  # (the right side is not scored)
            return boost * self._score(node.children[0], doc)
        return boost * sum(self._score(c, doc) for c in node.children if self._matches(c, doc))

    def _evaluate(self, q) -> _Node:
        if isinstance(q, wq.Term):
            return self._term(q)
        if type(q) in (wq.Or, wq.And) and len(q.subqueries) > 1:
            return self._compound(q)
        if type(q) in (wq.Or, wq.And) and len(q.subqueries) == 1:
            return self._evaluate(q.subqueries[0])
        if type(q) is wq.AndNot:
            return self._and_not(q)
        if type(q) is wq.AndMaybe:
            return self._and_maybe(q)
        if type(q) is wq.Require:
            return self._require(q)
        if type(q) is wq.Phrase:
            return self._phrase(q)
        if type(q) is wq.Not:
            return self._not(q)
        if isinstance(q, wq.NumericRange):  # DateRange too
            found = self._column_range(q)
            # else as Whoosh does it: the trie terms that cover the range
            return found or self._evaluate(q._compile_query(self.searcher.reader()))
        if type(q) is wq.ConstantScoreQuery:
            child = self._evaluate(q.child)
            score = np.where(child.upper, q.score, 0.0)
            return _Node(child.upper, child.lower, score, q, [child])
        if isinstance(q, (wq.Prefix, wq.Wildcard, wq.TermRange)) and q.field() in self.schema:
            return self._expanded(q)
        if type(q) is wq.Every:
            return self._every(q) if q.fieldname in (None, "*") else self._has_field(q)
        if type(q) is IdSet:
            return self._id_set(q)
        if isinstance(q, wq.NullQuery.__class__):
            return self._empty(q)
        return self._whoosh(q)

    def _column_range(self, q) -> _Node | None:
        """A range of dates or numbers, from the field's column: one
        comparison over all documents. Whoosh looks up ~100 trie terms in
        every segment for a year (~60 ms at 100k), and its trie ranges of
        sortdate are wrong near 0 (sortdate:[0 TO 0] matched every article).
        Only for the fields wartui fills with one value per article
        (writer.document_fields): the column keeps one."""
        field = self.schema[q.fieldname] if q.fieldname in self.schema else None
        if q.fieldname not in ONE_VALUE_FIELDS or not isinstance(field, NUMERIC) \
                or field.numtype is not int or not q.constantscore:
            return None
        found = self.numbers(q.fieldname)
        if found is None:
            return None
        values, mask = found
        mask = mask.copy()
        if q.start is not None:
            start = _as_stored(field, q.start)
            mask &= values > start if q.startexcl else values >= start
        if q.end is not None:
            end = _as_stored(field, q.end)
            mask &= values < end if q.endexcl else values <= end
        return _Node(mask, mask, np.where(mask, q.boost, 0.0), q)

    def _every(self, q) -> _Node:
        everything = np.ones(self.size, dtype=bool)
        return _Node(everything, everything, np.full(self.size, q.boost), q)

    def _has_field(self, q: wq.Every) -> _Node:
        """`field:*`: the documents with anything in the field, each scored
        the query's boost (as Whoosh's Every, which reads the postings of
        every word of the field: minutes at 100k for body:*). From the
        field's lengths, or its column; a field with neither (id, path, ...)
        is the documents of all its words, bounded by limits.check_query
        as a wildcard's."""
        if q.fieldname not in self.schema:
            return self._empty(q)
        mask = self._present(q.fieldname)
        if mask is None:
            mask = np.zeros(self.size, dtype=bool)
            for btext in self.expansion(q):
                mask[self.postings(q.fieldname, btext).ids] = True
        return _Node(mask, mask, np.where(mask, q.boost, 0.0), q)

    def _present(self, fieldname: str) -> np.ndarray | None:
        """Which documents have something in the field, when its lengths (a
        scorable field) or its column (one value per article) say; else
        None: only its words can tell."""
        field = self.schema[fieldname] if fieldname in self.schema else None
        if field is None:
            return None
        if field.scorable:
            return self.lengths(fieldname) > 0  # (a length counts the field's words)
        if fieldname in ONE_VALUE_FIELDS and isinstance(field, NUMERIC):
            found = self.numbers(fieldname)
            return None if found is None else found[1].copy()
        return None

    def _id_set(self, q: IdSet) -> _Node:
        """The documents of the articles of `q.ids` (what a tag stands for),
        each scored the query's boost."""
        mask = np.zeros(self.size, dtype=bool)
        field = self.schema["id"]
        for doc_id in q.ids:
            found = self._id_documents.get(doc_id)
            if found is None:
                found = self._read_postings("id", field.to_bytes(doc_id), False).ids
                self._id_documents[doc_id] = found
            mask[found] = True
        return _Node(mask, mask, np.where(mask, q.boost, 0.0), q)

    def _empty(self, q) -> _Node:
        nothing = np.zeros(self.size, dtype=bool)
        return _Node(nothing, nothing, np.zeros(self.size), q)

    def _scored(self, q, postings: _Postings, fieldname: str, btext: bytes) -> np.ndarray:
        """BM25F of each posting, as Whoosh's BM25FScorer computes it; in a
        field without lengths (not scorable: id, path, sortdate, ...) the
        posting's weight, as Whoosh's WeightScorer does."""
        if not self.schema[fieldname].scorable:
            return postings.weights.copy()
        weighting = self.weighting
        if type(weighting).idf is WeightingModel.idf:
            # Whoosh's formula, with the document frequency at hand: Whoosh
            # would look the term up again in every segment.
            idf = log(self.size / (len(postings.ids) + 1)) + 1
        else:
            idf = self.searcher.idf(fieldname, btext)
        avgfl = self.searcher.avg_field_length(fieldname) or 1
        b = weighting._field_B.get(fieldname, weighting.B)
        k1 = weighting.K1
        tf = postings.weights
        fl = self.lengths(fieldname)[postings.ids]
        return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))

    def _term(self, q: wq.Term) -> _Node:
        fieldname = q.fieldname
        if fieldname not in self.schema:
            return self._empty(q)
        try:
            btext = self.schema[fieldname].to_bytes(q.text)
        except ValueError:
            return self._empty(q)
        return self._from_postings(q, fieldname, [btext], q.boost)

    def _expanded(self, q) -> _Node:
        # Scored as the OR of the words it expands to. (Whoosh's own scoring
        # of a multi-word expansion varies with the index size and the field.)
        return self._from_postings(q, q.field(), self.expansion(q), q.boost)

    def _from_postings(self, q, fieldname: str, btexts: list[bytes], boost: float) -> _Node:
        mask = np.zeros(self.size, dtype=bool)
        score = np.zeros(self.size)
        for btext in btexts:
            postings = self.postings(fieldname, btext)
            if len(postings.ids):
                mask[postings.ids] = True
                score[postings.ids] += self._scored(q, postings, fieldname, btext)
        if boost != 1.0:
            score *= boost
        return _Node(mask, mask, score, q)

    def _compound(self, q) -> _Node:
        if isinstance(q, wq.Or) and (q.scale or getattr(q, "minmatch", 0)):
            return self._whoosh(q)
        children = [self._evaluate(sub) for sub in q.subqueries]
        combine = np.logical_or if type(q) is wq.Or else np.logical_and
        upper = combine.reduce([c.upper for c in children])
        lower = combine.reduce([c.lower for c in children])
        score = np.zeros(self.size)
        for child in children:
            score += np.where(child.upper, child.score, 0.0)
        if q.boost != 1.0:
            score *= q.boost
        return _Node(upper, lower, score, q, children)

    def _and_not(self, q: wq.AndNot) -> _Node:
        positive, negative = self._evaluate(q.a), self._evaluate(q.b)
        upper = positive.upper & ~negative.lower
        lower = positive.lower & ~negative.upper
        score = positive.score * q.boost if q.boost != 1.0 else positive.score
        return _Node(upper, lower, score, q, [positive, negative])

    def _and_maybe(self, q: wq.AndMaybe) -> _Node:
        """The left side's matches; the right side only adds its score where
        it matches too. (Whoosh's AndMaybeMatcher returned a document the
        left side excludes, and dropped a right-side wildcard's score.)"""
        left, right = self._evaluate(q.a), self._evaluate(q.b)
        score = left.score + np.where(right.upper, right.score, 0.0)
        if q.boost != 1.0:
            score *= q.boost
        return _Node(left.upper, left.lower, score, q, [left, right])

    def _require(self, q: wq.Require) -> _Node:
        """The matches of both sides, scored by the left side only."""
        left, right = self._evaluate(q.a), self._evaluate(q.b)
        score = left.score * q.boost if q.boost != 1.0 else left.score
        return _Node(left.upper & right.upper, left.lower & right.lower, score, q, [left, right])

    def _not(self, q: wq.Not) -> _Node:
        """Every document the child does not match, scored 1 (Whoosh's
        InverseMatcher)."""
        child = self._evaluate(q.query)
        upper, lower = ~child.lower, ~child.upper
        return _Node(upper, lower, upper.astype(np.float64), q, [child])

    def _phrase(self, q: wq.Phrase) -> _Node:
        fieldname = q.fieldname
        fieldobj = self.schema[fieldname] if fieldname in self.schema else None
        if fieldobj is None or not fieldobj.format or not fieldobj.format.supports("positions"):
            return self._whoosh(q)  # Whoosh's own message for a field without positions
        btexts, postings = [], []
        for word in q.words:
            try:
                btexts.append(fieldobj.to_bytes(word))
            except ValueError:
                return self._empty(q)
        for btext in btexts:
            found = self.postings(fieldname, btext, with_values=True)
            if not len(found.ids):
                return self._empty(q)
            postings.append(found)
        upper = np.ones(self.size, dtype=bool)
        score = np.zeros(self.size)
        for btext, found in zip(btexts, postings):
            here = np.zeros(self.size, dtype=bool)
            here[found.ids] = True
            upper &= here
            score[found.ids] += self._scored(q, found, fieldname, btext)
        if q.boost != 1.0:
            score *= q.boost
        if len(btexts) == 1:
            return _Node(upper, upper, score, q)
        check = _PhraseCheck(postings, q.slop)
        candidates = np.flatnonzero(upper & self.live)
        held = check.held(candidates) if len(candidates) <= CHECKED_AT_ONCE else None
        if held is not None:  # exact now: nothing is left to check while ranking
            matched = np.zeros(self.size, dtype=bool)
            matched[candidates[held]] = True
            return _Node(matched, matched, np.where(matched, score, 0.0), q)
        return _Node(upper, np.zeros(self.size, dtype=bool), score, q, phrase=check)

    def _whoosh(self, q) -> _Node:
        """Whoosh's own matcher, one document at a time: exact, slower."""
        mask = np.zeros(self.size, dtype=bool)
        score = np.zeros(self.size)
        for leaf, offset in self.leaves:
            matcher = q.matcher(leaf, leaf.context())
            while matcher.is_active():
                doc = offset + matcher.id()
                mask[doc] = True
                score[doc] = matcher.score()
                matcher.next()
        return _Node(mask, mask, score, q)


# Sorting every match costs ~8 ms at 80k matches; a page of results needs the
# best few. These many are sorted first, the rest only if they are asked for.
FIRST_SORTED = 256


def _best_first(docs: np.ndarray, scores: np.ndarray):
    """(doc, score), best first, ties by document number (Whoosh's order)."""
    if len(docs) > 4 * FIRST_SORTED:
        threshold = np.partition(scores, len(scores) - FIRST_SORTED)[len(scores) - FIRST_SORTED]
        top = scores >= threshold  # every tie of the threshold too: the order stays exact
        for part in (top, ~top):
            part_docs, part_scores = docs[part], scores[part]
            for i in np.lexsort((part_docs, -part_scores)).tolist():
                yield int(part_docs[i]), float(part_scores[i])
        return
    for i in np.lexsort((docs, -scores)).tolist():
        yield int(docs[i]), float(scores[i])


def _numbers(column, count: int) -> np.ndarray | None:
    """A numeric column (sortdate) read as one array: Whoosh reads it a value
    at a time (~0.3 s at 100k). None when the column is of another kind or its
    values are translated (then the caller reads them one by one)."""
    stored = _stored_numbers(column, count)
    if stored is None:
        return None
    values = stored[0]
    if column[0] != values[0] or column[count - 1] != values[count - 1]:
        return None  # a translating column: not raw numbers
    return values.astype(np.int64)


def _as_stored(field, number) -> int:
    """A range's bound as the field's column stores values: a DATETIME's as
    microseconds, another numeric field's as its sortable value."""
    number = field.prepare_number(number)
    return number if isinstance(field, DATETIME) else to_sortable(
        field.numtype, field.bits, field.signed, number)


def _untranslated(column):
    """The column reader under Whoosh's translating wrapper, if any."""
    return column.raw_column() if hasattr(column, "raw_column") else column


def _byte_strings(column, count: int) -> np.ndarray | None:
    """A column of short byte strings (source_facet) as an array of its
    values: read whole and grouped with numpy, each distinct value translated
    once. Whoosh reads and translates it a value at a time (~290 ms at 100k,
    the first facet count of a session). None for another kind of column."""
    raw = _untranslated(column)
    if not isinstance(raw, VarBytesColumn.Reader) or not count or len(raw._lengths) < count:
        return None
    offsets = np.asarray(raw._offsets, dtype=np.int64)[:count]
    lengths = np.asarray(raw._lengths, dtype=np.int64)[:count]
    width = max(int(lengths.max()), 1)
    if width * count > 20_000_000:
        return None  # long values: one at a time
    end = int((offsets + lengths).max())
    data = np.frombuffer(raw._dbfile.get(raw._basepos, end) + bytes(width), dtype=np.uint8)
    # each value as a row of `width` bytes, zero-padded: equal rows, equal values
    spans = np.arange(width)
    grid = data[offsets[:, None] + spans]
    grid[spans[None, :] >= lengths[:, None]] = 0
    rows = np.ascontiguousarray(grid).view(np.dtype((np.void, width))).ravel()
    distinct, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
    if not np.array_equal(lengths, lengths[first][inverse]):
        return None  # values that differ only by trailing zero bytes
    translated = np.empty(len(distinct), dtype=object)
    for k, i in enumerate(first.tolist()):
        translated[k] = column[i]  # the column's own translation
    return translated[inverse.ravel()]


def _stored_numbers(column, count: int) -> tuple[np.ndarray, object] | None:
    """(every document's value as stored, the value of a document without
    one) of a fixed-size numeric column; None for another kind of column."""
    raw = _untranslated(column)
    if not isinstance(raw, NumericColumn.Reader) or raw._fixedlen != struct.calcsize(
            raw._typecode) or not count:
        return None
    stored = raw._dbfile.get(raw._basepos, raw._count * raw._fixedlen)
    dtype = np.dtype(">" + raw._typecode)
    values = np.full(count, raw._default, dtype=dtype)
    values[:raw._count] = np.frombuffer(stored, dtype=dtype)
    return values.astype(dtype.newbyteorder("=")), raw._default


def _cost(postings: _Postings) -> int:
    if postings.values is None:
        return len(postings.ids)
    eager = any(isinstance(p, _Encoded) for p in postings.values.parts)
    return len(postings.ids) * (5 if eager else 2)  # (2: their `flat` arrays, once a phrase asks)


def _blocks(matcher: W3LeafMatcher):
    """(ids, weights, values) of each posting block, in Whoosh's format."""
    postfile = matcher._postfile
    while not matcher._atend:
        start = matcher._dataoffset
        data = postfile.get(start, matcher._nextoffset - start)
        if matcher._compression:
            data = zlib.decompress(data)
        ids, weights, values = loads(data)
        count = matcher._blocklength
        ids = np.cumsum(np.asarray(ids, dtype=np.int64))
        if weights is None:
            weights = np.ones(count)
        elif isinstance(weights, float):
            weights = np.full(count, weights)
        else:
            weights = np.asarray(weights, dtype=np.float64)
        yield ids, weights, values
        matcher._next_block()
