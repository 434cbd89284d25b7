"""The Textual app, driven by the keys of DESIGN.md's keyboard map.

Each test runs the real app headless on a small index (the five seeds,
built once per session) and asserts on what the screens show.
"""

from __future__ import annotations

import asyncio
import gc
import weakref
import io
import os
from pathlib import Path

import pytest
from textual import events
from rich.console import Console

from wartui.library import Library
from wartui.tui.app import WartuiApp
from wartui.tui.passages import Passage, Span, line_text, wrap
from wartui.tui.reading import (article_passages, entity_entries, find_hits, hit_terms,
                                raw_passages, safe_passage)
from wartui.tui.screens.diff import DiffScreen
from wartui.tui.screens.document import DocumentScreen
from wartui.tui.screens.help import HelpScreen
from wartui.tui.screens.indexing import IndexingScreen
from wartui.tui.screens.search import Request, SearchScreen
from wartui.tui.screens.versions import VersionsScreen
from wartui.tui.widgets.diff_view import DiffView
from wartui.tui.widgets.entity_panel import EntityPanel
from wartui.tui.widgets.facets import FacetBar, month_series
from wartui.tui.widgets.passage_view import PassageView
from wartui.tui.widgets.results import ResultList
from wartui.tui.widgets.too_small import TooSmall
from textual_view import notifications, screen_text as textual_screen_text

SIZE = (100, 32)
EVIL_TITLE = "Evil [bold red]x[/] report on Aleppo"
EVIL = (f"{EVIL_TITLE}\n\n"
        "The town of Aleppo [link=file:///etc/passwd]click me[/link] was shelled. Then "
        "\x1b]52;c;ZXZpbA==\x07 came and \u202eRTL override\u202c text about Aleppo, "
        "a [bold red]x[/] again.\n\n"
        "A second paragraph about Damascus with [on red]markup[/] and a bell \x07.\n")


# -- fixtures and helpers -----------------------------------------------------------

@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, seeds_dir) -> Path:
    index_dir = tmp_path_factory.mktemp("tui") / "ix"
    with Library(index_dir) as library:
        assert library.add_paths([seeds_dir]).new == 5
    return index_dir


@pytest.fixture(scope="session")
def crafted_index(tmp_path_factory) -> Path:
    """An article with markup, escape sequences and a bidi override in it, and
    a long (60 KB) article."""
    root = tmp_path_factory.mktemp("crafted")
    (root / "pages").mkdir()
    (root / "pages" / "evil.txt").write_text(EVIL, encoding="utf-8")
    paragraph = ("Shelling was reported near Aleppo and Idlib on Tuesday, while negotiators "
                 "met in Geneva to discuss the evacuation of civilians from the besieged "
                 "districts. ")
    long_text = "A long report from Aleppo\n\n" + "\n\n".join(
        f"Paragraph {number}. " + paragraph * 3 for number in range(200))
    (root / "pages" / "long.txt").write_text(long_text, encoding="utf-8")
    index_dir = root / "ix"
    with Library(index_dir) as library:
        assert library.add_paths([root / "pages"]).new == 2
    return index_dir


def run(app: WartuiApp, scenario, size=SIZE) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await scenario(pilot)

    asyncio.run(main())


async def settle(pilot, quiet: float = 0.2) -> None:
    """Until no worker runs and the facet line's debounce has passed."""
    app = pilot.app
    for round in range(2):
        for _ in range(200):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if not any(worker.is_running for worker in app.workers):
                break
        if not round:
            await pilot.pause(quiet)  # a debounce timer may start another worker


def screen_text(app) -> str:
    """The text of the whole screen, as a terminal would show it."""
    # Textual has no public "screen as text"; the compositor's strips are it.
    return textual_screen_text(app)


async def type_query(pilot, text: str) -> None:
    await pilot.press(*text)
    await settle(pilot)


async def to_result(pilot, doc_id: str) -> None:
    """From the box into the results, onto `doc_id` (with j)."""
    results = pilot.app.screen.query_one(ResultList)
    ids = [hit.id for hit in results.hits]
    assert doc_id in ids, ids
    await pilot.press("down")  # from the box into the results
    for _ in range(ids.index(doc_id)):
        await pilot.press("j")
    await settle(pilot)
    assert results.highlighted_hit().id == doc_id


async def open_result(pilot, doc_id: str) -> None:
    """From the search screen: move to the result `doc_id` and open it."""
    await to_result(pilot, doc_id)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DocumentScreen)
    assert pilot.app.screen.doc_id == doc_id


def help_text(screen: HelpScreen) -> str:
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(screen.document())
    return console.export_text()


def styled_segments(view: PassageView, text: str):
    """(segment, style) of the visible lines whose text contains `text`."""
    found = []
    for y in range(view.scrollable_content_region.height):
        for segment in view.render_line(y):
            if text in segment.text:
                found.append((segment.text, segment.style))
    return found


# -- search ---------------------------------------------------------------------------

