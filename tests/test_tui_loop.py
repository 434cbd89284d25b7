"""The search-and-read loop (issue 19), driven by the keys an analyst uses:
typing that never empties the list, operators, messages, focus after going
back, the back stack after a pivot, escape one step at a time, `/` in an
article, the footer's way out in every state.

On the seeds (`seed_index`) and FA-KES (`corpus_library`), with the helpers
of test_tui.py.
"""

from __future__ import annotations

import pytest

from test_tui import (crafted_index, run, screen_text, seed_index, settle,  # noqa: F401
                      type_query)
from wartui.tui.app import WartuiApp
from wartui.tui.screens.document import DocumentScreen
from wartui.tui.screens.help import HelpScreen
from wartui.tui.screens.search import SearchScreen
from wartui.tui.widgets.entity_panel import EntityPanel
from wartui.tui.widgets.passage_view import PassageView
from wartui.tui.widgets.results import ResultList
from textual_view import notifications


def status(app) -> str:
    return str(app.screen.query_one("#status").render())


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


async def press_each(pilot, keys: str) -> list[str]:
    """Type `keys` one at a time, waiting for each one's results; the status
    line after each."""
    seen = []
    for key in keys:
        await pilot.press(key)
        await settle(pilot, quiet=0.05)
        seen.append(status(pilot.app))
    return seen


# -- typing: the last word is a prefix, the list never empties -----------------------------

@pytest.mark.parametrize("typed", ["Deir ez-Zor", "chemical", "evacuation"])
def test_typing_letter_by_letter_never_shows_no_results(corpus_library, typed):
    app = WartuiApp(corpus_library.index_dir)

    async def scenario(pilot):
        seen = await press_each(pilot, typed)
        for text, line in zip((typed[:n + 1] for n in range(len(typed))), seen):
            assert "No results" not in line, (text, line)
            assert "reports" in line or "keep typing" in line, (text, line)
        assert pilot.app.screen.query_one(ResultList).hits

    run(app, scenario)


def test_the_app_shows_the_query_it_searched(corpus_library):
    app = WartuiApp(corpus_library.index_dir)

    async def scenario(pilot):
        await press_each(pilot, "Deir ez-Zo")
        assert "reports for Deir ez-Zo* · by relevance" in status(pilot.app)
        await press_each(pilot, "r")  # the name is whole: every spelling of it
        assert "for" not in status(pilot.app)
        await press_each(pilot, ' "Jaish al-Isl')
        assert 'for Deir ez-Zor "Jaish al-Isl*"' in status(pilot.app)
        # an article opened from a prefix's results marks what the prefix found
        await pilot.press("end", "ctrl+u")  # the box emptied
        await type_query(pilot, "chemica")
        await pilot.press("enter")
        await settle(pilot)
        view = pilot.app.screen.query_one(PassageView)
        assert view.mark_count and "chemica*" == pilot.app.screen.search_query

    run(app, scenario)


def test_a_prefix_too_short_keeps_the_results_and_says_keep_typing(corpus_library,
                                                                  monkeypatch):
    from wartui.search import limits

    monkeypatch.setattr(limits, "MAX_EXPANSION", 20)  # (FA-KES has few words)
    app = WartuiApp(corpus_library.index_dir)

    async def scenario(pilot):
        await type_query(pilot, "Aleppo")
        hits = pilot.app.screen.query_one(ResultList).hits
        await type_query(pilot, " c")
        assert "keep typing: 'c' stands for too many words to search yet" in status(pilot.app)
        assert "(the results of Aleppo stay)" in status(pilot.app)
        assert pilot.app.screen.query_one(ResultList).hits == hits
        await type_query(pilot, "hemica")
        assert "reports for Aleppo chemica*" in status(pilot.app)

    run(app, scenario)


# -- operators and messages -------------------------------------------------------------------

