"""The door to Whoosh's private format (search/engine/): with another Whoosh
than the one it is tested against, wartui says so once and searches with
Whoosh's own matchers: slower, the same answers, no crash."""

import json

import pytest

from wartui import Library
from wartui.search import engine
from wartui.search.engine.fast import FastSearcher
from wartui.search.engine.plain import PlainSearcher

QUERIES = ["aleppo", "chemical AND idlib", '"Free Syrian Army"', "Deir ez-Zor",
           "aleppo NOT russia", "bomb*", "date:2017 AND chemical", "entity:deir-ez-zor", ""]


@pytest.fixture
def another_whoosh(monkeypatch):
    monkeypatch.setattr(engine, "installed_whoosh", lambda: ("whoosh3", "9.9.9"))
    engine.problem.cache_clear()
    yield
    engine.problem.cache_clear()


def test_the_tested_whoosh_is_the_one_installed():
    assert engine.installed_whoosh() == engine.TESTED
    assert engine.problem() is None


def test_a_whoosh_changed_below_its_api_is_noticed(monkeypatch):
    import whoosh.codec.whoosh3 as codec

    monkeypatch.delattr(codec, "W3LeafMatcher")
    engine.problem.cache_clear()
    try:
        assert "lacks W3LeafMatcher" in engine.problem()
    finally:
        engine.problem.cache_clear()


def test_another_whoosh_searches_with_its_own_matchers_and_the_same_answers(
        corpus_library, monkeypatch):
    """The same reports found, in the same order, with the same totals."""
    assert isinstance(corpus_library._search.fast, FastSearcher)  # (made before: it stays)
    monkeypatch.setattr(engine, "installed_whoosh", lambda: ("whoosh3", "9.9.9"))
    engine.problem.cache_clear()
    assert "9.9.9" in engine.problem() and "3.54.0" in engine.problem()
    plain = Library(corpus_library.index_dir)
    try:
        assert isinstance(plain._search.fast, PlainSearcher)
        for query in QUERIES:
            for sort in ("relevance", "date"):
                got = plain.search(query, limit=20, sort=sort)
                expected = corpus_library.search(query, limit=20, sort=sort)
                assert got.total == expected.total, query
                if "*" in query and sort == "relevance":
                    continue  # (Whoosh scores a wildcard's words otherwise: fast.py's _expanded)
                assert [h.id for h in got.hits] == [h.id for h in expected.hits], (query, sort)
        assert plain.facets("aleppo") == corpus_library.facets("aleppo")
        assert plain.result_entities("aleppo") == corpus_library.result_entities("aleppo")
    finally:
        plain.close()
        monkeypatch.undo()
        engine.problem.cache_clear()
    assert isinstance(corpus_library._search.fast, FastSearcher)


def test_another_whoosh_indexes_with_its_own_writer(tmp_path, seeds_dir, another_whoosh,
                                                    capsys):
    """An index written then (no flat postings, no prepared postings) is
    searched, and the CLI says once why it is slower."""
    from wartui.cli import main

    index = str(tmp_path / "index")
    assert main(["--index-dir", index, "index", str(seeds_dir)]) == 0
    assert capsys.readouterr().err.count("warning: the installed whoosh3 9.9.9") == 1
    assert main(["--index-dir", index, "search", "Taqsis", "--json"]) == 0
    out, err = capsys.readouterr()
    assert [hit["id"] for hit in json.loads(out)["results"]][0].startswith("00")
    assert err.count("searching with Whoosh's own matchers") == 1
    assert not list((tmp_path / "index" / "whoosh").glob("*.fpo"))  # (no flat postings)
