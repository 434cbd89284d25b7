"""The Library facade: incremental indexing, search syntax, articles."""

import json
import shutil

import pytest

from wartui import Library
from wartui.errors import IndexMissing, IndexVersionError, QueryError


def test_seeds_index_then_rerun_changes_nothing(library, seeds_dir):
    first = library.add_paths([seeds_dir])
    assert (first.new, first.changed, first.unchanged) == (5, 0, 0)
    again = library.add_paths([seeds_dir])
    assert again.summary() == "0 new, 0 changed, 5 unchanged"
    assert library.count() == 5
    assert library.search("Taqsis").total == 2  # 000 and 001, not doubled


def test_a_changed_file_is_reindexed_alone(library, seeds_dir, tmp_path):
    folder = tmp_path / "pages"
    shutil.copytree(seeds_dir, folder)
    library.add_paths([folder])
    page = next(folder.glob("004_*.txt"))
    page.write_text(page.read_text(encoding="utf-8").replace("Arak", "Tadmur"),
                    encoding="utf-8")
    report = library.add_paths([folder])
    assert (report.new, report.changed, report.unchanged) == (0, 1, 4)
    assert library.search("Tadmur").hits[0].id == page.stem
    assert library.search("Arak").total == 0
    assert library.count() == 5


def test_a_new_file_is_added(library, seeds_dir, tmp_path):
    library.add_paths([seeds_dir])
    extra = tmp_path / "extra.txt"
    extra.write_text("Shelling in Hama\n\nShelling hit the outskirts of Hama on Monday, "
                     "activists said, killing three civilians in the countryside.\n")
    report = library.add_paths([seeds_dir, extra])
    assert (report.new, report.changed, report.unchanged) == (1, 0, 5)
    article = library.article("extra")
    assert article.title == "Shelling in Hama"


