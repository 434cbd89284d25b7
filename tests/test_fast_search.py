"""search/fast.py ranks as Whoosh's own matchers do, only faster.

The reference is Whoosh scoring every match (`limit=None`): its optimised
top-N skips blocks and misses hits of AND queries (chemical AND idlib:
Whoosh's top 20 lacks the best-scoring article), so it is no reference.
"""

import functools
import itertools
import json

import numpy as np
import pytest
from whoosh import query as wq

from wartui import Library
from wartui.entities.gazetteer import load_gazetteer
from wartui.errors import QueryError
from wartui.search.engine import fast
from wartui.search.expand import expand_query
from wartui.search.engine.fast import FastSearcher

RANKED = [
    "aleppo", "idlib", "chemical", "ceasefire", "children killed", "aleppo AND airstrike",
    "chemical AND idlib", "isis OR daesh", "aleppo NOT russia", "turkey kurdish afrin",
    '"Syrian Observatory for Human Rights"', '"White Helmets"', '"Free Syrian Army"',
    "Deir ez-Zor", "Jaish al-Islam", "Dara'a", "source:sana AND aleppo", "title:aleppo",
    "date:[2016-01-01 to 2016-12-31] AND aleppo", "date:2017 AND chemical",
    "aleppo NOT \"barrel bombs\"", "(aleppo OR homs) AND NOT damascus", "NOT aleppo",
    "entity:deir-ez-zor", "aleppo^3 OR homs",
    # fields without lengths score a posting's weight (Whoosh's WeightScorer), not BM25F
    'id:"fakes:1918150030"', "chemical OR sortdate:20170405", "aleppo OR source_facet:dailysabah",
]
# Wildcards: the same documents; the order differs, as Whoosh's own scoring
# of a multi-word expansion is not the OR of its words (see fast._expanded).
MATCHED = ["bomb*", "terror*", "kill*", "chem*", "al-*"]


def _parsed(library: Library, text: str):
    return library._search.parse(expand_query(text, load_gazetteer())[0])


def _whoosh(library: Library, q):
    results = library._search._searcher.search(q, limit=None)
    return [(hit.docnum, hit.score) for hit in results]


@pytest.mark.parametrize("text", RANKED)
def test_ranks_as_whoosh_scores(corpus_library, text):
    q = _parsed(corpus_library, text)
    expected = _whoosh(corpus_library, q)
    ranked = FastSearcher(corpus_library._search._searcher).rank(q, exact=True)
    got = list(itertools.islice(ranked.docs, 20))
    assert ranked.total == len(expected) and ranked.total_exact
    assert [doc for doc, _ in got] == [doc for doc, _ in expected[:20]]
    assert [round(score, 6) for _, score in got] == [round(s, 6) for _, s in expected[:20]]


@pytest.mark.parametrize("text", MATCHED)
def test_wildcards_match_what_whoosh_matches(corpus_library, text):
    q = _parsed(corpus_library, text)
    ranked = FastSearcher(corpus_library._search._searcher).rank(q)
    assert sorted(doc for doc, _ in ranked.docs) == sorted(d for d, _ in _whoosh(corpus_library, q))


def test_a_phrase_over_many_candidates_is_ranked_exactly_and_counted_roughly(
        corpus_library, monkeypatch):
    """Above the threshold a phrase's positions are checked lazily: the top
    hits are still exact, the total is an estimate and says so."""
    monkeypatch.setattr(fast, "VERIFY_ALL_BELOW", 10)
    monkeypatch.setattr(fast, "CHECKED_AT_ONCE", 10)
    q = _parsed(corpus_library, '"Syrian Observatory for Human Rights" OR homs')
    expected = _whoosh(corpus_library, q)
    ranked = FastSearcher(corpus_library._search._searcher).rank(q)
    got = list(itertools.islice(ranked.docs, 20))
    assert [doc for doc, _ in got] == [doc for doc, _ in expected[:20]]
    assert not ranked.total_exact
    assert abs(ranked.total - len(expected)) <= 0.1 * len(expected)
    assert sorted(doc for doc, _ in itertools.chain(got, ranked.docs)) == sorted(
        d for d, _ in expected)


