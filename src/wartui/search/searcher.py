"""Query text -> Whoosh query -> hits with snippets."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from whoosh import qparser, query as wq
from whoosh.highlight import (ContextFragmenter, Formatter, Highlighter, set_matched_filter,
                              top_fragments)

from ..entities.gazetteer import Gazetteer
from ..errors import QueryError
from ..model import Article, Facets, MatchedEntity, SearchHit, SearchResults, Segment
from .expand import expand_query

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
        self._fast = None
        self.parser = qparser.MultifieldParser(["title", "body"], schema=ix.schema)
        self.highlighter = Highlighter(fragmenter=ContextFragmenter(maxchars=300, surround=60),
                                       formatter=SegmentFormatter())

    def close(self) -> None:
        self._searcher.close()

    def refresh(self) -> None:
        """See documents committed since the index was opened."""
        searcher = self._searcher.refresh()
        if searcher is not self._searcher:
            self._searcher, self._fast = searcher, None

    @property
    def fast(self):
        """The vectorised evaluator (search/fast.py) for the open searcher."""
        if self._fast is None:
            from .fast import FastSearcher

            self._fast = FastSearcher(self._searcher)
        return self._fast

    def doc_count(self) -> int:
        return self._searcher.doc_count()

    def facets(self, text: str, gazetteer: Gazetteer | None = None) -> Facets:
        """Counts of the query's hits by source and by month (for a
        sparkline); the total is exact."""
        import numpy as np

        query_text = expand_query(text, gazetteer)[0] if gazetteer is not None else text
        docs = np.flatnonzero(self.fast.rank(self.parse(query_text), exact=True).mask)
        sources = _counts(self.fast.column("source_facet")[docs])
        months: dict[str, int] = {}
        for day, count in _counts(self.fast.column("sortdate")[docs]).items():
            if day:  # 0: undated
                month = f"{day // 10000:04d}-{day // 100 % 100:02d}"
                months[month] = months.get(month, 0) + count
        return Facets(total=len(docs),
                      sources=dict(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
                      months=dict(sorted(months.items())))

    def unknown_words(self, text: str) -> list[str]:
        """Plain words of the query that no indexed article contains."""
        analyzer = self.ix.schema["body"].analyzer
        unknown = []
        for word in re.findall(r"(?<![\w:*?])[^\W\d_]{3,}(?![\w:*?])", text):
            if word in ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"):
                continue
            terms = [t.text for t in analyzer(word)]
            if terms and not any(self._searcher.doc_frequency("body", term) for term in terms):
                unknown.append(word)
        return unknown

    def term_doc_counts(self, fieldname: str) -> dict[str, int]:
        """{term: number of documents} for every term of a keyword field."""
        reader = self._searcher.reader()
        field = self.ix.schema[fieldname]
        return {field.from_bytes(term): info.doc_frequency()
                for term, info in reader.iter_field(fieldname)}

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
            if max((len(w) for w in re.findall(r"\w+", text)), default=0) < 2:
                raise QueryError("keep typing: one-letter words are not searched")
            raise QueryError("the query has no searchable words (only stop words or operators?)")
        return q

    def search(self, text: str, limit: int = 10, sort: str = "relevance",
               articles: Callable[[list[str]], dict[str, Article]] | None = None,
               gazetteer: Gazetteer | None = None,
               group: Callable[[str], tuple[str, int] | None] | None = None,
               collapse: bool = True) -> SearchResults:
        """Top `limit` hits. With a gazetteer, names are expanded to all their
        spellings; `articles(ids)` supplies the cleaned text for snippets;
        `group(id)` -> (cluster, other versions) counts each hit's versions and,
        with `collapse`, shows one hit per cluster."""
        if sort not in SORTS:
            raise QueryError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        expansions = []
        query_text = text
        if gazetteer is not None:
            query_text, expansions = expand_query(text, gazetteer)
        q = self.parse(query_text)
        ranked = self.fast.rank(q, sort="date" if isinstance(q, wq.Every) else sort)
        hits, sizes = _collapse(self._stored(ranked.docs), group, limit, collapse)
        found = articles([h["id"] for h in hits]) if articles and hits else {}
        words = self._body_words(q) if hits else set()
        # entities the query names: by expansion of a name, or as entity:ID
        wanted_ids = {entity_id for e in expansions for entity_id in e.ids}
        wanted_ids |= {_as_text(text) for field, text in q.iter_all_terms() if field == "entity"}
        out = SearchResults(query=text, total=ranked.total, total_exact=ranked.total_exact)
        for hit in hits:
            article = found.get(hit["id"])
            body = article.body if article else ""
            spans = _entity_spans_in_body(article, wanted_ids) if article else []
            snippet = self._snippet(body, words, [(s, e) for s, e, _, _ in spans]) if body else []
            if not any(seg.hit for seg in snippet):
                snippet = [Segment(_opening(body))]
            date = hit.get("date")
            out.hits.append(SearchHit(
                id=hit["id"], title=hit.get("title", ""), source=hit.get("source", ""),
                date=date.date().isoformat() if date else None,
                score=hit["score"], snippet=snippet,
                matched=_matched_spellings(spans, gazetteer), versions=sizes.get(hit["id"], 0)))
        return out

    def _stored(self, docs):
        """Hits as their stored fields plus the score, one at a time, so that
        grouping versions reads only as many as it keeps."""
        for docnum, score in docs:
            yield {**self._searcher.stored_fields(docnum), "score": score}

    def _body_words(self, q) -> set[str]:
        """The body words the query matches (wildcards expanded), for snippets."""
        reader = self._searcher.reader()
        field = self.ix.schema["body"]
        return {field.from_bytes(term) for fieldname, term
                in q.existing_terms(reader, phrases=True, expand=True) if fieldname == "body"}

    def _snippet(self, body: str, words: set[str], ranges: list[tuple[int, int]]) -> list[Segment]:
        """Up to two fragments around the query's words and the entity
        spellings (`ranges`, body offsets) that matched."""
        analyzer = self.ix.schema["body"].analyzer
        tokens = analyzer(body, positions=True, chars=True, mode="index", removestops=False)
        tokens = set_matched_filter(tokens, words)
        if ranges:
            tokens = _mark_ranges(tokens, ranges)
        fragments = self.highlighter.fragmenter.fragment_tokens(body, tokens)
        fragments = top_fragments(fragments, 2, self.highlighter.scorer, self.highlighter.order,
                                  minscore=1)
        return self.highlighter.formatter.format(fragments)


def _counts(values) -> dict:
    import numpy as np

    if not len(values):
        return {}
    keys, counts = np.unique(values, return_counts=True)
    return {key.item() if hasattr(key, "item") else key: int(count)
            for key, count in zip(keys, counts)}


def _as_text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


def _collapse(hits, group, limit: int, collapse: bool = True):
    """The best-ranked hit of each version cluster (every hit without
    `collapse`), up to `limit`, and the number of other versions of each."""
    if group is None:
        return list(itertools.islice(hits, limit)), {}
    kept, seen, sizes = [], set(), {}
    for hit in hits:
        found = group(hit["id"])
        if found is not None:
            cluster, others = found
            if collapse and cluster in seen:
                continue
            seen.add(cluster)
            sizes[hit["id"]] = others
        kept.append(hit)
        if len(kept) == limit:
            break
    return kept, sizes


def _mark_ranges(tokens, ranges: list[tuple[int, int]]):
    for token in tokens:
        if not token.matched and any(s <= token.startchar < e for s, e in ranges):
            token.matched = True
        yield token


def _entity_spans_in_body(article: Article, ids: set[str]) -> list[tuple[int, int, str, str]]:
    """(start, end, id, text), in body offsets, of the spans naming one of `ids`."""
    if not ids:
        return []
    offsets, position = [], 0
    for paragraph in article.paragraphs:
        offsets.append(position)
        position += len(paragraph) + 2  # paragraphs are joined by a blank line
    return [(offsets[s.paragraph] + s.start, offsets[s.paragraph] + s.end, s.id, s.text)
            for s in article.entities if s.id in ids]


def _matched_spellings(spans, gazetteer: Gazetteer | None) -> list[MatchedEntity]:
    """Which spellings of each searched entity the article uses."""
    by_id: dict[str, list[str]] = {}
    for _, _, entity_id, text in spans:
        spellings = by_id.setdefault(entity_id, [])
        if text not in spellings:
            spellings.append(text)
    return [MatchedEntity(entity_id, gazetteer.entities[entity_id].name if gazetteer else entity_id,
                          spellings) for entity_id, spellings in by_id.items()]


def _opening(body: str) -> str:
    text = " ".join(body.split())
    if len(text) <= SNIPPET_FALLBACK_CHARS:
        return text
    return text[:SNIPPET_FALLBACK_CHARS].rsplit(" ", 1)[0] + " …"
