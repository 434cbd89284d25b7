"""Reading a query as people who use search boxes mean it (search/syntax.py),
on FA-KES: `-word` excludes, `+word` requires, fields, dates and entity ids
are checked, and while typing the last word is a prefix."""

from __future__ import annotations

import pytest

from wartui.cli import main
from wartui.errors import KeepTyping, QueryError


def total(library, query: str, typing: bool = False) -> int:
    return library.search(query, limit=1, typing=typing).total


def ids(library, query: str, typing: bool = False) -> set[str]:
    return {hit.id for hit in library.search(query, limit=1000, typing=typing,
                                             all_versions=True).hits}


def refusal(library, query: str, typing: bool = False) -> str:
    with pytest.raises(QueryError) as error:
        library.search(query, typing=typing)
    return str(error.value)


# -- exclusion and requirement ----------------------------------------------------------

def test_minus_excludes_a_word(corpus_library):
    douma = ids(corpus_library, "Douma")
    with_ghouta = ids(corpus_library, "Douma Ghouta")
    assert with_ghouta and with_ghouta < douma  # (a real difference on FA-KES)
    assert ids(corpus_library, "Douma -Ghouta") == douma - with_ghouta


def test_minus_excludes_a_field_value(corpus_library):
    deir = ids(corpus_library, "Deir ez-Zor")
    sputnik = ids(corpus_library, "Deir ez-Zor source:sputnik")
    assert sputnik
    without = corpus_library.search("Deir ez-Zor -source:sputnik", limit=200, all_versions=True)
    assert {hit.id for hit in without.hits} == deir - sputnik
    assert all(hit.source != "sputnik" for hit in without.hits)


def test_minus_excludes_a_phrase_and_plus_requires(corpus_library):
    douma = ids(corpus_library, "Douma")
    jaish = ids(corpus_library, 'Douma "Jaish al-Islam"')
    assert jaish and ids(corpus_library, 'Douma -"Jaish al-Islam"') == douma - jaish
    assert ids(corpus_library, "Douma +Ghouta") == ids(corpus_library, "Douma Ghouta")
    # a hyphen inside a word is not a minus
    assert total(corpus_library, "Deir ez-Zor") > 0
    # alone, a minus leaves everything else
    assert total(corpus_library, "-Douma") == corpus_library.count() - len(douma)


# -- messages ---------------------------------------------------------------------------

def test_an_unknown_field_is_named(corpus_library):
    message = refusal(corpus_library, "foo:bar")
    assert message.startswith("there is no field 'foo'; the fields are title, body, source")


def test_an_unknown_entity_id_suggests_close_ones(corpus_library):
    assert "did you mean entity:deir-ez-zor" in refusal(corpus_library, "entity:deir-ez-zorr")
    assert "did you mean entity:deir-ez-zor" in refusal(corpus_library, 'entity:"Deir ez-Zor"')
    assert refusal(corpus_library, "entity:nonexistant").startswith(
        "no entity has the id 'nonexistant'")
    assert total(corpus_library, "entity:deir-ez-zor") > 0


def test_dates_are_read_as_written_or_refused(corpus_library):
    may = ids(corpus_library, "date:2017-05")
    assert may and ids(corpus_library, "date:2017-5") == may
    assert len(ids(corpus_library, "date:2017")) > len(may)  # not all of 2017
    assert corpus_library.search("date:2017-5").searched == "date:2017-05"
    assert refusal(corpus_library, "date:2017-02-30") == (
        "2017-02-30 is not a date: February 2017 has 28 days")
    assert refusal(corpus_library, "date:2017-13") == "2017-13 is not a date: there is no month 13"
    assert refusal(corpus_library, "date:April 2017").startswith(
        "cannot read the date 'April': for April 2017 write date:2017-04")
    assert "ranges as date:[" in refusal(corpus_library, "date:yesterday")
    assert ids(corpus_library, "date:[2017-4 to 2017-5]") == \
        ids(corpus_library, "date:[2017-04-01 to 2017-05-31]")


def test_an_open_quote_is_refused_from_the_command_line(corpus_library):
    assert refusal(corpus_library, '"Jaish al-Isl') == (
        "a quote is left open: '\"Jaish al-Isl' needs its closing quote")
    assert refusal(corpus_library, "date:[2017 to").startswith("a date range is left open")


@pytest.mark.parametrize("query", ["foo:bar", "entity:nonexistant", "date:2017-02-30",
                                   "date:April 2017", '"Jaish al-Isl'])
