"""Searching with Whoosh's public API only: what wartui falls back to when
the installed Whoosh is not the one its format layer is tested against.

It answers what `FastSearcher` answers (rank, columns, word counts, a
wildcard's words, a term's documents) with Whoosh's own matchers and
readers: correct, and as slow as Whoosh is (a query over most of a large
index takes seconds, not milliseconds). Nothing here reads Whoosh's codec.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ...model import EXACT


@dataclass
class PlainRanked:
    docs: Iterator[tuple[int, float]]
    total: int
    total_kind: str
    mask: np.ndarray

    @property
    def total_exact(self) -> bool:
        return self.total_kind == EXACT


@dataclass
class PlainPostings:
    ids: np.ndarray  # the documents that have the term (global numbers)


class PlainSearcher:
    """The same questions as search/engine/fast.py's FastSearcher, answered
    by Whoosh's searcher."""

    def __init__(self, searcher, postings_cache: int | None = None):
        self.searcher = searcher
        self.schema = searcher.schema
        self.size = searcher.doc_count_all()
        self._columns: dict[str, np.ndarray] = {}

    def warm(self, part: int | None = None) -> bool:
        return False  # (nothing of its own to load ahead)

    def rank(self, q, sort: str = "relevance", exact: bool = False) -> PlainRanked:
        results = self.searcher.search(q, limit=None)
        scored = [(hit.docnum, hit.score) for hit in results]
        mask = np.zeros(self.size, dtype=bool)
        if scored:
            mask[[doc for doc, _ in scored]] = True
        if sort in ("date", "oldest"):
            dates = self.column("sortdate")
            if sort == "oldest":  # undated (0) last
                key = lambda item: (dates[item[0]] == 0, dates[item[0]], item[0])  # noqa: E731
            else:
                key = lambda item: (-dates[item[0]], item[0])  # noqa: E731
            scored = [(doc, 0.0) for doc, _ in sorted(scored, key=key)]
        else:
            scored.sort(key=lambda item: (-item[1], item[0]))  # ties by document number
        return PlainRanked(iter(scored), len(scored), EXACT, mask)

    def column(self, fieldname: str) -> np.ndarray:
        """A sortable field's value for every document, read through Whoosh."""
        found = self._columns.get(fieldname)
        if found is None:
            reader = self.searcher.reader()
            column = reader.column_reader(fieldname)
            found = np.array([column[doc] for doc in range(self.size)], dtype=object)
            if fieldname == "sortdate":
                found = found.astype(np.int64)
            self._columns[fieldname] = found
        return found

    def doc_frequency(self, fieldname: str, text) -> int:
        return self.searcher.reader().doc_frequency(fieldname, text)

    def expansion(self, q, most: int | None = None) -> list[bytes]:
        words = []
        for btext in q._btexts(self.searcher.reader()):  # (the query's, not the codec's)
            if btext:
                words.append(btext)
            if most is not None and len(words) > most:
                break
        return words

    def postings(self, fieldname: str, btext: bytes, with_values: bool = False) -> PlainPostings:
        reader = self.searcher.reader()
        if (fieldname, btext) not in reader:
            return PlainPostings(np.empty(0, np.int64))
        ids = reader.postings(fieldname, btext).all_ids()
        return PlainPostings(np.fromiter(ids, dtype=np.int64))
