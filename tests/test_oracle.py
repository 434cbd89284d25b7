"""search/fast.py against a brute-force oracle (tests/oracle.py).

Hypothesis builds query trees from an index's own words: common and rare
words, phrases that are in a document (with a slop when their words are
apart) and phrases that are not, prefixes, `?` and `*` wildcards, other
fields (entity ids, sources, ids, sortdate), word ranges, date and sortdate
ranges, `field:*`, nested AND/OR/NOT/ANDNOT/ANDMAYBE/REQUIRE, boosts (0
too). fast.py must match the same documents as the oracle, count them (or
say "at least" no more than them), score them alike (1e-6 relative) and list
them best first, exact ties by document number; sorted by date, newest first.

On two indexes: the seeds and FA-KES in one segment, and FA-KES written in
several segments then re-indexed with some rows changed, so that every
segment has deleted documents. And on each of fast.py's paths: flat
postings with phrases checked as arrays; Whoosh's blocks (segments without
flat postings: positions decoded a document at a time); phrases checked
lazily while ranking, with an estimated total; both of those.

CI runs a fixed set of examples; `WARTUI_ORACLE_EXAMPLES=2000` runs that
many, new ones each time (hypothesis prints how to reproduce a failure).
"""

from __future__ import annotations

import csv
import os
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from whoosh import query as wq

from wartui import Library, indexing as indexing_module
from wartui.entities.gazetteer import load_gazetteer
from wartui.search import writer
from wartui.search.engine import fast
from wartui.search.expand import expand_query
from wartui.search.engine.fast import FastSearcher

from oracle import Oracle

