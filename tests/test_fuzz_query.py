"""Fuzzing the query parser: any text through Library.search, Library.facets,
Library.suggest and `wartui search` gives results or a one-line reason, never
a traceback, and in bounded time.

Inputs: unbalanced quotes and brackets, `field:` alone, `*`, `AND AND`,
leading wildcards, word ranges, dates that are not dates, boosts, deep
nesting, 10 KB queries, 10,000-letter words, control characters, bidi
controls, emoji, other scripts and lone surrogates (argv bytes that are not
UTF-8), mixed with real words and names of the corpus.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from wartui.cli import main
from wartui.errors import QueryError, WartuiError
from wartui.search import limits

TRIED = {"examples": 0, "results": 0, "refused": 0, "cli runs": 0}
FUZZ = settings(max_examples=int(os.environ.get("WARTUI_FUZZ_EXAMPLES", 150)), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

PIECES = [
    '"', "'", "(", ")", "[", "]", "{", "}", ":", "*", "?", "~", "^", "^2", "-", "+", "\\", "/",
    "!", "&&", "||", ",", ";", "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO", "to", "AND AND",
    "OR OR", "NOT NOT", "title:", "body:", "date:", "source:", "entity:", "author:", "id:",
    "url:", "nosuchfield:", "source_facet:", "sortdate:", "date:[", "date:]", "date:2018-04",
    "date:2018-13", "date:[2018-04-01 to 2018-04-30]", "date:[foo to", "date:{2017 TO]",
    "date:[TO 2017]", "title:[a TO z]", "body:[TO b]", "*", "**", "*a*", "*ing", "?ing", "a*",
    "bomb*", "Yarm?uk", "al-*", "title:*", "title:bat*", "entity:*", "entity:aleppo",
    "entity:no-such-thing", "Aleppo", "aleppo", "Deir ez-Zor", "Jaish al-Islam", "HTS",
    "Hay'at Tahrir al-Sham", "Douma", "chemical", "the", "a", "of", "I", "x", "1,065",
    "2018", "\x1b]0;pwned\x07", "\x1b[31m", "\x00", "\x07", "\x9b", "\u202e", "\u2066",
    "\t", "\n", "\r", "é", "Dáyr", "حلب", "中文", "😀", "\ufffd", "\udcff", "\ud800", "\u0301",
    "(" * 40, ")" * 40, "(" * 400, '"' * 3, "[" * 10, "title:(a OR b)", "(a OR b",
    "a OR b)", '"unbalanced', "NOT", "NOT aleppo", "ANDMAYBE x", "aleppo^", "aleppo^x",
    "aleppo~", "aleppo~2", "\\*", "*:*", ":", "::", "title::x",
    "-Douma", "-source:sputnik", '-"Jaish al-Islam"', "-(a OR b)", "+Douma", "- ", "--x",
    "+-x", "date:2017-5", "date:2017-02-30", "date:April 2017", "date:2017-0", "entity:deir-e",
    '"Jaish al-Isl', "Deir ez-Z", "chemica", "Assad's",
]

piece = st.one_of(st.sampled_from(PIECES), st.text(max_size=12))
small = st.lists(piece, max_size=14).flatmap(
    lambda parts: st.sampled_from([" ", "", " AND ", "  "]).map(lambda sep: sep.join(parts)))
big = st.builds(lambda part, times, sep: sep.join([part] * times),
                st.sampled_from(PIECES + ["aleppo idlib", "(a OR b)", "word"]),
                st.integers(500, 4_000), st.sampled_from([" ", "", " OR "]))
queries = st.one_of(small, small, small, st.text(max_size=300), big,
                    st.builds(lambda n: "a" * n, st.integers(1_000, 12_000)))


def outcome(call):
    """The result, or the message of a QueryError/WartuiError; anything else fails."""
    try:
        result, message = call(), None
    except WartuiError as error:
        result, message = None, str(error)
        assert message and "\n" not in message and "Traceback" not in message, message
        assert len(message) <= limits.MAX_MESSAGE_CHARS + 100, message
    return result, message


@pytest.fixture(scope="module", autouse=True)
def figures():
    yield
    print(f"\nquery fuzz: {TRIED}")


@FUZZ
@given(queries)
def test_any_query_gives_results_or_a_reason(corpus_library, text):
    TRIED["examples"] += 1
    results, message = outcome(lambda: corpus_library.search(text, limit=5))
    TRIED["results" if message is None else "refused"] += 1
    if message is None:
        assert results.total >= len(results.hits)
    facets, facet_message = outcome(lambda: corpus_library.facets(text))
    if message is None and facet_message is None:
        assert sum(facets.sources.values()) == facets.total
    suggestion, _ = outcome(lambda: corpus_library.suggest(text))
    assert suggestion is None or isinstance(suggestion, str)


@FUZZ
@given(small)
def test_any_query_typed_letter_by_letter_gives_results_or_a_reason(corpus_library, text):
    """As the app searches while the query is typed: its last word a prefix,
    an open quote closed (KeepTyping is a reason, too)."""
    for end in sorted({*range(1, min(len(text), 12) + 1), len(text)} - {0}):
        typed = text[:end]
        results, message = outcome(lambda: corpus_library.search(typed, limit=5, typing=True))
        if message is None:
            assert results.total >= len(results.hits)
        outcome(lambda: corpus_library.facets(typed, typing=True))
        outcome(lambda: corpus_library.suggest(typed, typing=True))


@FUZZ
@given(queries)
def test_cli_search_exits_0_1_or_2_with_one_line(corpus_library, capsys, text):
    """0 found, 1 none found (grep's statuses), 2 a query refused (one line)."""
    TRIED["cli runs"] += 1
    args = ["--index-dir", str(corpus_library.index_dir), "search"]
    args += ["--", text] if text.startswith("-") else [text]
    status = main(args)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    if status in (0, 1):
        assert "result" in captured.out and not captured.err
        assert (status == 1) == captured.out.startswith("0 results")
    else:
        assert status == 2
        lines = captured.err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("wartui: "), captured.err


# -- pathological queries: bounded or refused with a reason -------------------------------

@pytest.mark.parametrize("text", ["*ing", "*a*", "?ing", "title:*x", "aleppo OR *ria"])
def test_a_leading_wildcard_is_refused_with_a_reason(corpus_library, text):
    with pytest.raises(QueryError, match="cannot start with a wildcard"):
        corpus_library.search(text)


def test_a_wildcard_standing_for_too_many_words_is_refused(corpus_library, monkeypatch):
    assert corpus_library.search("bomb*").total  # a few words: searched
    monkeypatch.setattr(limits, "MAX_EXPANSION", 2)
    with pytest.raises(QueryError, match=r"wildcard 'bomb\*' stands for too many"):
        corpus_library.search("bomb*")
    with pytest.raises(QueryError, match="range .* stands for too many"):
        corpus_library.search("title:[a TO c]")
    assert corpus_library.search("date:[2016-01-01 to 2016-12-31]").total  # not words


def test_a_refused_wildcard_is_searched_whole_once_allowed(corpus_library, monkeypatch):
    """The cost check stops listing a wildcard's words at its limit; what it
    listed is not taken for all of them by a later search (the words of a
    search's wildcards are kept for the next one: FastSearcher.expansion)."""
    monkeypatch.setattr(limits, "MAX_EXPANSION", 2)
    with pytest.raises(QueryError, match=r"wildcard 'milit\*' stands for too many"):
        corpus_library.search("milit*")  # 6 words in FA-KES: militants, military, ...
    monkeypatch.undo()
    q = corpus_library._search.parse("milit*")
    whoosh = {hit.docnum for hit in corpus_library._search._searcher.search(q, limit=None)}
    assert corpus_library.search("milit*").total == len(whoosh) > 300


def test_a_wildcard_whose_words_are_too_common_is_refused(corpus_library, monkeypatch):
    assert corpus_library.search("s*").total
    monkeypatch.setattr(limits, "MAX_EXPANSION_POSTINGS", 1_000)  # FA-KES is small
    with pytest.raises(QueryError, match=r"wildcard 's\*' stands for too many"):
        corpus_library.search("s*")
    assert corpus_library.search("bomb*").total  # a few hundred uses: searched


def test_a_star_alone_lists_everything_newest_first_as_the_empty_query(corpus_library):
    everything = corpus_library.search("", limit=50)
    assert everything.total == corpus_library._search.doc_count()
    for text in ("*", " * ", "*:*"):
        found = corpus_library.search(text, limit=50)
        assert found.total == everything.total and found.total_exact
        assert [hit.id for hit in found.hits] == [hit.id for hit in everything.hits]


@pytest.mark.parametrize("text", ["title:*", "body:*", "entity:*", "sortdate:*",
                                  "aleppo AND body:*", "NOT author:*", "title:*^2 OR homs"])
def test_a_field_star_is_answered_from_the_fields_lengths_or_column(corpus_library, monkeypatch,
                                                                   text):
    """`field:*` is "has this field": Whoosh's Every reads the postings of
    every word of the field (83 s for body:* at 20k articles); the field's
    lengths, or its column, say it at once."""
    from whoosh import query as wq

    from wartui.search.engine.fast import FastSearcher
    q = corpus_library._search.parse(text)
    expected = {hit.docnum: hit.score for hit in corpus_library._search._searcher.search(
        q, limit=None)}  # (Whoosh is right here, only slow)
    monkeypatch.setattr(limits, "MAX_EXPANSION", 2)  # no word of the field is listed

    def no_postings(self, fieldname, btext, with_values=False):
        if fieldname not in ("title", "body") or btext not in (b"aleppo", b"hom"):
            raise AssertionError(f"postings of {fieldname}:{btext!r} read")
        return real_postings(self, fieldname, btext, with_values)

    real_postings = FastSearcher.postings
    monkeypatch.setattr(FastSearcher, "postings", no_postings)
    monkeypatch.setattr(wq.Every, "matcher", lambda *args: pytest.fail("Whoosh's Every"))
    q = corpus_library._search.parse(text)
    got = dict(FastSearcher(corpus_library._search._searcher).rank(q, exact=True).docs)
    assert sorted(got) == sorted(expected) and got
    assert all(got[doc] == pytest.approx(score, rel=1e-6) for doc, score in expected.items())


def test_a_field_star_in_a_field_of_many_words_is_bounded_as_a_wildcard(corpus_library,
                                                                       monkeypatch, capsys):
    """A field with neither lengths nor a column (id: one word per article)
    says which articles have it only by its words: as many as a wildcard may
    stand for (1,000, so 809 in FA-KES), else refused with a reason."""
    assert corpus_library.search("id:*").total == corpus_library._search.doc_count()
    monkeypatch.setattr(limits, "MAX_EXPANSION", 100)
    with pytest.raises(QueryError, match=r"'id:\*' stands for too many .* search for some of "
                                         "its values"):
        corpus_library.search("id:*")
    status = main(["--index-dir", str(corpus_library.index_dir), "search",
                   "aleppo OR content_hash:*"])
    assert status == 2 and "'content_hash:*' stands for too many" in capsys.readouterr().err
    assert corpus_library.search("title:* AND source_facet:*").total  # lengths, few words


def test_words_too_common_together_are_refused(corpus_library, monkeypatch):
    query = "syria OR aleppo OR damascus OR idlib OR homs"
    assert corpus_library.search(query).total
    monkeypatch.setattr(limits, "MAX_POSTINGS", 1_000)
    with pytest.raises(QueryError, match="too common together"):
        corpus_library.search(query)
    assert corpus_library.search("Douma").total  # fewer uses: searched


def test_long_words_and_queries_are_refused_quickly(corpus_library):
    for text in ["a" * 10_000, "aleppo " * 3_000, "(" * 5_000 + "aleppo" + ")" * 5_000,
                 "(" * 300 + "aleppo" + ")" * 300, " ".join(f"w{n}" for n in range(1_000)),
                 "x " * 30_000]:
        with pytest.raises(QueryError):  # (how quickly: bench/pathological.py)
            corpus_library.search(text)


def test_10kb_queries(corpus_library):
    """Of real words, with names: refused for its number of words, at once."""
    text = " OR ".join(["aleppo", "idlib", "homs", "douma"] * 300)  # 9 KB
    with pytest.raises(QueryError, match="too many words"):
        corpus_library.search(text)
    # 10 KB in a few long words: searched
    text = " OR ".join(["Aleppo" + "x" * 250, "aleppo"] * 19)
    assert len(text) > 4_000 and corpus_library.search(text).total


def test_lone_surrogates_from_argv_are_searched_as_text(corpus_library, capsys):
    assert corpus_library.search("aleppo\udcff").total
    status = main(["--index-dir", str(corpus_library.index_dir), "search", "aleppo\udcff"])
    assert status == 0
    assert "aleppo⟦U+DCFF⟧" in capsys.readouterr().out


def nested(depth: int) -> str:
    query = "aleppo"
    for level in range(depth):
        query = f"(homs {'OR' if level % 2 else 'AND'} {query})"
    return query


def test_groups_nested_too_deep_are_refused(corpus_library):
    assert corpus_library.search(nested(10)).total
    with pytest.raises(QueryError, match="nests groups too deeply"):
        corpus_library.search(nested(100))
