"""A brute-force evaluator of Whoosh query trees: the reference that
search/fast.py is compared with (tests/test_oracle.py).

Everything is plain Python over the index's postings, read once through
Whoosh's public reader API (`lexicon`, `postings`, `doc_frequency`,
`doc_field_length`, `field_length`, `all_doc_ids`). Each query node's
documents are a set written out from what the node means, over every
document number, deleted ones too; the deleted are dropped at the end (a
node's match is decided document by document, so that is the same as
dropping them at each leaf). Scores are computed from Whoosh's statistics as
its BM25FScorer does: idf = log(N / (df + 1)) + 1, N every document and df
every posting of the term, deleted ones too, as Whoosh counts them; the
field's average length over N; the document's length in Whoosh's one-byte
coding. A field without lengths (not scorable) scores the posting's weight,
as Whoosh's WeightScorer.

No Whoosh matcher, scorer or query compilation is used: Whoosh is wrong in
some of these cases (ANDNOT and ANDMAYBE, deleted documents under NOT and
date ranges, numeric ranges near 0).
"""

from __future__ import annotations

import re
from math import log

from whoosh import query as wq
from whoosh.fields import NUMERIC
from whoosh.util.numeric import to_sortable

Scores = dict[int, float]  # {document number: score} of the documents a node matches