EXAMPLES = int(os.environ.get("WARTUI_ORACLE_EXAMPLES", "150"))
DIFFERENTIAL = settings(
    max_examples=EXAMPLES, deadline=None, database=None,
    derandomize="WARTUI_ORACLE_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large])
RELATIVE = 1e-6
TOP = 20

# fast.py's paths: (flat postings, phrases checked lazily)
PATHS = {"arrays": (True, False), "blocks": (False, False), "lazy": (True, True),
         "lazy blocks": (False, True)}
INDEXES = ("one segment", "segments with deletions")


# -- the indexes ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def segments_with_deletions(tmp_path_factory, fakes_csv):
    """FA-KES in commits of 150 articles (segments not merged), then again
    with every 7th row changed: the old versions are deleted in each segment."""
    root = tmp_path_factory.mktemp("segments")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(indexing_module, "BATCH_SIZE", 150)
        patch.setattr(writer, "SMALL_SEGMENT", 10)
        library = Library(root / "index")
        library.add_paths([fakes_csv])
        with open(fakes_csv, newline="", encoding="utf-8", errors="replace") as source:
            rows = list(csv.reader(source))
        content = rows[0].index("article_content")
        for row in rows[1::7]:
            row[content] += " Shelling was reported again in Manbij on Monday."
        changed = root / "changed" / fakes_csv.name  # (same name: the same ids)
        changed.parent.mkdir()
        with open(changed, "w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows(rows)
        assert library.add_paths([changed]).changed > 100
    yield library
    library.close()


class World:
    """An index, its oracle, and query trees of its words."""

    def __init__(self, library: Library):
        self.library = library
        self.searcher = library._search._searcher
        self.oracle = Oracle(self.searcher)
        self.queries = query_trees(self.oracle)
        self.sortdates = self.oracle.numbers("sortdate")


@pytest.fixture(scope="module")
def worlds(corpus_library, segments_with_deletions):
    made = {}

    def world(name: str) -> World:
        if name not in made:
            library = corpus_library if name == "one segment" else segments_with_deletions
            made[name] = World(library)
            leaves = made[name].searcher.reader().leaf_readers()
            deleted = sum(reader.doc_count_all() - reader.doc_count() for reader, _ in leaves)
            if name == "one segment":
                assert len(leaves) == 1 and not deleted
            else:  # several segments, those written first with deleted documents
                assert len(leaves) >= 7 and sum(reader.has_deletions() for reader, _ in leaves) >= 4
        return made[name]

    return world


def fast_searcher(world: World, path: str, monkeypatch) -> FastSearcher:
    flat, lazy = PATHS[path]
    if not flat:
        monkeypatch.setattr(fast.FlatSegment, "open", classmethod(lambda cls, reader: None))
    if lazy:
        monkeypatch.setattr(fast, "CHECKED_AT_ONCE", 0)
        monkeypatch.setattr(fast, "VERIFY_ALL_BELOW", 0)
    return FastSearcher(world.searcher)


# -- query trees from the index's words ---------------------------------------------------

TEXT_FIELDS = ("body", "body", "title")
OTHER_FIELDS = ("entity", "source", "author", "id", "source_facet", "content_hash")
WORD_FIELDS = ("body", "title") + OTHER_FIELDS
BOOSTS = st.sampled_from([1.0, 1.0, 1.0, 1.0, 2.0, 0.5, 0.0])


def query_trees(oracle: Oracle):
    words = {field: _by_use(oracle, field) for field in WORD_FIELDS if field in oracle.postings}
    documents = _word_sequences(oracle)
    dates = sorted(set(oracle.numbers("sortdate").values()))

    def word(field):
        used = words[field]
        return st.one_of(_picked(used[:40]), _picked(used[:300]), _picked(used[-300:]),
                         _picked(used))

    text_word = st.sampled_from(TEXT_FIELDS).flatmap(lambda f: st.tuples(st.just(f), word(f)))
    term = st.builds(lambda fw, boost: wq.Term(*fw, boost=boost), text_word, BOOSTS)
    other_term = st.sampled_from(OTHER_FIELDS).filter(lambda f: words.get(f)).flatmap(
        lambda f: st.builds(lambda w, boost: wq.Term(f, w, boost=boost), word(f), BOOSTS))
    sortdate_term = st.builds(lambda day: wq.Term("sortdate", day), _picked(dates))

    phrase_found = st.builds(_phrase_in, _picked(documents), st.integers(0, 10 ** 6),
                             st.integers(2, 4), st.sampled_from([1, 1, 1, 2, 3]),
                             st.sampled_from([0, 0, 1, 2]), BOOSTS)
    phrase_made = st.builds(
        lambda field, picked, slop, boost: wq.Phrase(field, picked, slop=slop, boost=boost),
        st.just("body"), st.lists(word("body"), min_size=2, max_size=3),
        st.sampled_from([1, 1, 2, 5]), BOOSTS)
    phrase = st.one_of(phrase_found, phrase_found, phrase_made).filter(lambda q: len(q.words) > 1)

    long_word = text_word.filter(lambda fw: len(fw[1]) >= 5)
    prefix = st.builds(lambda fw, cut: wq.Prefix(fw[0], fw[1][:cut]), long_word,
                       st.integers(3, 5))
    wildcard = st.builds(_wildcard, long_word, st.integers(2, 4), st.booleans())
    ordered = {field: sorted(words[field]) for field in TEXT_FIELDS}
    word_range = st.builds(lambda field, *rest: _word_range(field, ordered[field], *rest),
                           st.sampled_from(TEXT_FIELDS), st.integers(0, 10 ** 9),
                           st.integers(0, 30), st.booleans(), st.booleans())
    day = st.one_of(_picked(dates), st.sampled_from([None, 0]))
    sortdate_range = st.builds(
        lambda a, b, sx, ex: wq.NumericRange("sortdate", a, b, sx, ex, constantscore=True),
        day, day, st.booleans(), st.booleans())
    date_range = st.builds(_date_range, _picked([d for d in dates if d]),
                           st.integers(-400, 400), st.booleans(), st.booleans(), st.booleans())
    every = st.builds(lambda field, boost: wq.Every(field, boost=boost),
                      st.sampled_from([None, "title", "body", "entity", "author", "sortdate",
                                       "source_facet", "id"]), BOOSTS)
    leaf = st.one_of(term, term, term, phrase, phrase, other_term, sortdate_term, prefix,
                     wildcard, word_range, sortdate_range, date_range, every)

    def compound(children):
        return st.one_of(
            st.builds(lambda qs, boost: wq.And(qs, boost=boost),
                      st.lists(children, min_size=2, max_size=3), BOOSTS),
            st.builds(lambda qs, boost: wq.Or(qs, boost=boost),
                      st.lists(children, min_size=2, max_size=3), BOOSTS),
            st.builds(wq.AndNot, children, children), st.builds(wq.Not, children),
            st.builds(wq.AndMaybe, children, children), st.builds(wq.Require, children, children))

    return st.recursive(leaf, compound, max_leaves=6)


def _picked(items: list):
    """One of `items` (a strategy whose description is short: hypothesis
    writes out sampled_from's list, 80 KB of words, in a warning)."""
    def item(i: int):
        return items[i]

    return st.integers(0, len(items) - 1).map(item)


def _by_use(oracle: Oracle, field: str) -> list[str]:
    """The field's words, the most used first."""
    postings = oracle.postings[field]
    return [w.decode("utf-8") for w in sorted(postings, key=lambda w: (-len(postings[w]), w))
            if w]


def _phrase_in(field_sequence, where: int, length: int, gap: int, extra: int, boost: float):
    """Words of a document, `gap` positions apart, as a phrase (slop gap + extra)."""
    field, sequence = field_sequence
    start = where % max(1, len(sequence) - 1)
    picked = sequence[start:start + (length - 1) * gap + 1:gap]
    return wq.Phrase(field, picked, slop=gap + extra, boost=boost)


def _word_sequences(oracle: Oracle, documents: int = 40) -> list[tuple[str, list[str]]]:
    """(field, its words in order) of some documents' titles and bodies."""
    live = sorted(oracle.live)
    picked = set(live[::max(1, len(live) // documents)])
    sequences = []
    for field in ("title", "body"):
        at: dict[int, dict[int, str]] = {doc: {} for doc in picked}
        for btext, docs in oracle.postings[field].items():
            for doc in picked.intersection(docs):
                for position in docs[doc][1]:
                    at[doc][position] = btext.decode("utf-8")
        sequences += [(field, [w for _, w in sorted(words.items())])
                      for words in at.values() if len(words) >= 2]
    return sequences


def _wildcard(field_word, keep: int, star: bool):
    field, word = field_word
    if star:  # the middle of the word
        return wq.Wildcard(field, word[:keep] + "*" + word[keep + 2:])
    return wq.Wildcard(field, word[:keep] + "?" + word[keep + 1:])


def _word_range(field: str, ordered: list[str], at: int, span: int, startexcl: bool,
                endexcl: bool):
    start = at % len(ordered)
    end = min(len(ordered) - 1, start + span)
    return wq.TermRange(field, ordered[start], ordered[end], startexcl, endexcl)


def _date_range(day: int, days: int, open_start: bool, startexcl: bool, endexcl: bool):
    start = datetime.strptime(str(day), "%Y%m%d")
    end = start + timedelta(days=days)
    if end < start:
        start, end = end, start
    return wq.DateRange("date", None if open_start else start, end, startexcl, endexcl)


# -- the comparison ---------------------------------------------------------------------

def assert_as_the_oracle(world: World, searcher: FastSearcher, q, exact: bool) -> None:
    expected = world.oracle.search(q)
    ranked = searcher.rank(q, exact=exact)
    got = list(ranked.docs)
    scores = dict(got)
    assert len(scores) == len(got), f"a document listed twice for {q!r}"
    assert sorted(scores) == sorted(expected), q
    if ranked.total_kind == "exact":
        assert ranked.total == len(expected), q
    elif ranked.total_kind == "at_least":
        assert ranked.total <= len(expected), q
    for doc, score in expected.items():
        assert scores[doc] == pytest.approx(score, rel=RELATIVE, abs=1e-9), (q, doc)
    # best first, exact ties by document number
    assert all((-a[1], a[0]) < (-b[1], b[0]) for a, b in zip(got, got[1:])), q
    # the oracle's best, up to scores within the tolerance
    best = sorted(expected.values(), reverse=True)[:TOP]
    assert [expected[doc] for doc, _ in got[:TOP]] == pytest.approx(best, rel=RELATIVE,
                                                                    abs=1e-9), q
    by_date = [doc for doc, _ in searcher.rank(q, sort="date", exact=exact).docs]
    assert by_date == sorted(expected, key=lambda doc: (-world.sortdates.get(doc, 0), doc)), q


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("index", INDEXES)
@DIFFERENTIAL
@given(data=st.data())
def test_fast_finds_scores_and_ranks_as_the_oracle(worlds, monkeypatch, index, path, data):
    world = worlds(index)
    searcher = fast_searcher(world, path, monkeypatch)
    q = data.draw(world.queries, label="query")
    assert_as_the_oracle(world, searcher, q, exact=False)
    if PATHS[path][1]:  # lazily ranked: every candidate checked one by one too
        assert_as_the_oracle(world, searcher, q, exact=True)


# The cases (issue 17), as the user types them.
TYPED = ['"after Assad"', 'title:"killed explosion"', "(woman ANDNOT war) ANDMAYBE killed",
         "aleppo ANDMAYBE bomb*", "aleppo REQUIRE homs", 'id:"fakes:1918150030"',
         "chemical OR sortdate:20170405", "sortdate:[0 TO 0]", "sortdate:[TO 20150101]",
         '"people army"~3', '"Syrian were"', "*", "title:*", "body:*", "entity:* AND aleppo",
         "chemical^0 OR idlib", "NOT date:[2016 TO 2017]", "aleppo NOT russia",
         '"Syrian Observatory for Human Rights" OR homs', "Deir ez-Zor", "kill* ANDNOT title:*"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("index", INDEXES)
def test_typed_queries_as_the_oracle(worlds, monkeypatch, index, path):
    world = worlds(index)
    searcher = fast_searcher(world, path, monkeypatch)
    for text in TYPED:
        q = world.library._search.parse(expand_query(text, load_gazetteer())[0])
        assert_as_the_oracle(world, searcher, q, exact=False)


@pytest.mark.parametrize("text", ["aleppo", "title:chemical", "source:sana", "entity:idlib",
                                  '"White Helmets"', '"barrel bombs"~3', "id:fakes:1918150030"])
def test_the_oracle_scores_as_whoosh_where_whoosh_is_right(worlds, text):
    """Single words and phrases, on both indexes: Whoosh's own scoring, and
    the oracle's from Whoosh's statistics, agree."""
    for index in INDEXES:
        world = worlds(index)
        q = world.library._search.parse(text)
        whoosh = {hit.docnum: hit.score for hit in world.searcher.search(q, limit=None)}
        oracle = world.oracle.search(q)
        assert whoosh and sorted(oracle) == sorted(whoosh)
        assert all(oracle[doc] == pytest.approx(score, rel=1e-9) for doc, score in whoosh.items())