def test_minus_excludes_in_the_app(corpus_library):
    app = WartuiApp(corpus_library.index_dir)
    douma = corpus_library.search("Douma").total
    both = corpus_library.search("Douma Ghouta").total

    async def scenario(pilot):
        await type_query(pilot, "Douma -Ghouta ")
        assert status(pilot.app).startswith(f"{douma - both} reports")
        await pilot.press("end", "ctrl+u")  # the box emptied
        await type_query(pilot, "Deir ez-Zor -source:sputnik ")
        hits = pilot.app.screen.query_one(ResultList).hits
        assert hits and all(hit.source != "sputnik" for hit in hits)

    run(app, scenario)


@pytest.mark.parametrize("query, message", [
    ("foo:bar ", "there is no field 'foo'; the fields are title, body, source"),
    ("entity:deir-ez-zorr ", "did you mean entity:deir-ez-zor"),
    ("date:2017-02-30 ", "2017-02-30 is not a date: February 2017 has 28 days"),
    ("date:April 2017", "for April 2017 write date:2017-04"),
])
def test_a_query_that_cannot_mean_what_it_says_gets_a_message(corpus_library, query,
                                                               message):
    app = WartuiApp(corpus_library.index_dir)

    async def scenario(pilot):
        await type_query(pilot, query)
        assert message in screen_text(pilot.app)
        assert pilot.app.screen.query_one("#status").has_class("-error")

    run(app, scenario)


def test_ctrl_t_sorts_by_relevance_newest_and_oldest_first(corpus_library):
    app = WartuiApp(corpus_library.index_dir)

    async def scenario(pilot):
        await type_query(pilot, "Aleppo ")
        assert "by relevance" in status(pilot.app)
        for sort, name in (("date", "newest first"), ("oldest", "oldest first")):
            await pilot.press("ctrl+t")
            await settle(pilot)
            assert pilot.app.screen.sort == sort and name in status(pilot.app)
            dates = [hit.date for hit in pilot.app.screen.query_one(ResultList).hits]
            assert dates == sorted(dates, reverse=sort == "date")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "by relevance" in status(pilot.app)

    run(app, scenario)


# -- q, focus, the footer ---------------------------------------------------------------------

def test_q_after_enter_in_the_box_goes_back_and_never_types(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "Douma")
        await pilot.press("enter")  # opens the first result, from the box
        await settle(pilot)
        assert isinstance(pilot.app.screen, DocumentScreen)
        await pilot.press("q")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, SearchScreen)
        assert pilot.app.focused is screen.query_one(ResultList)
        await pilot.press("escape")  # nothing to go back to: nothing happens
        await pilot.press("q")
        await pilot.pause()
        assert screen.query_text == "Douma"
        assert pilot.app.return_code == 0

    run(app, scenario)


def test_q_after_the_palette_neither_types_nor_replaces_the_query(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "Douma")
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"001_cdd")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DocumentScreen)
        await pilot.press("q")
        await settle(pilot)
        assert pilot.app.screen.query_text == "Douma"
        assert pilot.app.focused is pilot.app.screen.query_one(ResultList)
        await pilot.press("slash")  # the box, with its text, not selected
        await pilot.press("s")
        assert pilot.app.screen.query_text == "Doumas"

    run(app, scenario)


