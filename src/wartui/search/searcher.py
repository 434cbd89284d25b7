"""Query text -> Whoosh query -> hits with snippets."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from whoosh import qparser, query as wq
from whoosh.searching import Searcher as WhooshSearcher

from ..entities.gazetteer import Gazetteer
from ..errors import QueryError
from ..model import (AT_LEAST, EXACT, Article, Facets, MatchedEntity, SearchHit,
                     SearchResults, Segment, lists_everything)
from . import annotated, limits
from .expand import expand_query
from .snippets import Snippets

SORTS = ("relevance", "date", "oldest")  # date: newest first
SNIPPET_FALLBACK_CHARS = 200
MATCHES_KEPT = 16  # match sets (100 KB each at 100k) kept for the facet counts


DATE_HINT = "write dates as YYYY, YYYY-MM or YYYY-MM-DD, ranges as date:[2018-04-01 to 2018-04-30]"


def _query_errors(q) -> list[str]:
    """The parser's complaints left in the query tree, in order (walked
    without recursion: a tree may be deep)."""
    errors, stack = [], [q]
    while stack:
        node = stack.pop()
        if getattr(node, "error", None):
            field = getattr(node, "fieldname", None) or getattr(node.error, "fieldname", None)
            if field == "date" or "int()" in str(node.error) or "must be in" in str(node.error):
                errors.append(f"cannot read that date ({node.error}); {DATE_HINT}")
            else:
                errors.append(str(node.error))
        if hasattr(node, "children"):
            stack.extend(reversed(list(node.children())))
    return errors


class Searcher:
    """Parses queries and runs them on one open Whoosh index."""

    def __init__(self, ix, postings_cache: int | None = None, reader=None):
        """`reader`: one of `ix`'s, already open, for this searcher to take."""
        self.ix = ix
        self._searcher = ix.searcher() if reader is None else WhooshSearcher(reader, fromindex=ix)
        # (FileIndex.schema reads the index's TOC file again at each use)
        self.schema = self._searcher.schema
        self._fast = None
        self.postings_cache = postings_cache
        # {expanded query: the documents it matched}, of the last searches
        # whose total was exact: their facets are counted from it.
        self._matched: dict[str, object] = {}
        self.parser = qparser.MultifieldParser(["title", "body"],
                                               schema=annotated.parse_schema(self.schema))
        # (field, value, prefix) -> the ids of the articles the reader's tags
        # or notes stand for (`tag:disputed`: search/annotated.py); None: none
        self.annotated: annotated.Lookup | None = None
        self.snippets = Snippets(self.schema["body"].analyzer)

    def close(self) -> None:
        self._searcher.close()

    def refresh(self) -> None:
        """See documents committed since the index was opened. (With a new
        Whoosh searcher: Whoosh's Searcher.refresh keeps the readers of the
        segments it had open, with the deletions they had then, so the old
        versions of articles re-indexed in another segment came back.)"""
        if self.ix.latest_generation() == self._searcher.reader().generation():
            return
        old, self._searcher, self._fast = self._searcher, self.ix.searcher(), None
        old.close()
        self._matched.clear()

    @property
    def fast(self):
        """The vectorised evaluator (search/fast.py) for the open searcher."""
        if self._fast is None:
            from . import engine

            self._fast = engine.searcher(self._searcher, self.postings_cache)
        return self._fast

    def doc_count(self) -> int:
        return self._searcher.doc_count()

    def facets(self, text: str, gazetteer: Gazetteer | None = None) -> Facets:
        """Counts of the query's hits by source and by month (for a
        sparkline); the total is exact."""
        import numpy as np

        docs = np.flatnonzero(self.matches(text, gazetteer))
        sources = _counts(self.fast.column("source_facet")[docs])
        months: dict[str, int] = {}
        for day, count in _counts(self.fast.column("sortdate")[docs]).items():
            if day:  # 0: undated
                month = f"{day // 10000:04d}-{day // 100 % 100:02d}"
                months[month] = months.get(month, 0) + count
        return Facets(total=len(docs),
                      sources=dict(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
                      months=dict(sorted(months.items())))

    def counts_within(self, text: str, sets: dict[str, set[str]],
                      gazetteer: Gazetteer | None = None) -> dict[str, int]:
        """{name: how many of the query's hits have an id in its set}, for
        the sets with any (the reader's tags among the results)."""
        mask = self.matches(text, gazetteer)
        counts = {}
        for name, ids in sets.items():
            if ids:
                among = self.fast.rank(annotated.IdSet(name, frozenset(ids)), exact=True).mask
                found = int((among & mask).sum())
                if found:
                    counts[name] = found
        return counts

    def matches(self, text: str, gazetteer: Gazetteer | None = None):
        """The query's matches, exactly, as a mask over the documents (kept
        from its search when its total was exact)."""
        query_text = expand_query(text, gazetteer)[0] if gazetteer is not None else text
        mask = self._matched.get(query_text)
        if mask is None:
            mask = self.fast.rank(self.parse(query_text), exact=True).mask
        return mask

    def unknown_words(self, text: str) -> list[str]:
        """Plain words of the query that no indexed article contains."""
        analyzer = self.schema["body"].analyzer
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
        field = self.schema[fieldname]
        return {field.from_bytes(term): info.doc_frequency()
                for term, info in reader.iter_field(fieldname)}

    def parse(self, text: str):
        """Whoosh query syntax; raises QueryError with a readable one-line
        reason, also for a query that would cost too much (search/limits.py:
        a leading wildcard, a wildcard standing for too many words, a word
        thousands of characters long, groups nested too deep). An empty
        query, `*` and `*:*` match every article."""
        if lists_everything(text):
            return wq.Every()
        text = limits.check_text(text, scale=limits.EXPANDED)
        try:
            q = self.parser.parse(text)
        except RecursionError as exc:
            raise QueryError(f"the query nests groups too deeply (at most {limits.MAX_DEPTH} "
                             "levels)") from exc
        except Exception as exc:  # the parser's own failures are many and untyped
            raise QueryError(limits.one_line(f"could not read the query ({exc}); check its "
                                             "quotes, brackets and operators")) from exc
        errors = _query_errors(q)
        if errors:
            raise QueryError(limits.one_line("; ".join(dict.fromkeys(errors))))
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            if max((len(w) for w in re.findall(r"\w+", text)), default=0) < 2:
                raise QueryError("keep typing: one-letter words are not searched")
            raise QueryError("the query has no searchable words (only stop words or operators?)")
        limits.check_query(q, self._searcher.reader(), self.fast.doc_frequency,
                           self.fast.expansion)
        if any(leaf.field() in annotated.FIELDS for leaf in q.leaves()):
            try:
                q = annotated.resolve(q, self.annotated or (lambda *_: set()))
            except ValueError as exc:
                raise QueryError(str(exc)) from exc
        return q

    def search(self, text: str, limit: int = 10, sort: str = "relevance",
               articles: Callable[[list[str], set[str]], dict[str, Article]] | None = None,
               gazetteer: Gazetteer | None = None,
               group: Callable[[str], tuple[str, int] | None] | None = None,
               collapse: bool = True) -> SearchResults:
        """Top `limit` hits. With a gazetteer, names are expanded to all their
        spellings; `articles(ids, entity_ids)` supplies the cleaned text for
        snippets, with the spans of the entities searched at least;
        `group(id)` -> (cluster, other versions) counts each hit's versions
        and, with `collapse`, shows one hit per cluster."""
        query_text, q, ranked, wanted_ids = self._ranked(text, sort, gazetteer)
        taken = _Taken(ranked.docs)
        hits, sizes = _collapse(self._stored(taken), group, limit, collapse)
        total, total_kind = _total(ranked, taken)
        # the facet counts of this query need no search of their own (but
        # those of a tag: the reader may change its articles meanwhile)
        if total_kind == EXACT and not annotated.mentions(q):
            self._keep_matches(query_text, ranked.mask if ranked.total_exact else taken.mask(
                len(ranked.mask)))
        out = SearchResults(query=text, total=total, total_kind=total_kind)
        out.hits = self._hits(hits, sizes, q, wanted_ids, articles, gazetteer)
        return out

    def every_hit(self, text: str, sort: str = "relevance",
                  articles: Callable[[list[str], set[str]], dict[str, Article]] | None = None,
                  gazetteer: Gazetteer | None = None,
                  group: Callable[[str], tuple[str, int] | None] | None = None,
                  collapse: bool = True, chunk: int = 200, within=None):
        """Every hit of the query, as `search` makes them, a chunk at a time
        (an export of all the results: only a chunk's articles in memory).
        `within`: only the articles of these ids (the ones the reader marked)."""
        _, q, ranked, wanted_ids = self._ranked(text, sort, gazetteer, within)
        pending, sizes = [], {}
        for hit, others in _collapsed(self._stored(ranked.docs), group, collapse):
            pending.append(hit)
            if others is not None:
                sizes[hit["id"]] = others
            if len(pending) == chunk:
                yield from self._hits(pending, sizes, q, wanted_ids, articles, gazetteer)
                pending, sizes = [], {}
        yield from self._hits(pending, sizes, q, wanted_ids, articles, gazetteer)

    def _ranked(self, text: str, sort: str, gazetteer: Gazetteer | None, within=None):
        """(the query text searched, its query, its ranked documents, the
        entities it names: by expansion of a name, or as entity:ID).
        `within`: ids the results must be among."""
        if sort not in SORTS:
            raise QueryError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        expansions = []
        query_text = text
        if gazetteer is not None:
            query_text, expansions = expand_query(text, gazetteer)
        q = self.parse(query_text)
        if within is not None:
            ids = annotated.IdSet("(these articles)", frozenset(within))
            q = ids if isinstance(q, wq.Every) and q.fieldname is None else wq.And([q, ids])
        # (scored alike: by date)
        everything = (isinstance(q, wq.Every) and q.fieldname is None
                      or annotated.only_annotations(q))
        if everything and sort == "relevance":
            sort = "date"  # everything: newest first
        ranked = self.fast.rank(q, sort=sort)
        wanted_ids = {entity_id for e in expansions for entity_id in e.ids}
        wanted_ids |= {_as_text(text) for field, text in q.iter_all_terms() if field == "entity"}
        return query_text, q, ranked, wanted_ids

    def _hits(self, hits: list[dict], sizes: dict[str, int], q, wanted_ids: set[str],
              articles, gazetteer: Gazetteer | None) -> list[SearchHit]:
        """Stored hits as SearchHits, with their snippets."""
        found = articles([h["id"] for h in hits], wanted_ids) if articles and hits else {}
        words = self._body_words(q) if hits else set()
        out = []
        for hit in hits:
            article = found.get(hit["id"])
            body = article.body if article else ""
            spans = _entity_spans_in_body(article, wanted_ids) if article else []
            snippet = self.snippets.snippet(body, words, [(s, e) for s, e, _, _ in spans]) if body else []
            if not any(seg.hit for seg in snippet):
                snippet = [Segment(_opening(body))]
            date = hit.get("date")
            metadata = article.metadata if article else {}
            out.append(SearchHit(
                id=hit["id"], title=hit.get("title", ""), source=hit.get("source", ""),
                date=date.date().isoformat() if date else None,
                score=hit["score"], snippet=snippet,
                matched=_matched_spellings(spans, gazetteer), versions=sizes.get(hit["id"], 0),
                url=metadata.get("url", ""), indexed=metadata.get("indexed", "")))
        return out

    def all_ids(self, text: str, gazetteer: Gazetteer | None = None) -> list[str]:
        """The ids of every document the query matches (every version),
        best first (newest first for a query with nothing to rank by)."""
        _, _, ranked, _ = self._ranked(text, "relevance", gazetteer)
        return [self._searcher.stored_fields(doc)["id"] for doc, _ in ranked.docs]

    def _keep_matches(self, query_text: str, mask) -> None:
        self._matched[query_text] = mask
        while len(self._matched) > MATCHES_KEPT:
            self._matched.pop(next(iter(self._matched)))

    def _stored(self, docs):
        """Hits as their stored fields plus the score, one at a time, so that
        grouping versions reads only as many as it keeps."""
        for docnum, score in docs:
            yield {**self._searcher.stored_fields(docnum), "score": score}

    def _body_words(self, q) -> set[str]:
        """The body words the query matches (wildcards expanded), for snippets.
        (Not Query.existing_terms: its loop variable shadows its field filter,
        so it drops every field after the first it meets.)"""
        reader = self._searcher.reader()
        field = self.schema["body"]
        words = set()
        for leaf in q.leaves():
            if isinstance(leaf, (wq.Prefix, wq.Wildcard, wq.TermRange)):
                if leaf.field() == "body":  # (listed already, by the search)
                    words.update(field.from_bytes(text) for text in self.fast.expansion(leaf))
                continue
            for fieldname, text in leaf.expanded_terms(reader, phrases=True):
                if fieldname == "body":
                    words.add(field.from_bytes(text) if isinstance(text, bytes) else text)
        return words


class _Taken:
    """Ranked documents, kept as they are taken (`all`: every one was)."""

    def __init__(self, ranked):
        self.ranked, self.docs, self.all = ranked, [], False

    def __iter__(self):
        for doc, score in self.ranked:
            self.docs.append(doc)
            yield doc, score
        self.all = True

    @property
    def count(self) -> int:
        return len(self.docs)

    def mask(self, size: int):
        """The documents taken, as a mask over all `size` documents."""
        import numpy as np

        found = np.zeros(size, dtype=bool)
        found[self.docs] = True
        return found


def _total(ranked, taken: _Taken) -> tuple[int, str]:
    """The total to show, once the hits are taken: an estimate is never below
    the matches found (then it says "at least" them), and all of them taken
    is an exact count."""
    if ranked.total_kind == EXACT:
        return ranked.total, EXACT
    if taken.all:
        return taken.count, EXACT
    if taken.count > ranked.total:
        return taken.count, AT_LEAST
    return ranked.total, ranked.total_kind


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
    kept, sizes = [], {}
    for hit, others in itertools.islice(_collapsed(hits, group, collapse), limit):
        kept.append(hit)
        if others is not None:
            sizes[hit["id"]] = others
    return kept, sizes


def _collapsed(hits, group, collapse: bool = True):
    """(hit, its other versions or None) for the best-ranked hit of each
    version cluster (every hit without `collapse`), as they are taken."""
    seen = set()
    for hit in hits:
        found = group(hit["id"]) if group is not None else None
        if found is None:
            yield hit, None
            continue
        cluster, others = found
        if collapse and cluster in seen:
            continue
        seen.add(cluster)
        yield hit, others


def _entity_spans_in_body(article: Article, ids: set[str]) -> list[tuple[int, int, str, str]]:
    """(start, end, id, text), in body offsets, of the spans naming one of `ids`."""
    if not ids:
        return []
    offsets, position = [], 0
    for paragraph in article.paragraphs:
        offsets.append(position)
        position += len(paragraph) + 2  # paragraphs are joined by a blank line
    return [(offsets[s.paragraph] + s.start, offsets[s.paragraph] + s.end, s.id, s.text)
            for s in article.entities if s.id in ids and s.paragraph >= 0]  # (-1: the title)


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
