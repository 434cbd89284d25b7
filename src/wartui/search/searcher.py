"""Query text -> Whoosh query -> hits with snippets."""

from __future__ import annotations

import re
from collections.abc import Callable

from whoosh import qparser, query as wq
from whoosh.highlight import ContextFragmenter, Formatter, Highlighter

from ..errors import QueryError
from ..model import SearchHit, SearchResults, Segment

SORTS = ("relevance", "date")
SNIPPET_FALLBACK_CHARS = 200


class SegmentFormatter(Formatter):
    """Whoosh formatter that returns Segments instead of a marked-up string,
    so no markup (HTML, Rich) is ever mixed into untrusted article text."""

    between = " … "

    def format_fragment(self, fragment, replace=False):
        segments, index, text = [], fragment.startchar, fragment.text
        for token in sorted(fragment.matches, key=lambda t: (t.startchar, t.startchar - t.endchar)):
            if token.startchar is None or token.startchar < index:
                continue
            if token.startchar > index:
                segments.append(Segment(text[index:token.startchar]))
            segments.append(Segment(text[token.startchar:token.endchar], hit=True))
            index = token.endchar
        segments.append(Segment(text[index:fragment.endchar]))
        return _merge_adjacent_hits(segments)

    def format(self, fragments, replace=False):
        out: list[Segment] = []
        for number, fragment in enumerate(fragments):
            if number:
                out.append(Segment(self.between))
            out.extend(self.format_fragment(fragment, replace))
        return out


DATE_HINT = "write dates as YYYY, YYYY-MM or YYYY-MM-DD, ranges as date:[2018-04-01 to 2018-04-30]"


_JOINER = re.compile(r"^[\s\-‐–'’]{1,2}$")


def _merge_adjacent_hits(segments: list[Segment]) -> list[Segment]:
    """"Jaish", "al", "Islam" hit one after another read as one mark."""
    merged: list[Segment] = []
    for segment in segments:
        if (segment.hit and len(merged) >= 2 and merged[-2].hit
                and _JOINER.match(merged[-1].text)):
            gap = merged.pop()
            previous = merged.pop()
            merged.append(Segment(previous.text + gap.text + segment.text, hit=True))
        elif segment.text:
            merged.append(segment)
    return merged


def _query_errors(q) -> list[str]:
    errors = []
    if getattr(q, "error", None):
        field = getattr(q, "fieldname", None) or getattr(q.error, "fieldname", None)
        if field == "date" or "int()" in str(q.error) or "must be in" in str(q.error):
            errors.append(f"cannot read that date ({q.error}); {DATE_HINT}")
        else:
            errors.append(str(q.error))
    for child in q.children() if hasattr(q, "children") else ():
        errors.extend(_query_errors(child))
    return errors


class Searcher:
    """Parses queries and runs them on one open Whoosh index."""

    def __init__(self, ix):
        self.ix = ix
        self._searcher = ix.searcher()
        self.parser = qparser.MultifieldParser(["title", "body"], schema=ix.schema)
        self.highlighter = Highlighter(fragmenter=ContextFragmenter(maxchars=300, surround=60),
                                       formatter=SegmentFormatter())

    def close(self) -> None:
        self._searcher.close()

    def refresh(self) -> None:
        """See documents committed since the index was opened."""
        self._searcher = self._searcher.refresh()

    def doc_count(self) -> int:
        return self._searcher.doc_count()

    def parse(self, text: str):
        """Whoosh query syntax; raises QueryError with a readable reason."""
        if not text.strip():
            return wq.Every()
        try:
            q = self.parser.parse(text)
        except Exception as exc:  # the parser's own failures are many and untyped
            raise QueryError(f"could not read the query: {exc}") from exc
        errors = _query_errors(q)
        if errors:
            raise QueryError("; ".join(dict.fromkeys(errors)))
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            raise QueryError("the query has no searchable words (only stop words or operators?)")
        return q

    def search(self, text: str, limit: int = 10, sort: str = "relevance",
               bodies: Callable[[list[str]], dict[str, str]] | None = None) -> SearchResults:
        """Top `limit` hits; `bodies(ids)` supplies the cleaned text for snippets."""
        if sort not in SORTS:
            raise QueryError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        q = self.parse(text)
        if isinstance(q, wq.Every) or sort == "date":
            results = self._searcher.search(q, limit=limit, sortedby="sortdate", reverse=True)
        else:
            results = self._searcher.search(q, limit=limit, terms=True)
        results.highlighter = self.highlighter
        hits = list(results)
        texts = bodies([h["id"] for h in hits]) if bodies else {}
        out = SearchResults(query=text, total=len(results))
        for hit in hits:
            body = texts.get(hit["id"], "")
            snippet = hit.highlights("body", text=body, top=2) if body else []
            if not any(seg.hit for seg in snippet):
                snippet = [Segment(_opening(body))]
            date = hit.get("date")
            out.hits.append(SearchHit(
                id=hit["id"], title=hit.get("title", ""), source=hit.get("source", ""),
                date=date.date().isoformat() if date else None,
                score=float(hit.score or 0.0), snippet=snippet))
        return out


def _opening(body: str) -> str:
    text = " ".join(body.split())
    if len(text) <= SNIPPET_FALLBACK_CHARS:
        return text
    return text[:SNIPPET_FALLBACK_CHARS].rsplit(" ", 1)[0] + " …"