def test_the_footer_shows_how_to_quit_in_every_state(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        def check(where: str) -> None:
            line = footer(pilot.app)
            assert "Quit" in line and "Help" in line, (where, line)
            assert len(line.rstrip()) <= 80, (where, line)

        check("the box")
        assert "^q Quit" in footer(pilot.app)  # q is a letter there
        await type_query(pilot, "Deir ez-Zor")
        await pilot.press("down")
        check("the results")
        assert "q Quit" in footer(pilot.app) and "^q" not in footer(pilot.app)
        await pilot.press("enter")
        await settle(pilot)
        check("an article")
        await pilot.press("e")
        await settle(pilot)
        check("the entity panel")
        assert "Back" in footer(pilot.app)
        await pilot.press("escape", "r")
        await settle(pilot)
        check("the raw page")
        await pilot.press("r", "slash")
        check("find")
        await pilot.press("escape", "question_mark")
        await settle(pilot)
        check("help")
        await pilot.press("escape", "v")
        await settle(pilot)
        check("versions")
        await pilot.press("enter")
        await settle(pilot)
        check("diff")

    run(app, scenario, size=(80, 24))


# -- back: one step at a time, and a stack after a pivot -----------------------------------------

def test_escape_after_an_entity_pivot_returns_to_the_article_and_the_query(crafted_index):
    app = WartuiApp(crafted_index)

    async def scenario(pilot):
        await type_query(pilot, "Geneva")
        await pilot.press("down", "enter")
        await settle(pilot)
        article = pilot.app.screen
        assert isinstance(article, DocumentScreen) and article.doc_id == "long"
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("space", "space", "j")  # (the panel has the focus: the text
        scrolled = article.query_one(PassageView).scroll_y  # scrolls all the same)
        assert scrolled > 10
        panel = article.query_one(EntityPanel)
        while panel._entries[panel.highlighted_option.id].name != "Idlib":
            await pilot.press("j")
        await pilot.press("enter")  # search the corpus for Idlib
        await settle(pilot)
        search = pilot.app.screen
        assert isinstance(search, SearchScreen) and search.query_text == "entity:idlib"
        assert "Back" in footer(pilot.app)
        await pilot.press("escape")  # back to the article, as it was
        await settle(pilot)
        assert pilot.app.screen is article and article.doc_id == "long"
        assert article.query_one(PassageView).scroll_y == scrolled
        assert article.entities_shown
        await pilot.press("escape")  # the entity panel closes first
        assert not article.entities_shown and pilot.app.screen is article
        await pilot.press("escape")  # then the search it was opened from
        await settle(pilot)
        assert pilot.app.screen is search and search.query_text == "Geneva"
        assert search.query_one(ResultList).highlighted_hit().id == "long"
        assert "Back" not in footer(pilot.app)  # nothing further back

    run(app, scenario)


def test_escape_leaves_the_raw_page_the_panel_and_a_find_for_the_article(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "Rastan")
        await pilot.press("enter")
        await settle(pilot)
        article = pilot.app.screen
        await pilot.press("r")
        await settle(pilot)
        assert "RAW PAGE" in screen_text(pilot.app)
        await pilot.press("escape")
        assert pilot.app.screen is article and "ARTICLE" in screen_text(pilot.app)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("q")  # q is escape here
        assert pilot.app.screen is article and not article.entities_shown
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, SearchScreen)

    run(app, scenario)


# -- in an article ----------------------------------------------------------------------------

def test_slash_finds_in_the_article_and_n_steps_through_the_matches(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "Rastan")
        await pilot.press("enter")
        await settle(pilot)
        article = pilot.app.screen
        view = article.query_one(PassageView)
        hits = view.mark_count
        await pilot.press("slash", *"syrian")
        await settle(pilot)
        assert article.found == "syrian" and view.mark_count > 1
        assert view.mark_count != hits
        assert "find 'syrian' · 1/" in screen_text(pilot.app)
        await pilot.press("enter")  # keep the matches; n/N step through them
        await pilot.press("n")
        assert view.current_mark == 1
        assert "n Next match" in footer(pilot.app)
        await pilot.press("N", "N")
        assert view.current_mark == view.mark_count - 1
        await pilot.press("escape")  # the find goes, the search's hits come back
        assert pilot.app.screen is article and view.mark_count == hits
        assert "n Next hit" in footer(pilot.app)
        # on the raw page n steps through dropped lines, and says so
        await pilot.press("r")
        await settle(pilot)
        assert "n Next dropped" in footer(pilot.app) and "Next hit" not in footer(pilot.app)
        # / on the search screen still focuses the box
        await pilot.press("escape", "escape", "slash")
        assert pilot.app.focused.id == "query"

    run(app, scenario)