class Oracle:
    def __init__(self, searcher):
        reader = searcher.reader()
        self.schema = searcher.schema
        self.weighting = searcher.weighting
        self.count_all = reader.doc_count_all()  # N: deleted documents too
        self.live = frozenset(reader.all_doc_ids())
        indexed = set(reader.indexed_field_names())
        # {field: {word: {document: (weight, positions or None)}}}, deleted documents too
        self.postings: dict[str, dict[bytes, dict[int, tuple[float, tuple | None]]]] = {}
        self.doc_frequency: dict[tuple[str, bytes], int] = {}
        for fieldname, field in self.schema.items():
            if fieldname not in indexed:
                continue
            with_positions = field.format.supports("positions")
            words = self.postings[fieldname] = {}
            for btext in reader.lexicon(fieldname):
                matcher = reader.postings(fieldname, btext)
                docs = words[btext] = {}
                while matcher.is_active():
                    positions = tuple(matcher.value_as("positions")) if with_positions else None
                    docs[matcher.id()] = (matcher.weight(), positions)
                    matcher.next()
                self.doc_frequency[(fieldname, btext)] = reader.doc_frequency(fieldname, btext)
        self.lengths: dict[str, list[int]] = {}
        self.average_length: dict[str, float] = {}
        for fieldname, field in self.schema.items():
            if field.scorable and fieldname in indexed:
                self.lengths[fieldname] = [reader.doc_field_length(doc, fieldname, 0)
                                           for doc in range(self.count_all)]
                self.average_length[fieldname] = reader.field_length(fieldname) / self.count_all

    def search(self, q) -> Scores:
        """The live documents `q` matches, with their scores."""
        return {doc: score for doc, score in self._node(q).items() if doc in self.live}

    def numbers(self, fieldname: str) -> dict[int, int]:
        """{document: its value} in a numeric field, in Whoosh's sortable form
        (a sortdate as it is): its words of shift 0 are a byte 0, then that."""
        return {doc: int.from_bytes(btext[1:], "big")
                for btext, docs in self.postings.get(fieldname, {}).items()
                if btext[:1] == b"\x00" for doc in docs}

    # -- the nodes ----------------------------------------------------------------------

    def _node(self, q) -> Scores:
        kind = type(q)
        if kind is wq.Term:
            return self._words(q.fieldname, [self._bytes(q.fieldname, q.text)], q.boost)
        if kind is wq.Phrase:
            return self._phrase(q)
        if kind in (wq.Prefix, wq.Wildcard, wq.TermRange):
            return self._words(q.fieldname, self._expanded(q), q.boost)
        if isinstance(q, wq.NumericRange):  # DateRange too
            return self._numeric_range(q)
        if kind is wq.Every:
            return self._every(q)
        if kind in (wq.And, wq.Or):
            return self._and_or(q)
        if kind is wq.AndNot:
            positive, negative = self._node(q.a), self._node(q.b)
            return {doc: q.boost * score for doc, score in positive.items()
                    if doc not in negative}
        if kind is wq.Not:  # (scored 1, as Whoosh's InverseMatcher)
            child = self._node(q.query)
            return {doc: 1.0 for doc in range(self.count_all) if doc not in child}
        if kind is wq.AndMaybe:  # the left side's documents; the right side adds its score
            left, right = self._node(q.a), self._node(q.b)
            return {doc: q.boost * (score + right.get(doc, 0.0)) for doc, score in left.items()}
        if kind is wq.Require:  # both sides' documents, scored by the left side
            left, right = self._node(q.a), self._node(q.b)
            return {doc: q.boost * score for doc, score in left.items() if doc in right}
        if kind is wq.ConstantScoreQuery:
            return dict.fromkeys(self._node(q.child), q.score)
        if q is wq.NullQuery:
            return {}
        raise NotImplementedError(f"the oracle does not know {kind.__name__}")

    def _and_or(self, q) -> Scores:
        children = [self._node(child) for child in q.subqueries]
        if type(q) is wq.And:
            docs = set(children[0]).intersection(*children[1:])
        else:
            docs = set().union(*children)
        return {doc: q.boost * sum(child[doc] for child in children if doc in child)
                for doc in docs}

    def _words(self, fieldname: str, btexts: list, boost: float) -> Scores:
        """The documents with any of the words, scored the sum of theirs."""
        found: Scores = {}
        for btext in btexts:
            for doc, (weight, _) in self.postings.get(fieldname, {}).get(btext, {}).items():
                found[doc] = found.get(doc, 0.0) + self._score(fieldname, btext, doc, weight)
        return {doc: boost * score for doc, score in found.items()}

    def _phrase(self, q: wq.Phrase) -> Scores:
        words = self.postings.get(q.fieldname, {})
        btexts = [self._bytes(q.fieldname, word) for word in q.words]
        if not btexts or any(btext not in words for btext in btexts):
            return {}
        docs = set(words[btexts[0]]).intersection(*(words[btext] for btext in btexts[1:]))
        return {doc: q.boost * sum(self._score(q.fieldname, btext, doc, words[btext][doc][0])
                                   for btext in btexts)
                for doc in docs
                if _follows([words[btext][doc][1] for btext in btexts], q.slop)}

    def _expanded(self, q) -> list[bytes]:
        """The field's words a prefix, wildcard or word range stands for (the
        empty word left out, as fast.py does)."""
        words = [word for word in self.postings.get(q.fieldname, {}) if word]
        if type(q) is wq.Prefix:
            return [word for word in words if word.startswith(q.text.encode("utf-8"))]
        if type(q) is wq.Wildcard:
            pattern = re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c)
                                         for c in q.text), re.DOTALL)
            return [word for word in words if pattern.fullmatch(word.decode("utf-8"))]
        start = q.start.encode("utf-8") if q.start else None
        end = q.end.encode("utf-8") if q.end else None
        return [word for word in words
                if (start is None or (word > start if q.startexcl else word >= start))
                and (end is None or (word < end if q.endexcl else word <= end))]

    def _numeric_range(self, q) -> Scores:
        """The documents whose value (a word of shift 0: a byte 0, then the
        value in Whoosh's sortable form) is in the range, scored the boost."""
        field = self.schema[q.fieldname]
        assert isinstance(field, NUMERIC) and q.constantscore, q

        def sortable(number):
            return to_sortable(field.numtype, field.bits, field.signed,
                               field.prepare_number(number))

        start = None if q.start is None else sortable(q.start)
        end = None if q.end is None else sortable(q.end)
        found: Scores = {}
        for btext, docs in self.postings.get(q.fieldname, {}).items():
            if btext[:1] != b"\x00":
                continue  # a coarser trie word
            value = int.from_bytes(btext[1:], "big")
            if (start is None or (value > start if q.startexcl else value >= start)) and \
                    (end is None or (value < end if q.endexcl else value <= end)):
                found.update(dict.fromkeys(docs, q.boost))
        return found

    def _every(self, q: wq.Every) -> Scores:
        if q.fieldname is None:
            return dict.fromkeys(range(self.count_all), q.boost)
        docs = set()
        for postings in self.postings.get(q.fieldname, {}).values():
            docs.update(postings)
        return dict.fromkeys(docs, q.boost)

    # -- scores -------------------------------------------------------------------------

    def _score(self, fieldname: str, btext: bytes, doc: int, weight: float) -> float:
        if not self.schema[fieldname].scorable:
            return weight
        idf = log(self.count_all / (self.doc_frequency[(fieldname, btext)] + 1)) + 1
        k1 = self.weighting.K1
        b = self.weighting._field_B.get(fieldname, self.weighting.B)
        relative = self.lengths[fieldname][doc] / self.average_length[fieldname]
        return idf * weight * (k1 + 1) / (weight + k1 * (1 - b + b * relative))

    def _bytes(self, fieldname: str, text) -> bytes | None:
        if isinstance(text, bytes):
            return text
        try:
            return self.schema[fieldname].to_bytes(text)
        except ValueError:
            return None


def _follows(positions: list[tuple], slop: int) -> bool:
    """Whether each word has an occurrence 1 to `slop` positions after a
    followed occurrence of the word before it (Whoosh's ordered SpanNear)."""
    reached = set(positions[0])
    for following in positions[1:]:
        reached = {p for p in following if any(0 < p - r <= slop for r in reached)}
        if not reached:
            return False
    return True