@pytest.mark.parametrize("text", ['"Syrian army" OR killed', '"after Assad" OR damascus'])
def test_a_phrase_checked_lazily_lists_exactly_tied_scores_in_document_order(
        corpus_library, monkeypatch, text):
    """On the lazy path a document waits until no unchecked one can beat
    it, or tie it with a lower document number: the order is the exact
    path's, ties included (many here: same word count, same coded length)."""
    q = _parsed(corpus_library, text)
    searcher = corpus_library._search._searcher
    checked_at_once = list(FastSearcher(searcher).rank(q, exact=True).docs)
    monkeypatch.setattr(fast, "VERIFY_ALL_BELOW", 0)
    monkeypatch.setattr(fast, "CHECKED_AT_ONCE", 0)
    lazily = list(FastSearcher(searcher).rank(q).docs)
    assert len(set(score for _, score in lazily)) < len(lazily) - 10  # ties there are
    assert [doc for doc, _ in lazily] == [doc for doc, _ in checked_at_once]
    assert [round(score, 9) for _, score in lazily] == [
        round(score, 9) for _, score in checked_at_once]


def _scores(library: Library, text: str) -> dict[int, float]:
    ranked = FastSearcher(library._search._searcher).rank(_parsed(library, text), exact=True)
    return dict(ranked.docs)


def _not_by_whoosh(self, q):
    raise AssertionError(f"{q!r} was handed to Whoosh's matcher")


@pytest.mark.parametrize("left, right", [("(woman ANDNOT war)", "killed"), ("aleppo", "bomb*"),
                                         ("homs", '"barrel bombs"'), ("title:aleppo", "NOT idlib")])
def test_andmaybe_matches_its_left_side_and_adds_the_right_sides_score(corpus_library, monkeypatch,
                                                                       left, right):
    """Whoosh's own AndMaybe matcher (which wartui used) returned a document
    that contains "war" for (woman ANDNOT war) ANDMAYBE killed, and scored a
    wildcard on the right otherwise than anywhere else."""
    lefts, rights = _scores(corpus_library, left), _scores(corpus_library, right)
    monkeypatch.setattr(FastSearcher, "_whoosh", _not_by_whoosh)
    got = _scores(corpus_library, f"{left} ANDMAYBE {right}")
    assert sorted(got) == sorted(lefts) and set(got) & set(rights)
    for doc, score in got.items():
        assert score == pytest.approx(lefts[doc] + rights.get(doc, 0.0), rel=1e-9)


@pytest.mark.parametrize("left, right", [("aleppo", "homs"), ("chemical", '"Khan Sheikhoun"')])
def test_require_matches_both_sides_and_scores_the_left_one(corpus_library, monkeypatch, left,
                                                            right):
    lefts, rights = _scores(corpus_library, left), _scores(corpus_library, right)
    monkeypatch.setattr(FastSearcher, "_whoosh", _not_by_whoosh)
    got = _scores(corpus_library, f"{left} REQUIRE {right}")
    assert sorted(got) == sorted(set(lefts) & set(rights)) and got
    assert all(score == pytest.approx(lefts[doc], rel=1e-9) for doc, score in got.items())