def test_search_box_is_focused_and_results_update_as_you_type(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        screen = pilot.app.screen
        assert isinstance(screen, SearchScreen)
        assert pilot.app.focused.id == "query"
        # the empty query lists everything, one entry per story
        assert screen.shown_query == ""
        assert len(screen.query_one(ResultList).hits) == 4
        await type_query(pilot, "Rastan")
        assert screen.shown_query == "Rastan"
        hits = screen.query_one(ResultList).hits
        assert hits and hits[0].id == "001_cddafe3289ae453d"
        text = screen_text(pilot.app)
        assert "3 reports" in text and "by relevance" in text
        assert "+1 version" in text  # 001 has a near-duplicate
        assert "Syrian War Report – April 3, 2018" in text

    run(app, scenario)


def test_snippet_hits_are_marked_in_reverse_and_bold(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "Deir ez-Zor")
        results = pilot.app.screen.query_one(ResultList)
        hit_style = results.get_component_rich_style("results--hit", partial=True)
        assert hit_style.reverse and hit_style.bold  # reads in monochrome
        text = screen_text(pilot.app)
        for spelling in ("Deir ez-Zor", "Deir Ezzor", "Deir Al-Zour"):
            assert spelling in text  # each result's own spelling, marked

    run(app, scenario)


def test_a_bad_query_shows_a_message_not_a_crash(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        screen = pilot.app.screen
        await type_query(pilot, "date:2018-02-30 ")
        status = screen.query_one("#status")
        assert status.has_class("-error")
        assert "2018-02-30 is not a date: February 2018 has 28 days" in screen_text(pilot.app)
        assert screen.query_one(ResultList).hits == []
        # and the next keystrokes recover
        await pilot.press(*["backspace"] * len("date:2018-02-30 "))
        await type_query(pilot, "Rastan")
        assert not status.has_class("-error")
        assert screen.query_one(ResultList).hits

    run(app, scenario)


def test_an_empty_result_says_did_you_mean_for_finished_words_only(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "Rastn")  # being typed: a prefix, no "did you mean"
        assert pilot.app.screen.query_one(ResultList).hits == []
        assert "No results." in screen_text(pilot.app)
        assert "Did you mean" not in screen_text(pilot.app)
        await pilot.press("enter")  # enter finishes the word
        await settle(pilot)
        assert "No results. Did you mean Rastan?" in screen_text(pilot.app)
        await type_query(pilot, " Taqsis")  # after a space, the word is finished too
        assert "No results. Did you mean Rastan Taqsis? (enter searches it)" in \
            screen_text(pilot.app)
        await pilot.press("enter")  # enter takes the suggestion
        await settle(pilot)
        assert pilot.app.screen.query_one("#query").value == "Rastan Taqsis"
        assert pilot.app.screen.query_one(ResultList).hits
        await pilot.press("ctrl+u")
        await type_query(pilot, "Rastn Taqsis")
        # "chem" being typed is no word of the index: never "Did you mean them?"
        await pilot.press(*["backspace"] * len("Rastn Taqsis"))
        await type_query(pilot, "chem")
        assert "Did you mean" not in screen_text(pilot.app)

    run(app, scenario)


def test_sort_and_all_versions_toggles(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        screen = pilot.app.screen
        await type_query(pilot, "Syrian")
        assert "by relevance" in screen_text(pilot.app)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert screen.sort == "date" and "newest first" in screen_text(pilot.app)
        dates = [hit.date or "" for hit in screen.query_one(ResultList).hits]
        assert [d for d in dates if d] == sorted([d for d in dates if d], reverse=True)
        one_per_story = len(screen.query_one(ResultList).hits)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert "every version" in screen_text(pilot.app)
        assert len(screen.query_one(ResultList).hits) == one_per_story + 1

    run(app, scenario)


def test_a_star_alone_lists_everything_newest_first(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        screen = pilot.app.screen
        await type_query(pilot, "*")
        assert "5 reports · newest first" in screen_text(pilot.app)
        dates = [hit.date or "" for hit in screen.query_one(ResultList).hits]
        assert dates == sorted(dates, reverse=True)  # (the undated last)

    run(app, scenario)


def test_the_header_says_how_well_the_total_is_known():
    header = SearchScreen._header
    assert header(Request("aleppo"), 1234).plain.startswith("1,234 reports · by relevance")
    assert header(Request('"a b"'), 1234, "about").plain.startswith("about 1,234 reports")
    assert header(Request('"a b"'), 20, "at_least").plain.startswith("at least 20 reports")
    assert header(Request("x"), 1).plain.startswith("1 report ·")


def test_a_stale_answer_is_dropped(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        screen = pilot.app.screen
        await type_query(pilot, "Taqsis")
        shown = screen.query_one(ResultList).hits
        # An answer for a query the box has moved on from arrives late: dropped.
        await screen._search(Request("Rastan", limit=10))
        assert screen.shown_query == "Taqsis"
        assert screen.query_one(ResultList).hits == shown
        # Many keystrokes in a burst: what is shown is for the final text.
        await pilot.press(*"  OR Douma OR Ghouta")
        await settle(pilot)
        assert screen.shown_query == screen.query_text == "Taqsis  OR Douma OR Ghouta"

    run(app, scenario)


def test_facet_line_and_sparkline(corpus_library):
    app = WartuiApp(corpus_library.index_dir)

    async def scenario(pilot):
        await type_query(pilot, "Aleppo")
        facets = pilot.app.screen.query_one(FacetBar)
        bars = facets.month_bars  # FA-KES spans years: a trend to draw
        assert len(bars) > 1 and sum(bar.hits for bar in bars) > 0
        line = str(facets.render())
        assert any(char.isdigit() for char in line)
        assert bars[0].first in line and bars[-1].last in line
        assert any(char in line for char in "▁▂▃▄▅▆▇█")

    run(app, scenario)


def test_month_series_fills_the_gaps():
    assert month_series({"2017-11": 2, "2018-02": 5}) == (
        "2017-11", "2018-02", [2, 0, 0, 5])
    assert month_series({}) == ("", "", [])


# -- document -------------------------------------------------------------------------

def test_enter_opens_the_document_with_entities_marked(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "Deir ez-Zor")
        await open_result(pilot, "002_193f624956799aae")
        view = pilot.app.screen.query_one(PassageView)
        place = view.get_component_rich_style("passage--place", partial=True)
        assert place.bold  # a second cue besides the colour
        # 'Deir Ezzor' is further down, near the end
        await pilot.press("G")
        found = styled_segments(view, "Deir Ezzor")
        assert found, view.visible_text()
        for text, style in found:
            assert style.bold and style.color == place.color
            assert style.reverse  # and marked as a search hit
        legend = str(pilot.app.screen.query_one("#legend").render())
        assert "place" in legend and "armed group" in legend

    run(app, scenario)


def test_n_and_shift_n_move_between_hits(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "Rastan")
        await pilot.press("enter")  # the first result
        await settle(pilot)
        screen = pilot.app.screen
        view = screen.query_one(PassageView)
        assert isinstance(screen, DocumentScreen) and view.mark_count >= 3
        await pilot.press("n")
        assert view.current_mark == 0
        await pilot.press("n")
        assert view.current_mark == 1
        assert f"hits 2/{view.mark_count}" in screen_text(pilot.app)
        await pilot.press("N")
        assert view.current_mark == 0
        await pilot.press("N")
        assert view.current_mark == view.mark_count - 1  # wraps around
        # the current hit is on screen, in its own style
        assert styled_segments(view, "Rastan")

    run(app, scenario)


def test_scroll_keys(crafted_index):
    app = WartuiApp(crafted_index)

    async def scenario(pilot):
        pilot.app.open_document("long")
        await settle(pilot)
        view = pilot.app.screen.query_one(PassageView)
        height = view.scrollable_content_region.height
        assert view.line_count > 10 * height
        await pilot.press("j", "j")
        assert view.scroll_y == 2
        await pilot.press("k")
        assert view.scroll_y == 1
        await pilot.press("space")
        assert view.scroll_y == 1 + height
        await pilot.press("b")
        assert view.scroll_y == 1
        await pilot.press("G")
        assert view.scroll_y == view.max_scroll_y > 0
        assert "Paragraph 199." in view.visible_text()
        await pilot.press("g")
        assert view.scroll_y == 0

    run(app, scenario)


def test_a_long_article_renders_only_the_visible_lines(crafted_index):
    app = WartuiApp(crafted_index)

    async def scenario(pilot):
        pilot.app.open_document("long")
        await settle(pilot)
        view = pilot.app.screen.query_one(PassageView)
        rendered = []
        original = view._render_row
        view._render_row = lambda number, base: rendered.append(number) or original(number,
                                                                                      base)
        for _ in range(20):
            await pilot.press("space")
        height = view.scrollable_content_region.height
        assert len(set(rendered)) <= 21 * height  # never the whole article (~1,800 lines)
        assert view.line_count > 1000

    run(app, scenario)


def test_e_shows_the_entity_panel_and_enter_searches_the_corpus(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "Deir ez-Zor")
        await open_result(pilot, "002_193f624956799aae")
        screen = pilot.app.screen
        assert not [panel for panel in screen.query(EntityPanel) if panel.display]
        await pilot.press("e")
        await settle(pilot)
        panel = screen.query_one(EntityPanel)  # (mounted when first shown)
        assert panel.display and pilot.app.focused is panel
        text = screen_text(pilot.app)
        assert "PLACES" in text and "Deir ez-Zor ×3" in text and "Deir Ezzor" in text
        # move to Deir ez-Zor and search the corpus for it
        while panel.highlighted_option.id is None or \
                panel._entries[panel.highlighted_option.id].name != "Deir ez-Zor":
            await pilot.press("j")
        await pilot.press("enter")
        await settle(pilot)
        search = pilot.app.screen
        assert isinstance(search, SearchScreen)
        assert search.query_text == "entity:deir-ez-zor"
        assert search.shown_query == "entity:deir-ez-zor"
        assert {h.id for h in search.query_one(ResultList).hits} == {
            "002_193f624956799aae", "003_84e21071b25684eb", "004_e0530f7fd10296e1"}
        # the next document keeps the panel as the reader left it; e hides it
        await open_result(pilot, "002_193f624956799aae")
        assert pilot.app.screen.query_one(EntityPanel).display
        await pilot.press("e")
        assert not pilot.app.screen.query_one(EntityPanel).display

    run(app, scenario)


def test_r_shows_the_raw_page_with_dropped_lines_and_reasons(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        pilot.app.open_document("002_193f624956799aae")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        view = pilot.app.screen.query_one(PassageView)
        text = view.visible_text()
        assert "1 │ Home / News From Nigeria" in text
        assert "◂ dropped: breadcrumb" in text
        assert "RAW PAGE" in screen_text(pilot.app)
        assert view.mark_count == 15  # n/N walk the dropped lines
        await pilot.press("r")
        assert "ARTICLE" in screen_text(pilot.app)
        assert "◂ dropped" not in view.visible_text()

    run(app, scenario)


def test_fast_typing_leaves_no_unstarted_search_behind(seed_index, recwarn):
    """A search replaced before it starts must not leave a coroutine that
    was never awaited (Python warns, on stderr, behind the app)."""
    import gc

    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await pilot.pause(0.3)
        for char in "Deir ez-Zor":
            pilot.app.post_message(events.Key(char, char))  # as a terminal sends them
        await settle(pilot)
        assert pilot.app.screen.shown_query == "Deir ez-Zor"

    run(app, scenario)
    gc.collect()
    assert not [w for w in recwarn if "never awaited" in str(w.message)]


def test_the_next_document_starts_afresh(seed_index):
    """The document screen is reused: the next article must show its own
    text, hits and bar, in the article view, not the last one's raw page."""
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        pilot.app.open_document("002_193f624956799aae")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert "RAW PAGE" in screen_text(pilot.app)
        first = pilot.app.screen
        await pilot.press("escape")  # the raw page back to the article
        assert pilot.app.screen is first and "ARTICLE" in screen_text(pilot.app)
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, SearchScreen)
        pilot.app.open_document("003_84e21071b25684eb", "Damascus")
        await settle(pilot)
        screen = pilot.app.screen
        assert screen is first and screen.doc_id == "003_84e21071b25684eb"
        text = screen_text(pilot.app)
        assert "ARTICLE 003_84e21071b25684eb" in text and "RAW PAGE" not in text
        assert "◂ dropped" not in screen.query_one(PassageView).visible_text()
        assert "Damascus" in screen.query_one(PassageView).visible_text()
        assert screen.query_one(PassageView).mark_count > 0  # the new query's hits
        assert pilot.app.focused is screen.query_one(PassageView)

    run(app, scenario)


def test_the_footer_follows_the_screen_and_opening_an_article_rebuilds_no_widget(
        seed_index, monkeypatch):
    """The footer shows the current screen's keys. It is one line of text:
    Textual's Footer, a widget per key, was rebuilt (every key mounted and
    styled again) in the middle of opening an article."""
    from textual.widget import Widget
    rebuilt = []
    recompose = Widget.recompose

    async def counted(self):
        rebuilt.append(type(self).__name__)
        return await recompose(self)

    monkeypatch.setattr(Widget, "recompose", counted)
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "aleppo")
        await pilot.press("down")
        await settle(pilot)
        assert "Open the result" in screen_text(pilot.app).splitlines()[-1]
        rebuilt.clear()
        await pilot.press("enter")
        await settle(pilot)
        footer = screen_text(pilot.app).splitlines()[-1]
        assert "Next hit" in footer and "Raw page" in footer and "Open the result" not in footer
        assert rebuilt == []
        await pilot.press("escape")
        await settle(pilot)
        footer = screen_text(pilot.app).splitlines()[-1]
        assert "Open the result" in footer and "Next hit" not in footer
        await pilot.press("enter")  # the same screen again
        await settle(pilot)
        assert "Next hit" in screen_text(pilot.app).splitlines()[-1]
        assert rebuilt == []

    run(app, scenario)


def test_an_article_is_shown_with_its_screen_never_as_loading(seed_index, monkeypatch):
    """The article is read before its screen is shown: the screen is laid out
    and painted once, with the text, not first empty ("Loading…")."""
    from wartui.tui.widgets.passage_view import PassageView

    shown = []
    real_show = PassageView.show

    def show(self, passages, *args, **kwargs):
        shown.append(len(passages))
        return real_show(self, passages, *args, **kwargs)

    monkeypatch.setattr(PassageView, "show", show)
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "aleppo")
        for _ in range(2):  # the screen made, then reused
            shown.clear()
            await pilot.press("down", "enter")
            await settle(pilot)
            assert screen_text(pilot.app).split()[:1] == ["ARTICLE"]
            assert shown and 0 not in shown, shown
            await pilot.press("escape")
            await settle(pilot)

    run(app, scenario)


def test_the_document_screen_is_mounted_before_the_first_open(seed_index):
    """Once the first results are up, the screen articles open in is mounted
    off the stack (app.prepare_document_screen): the first open shows it, and
    meanwhile the search screen keeps the focus and the keys typed."""
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "aleppo")
        prepared = pilot.app._document_screen
        assert isinstance(prepared, DocumentScreen) and prepared.is_mounted
        assert prepared not in pilot.app.screen_stack
        assert isinstance(pilot.app.screen, SearchScreen)
        assert pilot.app.focused.id == "query" and pilot.app.focused.value == "aleppo"
        assert "aleppo" in "\n".join(screen_text(pilot.app).splitlines()[:3])  # the box
        first = pilot.app.screen.query_one(ResultList).hits[0].id
        await pilot.press("down", "enter")
        await settle(pilot)
        assert pilot.app.screen is prepared
        assert screen_text(pilot.app).split()[:2] == ["ARTICLE", first]
        assert prepared.article is not None and prepared.article.id == first

    run(app, scenario)


def test_the_document_screen_is_laid_out_before_its_first_open(seed_index):
    """The screen mounted ahead is laid out at the app's size too (its text
    wrapped to its width, its breakpoint classes set), so the first open lays
    it out and paints it once. A terminal resized meanwhile still gets a
    screen laid out at its new size."""
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "aleppo")
        prepared = pilot.app._document_screen
        assert prepared not in pilot.app.screen_stack
        assert prepared.size == pilot.app.size
        assert prepared.query_one(PassageView).scrollable_content_region.width > 0
        assert prepared.has_class("-wide") and prepared.has_class("-tall")
        await pilot.resize_terminal(80, 26)
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert pilot.app.screen is prepared and prepared.size == (80, 26)
        assert not prepared.has_class("-wide")
        view = prepared.query_one(PassageView)
        assert 0 < max(len(line) for line in view.visible_text().splitlines()) <= 80

    run(app, scenario)


def test_a_screen_shown_again_is_restyled_only_when_the_apps_styles_changed(seed_index):
    """Textual restyles a screen each time it is pushed, in case the app's
    styles changed meanwhile (~7 ms of the first open of a 10 KB article).
    wartui's screens skip it when the app's theme, classes and
    pseudo-classes are as when they were last styled, and not otherwise."""
    app = WartuiApp(seed_index)
    restyled = []

    async def scenario(pilot):
        await type_query(pilot, "aleppo")
        prepared = pilot.app._document_screen
        update = pilot.app.update_styles
        pilot.app.update_styles = lambda node, animate=True: (restyled.append(node),
                                                              update(node, animate))
        await pilot.press("down", "enter")
        await settle(pilot)
        assert pilot.app.screen is prepared and prepared not in restyled
        await pilot.press("escape")
        await settle(pilot)
        restyled.clear()
        pilot.app.add_class("-reading")  # an app class changes while the article is not shown
        await settle(pilot)
        assert prepared not in restyled  # (Textual restyles only the screens on the stack)
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is prepared and prepared in restyled
        await pilot.press("escape")
        await settle(pilot)
        restyled.clear()
        pilot.app.theme = "textual-light" if pilot.app.theme != "textual-light" else "nord"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is prepared and prepared in restyled
        assert prepared.styles.background == pilot.app.screen_stack[0].styles.background

    run(app, scenario)


def test_a_screen_shown_is_painted_without_waiting_for_a_frame(seed_index, monkeypatch):
    """Textual paints a screen at the next tick of its frame timer, which
    starts when the screen is first shown (~17 ms late). With the timer
    stopped (a tick every hour), the article opened is painted all the same."""
    import textual.screen

    monkeypatch.setattr(textual.screen, "UPDATE_PERIOD", 3600.0)
    app = WartuiApp(seed_index)
    painted = []
    display = app._display
    app._display = lambda screen, update: (painted.append(screen), display(screen, update))

    async def scenario(pilot):
        await type_query(pilot, "aleppo")
        await pilot.press("down")
        painted.clear()
        # not pilot.press, nor pilot.pause: they run a frame themselves
        pilot.app.post_message(events.Key("enter", None))
        for _ in range(500):
            await asyncio.sleep(0.01)
            screen = pilot.app.screen
            if isinstance(screen, DocumentScreen) and screen.article is not None:
                break
        await asyncio.sleep(0.1)
        assert isinstance(pilot.app.screen, DocumentScreen)
        assert pilot.app.screen in painted

    run(app, scenario)


def test_the_results_of_a_keystroke_are_painted_without_waiting_for_a_frame(seed_index,
                                                                            monkeypatch):
    """Textual paints a screen at its frame timer's next tick, and resumes
    the timer only when the screen next goes idle: a keystroke's results
    waited 15-30 ms for it, with nothing else to do. With the timer stopped
    (a tick every hour), the results of each word typed are painted."""
    import textual.screen

    monkeypatch.setattr(textual.screen, "UPDATE_PERIOD", 3600.0)
    app = WartuiApp(seed_index)
    painted = []
    display = app._display
    app._display = lambda screen, update: (
        painted.append(getattr(screen, "shown_query", None)), display(screen, update))

    async def until(condition) -> None:
        for _ in range(500):
            if condition():
                return
            await asyncio.sleep(0.01)
        raise AssertionError("not in 5 s")

    async def scenario(pilot):
        screen = pilot.app.screen
        await until(lambda: screen.shown_query == "")
        for query in ("aleppo", "aleppo OR taqsis"):
            painted.clear()
            # not pilot.press, nor pilot.pause: they run a frame themselves
            for char in query[len(screen.query_text):]:
                pilot.app.post_message(events.Key(char, char))
                await asyncio.sleep(0.02)
            await until(lambda: screen.shown_query == query)
            await asyncio.sleep(0.1)
            assert query in painted, painted

    run(app, scenario)


def test_a_watch_tick_while_the_app_closes_does_nothing(seed_index):
    """The timer that watches the index for other writers can fire after the
    app's screens are gone (closing): it must not raise then."""
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await settle(pilot)
        assert pilot.app._index_stamp is not None

    run(app, scenario)
    assert app.screen_stack == []
    app._watch_index()  # (raised ScreenStackError: "No screens on stack")


def test_an_id_the_index_lacks_opens_a_screen_that_says_so(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await settle(pilot)
        pilot.app.open_document("no-such-id")
        await settle(pilot)
        assert "No article with id no-such-id." in screen_text(pilot.app)

    run(app, scenario)


def test_the_first_results_warm_the_next_search(seed_index):
    """Once the first results are up, the library loads what the first scored
    search reads first (Library.warm): the second letter typed does not pay it."""
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await settle(pilot)
        library = pilot.app.gate._main.library
        assert {"body", "title"} <= set(library._search.fast._lengths)

    run(app, scenario)


def test_a_click_on_a_key_in_the_footer_presses_it(seed_index):
    from wartui.tui.widgets.footer import KeyFooter

    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "aleppo")
        await pilot.press("down", "enter")
        await settle(pilot)
        footer = screen_text(pilot.app).splitlines()[-1]
        assert "ARTICLE" in screen_text(pilot.app)
        await pilot.click(pilot.app.screen.query_one(KeyFooter),
                          offset=(footer.index("Raw page"), 0))
        await settle(pilot)
        assert screen_text(pilot.app).splitlines()[0].split()[:2] == ["RAW", "PAGE"]

    run(app, scenario)


def test_a_query_set_by_the_app_is_searched_once(seed_index, monkeypatch):
    """An entity chosen in the panel (or the palette) puts its query in the
    box: one search, not one for the box's change and one more."""
    searched = []
    search = Library.search

    def counted(self, query, *args, **kwargs):
        searched.append(query)
        return search(self, query, *args, **kwargs)

    monkeypatch.setattr(Library, "search", counted)
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        pilot.app.search_for("Damascus")
        await settle(pilot)
        assert searched.count("Damascus") == 1
        assert pilot.app.screen.query_one(ResultList).hits
        pilot.app.search_for("Damascus")  # the same again: still searched
        await settle(pilot)
        assert searched.count("Damascus") == 2

    run(app, scenario)


def test_start_up_is_kept_out_of_the_garbage_collectors_sight(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        assert gc.get_freeze_count() > 10_000  # Textual, Whoosh, the modules

    run(app, scenario)


def test_garbage_is_settled_once_the_first_results_are_warm(seed_index, monkeypatch):
    """Once the first results and the index's warm-up are done, garbage is
    collected and what is left frozen (the gazetteer, the warmed arrays, the
    premounted document screen), so that a full collection does not fall
    into the next keystroke or the first open of an article."""
    settled = []
    original = WartuiApp.settle_garbage

    def settle_garbage(self):
        settled.append(self.screen.query_one(ResultList).hits)
        original(self)

    monkeypatch.setattr(WartuiApp, "settle_garbage", settle_garbage)
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await settle(pilot)
        assert len(settled) == 1 and settled[0]  # once, with results on the screen
        frozen = gc.get_freeze_count()

        class Node:
            pass

        cycle = Node()
        cycle.me = cycle
        alive = weakref.ref(cycle)
        del cycle
        pilot.app.settle_garbage()
        assert alive() is None  # collected, not frozen
        assert gc.get_freeze_count() >= frozen

    run(app, scenario)


def test_y_copies_the_article_with_a_citation(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        pilot.app.open_document("001_cddafe3289ae453d")
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        copied = pilot.app.clipboard
        first = copied.splitlines()[0]
        assert first.startswith("“Syrian War Report – April 3, 2018")
        assert "2018-04-03" in first and "001_cddafe3289ae453d" in first
        assert "government forces established control of the town of Taqsis" in copied
        assert any("Copied" in n for n in notifications(pilot.app))

    run(app, scenario)


def test_untrusted_text_is_shown_literally(crafted_index):
    app = WartuiApp(crafted_index)

    async def scenario(pilot):
        await type_query(pilot, "shelled")
        text = screen_text(pilot.app)
        assert EVIL_TITLE in text  # the title in the results, as written
        pilot.app.open_document("evil")
        await settle(pilot)
        text = screen_text(pilot.app)
        assert EVIL_TITLE in text
        assert "[link=file:///etc/passwd]click me[/link]" in text
        assert "[on red]markup[/]" in text
        assert "␛]52;c;ZXZpbA==␇" in text  # the OSC 52 made visible, not sent
        assert "⟦U+202E⟧RTL override⟦U+202C⟧" in text
        view = pilot.app.screen.query_one(PassageView)
        for y in range(view.scrollable_content_region.height):
            for segment in view.render_line(y):
                assert "\x1b" not in segment.text and "\x07" not in segment.text
                assert "\u202e" not in segment.text
                assert not (segment.style and segment.style.link)
        # the entity after the bidi override is still marked on the right word
        found = styled_segments(view, "Aleppo")
        assert len(found) >= 2 and all(style.bold for _, style in found)
        await pilot.press("y")
        assert "\x1b" not in pilot.app.clipboard and "␛" in pilot.app.clipboard

    run(app, scenario)


# -- versions and diff -------------------------------------------------------------

def test_v_opens_the_versions_and_the_diff(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        pilot.app.open_document("000_1d8dfec3ee535e83")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(pilot.app.screen, VersionsScreen)
        text = screen_text(pilot.app)
        assert "001_cddafe3289ae453d" in text
        assert "100% of the shorter is in the longer" in text  # as dupes and the diff say
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, DiffScreen)
        view = screen.query_one(DiffView)
        assert screen.diff.a_id == "000_1d8dfec3ee535e83"
        assert screen.diff.b_id == "001_cddafe3289ae453d"
        assert view.side_by_side  # 100 columns
        assert "A 000_1d8dfec3ee535e83 ⇄ B 001_cddafe3289ae453d" in screen_text(pilot.app)
        await pilot.press("n")
        assert "── likely comment section (only in A) ──" in view.visible_text()
        assert "change 1/" in screen_text(pilot.app)
        # j scrolls both panes: they are one view
        before = view.scroll_y
        await pilot.press("j")
        assert view.scroll_y == before + 1
        await pilot.press("s")
        await settle(pilot)
        assert screen.diff.a_id == "001_cddafe3289ae453d"
        assert "A 001_cddafe3289ae453d ⇄ B 000_1d8dfec3ee535e83" in screen_text(pilot.app)
        await pilot.press("n")
        assert "likely comment section (only in B)" in view.visible_text()

    run(app, scenario)


def test_d_diffs_any_two_articles(seed_index):
    """D on an article remembers it; D on another one diffs the two (A the
    remembered one), whether they are versions or not; the mark stays for
    the next comparison."""
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        pilot.app.open_document("002_193f624956799aae")
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert pilot.app.diff_mark[0] == "002_193f624956799aae"
        assert "remembered for a diff" in screen_text(pilot.app)
        await pilot.press("D")  # on the same article: nothing to compare yet
        await settle(pilot)
        assert isinstance(pilot.app.screen, DocumentScreen)
        await pilot.press("escape")
        await pilot.press("/")  # (back on the search screen the results have the focus)
        await type_query(pilot, "Palmyra")
        await open_result(pilot, "003_84e21071b25684eb")
        assert "D: diff with 002_193f624956799aae" in screen_text(pilot.app)
        await pilot.press("D")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, DiffScreen)
        assert (screen.diff.a_id, screen.diff.b_id) == ("002_193f624956799aae",
                                                      "003_84e21071b25684eb")
        assert "of the shorter is in the longer" in screen_text(pilot.app)
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, DocumentScreen)
        assert pilot.app.diff_mark[0] == "002_193f624956799aae"

    run(app, scenario)


def test_the_palette_remembers_an_article_and_diffs_with_it(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        pilot.app.open_document("000_1d8dfec3ee535e83")
        await settle(pilot)
        await run_command(pilot, "remember this")
        assert pilot.app.diff_mark[0] == "000_1d8dfec3ee535e83"
        pilot.app.open_document("004_e0530f7fd10296e1")
        await settle(pilot)
        await run_command(pilot, "diff with the remembered")
        screen = pilot.app.screen
        assert isinstance(screen, DiffScreen)
        assert (screen.diff.a_id, screen.diff.b_id) == ("000_1d8dfec3ee535e83",
                                                      "004_e0530f7fd10296e1")

    run(app, scenario)


def test_the_diff_is_stacked_below_100_columns(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        pilot.app.open_diff("000_1d8dfec3ee535e83", "001_cddafe3289ae453d")
        await settle(pilot)
        view = pilot.app.screen.query_one(DiffView)
        assert not view.side_by_side
        await pilot.press("n")
        text = view.visible_text()
        assert "likely comment section" in text and "A │ " in text

    run(app, scenario, size=(80, 24))


def test_changed_words_and_figures_are_marked(tmp_path):
    a = "In Eastern Ghouta, 1,065 militants and their family members were evacuated."
    b = "In Eastern Ghouta, 1,056 militants and their relatives were evacuated."
    pages = tmp_path / "pages"
    pages.mkdir()
    filler = "\n\n".join(f"Shared paragraph number {n} about the war in Syria and the "
                         f"talks in Geneva that week." for n in range(6))
    (pages / "one.txt").write_text(f"Title\n\n{a}\n\n{filler}\n", encoding="utf-8")
    (pages / "two.txt").write_text(f"Title\n\n{b}\n\n{filler}\n", encoding="utf-8")
    with Library(tmp_path / "ix") as library:
        library.add_paths([pages])
    app = WartuiApp(tmp_path / "ix")

    async def scenario(pilot):
        pilot.app.open_diff("one", "two")
        await settle(pilot)
        view = pilot.app.screen.query_one(DiffView)
        assert "changed figures: 1,065 -> 1,056 militants" in view.visible_text()
        removed = view.get_component_rich_style("diff--removed", partial=True)
        added = view.get_component_rich_style("diff--added", partial=True)
        assert removed.strike and added.underline  # more than colour
        styles = {segment.text.strip(): segment.style
                  for y in range(view.scrollable_content_region.height)
                  for segment in view.render_line(y)}
        assert styles["1,065"].strike and styles["1,056"].underline

    run(app, scenario, size=(120, 30))


# -- help, navigation, palette ------------------------------------------------------

def test_help_lists_every_binding_from_bindings(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        pilot.app.open_document("001_cddafe3289ae453d")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        text = help_text(pilot.app.screen)
        for binding in DocumentScreen.BINDINGS + EntityPanel.BINDINGS + WartuiApp.BINDINGS:
            assert binding.description in text, binding.description
        for key in ("n", "N", "space", "G", "/", "?", "esc", "^p"):
            assert key in text
        assert "Query syntax" in text and "entity:deir-ez-zor" in text
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, DocumentScreen)

    run(app, scenario)


def test_help_follows_the_keymap(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        pilot.app.set_keymap({"document.next_hit": "ctrl+n"})
        pilot.app.open_document("001_cddafe3289ae453d")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        text = help_text(pilot.app.screen)
        assert "^n" in text

    run(app, scenario)


def test_f1_from_the_search_box_and_the_search_keys(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await pilot.press("f1")
        await settle(pilot)
        text = help_text(pilot.app.screen)
        for binding in SearchScreen.BINDINGS + ResultList.BINDINGS:
            assert binding.description in text, binding.description
        await pilot.press("q")
        assert isinstance(pilot.app.screen, SearchScreen)

    run(app, scenario)


def test_escape_and_q_go_back_and_q_quits_from_search(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        pilot.app.open_document("001_cddafe3289ae453d")
        await settle(pilot)
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, SearchScreen)
        pilot.app.open_document("001_cddafe3289ae453d")
        await settle(pilot)
        await pilot.press("q")
        assert isinstance(pilot.app.screen, SearchScreen)
        # back on the search screen the results have the focus: q quits, it
        # never types into the box
        assert pilot.app.focused is pilot.app.screen.query_one(ResultList)
        await pilot.press("q")
        await pilot.pause()
        assert pilot.app.screen.query_text == ""
        assert pilot.app.return_code == 0

    run(app, scenario)


def test_slash_goes_back_to_the_search_box(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await type_query(pilot, "Rastan")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("slash")
        screen = pilot.app.screen
        assert isinstance(screen, SearchScreen)
        assert pilot.app.focused.id == "query" and screen.query_text == "Rastan"
        await pilot.press("up")  # in the box: nothing to go up to
        await pilot.press("down", "k")  # the results, then k back to the box
        assert pilot.app.focused.id == "query"

    run(app, scenario)


async def run_command(pilot, text: str) -> None:
    """ctrl+p, type `text`, enter the first command the palette offers."""
    await pilot.press("ctrl+p")
    await pilot.pause(0.2)
    await pilot.press(*text)
    await pilot.pause(0.5)
    await pilot.press("enter")
    await settle(pilot)


def test_command_palette_opens_an_article_by_id(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await run_command(pilot, "004_e05")
        assert isinstance(pilot.app.screen, DocumentScreen)
        assert pilot.app.screen.doc_id == "004_e0530f7fd10296e1"

    run(app, scenario)


def test_command_palette_refreshes_the_index(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        await run_command(pilot, "refresh")
        assert any("The index has 5 reports" in n
                   for n in notifications(pilot.app))
        assert isinstance(pilot.app.screen, SearchScreen)

    run(app, scenario)


def test_command_palette_toggles(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        theme = pilot.app.theme
        pilot.app.toggle_theme()
        assert pilot.app.theme != theme
        pilot.app.toggle_all_versions()
        await settle(pilot)
        assert pilot.app.screen.all_versions
        assert len(pilot.app.screen.query_one(ResultList).hits) == 5

    run(app, scenario)


# -- start-up, small terminals, errors -------------------------------------------

def test_first_run_builds_the_seed_index_then_shows_search(tmp_path):
    index_dir = tmp_path / "new-index"
    app = WartuiApp(index_dir)
    seen = []

    async def main():
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(400):
                seen.append(type(pilot.app.screen))
                if pilot.app.library_ready:
                    break
                await pilot.pause(0.01)
            await settle(pilot)
            assert isinstance(pilot.app.screen, SearchScreen)
            assert len(pilot.app.screen.query_one(ResultList).hits) == 4
            assert any("Indexed the seeds: 5 new" in n
                       for n in notifications(pilot.app))
            # and "re-index" from the command palette only looks at what changed
            await pilot.press("ctrl+p")
            await pilot.pause(0.2)
            await pilot.press(*"Re-index")
            await pilot.pause(0.5)
            await pilot.press("enter")
            await settle(pilot)
            assert any("0 new, 0 changed, 5 unchanged" in n
                       for n in notifications(pilot.app))
            assert isinstance(pilot.app.screen, SearchScreen)

    asyncio.run(main())
    assert IndexingScreen in seen
    assert Library(index_dir).exists()


def test_a_tiny_terminal_shows_the_too_small_notice(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        assert pilot.app.screen.query_one(TooSmall).display
        assert not pilot.app.screen.query_one(ResultList).display
        text = screen_text(pilot.app)
        assert "Terminal too small: 40×12" in text and "at least 60×16" in text
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert not pilot.app.screen.query_one(TooSmall).display
        assert "Terminal too small" not in screen_text(pilot.app)

    run(app, scenario, size=(40, 12))


def test_no_color_keeps_the_second_cues(seed_index, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        assert pilot.app.no_color
        pilot.app.open_document("002_193f624956799aae")
        await settle(pilot)
        view = pilot.app.screen.query_one(PassageView)
        cues = {}
        for kind in ("place", "armed-group", "person", "organisation", "country", "other",
                     "date", "figure"):
            style = view.get_component_rich_style(f"passage--{kind}", partial=True)
            cues[kind] = (style.bold, style.italic, style.underline, style.dim)
            assert any(cues[kind]), kind
        assert len(set(cues.values())) == len(cues)  # each type its own cue

    run(app, scenario)


def test_an_unexpected_worker_error_is_a_notification(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        def broken(query, **options):
            raise KeyError("No field named 'source_facet'")

        await pilot.app.gate.call(lambda lib: setattr(lib, "facets", broken))  # counted there
        await type_query(pilot, "Rastan")
        assert pilot.app.is_running
        assert pilot.app.screen.query_one(ResultList).hits  # results still shown
        assert any("source_facet" in n for n in notifications(pilot.app))

    run(app, scenario)


def test_a_broken_index_is_a_message(tmp_path):
    index_dir = tmp_path / "ix"
    index_dir.mkdir()
    (index_dir / "wartui.json").write_text("{not json")
    app = WartuiApp(index_dir)

    async def scenario(pilot):
        assert "damaged" in screen_text(pilot.app)
        assert pilot.app.screen.query_one("#status").has_class("-error")

    run(app, scenario)


# -- the pure parts --------------------------------------------------------------

def test_wrap_offsets():
    text = "hello world this is a test averyveryverylongword end"
    lines = [text[s:e] for s, e in wrap(text, 12)]
    assert lines == ["hello world", "this is a", "test", "averyveryver", "ylongword", "end"]
    assert wrap("", 10) == [(0, 0)]
    raw = "  12 │ aa bb cc dd"
    assert [raw[s:e] for s, e in wrap(raw, 9, indent=7)] == ["  12 │ aa", "bb", "cc", "dd"]
    wide = "戦争の報道 戦争の報道"
    assert [wide[s:e] for s, e in wrap(wide, 10)] == ["戦争の報道", "戦争の報道"]


def test_line_text_styles_by_name_and_never_parses_markup():
    passage = Passage("[bold]x[/bold] Aleppo", (Span(15, 21, "place"),))
    from rich.style import Style

    text = line_text(passage, 0, len(passage.text), lambda name: Style(bold=True))
    assert text.plain == "[bold]x[/bold] Aleppo"
    assert [(s.start, s.end) for s in text.spans] == [(15, 21)]


def test_safe_passage_moves_spans_past_visible_controls():
    text = "a\u202eb Aleppo"
    passage, marks = safe_passage(text, [(4, 10, "place")], marks=[(4, 10)])
    assert passage.text == "a⟦U+202E⟧b Aleppo"
    span = passage.spans[0]
    assert passage.text[span.start:span.end] == "Aleppo"
    assert passage.text[marks[0][0]:marks[0][1]] == "Aleppo"


def test_hit_terms_approximate_the_query():
    terms = hit_terms('reports AND (Douma OR Ghouta) NOT Rastan "Jaish al-Islam" '
                      "source:reuters entity:deir-ez-zor bomb* the")
    assert terms.entity_ids == {"deir-ez-zor"}
    text = ("Reported: Jaish al-Islam bombed Douma; Rastan and Reuters were quiet, "
            "the Ghouta too.")
    marked = [text[s:e] for s, e in find_hits(text, [], terms)]
    assert marked == ["Reported", "Jaish al-Islam", "bombed", "Douma", "Ghouta"]


def test_entity_entries_group_spellings(seed_index):
    with Library(seed_index) as library:
        entries = entity_entries(library.entities("002_193f624956799aae"))
        article = library.article("002_193f624956799aae")
    deir = next(e for e in entries if e.name == "Deir ez-Zor")
    assert deir.type == "place" and deir.count == 3 and deir.query == "entity:deir-ez-zor"
    assert "Deir Ezzor" in deir.spellings
    assert [e.type for e in entries] == sorted(
        (e.type for e in entries),
        key=["place", "armed-group", "person", "organisation", "country", "other"].index)
    passages, marks = article_passages(article, hit_terms("Deir ez-Zor", {"deir-ez-zor"}))
    assert len(marks) == 3 and passages[0].style == "title"


def test_raw_passages_mark_dropped_lines():
    from wartui.model import Dropped

    passages, marks = raw_passages("Home / News\nBody text\nShare this",
                                   [Dropped("Home / News", "breadcrumb", 1),
                                    Dropped("Share this", "share", 3),
                                    Dropped("Fragment", "dateline", 0)])
    texts = [p.text for p in passages]
    assert texts[0] == "1 │ Home / News  ◂ dropped: breadcrumb"
    assert texts[1] == "2 │ Body text"
    assert texts[-1] == "Fragment  ◂ dropped: dateline"
    assert len(marks) == 3


def test_the_app_module_imports_lightly():
    """Importing the app must not import Whoosh or open an index."""
    import subprocess
    import sys

    code = ("import sys; import wartui.tui.app; "
            "print([m for m in ('whoosh', 'wartui.library', 'trafilatura') if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