def test_the_cli_exits_2_with_one_line(corpus_library, capsys, query):
    status = main(["--index-dir", str(corpus_library.index_dir), "search", query])
    out, err = capsys.readouterr()
    assert status == 2 and err.startswith("wartui: ") and err.count("\n") == 1
    assert "Traceback" not in err and "invalid literal" not in err


def test_the_cli_keeps_words_whole_and_says_what_it_searched(corpus_library, capsys):
    assert total(corpus_library, "chem") == 0  # the word "chem", not a prefix
    main(["--index-dir", str(corpus_library.index_dir), "search", "date:2017-5"])
    assert "(searched as date:2017-05)" in capsys.readouterr().out


def test_oldest_first(corpus_library, capsys):
    newest = corpus_library.search("Aleppo", limit=20, sort="date").hits
    oldest = corpus_library.search("Aleppo", limit=20, sort="oldest").hits
    assert [h.date for h in newest] == sorted([h.date for h in newest], reverse=True)
    assert [h.date for h in oldest] == sorted([h.date for h in oldest])
    assert oldest[0].date < newest[0].date
    main(["--index-dir", str(corpus_library.index_dir), "search", "Aleppo", "--sort", "oldest",
          "--json", "--limit", "3"])
    assert '"date": "2011' in capsys.readouterr().out


# -- typing: the last word is a prefix ------------------------------------------------------

def test_typing_a_name_letter_by_letter_never_empties_the_results(corpus_library):
    typed = "Deir ez-Zor"
    counts = {}
    for end in range(2, len(typed) + 1):
        try:
            counts[typed[:end]] = total(corpus_library, typed[:end], typing=True)
        except KeepTyping:
            counts[typed[:end]] = "keep typing"
    assert all(count != 0 for count in counts.values()), counts
    assert counts["Deir ez-Zor"] == total(corpus_library, "Deir ez-Zor")  # the name, expanded
    reading = corpus_library.read_query("Deir ez-Zo", typing=True)
    assert reading.shown == "Deir ez-Zo*" and reading.prefix == "Zo"


@pytest.mark.parametrize("typed", ["chem", "chemi", "chemic", "chemica", "chemical"])
def test_a_prefix_runs_past_the_stem(corpus_library, typed):
    """The index holds "chemical" as `chemic`: chemica* alone finds nothing."""
    found = ids(corpus_library, typed, typing=True)
    assert found >= ids(corpus_library, "chemical")


def test_evacuation_typed(corpus_library):
    for end in range(3, len("evacuation") + 1):
        assert total(corpus_library, "evacuation"[:end], typing=True) >= \
            total(corpus_library, "evacuation")


def test_an_open_phrase_is_closed_with_its_last_word_a_prefix(corpus_library):
    phrase = ids(corpus_library, '"Jaish al-Islam"')
    typed = ids(corpus_library, '"Jaish al-Isl', typing=True)
    assert phrase and phrase <= typed
    reading = corpus_library.read_query('"Jaish al-Isl', typing=True)
    assert reading.shown == '"Jaish al-Isl*"'


def test_a_word_followed_by_a_space_is_whole(corpus_library):
    assert total(corpus_library, "chem ", typing=True) == 0
    assert corpus_library.read_query("Douma ", typing=True).shown == "Douma "
    assert corpus_library.read_query("Assad's", typing=True).prefix == ""


def test_a_date_being_typed_is_read_up_to_its_last_complete_part(corpus_library):
    assert corpus_library.read_query("date:2017-0", typing=True).shown == "date:2017"
    assert corpus_library.read_query("date:2017-05-3", typing=True).shown == "date:2017-05-03"
    assert corpus_library.read_query("Aleppo date:20", typing=True).shown == "Aleppo "
    assert corpus_library.read_query("entity:deir-e", typing=True).shown == "entity:deir-e*"


def test_a_short_prefix_standing_for_too_many_words_says_keep_typing(corpus_library,
                                                                     monkeypatch):
    from wartui.search import limits

    monkeypatch.setattr(limits, "MAX_EXPANSION", 20)
    with pytest.raises(KeepTyping, match="keep typing: 'c' stands for too many words"):
        corpus_library.search("Aleppo c", typing=True)
    assert total(corpus_library, "Aleppo chemica", typing=True) > 0


def test_did_you_mean_waits_for_a_finished_word(corpus_library):
    assert corpus_library.suggest("Rastn", typing=True) is None  # being typed
    assert corpus_library.suggest("Rastn ", typing=True) == "Rastan "
    assert corpus_library.suggest("Rastn") == "Rastan"