def test_an_estimated_total_is_never_below_the_hits_found(corpus_library, monkeypatch, capsys):
    """On the lazy path the total is estimated from a sample of the
    candidates: for "Syrian were" (3 matches among ~580 candidates) the
    sample finds none. The total said "about 0" above the hits; now it is
    "at least" the hits found, or exact when ranking took every match."""
    from wartui.cli import main

    monkeypatch.setattr(fast, "VERIFY_ALL_BELOW", 0)
    monkeypatch.setattr(fast, "CHECKED_AT_ONCE", 0)
    text = '"Syrian were"'
    ranked = FastSearcher(corpus_library._search._searcher).rank(_parsed(corpus_library, text))
    assert (ranked.total, ranked.total_kind) == (0, "about")  # (the sample's guess)
    every = corpus_library.search(text, limit=10)
    assert (every.total, every.total_kind, len(every.hits)) == (3, "exact", 3)
    with monkeypatch.context() as patched:  # an exact total: its matches are kept for the facets
        patched.setattr(FastSearcher, "rank", lambda *args, **kwargs: pytest.fail("ranked again"))
        assert corpus_library.facets(text).total == 3
    some = corpus_library.search(text, limit=2)
    assert (some.total, some.total_kind, len(some.hits)) == (2, "at_least", 2)
    assert main(["--index-dir", str(corpus_library.index_dir), "search", text, "--limit", "2"]) == 0
    assert capsys.readouterr().out.startswith('at least 2 results for "Syrian were"')
    main(["--index-dir", str(corpus_library.index_dir), "search", text, "--limit", "2", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert (data["total"], data["total_kind"], data["total_exact"]) == (2, "at_least", False)


PHRASES = ['"Syrian Observatory for Human Rights"', '"Free Syrian Army"', '"barrel bombs"',
           '"chemical weapons"', '"White Helmets"', '"Deir Ezzor"', '"killed killed"',
           '"said that the"', '"of the Syrian"', '"Syrian Syrian"',
           # no candidate has the later word far enough in (IndexError, issue 17)
           '"after Assad"', 'title:"killed explosion"',
           # words within a few positions of one another
           '"people army"~3', '"chemical weapons"~2', '"Syrian army"~5', '"killed killed"~4',
           '"Free Army"~2', '"said the forces"~3', '"after Assad"~3']


def test_phrases_checked_at_once_hold_where_checked_one_by_one(corpus_library):
    """The array check of a phrase's positions (_PhraseCheck.held) agrees
    with the check of one document at a time on every candidate, words
    repeated, stop words inside and slops included; the first few words of
    FA-KES articles too, as phrases, and every other word of them with a
    slop."""
    searcher = FastSearcher(corpus_library._search._searcher)
    reader = corpus_library._search._searcher.reader()
    texts = list(PHRASES)
    for docnum in range(0, 800, 40):
        words = corpus_library.article(reader.stored_fields(docnum)["id"]).body.split()
        texts.append('"' + " ".join(words[5:8]).replace('"', "") + '"')
        texts.append('"' + " ".join(words[5:11:2]).replace('"', "") + '"~3')
    checked = 0
    for text in texts:
        try:
            q = corpus_library._search.parse(text)
        except QueryError:  # stop words only
            continue
        for leaf in q.leaves():
            if not isinstance(leaf, wq.Phrase):
                continue
            postings = [searcher.postings(leaf.fieldname, w.encode(), with_values=True)
                        for w in leaf.words]
            if not all(len(p.ids) for p in postings):
                continue
            docs = functools.reduce(np.intersect1d, [p.ids for p in postings])
            check = fast._PhraseCheck(postings, leaf.slop)
            assert check.held(docs).tolist() == [check._check(int(d)) for d in docs], text
            checked += len(docs)
    assert checked > 2000


def test_a_phrase_of_many_candidates_is_counted_exactly(corpus_library):
    q = _parsed(corpus_library, '"Syrian Observatory for Human Rights"')
    ranked = FastSearcher(corpus_library._search._searcher).rank(q)
    assert ranked.total_exact and ranked.total == len(_whoosh(corpus_library, q)) > 100


def test_newest_first(corpus_library):
    results = corpus_library.search("aleppo", limit=30, sort="date")
    dates = [hit.date or "" for hit in results.hits]
    assert dates == sorted(dates, reverse=True)


def test_replaced_articles_show_once(tmp_path):
    """Re-indexing a changed page deletes its old Whoosh document: the
    deleted one must not come back as a hit."""
    page = tmp_path / "pages" / "report.txt"
    page.parent.mkdir()
    page.write_text("Shelling in Jarabulus\n\nShelling hit Jarabulus on Monday.\n")
    with Library(tmp_path / "index") as library:
        library.add_paths([page.parent])
        page.write_text("Shelling in Jarabulus\n\nShelling hit Jarabulus on Tuesday.\n")
        library.add_paths([page.parent])
        results = library.search("jarabulus shelling")
        assert [hit.id for hit in results.hits] == ["report"] and results.total == 1
        assert library.facets("jarabulus").total == 1


def test_columns_read_whole_equal_whooshs_values(corpus_library):
    searcher = corpus_library._search._searcher
    fast_searcher = FastSearcher(searcher)
    for fieldname in ("sortdate", "source_facet"):
        expected = [value for leaf, _ in fast_searcher.leaves
                    for value in leaf.reader().column_reader(fieldname)]
        assert list(fast_searcher.column(fieldname)) == expected
    for leaf, _ in fast_searcher.leaves:  # source_facet is read whole, not value by value
        column = leaf.reader().column_reader("source_facet")
        assert fast._byte_strings(column, leaf.doc_count_all()) is not None


def test_facets_counted_from_the_search_equal_a_fresh_count(corpus_library, tmp_path):
    """After a search, its facets come from the matches it kept: the same
    counts as a library that never ran the search."""
    fresh = Library(corpus_library.index_dir)
    try:
        for text in ("aleppo", "Deir ez-Zor", "chemical AND idlib", "aleppo NOT russia"):
            corpus_library.search(text)
            assert corpus_library.facets(text) == fresh.facets(text)
    finally:
        fresh.close()


@pytest.mark.parametrize("n", [10, 1025, 5000])
def test_best_first_order_is_a_full_sort_with_ties_by_document(n):
    import numpy as np
    rng = np.random.default_rng(n)
    docs = np.sort(rng.choice(100_000, n, replace=False))
    scores = rng.integers(0, 40, n).astype(float)  # many ties, around the cut too
    expected = sorted(zip(docs.tolist(), scores.tolist()), key=lambda t: (-t[1], t[0]))
    assert list(fast._best_first(docs, scores)) == expected


DATE_RANGES = ["date:[2016-01-01 to 2016-12-31]", "date:2017", "date:[2018 to]",
               "date:[to 2012]", "date:{2016-03-01 to 2016-03-31}", "date:2016-03",
               "NOT date:2016", "date:[2019 to 2012]", "aleppo AND date:[2015-06 to 2016-02]"]


@pytest.fixture(scope="module")
def undated_library(tmp_path_factory, seeds_dir):
    """The seeds and one page without a date."""
    pages = tmp_path_factory.mktemp("undated")
    (pages / "undated.txt").write_text("Shelling in Aleppo\n\nNo date is given for this "
                                       "report of shelling in Aleppo.\n", encoding="utf-8")
    library = Library(pages / "index")
    library.add_paths([seeds_dir, pages / "undated.txt"])
    yield library
    library.close()


@pytest.mark.parametrize("text", DATE_RANGES)
def test_date_ranges_read_from_the_column_match_whooshs_trie_terms(
        corpus_library, undated_library, monkeypatch, text):
    from whoosh import query as wq
    for library in (corpus_library, undated_library):
        q = _parsed(library, text)
        expected = _whoosh(library, q)
        # the column answers alone: Whoosh's trie terms are not consulted
        with monkeypatch.context() as patched:
            patched.setattr(wq.NumericRange, "_compile_query", _no_trie_terms)
            ranked = FastSearcher(library._search._searcher).rank(q, exact=True)
            got = list(ranked.docs)
        assert ranked.total == len(expected)
        assert sorted(doc for doc, _ in got) == sorted(doc for doc, _ in expected)
        assert [round(s, 6) for _, s in got[:20]] == [round(s, 6) for _, s in expected[:20]]
    undated = [hit for hit in undated_library.search("NOT date:[1900 to 2100]").hits]
    assert "Shelling in Aleppo" in [hit.title for hit in undated]  # undated pages are there


SORTDATE_RANGES = {
    "sortdate:[0 TO 0]": lambda day: day == 0,  # the undated articles
    "sortdate:[TO 20150101]": lambda day: day <= 20150101,
    "sortdate:{0 TO 20150101}": lambda day: 0 < day < 20150101,
    "sortdate:[20170405 TO 20170405]": lambda day: day == 20170405,
    "sortdate:{20160101 TO]": lambda day: day > 20160101,
}


@pytest.mark.parametrize("text", SORTDATE_RANGES)
def test_sortdate_ranges_are_read_from_the_column(corpus_library, undated_library, monkeypatch,
                                                  text):
    """sortdate (YYYYMMDD, 0 when undated) ranges as its date ranges: from the
    column. Whoosh's trie terms take sortdate:[0 TO 0] for every article."""
    monkeypatch.setattr(wq.NumericRange, "_compile_query", _no_trie_terms)
    for library in (corpus_library, undated_library):
        searcher = library._search._searcher
        days = {}
        for docnum, fields in searcher.reader().iter_docs():  # (the live ones)
            date = fields.get("date")
            days[docnum] = int(date.strftime("%Y%m%d")) if date else 0
        assert 0 in days.values()
        expected = sorted(doc for doc, day in days.items() if SORTDATE_RANGES[text](day))
        ranked = FastSearcher(searcher).rank(_parsed(library, text), exact=True)
        got = list(ranked.docs)
        assert sorted(doc for doc, _ in got) == expected and ranked.total == len(expected)
        assert {score for _, score in got} <= {1.0}


def _no_trie_terms(self, reader):
    raise AssertionError("the trie terms were read")


def test_a_query_looks_each_term_up_once_per_segment(tmp_path, seeds_dir, fakes_csv,
                                                     monkeypatch):
    """The cost check (limits.check_query) and the postings read share each
    term's lookups; the word counts it checks are Whoosh's."""
    from whoosh.codec.whoosh3 import W3TermsReader

    with Library(tmp_path / "index") as library:
        library.add_paths([seeds_dir])  # two runs: two segments
        library.add_paths([fakes_csv])
        searcher = library._search
        reader = searcher._searcher.reader()
        for word in ("aleppo", "shelling", "nosuchword"):
            assert searcher.fast.doc_frequency("body", word) == reader.doc_frequency("body", word)
        looked_up = []
        real = W3TermsReader._keycoder  # every lookup of a term in a segment

        def keycoder(self, fieldname, btext):
            looked_up.append((fieldname, btext))
            return real(self, fieldname, btext)

        monkeypatch.setattr(W3TermsReader, "_keycoder", keycoder)
        searcher._fast = None  # a fresh evaluator: nothing looked up yet
        segments = len(searcher.fast.leaves)
        assert segments == 2
        library.search("hospital bombed", limit=5)
        assert looked_up.count(("body", b"hospit")) == segments
        assert looked_up.count(("body", b"bomb")) == segments


def test_after_warm_a_first_search_reads_nothing_more(tmp_path, seeds_dir, fakes_csv,
                                                     monkeypatch):
    """Library.warm loads what the first scored search loads first (each
    segment's flat postings, the documents' lengths): the app calls it once
    its first results are up, so the second letter typed does not pay it."""
    with Library(tmp_path / "index") as library:
        library.add_paths([seeds_dir])
        library.add_paths([fakes_csv])
        library.warm()
        fast_searcher = library._search.fast
        assert {"body", "title"} <= set(fast_searcher._lengths)

        def opened_again(*args):
            raise AssertionError("a segment's flat postings opened after warm")

        body_lengths = fast_searcher._lengths["body"]
        monkeypatch.setattr(fast.FlatSegment, "open", classmethod(opened_again))
        assert library.search("aleppo shelling", limit=5).hits
        assert fast_searcher._lengths["body"] is body_lengths  # loaded once


def test_warm_in_pieces_loads_the_same(tmp_path, seeds_dir, fakes_csv):
    """The app warms a piece at a time (a field's lengths, then a segment),
    so that a search typed meanwhile waits for one piece only."""
    with Library(tmp_path / "index") as library:
        library.add_paths([seeds_dir])
        library.add_paths([fakes_csv])
        fast_searcher = library._search.fast
        segments = len(fast_searcher.leaves)
        assert segments >= 2
        parts = 0
        while library.warm(parts):
            parts += 1
            if parts == 2:
                assert set(fast_searcher._lengths) == {"body", "title"}
                assert not fast_searcher._flats  # no segment yet
        assert parts == 2 + segments
        assert len(fast_searcher._flats) == segments