def test_escape_in_the_find_line_cancels_it(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        pilot.app.open_document("002_193f624956799aae", "Deir ez-Zor", {"deir-ez-zor"})
        await settle(pilot)
        view = pilot.app.screen.query_one(PassageView)
        hits = view.mark_count
        await pilot.press("slash", *"qq")  # typed into the find line, never back
        assert isinstance(pilot.app.screen, DocumentScreen)
        await pilot.press("escape")
        assert view.mark_count == hits and view.scroll_y == 0
        assert not pilot.app.screen.found
        assert pilot.app.focused is view

    run(app, scenario)


def test_shift_n_on_an_article_just_opened_is_its_last_hit(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "Rastan")
        await pilot.press("enter")
        await settle(pilot)
        view = pilot.app.screen.query_one(PassageView)
        assert view.mark_count > 3
        await pilot.press("N")
        assert view.current_mark == view.mark_count - 1

    run(app, scenario)


def test_the_entity_panel_headings_are_plurals(corpus_library):
    app = WartuiApp(corpus_library.index_dir)

    async def scenario(pilot):
        await type_query(pilot, "entity:turkey entity:russia ")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        text = screen_text(pilot.app)
        assert "COUNTRIES (" in text and "COUNTRYS" not in text

    run(app, scenario)


def test_help_keys_scroll_it(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        scroll = pilot.app.screen.query_one("#help")
        await pilot.press("space")
        assert scroll.scroll_y > 0
        await pilot.press("G")
        assert scroll.scroll_y == scroll.max_scroll_y > 0
        await pilot.press("b")
        assert scroll.scroll_y < scroll.max_scroll_y
        await pilot.press("g")
        assert scroll.scroll_y == 0

    run(app, scenario, size=(80, 24))


# -- the filters: the facet line and its chips -------------------------------------------------

def test_sources_and_months_are_picked_from_the_facet_line_as_chips(corpus_library):
    from wartui.tui.widgets.chips import ChipBar
    from wartui.tui.widgets.facets import FacetBar

    app = WartuiApp(corpus_library.index_dir)

    async def scenario(pilot):
        await type_query(pilot, "Aleppo ")
        screen = pilot.app.screen
        facets = screen.query_one(FacetBar)
        await pilot.press("tab")  # into the facet line (no chip yet)
        assert pilot.app.focused is facets
        second = facets.sources[1]
        await pilot.press("right", "enter")  # only the second source
        await settle(pilot)
        chip = f'source:"{second}"'
        assert f"only  {chip} ✕" in screen_text(pilot.app)
        hits = screen.query_one(ResultList).hits
        assert hits and {hit.source for hit in hits} == {second}
        expected = corpus_library.search("Aleppo", filters=[chip]).total
        assert status(pilot.app).startswith(f"{expected} reports")
        # the line still offers every source: one more, then one left out
        third = facets.sources[2]
        await pilot.press("right", "enter")
        await settle(pilot)
        both = corpus_library.search("Aleppo", filters=[f'({chip} OR source:"{third}")']).total
        assert status(pilot.app).startswith(f"{both} reports")
        await pilot.press("left", "minus")  # the second source: left out instead
        await settle(pilot)
        assert f'-source:"{second}"' in screen_text(pilot.app)
        assert all(hit.source == third for hit in screen.query_one(ResultList).hits)
        # the chips: up from the line, backspace removes the one chosen
        await pilot.press("up")
        chips = screen.query_one(ChipBar)
        assert pilot.app.focused is chips and len(chips.filters) == 2
        await pilot.press("backspace", "backspace")
        await settle(pilot)
        assert not chips.filters and not chips.display
        assert pilot.app.focused.id == "query"
        assert status(pilot.app).startswith(f"{corpus_library.search('Aleppo').total} reports")
        # a range of months from the sparkline's bars: the busiest and the one before
        bars = facets.month_bars
        busiest = max(range(len(bars)), key=lambda i: bars[i].hits)
        await pilot.press("tab", "G", *["left"] * (len(bars) - 1 - busiest), "shift+left",
                          "enter")
        await settle(pilot)
        month_chip = f"date:[{bars[busiest - 1].first} to {bars[busiest].last}]"
        assert month_chip in screen_text(pilot.app)
        hits = screen.query_one(ResultList).hits
        assert hits and all(bars[busiest - 1].first <= hit.date[:7] <= bars[busiest].last
                            for hit in hits)
        expected = bars[busiest - 1].hits + bars[busiest].hits
        assert status(pilot.app).startswith(f"{expected} reports")

    run(app, scenario, size=(120, 30))


def test_the_facet_line_leaves_no_separator_dangling(corpus_library):
    from wartui.tui.widgets.facets import FacetBar

    app = WartuiApp(corpus_library.index_dir)

    async def scenario(pilot):
        for query in ("Aleppo ", "Douma ", "entity:damascus "):
            await pilot.press("end", "ctrl+u")
            await type_query(pilot, query)
            line = str(pilot.app.screen.query_one(FacetBar).render())
            sources = line.split("  ")[0].rstrip()
            assert sources and not sources.endswith("·"), line
            assert " · +" in sources and sources.endswith("more"), line

    run(app, scenario, size=(80, 24))


# -- the entity browser ------------------------------------------------------------------------

def test_the_entity_browser_adds_an_entity_to_the_query(corpus_library):
    app = WartuiApp(corpus_library.index_dir)

    async def scenario(pilot):
        await type_query(pilot, "Aleppo ")
        await pilot.press("down", "e")
        await settle(pilot)
        assert "ENTITIES of the results for Aleppo" in screen_text(pilot.app)
        listing = pilot.app.screen.query_one("#browser-list")
        text = "\n".join(str(listing.get_option_at_index(i).prompt)
                         for i in range(listing.option_count))
        assert "PLACES (" in text and "ARMED GROUPS (" in text and "PEOPLE (" in text
        top = corpus_library.result_entities("Aleppo")
        damascus = dict((e.id, n) for e, n in top["place"])["damascus"]
        assert f"Damascus ×{damascus}  entity:damascus" in text
        while "entity:damascus" not in str(pilot.app.focused.highlighted_option.prompt):
            await pilot.press("j")
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, SearchScreen)
        assert screen.query_text == "Aleppo entity:damascus "  # added, not replaced
        assert status(pilot.app).startswith(f"{damascus} reports")
        assert pilot.app.focused is screen.query_one(ResultList)

    run(app, scenario)


# -- history and saved searches, across app runs ---------------------------------------------

def test_query_history_is_kept_across_app_runs(seed_index, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    async def first(pilot):
        for query in ("Rastan", "Deir ez-Zor"):
            await pilot.press("end", "ctrl+u")
            await type_query(pilot, query)
            await pilot.press("enter")  # opened: remembered
            await settle(pilot)
            await pilot.press("escape", "slash")
            await settle(pilot)

    run(WartuiApp(seed_index), first)
    assert list((tmp_path / "state" / "wartui" / "history").iterdir())

    async def second(pilot):
        screen = pilot.app.screen
        await pilot.press("up")  # in the empty box: the newest first
        assert screen.query_text == "Deir ez-Zor"
        await pilot.press("up")
        assert screen.query_text == "Rastan"
        await pilot.press("down")
        assert screen.query_text == "Deir ez-Zor"
        await pilot.press("down")  # past the newest: the empty box again
        assert screen.query_text == ""
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "QUERY HISTORY" in screen_text(pilot.app)
        await pilot.press(*"rast", "enter")
        await settle(pilot)
        assert screen.query_text == "Rastan" and screen.shown_query == "Rastan"
        assert pilot.app.focused.id == "query"
        await pilot.press("up")  # not an empty box, nor a query recalled: stays
        assert screen.query_text == "Rastan"

    run(WartuiApp(seed_index), second)


def test_a_saved_search_counts_the_reports_new_since_it_was_opened(tmp_path, monkeypatch,
                                                                   seeds_dir):
    import shutil

    from wartui.library import Library

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    pages = tmp_path / "pages"
    shutil.copytree(seeds_dir, pages)
    index_dir = tmp_path / "ix"
    with Library(index_dir) as library:
        library.add_paths([pages])

    async def save(pilot):
        await type_query(pilot, "Deir ez-Zor")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Save this search" in screen_text(pilot.app)
        await pilot.press(*"deir")  # the name, typed over the one offered
        await pilot.press("enter")
        await settle(pilot)
        assert any("Saved 'deir'" in n for n in notifications(pilot.app))

    run(WartuiApp(index_dir), save)
    (pages / "new.txt").write_text("Shelling in Deir ez-Zor\n\nThe town of Deir ez-Zor was "
                                   "shelled again on Monday, residents said.\n")
    with Library(index_dir) as library:
        assert library.add_paths([pages]).new == 1

    async def reopen(pilot):
        screen = pilot.app.screen
        await pilot.press("ctrl+o")
        await settle(pilot)
        text = screen_text(pilot.app)
        assert "deir · 4 reports · 1 new" in text, text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SearchScreen)
        assert screen.query_text == "Deir ez-Zor" and screen.shown_query == "Deir ez-Zor"
        await pilot.press("ctrl+o")  # opened: nothing new any more
        await settle(pilot)
        assert "deir · 4 reports" in screen_text(pilot.app)
        assert "new" not in screen_text(pilot.app).split("deir")[1].splitlines()[0]

    run(WartuiApp(index_dir), reopen)


# -- a mistyped --index-dir -----------------------------------------------------------------

async def until(condition, seconds: float = 10.0) -> None:
    import asyncio

    for _ in range(int(seconds * 20)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not within {seconds} s")


def run_asking(app: WartuiApp, scenario) -> None:
    """As `run`, without waiting for the workers first: the one that starts
    the app waits for the reader's answer."""
    import asyncio

    async def main() -> None:
        async with app.run_test(size=(100, 32)) as pilot:
            await until(lambda: type(pilot.app.screen).__name__ == "NoIndexScreen")
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(main())


def test_a_named_folder_that_does_not_exist_is_said_and_not_created(tmp_path):
    missing = tmp_path / "nope"
    app = WartuiApp(missing, ask_before_building=True)

    async def scenario(pilot):
        from textual.widgets import Static

        text = " ".join(str(w.render()) for w in pilot.app.screen.query(Static))
        assert f"There is no folder {missing}. Was it mistyped?" in text
        assert "There is no folder" in screen_text(pilot.app)
        assert "Build the seed index here" in footer(pilot.app)
        await pilot.press("q")
        await pilot.pause()

    run_asking(app, scenario)
    assert app.return_code == 1 and not missing.exists()


def test_a_named_folder_gets_the_seed_index_when_asked(tmp_path):
    missing = tmp_path / "nope"
    app = WartuiApp(missing, ask_before_building=True)

    async def scenario(pilot):
        await pilot.press("enter")
        await until(lambda: pilot.app.library_ready, seconds=60)
        await settle(pilot)
        assert isinstance(pilot.app.screen, SearchScreen)
        assert len(pilot.app.screen.query_one(ResultList).hits) == 4

    run_asking(app, scenario)
    assert (missing / "wartui.json").exists()


def test_the_help_fits_80_columns_and_explains_the_facet_line(seed_index):
    import io

    from rich.console import Console

    from wartui.tui.screens.help import QUERY_SYNTAX

    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await pilot.press("f1")
        await settle(pilot)
        help_screen = pilot.app.screen
        width = help_screen.query_one("#help-text").size.width
        assert width <= 78
        console = Console(width=width, record=True, file=io.StringIO())
        console.print(help_screen.document())
        text = console.export_text()
        assert all(len(line.rstrip()) <= width for line in text.splitlines())
        assert "…" not in text  # nothing cut
        for example, _ in QUERY_SYNTAX:
            assert example in text, example
        flat = " ".join(text.split())
        assert "sparkline of the results by month" in flat
        assert "backspace removes one" in flat
        # and on screen, scrolled to the syntax table, the rows are whole
        while "Query syntax" not in screen_text(pilot.app):
            await pilot.press("space")
        assert "-source:sputnik" in screen_text(pilot.app)

    run(app, scenario, size=(80, 24))


def test_a_query_recalled_is_read_as_it_was_typed(corpus_library, tmp_path, monkeypatch):
    """"chemical weap", opened from its results, recalled: the same results
    (its last word still a prefix), not "No results" for the word "weap"."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    app = WartuiApp(corpus_library.index_dir)

    async def scenario(pilot):
        await type_query(pilot, "chemical weap")
        found = status(pilot.app)
        assert "reports for chemical weap*" in found
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape", "slash", "ctrl+u")
        await settle(pilot)
        await pilot.press("up")
        await settle(pilot)
        assert pilot.app.screen.query_text == "chemical weap"
        assert status(pilot.app) == found

    run(app, scenario)


def test_the_palette_offers_the_search_screens_lists(seed_index, tmp_path, monkeypatch):
    from test_tui import run_command

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "Deir ez-Zor")
        await run_command(pilot, "Entities of these")
        assert "ENTITIES of the results for Deir ez-Zor" in screen_text(pilot.app)
        await pilot.press("escape")
        await run_command(pilot, "Saved searches")
        assert "No saved search yet" in screen_text(pilot.app)
        await pilot.press("escape")
        await run_command(pilot, "Query history")
        assert "QUERY HISTORY" in screen_text(pilot.app)

    run(app, scenario)


def test_g_and_shift_g_in_the_lists(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        results = pilot.app.screen.query_one(ResultList)
        await pilot.press("down", "G")
        assert results.highlighted == len(results.hits) - 1
        await pilot.press("g")
        assert results.highlighted == 0
        pilot.app.open_document("002_193f624956799aae")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        panel = pilot.app.screen.query_one(EntityPanel)
        await pilot.press("G")
        assert panel.highlighted == panel.option_count - 1
        await pilot.press("g")
        assert panel.highlighted == 1  # (0 is a heading)

    run(app, scenario)


def test_escape_from_a_diff_and_the_versions_returns_to_the_article_where_it_was(
        crafted_index, seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "Rastan")
        await pilot.press("enter")
        await settle(pilot)
        article = pilot.app.screen
        view = article.query_one(PassageView)
        await pilot.press("j", "j", "j")
        scrolled = view.scroll_y
        assert scrolled == 3
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("enter")  # the diff
        await settle(pilot)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert pilot.app.screen is article and view.scroll_y == scrolled
        await pilot.press("escape")
        assert pilot.app.screen.query_text == "Rastan"

    run(app, scenario, size=(100, 20))


# -- keys that arrive together (over SSH, a paste, tmux send-keys) ---------------------------

def burst(app, keys: str) -> None:
    """`keys` delivered at once, as a terminal's read hands them to the app
    over a slow link: every key queued before the first is handled."""
    from textual import events

    for key in keys:
        event = events.Key("slash" if key == "/" else key, key)
        event.set_sender(app)  # (as Pilot's keys, from the app's driver)
        app.post_message(event)


def test_keys_typed_after_slash_in_one_burst_go_to_the_box(seed_index):
    """`/Aleppo` typed fast from the results: all of it in the box, none of
    it taken as a results key (`e` opened the entity browser)."""
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "Syria")
        await pilot.press("down")
        await settle(pilot)
        assert isinstance(pilot.app.focused, ResultList)
        burst(pilot.app, "/Aleppo")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SearchScreen)
        assert pilot.app.focused.id == "query"
        assert pilot.app.focused.value == "SyriaAleppo"

    run(app, scenario)


def test_keys_typed_after_slash_in_one_burst_go_to_the_find_line(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "Rastan")
        await pilot.press("enter")
        await settle(pilot)
        article = pilot.app.screen
        assert isinstance(article, DocumentScreen)
        burst(pilot.app, "/syrian")
        await settle(pilot)
        assert pilot.app.screen is article and article.found == "syrian"

    run(app, scenario)