def test_same_stem_twice_in_one_run_gets_a_suffix(library, tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(f"Report {folder}\n\nBody from {folder}.\n")
    report = library.add_paths([tmp_path / "a", tmp_path / "b"])
    assert report.new == 2
    assert sorted(library.ids()) == ["report", "report~2"]


def test_skipped_inputs_do_not_stop_the_rest(library, seeds_dir, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    report = library.add_paths([seeds_dir, tmp_path / "empty.txt", tmp_path / "missing.csv"])
    assert report.new == 5
    assert [s.reason for s in report.skipped] == ["no such file or directory", "empty file"]


@pytest.mark.parametrize("query, expected", [
    ("Rastan AND Taqsis", {"000_1d8dfec3ee535e83", "001_cddafe3289ae453d"}),
    ("Bitcoin OR Magnier", set()),  # dropped boilerplate and bylines are not searchable
    ("Qalamun NOT Rastan", {"003_84e21071b25684eb"}),
    ('"Basilia City"', {"003_84e21071b25684eb"}),
    ("title:Battles", {"004_e0530f7fd10296e1"}),
    ("date:[2018-04-01 to 2018-04-30]", {"001_cddafe3289ae453d", "002_193f624956799aae"}),
    ("date:2018-04-23", {"002_193f624956799aae"}),
    ("Tahrir AND Mujahed*", {"002_193f624956799aae"}),
    ("evacuations", {"000_1d8dfec3ee535e83", "001_cddafe3289ae453d"}),  # stemmed
    ("Jaish AND (Douma OR Ghouta)", {"000_1d8dfec3ee535e83", "001_cddafe3289ae453d"}),
])
def test_query_syntax_on_the_seeds(library, seeds_dir, query, expected):
    library.add_paths([seeds_dir])
    results = library.search(query, limit=20, all_versions=True)
    assert {hit.id for hit in results.hits} == expected
    assert results.total == len(expected)


def test_stemming_and_accent_folding(library, tmp_path):
    page = tmp_path / "accent.txt"
    page.write_text("Fighting near Dayr az-Zawr\n\nReports of clashes near Dáyr az-Záwr "
                    "continued as fighters reported new positions on Tuesday.\n")
    library.add_paths([page])
    assert library.search("Zawr").total == 1
    assert library.search("report").total == 1  # "Reports", "reported"


def test_snippets_mark_the_hits(corpus_library):
    results = corpus_library.search("Jarabulus", limit=3)
    assert results.hits
    for hit in results.hits:
        marked = [hit.snippet_text[a:b] for a, b in hit.snippet_marks()]
        assert marked and all(m.lower() == "jarabulus" for m in marked)


def test_phrase_hits_are_marked_as_one_span(corpus_library):
    hit = corpus_library.search('"Jaish al-Islam"', limit=1).hits[0]
    marked = [hit.snippet_text[a:b] for a, b in hit.snippet_marks()]
    assert "Jaish al-Islam" in marked


def test_fakes_source_field_and_date_sort(corpus_library):
    results = corpus_library.search("source:reuters", limit=100)
    assert results.total == 26
    assert all(hit.source == "reuters" for hit in results.hits)
    by_date = corpus_library.search("Aleppo", limit=50, sort="date")
    dates = [hit.date for hit in by_date.hits]
    assert None not in dates[:40]
    assert dates[:40] == sorted(dates[:40], reverse=True)


@pytest.mark.parametrize("query", ["date:[foo to", "date:2018-13", "AND AND", "the", "(a OR"])
def test_malformed_queries_raise_a_readable_error(corpus_library, query):
    with pytest.raises(QueryError) as error:
        corpus_library.search(query)
    assert str(error.value)
    assert "Traceback" not in str(error.value)


def test_a_single_letter_asks_to_keep_typing(corpus_library):
    with pytest.raises(QueryError, match="keep typing"):
        corpus_library.search("D")


def test_empty_query_lists_newest_first(corpus_library):
    results = corpus_library.search("", limit=5)
    assert results.total == 809
    assert results.hits[0].date >= results.hits[-1].date  # undated pages come last


def test_article_and_raw_page(corpus_library, seeds_dir):
    article = corpus_library.article("002_193f624956799aae")
    assert article.date == "2018-04-23"
    raw = corpus_library.raw("002_193f624956799aae")
    assert raw == next(seeds_dir.glob("002_*.txt")).read_text(encoding="utf-8")
    assert corpus_library.article("nope") is None


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexMissing, match="wartui index"):
        Library(tmp_path / "none").search("Homs")


def test_index_of_another_schema_version_is_refused(library, seeds_dir):
    library.add_paths([seeds_dir])
    library.close()
    meta = library.index_dir / "wartui.json"
    meta.write_text(json.dumps({"schema": 0}))
    with pytest.raises(IndexVersionError, match="--rebuild"):
        Library(library.index_dir).search("Homs")
    meta.write_text("{garbage")
    with pytest.raises(IndexVersionError, match="damaged"):
        Library(library.index_dir).search("Homs")


def test_rebuild_starts_over(library, seeds_dir, tmp_path):
    library.add_paths([seeds_dir])
    page = tmp_path / "one.txt"
    page.write_text("One page\n\nA single page about Raqqa and its countryside after the battle.\n")
    report = library.add_paths([page], rebuild=True)
    assert report.new == 1
    assert library.ids() == ["one"]


def test_interrupted_write_is_repaired_without_doubles(library, seeds_dir):
    """Killed after the Whoosh commit but before the store commit: the next
    run must index those pages once, not twice."""
    library.add_paths([seeds_dir])
    library._store._db.execute("DELETE FROM articles WHERE id LIKE '00%'")
    library._store._db.commit()
    report = library.add_paths([seeds_dir])
    assert report.new == 5
    assert library.search("Taqsis").total == 2
    assert library._ix.doc_count() == 5


def test_facets_count_hits_by_source_and_month(corpus_library):
    facets = corpus_library.facets("Aleppo")
    assert facets.total == corpus_library.search("Aleppo").total
    assert sum(facets.sources.values()) == facets.total
    assert list(facets.sources)[0] == "ahram"  # most hits first
    assert list(facets.months) == sorted(facets.months)
    assert all(len(month) == 7 for month in facets.months)
    seeds = corpus_library.facets("Taqsis")
    assert seeds.sources == {"(unknown)": 2} and seeds.months == {"2018-04": 1}


@pytest.mark.parametrize("query, suggestion", [
    ("Aleppp", "Aleppo"),
    ("chemcal attack", "chemical attack"),
    ("Hayat Tahrir al-Shm", "Hayat Tahrir al-Sham"),
])
def test_did_you_mean(corpus_library, query, suggestion):
    assert corpus_library.search(query).total == 0 or query == "Hayat Tahrir al-Shm"
    assert corpus_library.suggest(query) == suggestion


def test_no_suggestion_for_known_words(corpus_library):
    assert corpus_library.suggest("Aleppo AND chemical") is None


def test_a_build_leaves_the_garbage_collector_as_it_found_it(tmp_path, seeds_dir, monkeypatch):
    """A build turns Python's automatic garbage collection off (it runs it
    per batch): it must be on again afterwards, or the app would keep every
    reference cycle it makes from then on; also when the build fails."""
    import gc

    from wartui.search.writer import IndexBatch

    assert gc.isenabled()
    library = Library(tmp_path / "index")
    assert library.add_paths([seeds_dir]).new == 5
    assert gc.isenabled()

    def broken(self, fields, known):
        assert not gc.isenabled()  # (off while it builds)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(IndexBatch, "add", broken)
    changed = tmp_path / "changed.txt"
    changed.write_text("A new report\n\nShelling hit the old city of Aleppo on Monday.\n")
    with pytest.raises(RuntimeError):
        library.add_paths([changed])
    assert gc.isenabled()
    gc.disable()
    try:
        monkeypatch.undo()
        library.add_paths([changed])
        assert not gc.isenabled()  # left off, as it was found
    finally:
        gc.enable()
