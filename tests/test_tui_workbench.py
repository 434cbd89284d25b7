"""The analyst's workbench in the app, driven by its keys at 80x24: `t`
tags, `m` notes, `space` marks, `x` exports, the tags in the facet line,
and the palette's re-index of the index's own sources.

Each test runs on its own copy of a small index (the five seeds), as tags
and notes are written to the index's folder."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from test_tui import run, run_command, screen_text, settle, to_result
from test_tui import type_query as typed
from textual_view import notifications
from wartui.library import Library
from wartui.tui.app import WartuiApp
from wartui.tui.screens.document import DocumentScreen
from wartui.tui.screens.search import SearchScreen
from wartui.tui.screens.workbench import (ExportScreen, NoteScreen, TagScreen, default_export_path,
                                          tag_changes)
from wartui.tui.widgets.facets import FacetBar
from wartui.tui.widgets.results import ResultList

SIZE = (80, 24)
TAQSIS = "001_cddafe3289ae453d"  # "Syrian War Report – April 3, 2018"


@pytest.fixture(scope="module")
def seeds_built(tmp_path_factory, seeds_dir) -> Path:
    index_dir = tmp_path_factory.mktemp("workbench") / "ix"
    with Library(index_dir) as library:
        assert library.add_paths([seeds_dir]).new == 5
    return index_dir


@pytest.fixture
def index_dir(seeds_built, tmp_path) -> Path:
    """A copy of the seed index of this test's own."""
    copy = tmp_path / "ix"
    shutil.copytree(seeds_built, copy)
    return copy


def go(index_dir: Path, scenario) -> None:
    run(WartuiApp(index_dir), scenario, size=SIZE)


async def tag_with(pilot, changes: str) -> None:
    """`t`, type the changes, enter."""
    await pilot.press("t")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TagScreen)
    await typed(pilot, changes)
    await pilot.press("enter")
    await settle(pilot)


def row_lines(text: str, title: str) -> list[str]:
    """The lines of the results row whose title line holds `title`."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if title in line)
    return lines[start:start + 4]


def test_tag_changes_read_as_the_cli_reads_them():
    assert tag_changes("+disputed -todo source-checked") == (["disputed", "source-checked"],
                                                             ["todo"])
    assert tag_changes("  ") == ([], [])


def test_t_tags_a_result_shown_in_its_row_the_article_and_found_by_tag(index_dir):
    async def scenario(pilot):
        await to_result(pilot, TAQSIS)
        await tag_with(pilot, "+disputed todo")
        assert isinstance(pilot.app.screen, SearchScreen)
        assert any("Tagged 1 article: +disputed +todo." in n for n in notifications(pilot.app))
        row = row_lines(screen_text(pilot.app), "Syrian War Report – April 3")
        assert "[disputed todo]" in row[1]
        # the same result stays highlighted, the facet line offers the tags
        results = pilot.app.screen.query_one(ResultList)
        assert results.highlighted_hit().id == TAQSIS
        assert pilot.app.screen.query_one(FacetBar).tags == ["disputed", "todo"]
        assert "[disputed] 1" in screen_text(pilot.app)
        # the article shows them under its title
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DocumentScreen)
        assert "Tags: [disputed todo]" in screen_text(pilot.app)
        # and tag:disputed finds it, alone
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("slash")
        await typed(pilot, "tag:disputed ")
        assert [hit.id for hit in results.hits] == [TAQSIS]

    go(index_dir, scenario)
    with Library(index_dir) as library:
        assert library.tags_of(TAQSIS) == ["disputed", "todo"]


def test_t_with_minus_removes_a_tag_in_the_article(index_dir):
    with Library(index_dir) as library:
        library.tag([TAQSIS], add=["disputed", "todo"])

    async def scenario(pilot):
        pilot.app.open_document(TAQSIS)
        await settle(pilot)
        assert "Tags: [disputed todo]" in screen_text(pilot.app)
        await pilot.press("t")
        await settle(pilot)
        box = pilot.app.screen
        assert isinstance(box, TagScreen)
        assert "Now: [disputed todo]" in screen_text(pilot.app)
        assert "In use: disputed 1 · todo 1" in screen_text(pilot.app)
        # completion: "-to" and tab is "-todo"
        await typed(pilot, "-to")
        await pilot.press("tab")
        await settle(pilot)
        assert box.query_one("#tag-input").value == "-todo"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DocumentScreen)
        text = screen_text(pilot.app)
        assert "Tags: [disputed]" in text and "todo" not in text
        assert any("Tagged 1 article: -todo." in n for n in notifications(pilot.app))

    go(index_dir, scenario)
    with Library(index_dir) as library:
        assert library.tags_of(TAQSIS) == ["disputed"]


def test_m_writes_a_note_saved_with_ctrl_s_and_shown(index_dir):
    async def scenario(pilot):
        await to_result(pilot, TAQSIS)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NoteScreen)
        assert "ctrl+s: save" in screen_text(pilot.app)  # said on screen
        await typed(pilot, "Checked against SANA")
        await pilot.press("enter")
        await typed(pilot, "second line")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SearchScreen)
        assert any("Saved the note." in n for n in notifications(pilot.app))
        row = row_lines(screen_text(pilot.app), "Syrian War Report – April 3")
        assert "✎" in row[1]
        await pilot.press("enter")
        await settle(pilot)
        assert "Note: Checked against SANA …" in screen_text(pilot.app)
        # m in the article: escape leaves the note as it was, an empty one removes it
        await pilot.press("m")
        await settle(pilot)
        await typed(pilot, " (not saved)")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DocumentScreen)
        await pilot.press("m")
        await settle(pilot)
        pilot.app.screen.query_one("#note-text").text = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Note:" not in screen_text(pilot.app)
        assert any("Removed the note." in n for n in notifications(pilot.app))

    go(index_dir, scenario)
    with Library(index_dir) as library:
        assert library.note(TAQSIS) is None  # (removed at the end)


def test_a_note_is_kept_after_ctrl_s(index_dir):
    async def scenario(pilot):
        pilot.app.open_document(TAQSIS)
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await typed(pilot, "OPCW says otherwise")
        await pilot.press("ctrl+s")
        await settle(pilot)

    go(index_dir, scenario)
    with Library(index_dir) as library:
        assert library.note(TAQSIS) == "OPCW says otherwise"
        assert [hit.id for hit in library.search("note:opcw", limit=5).hits] == [TAQSIS]


def test_space_marks_two_results_then_t_tags_both(index_dir):
    async def scenario(pilot):
        screen = pilot.app.screen
        results = screen.query_one(ResultList)
        ids = [hit.id for hit in results.hits]
        await pilot.press("down", "space", "space")  # marks the first two, moving on
        await settle(pilot)
        assert list(results.marked) == ids[:2]
        text = screen_text(pilot.app)
        assert "2 marked" in text
        assert text.count("● ") == 2
        footer = text.splitlines()[-1]  # what to do with them, at 80 columns
        assert "t Tag" in footer and "x Export" in footer and "u Unmark" in footer
        # the marks stay when the query changes
        await pilot.press("slash")
        await typed(pilot, "Rastan ")
        assert list(results.marked) == ids[:2] and "2 marked" in screen_text(pilot.app)
        await pilot.press("down")
        await tag_with(pilot, "+checked")
        assert any("Tagged 2 articles: +checked." in n for n in notifications(pilot.app))
        # u clears them
        await pilot.press("u")
        await settle(pilot)
        assert not results.marked and "marked" not in screen_text(pilot.app)

    go(index_dir, scenario)
    with Library(index_dir) as library:
        ids = [hit.id for hit in library.search("", limit=10).hits]
        assert [i for i in ids if library.tags_of(i) == ["checked"]] == ids[:2]


def test_x_exports_every_result_to_the_file_named(index_dir, tmp_path):
    out = tmp_path / "out" / "seeds.csv"
    out.parent.mkdir()

    async def scenario(pilot):
        results = pilot.app.screen.query_one(ResultList)
        shown = len(results.hits)
        await pilot.press("down", "x")
        await settle(pilot)
        box = pilot.app.screen
        assert isinstance(box, ExportScreen)
        assert box.query_one("#export-path").value == default_export_path("")
        await pilot.press("ctrl+u")  # the default, away
        await typed(pilot, str(out))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SearchScreen)
        told = [n for n in notifications(pilot.app) if "Exported" in n]
        assert told == [f"Exported {shown} articles to {out} (csv)."]
        return shown

    shown = []

    async def scenario_kept(pilot):
        shown.append(await scenario(pilot))

    go(index_dir, scenario_kept)
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == shown[0] == 4  # one per story, as listed
    assert {row["id"] for row in rows} >= {TAQSIS}


def test_x_with_marks_exports_the_marked_ones_and_asks_before_replacing(index_dir, tmp_path):
    out = tmp_path / "marked.jsonl"
    out.write_text("old\n")

    async def scenario(pilot):
        results = pilot.app.screen.query_one(ResultList)
        await pilot.press("down", "j", "space")
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("ctrl+u")
        await typed(pilot, str(tmp_path / "marked.txt"))
        await pilot.press("enter")
        await settle(pilot)
        assert "Name a .csv, .jsonl or .md file" in screen_text(pilot.app)
        await pilot.press("ctrl+u")
        await typed(pilot, str(out))
        await pilot.press("enter")
        await settle(pilot)
        assert "exists: enter again replaces it" in screen_text(pilot.app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SearchScreen)
        assert f"Exported 1 article to {out} (jsonl)." in notifications(pilot.app)
        return list(results.marked)

    marked = []

    async def kept(pilot):
        marked.extend(await scenario(pilot))

    go(index_dir, kept)
    import json

    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [row["id"] for row in rows] == marked


def test_a_tag_is_picked_from_the_facet_line(index_dir):
    with Library(index_dir) as library:
        library.tag([TAQSIS], add=["disputed"])

    async def scenario(pilot):
        screen = pilot.app.screen
        facets = screen.query_one(FacetBar)
        assert facets.tags == ["disputed"]
        await pilot.press("tab")  # (no chips yet: the facet line)
        await settle(pilot)
        assert pilot.app.focused is facets
        await pilot.press("enter")  # the first item: the tag
        await settle(pilot)
        assert [f.text for f in screen.filters] == ["tag:disputed"]
        assert [hit.id for hit in screen.query_one(ResultList).hits] == [TAQSIS]
        assert "tag:disputed ✕" in screen_text(pilot.app)

    go(index_dir, scenario)


def test_markup_in_a_tag_or_a_note_shows_as_written(index_dir):
    async def scenario(pilot):
        pilot.app.open_document(TAQSIS)
        await settle(pilot)
        # not a tag: said in the box, literally, and nothing changes
        await pilot.press("t")
        await settle(pilot)
        await typed(pilot, "[bold]x")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TagScreen)
        assert "'[bold]x' is not a tag" in screen_text(pilot.app)
        await pilot.press("escape")
        await settle(pilot)
        # a note with markup, shown as written in the article and in the box
        await pilot.press("m")
        await settle(pilot)
        await typed(pilot, "[bold red]loud[/] claim")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Note: [bold red]loud[/] claim" in screen_text(pilot.app)

    go(index_dir, scenario)
    with Library(index_dir) as library:
        assert library.tags_of(TAQSIS) == []
        assert library.note(TAQSIS) == "[bold red]loud[/] claim"


def test_a_results_row_with_tags_fits_80_columns(index_dir):
    with Library(index_dir) as library:
        library.tag([TAQSIS], add=["disputed", "needs-a-second-source", "todo", "syria/rastan"])
        library.set_note(TAQSIS, "a note")

    async def scenario(pilot):
        await pilot.press("down")
        await settle(pilot)
        text = screen_text(pilot.app)
        assert all(len(line) <= 80 for line in text.splitlines())
        row = row_lines(text, "Syrian War Report – April 3")
        # as many tags as fit in about 32 columns, the rest counted; the note's mark
        assert "[disputed +3] ✎ · +1 version" in row[1]
        assert row[2].strip() and row[3].strip()  # two lines of snippet follow
        # each result is still four lines, whatever it carries
        results = pilot.app.screen.query_one(ResultList)
        console = Console(width=76, file=open("/dev/null", "w"))
        for hit in results.hits:
            lines = console.render_lines(results._prompt(hit), console.options.update(width=76))
            assert len(lines) == 4

    go(index_dir, scenario)


def test_the_palette_reindexes_the_index_own_sources_not_the_seeds(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "one.txt").write_text("Shelling in Aleppo\n\nShelling was reported in Aleppo "
                                   "on Tuesday, residents said.\n")
    (pages / "two.txt").write_text("Talks in Geneva\n\nNegotiators met in Geneva to discuss "
                                   "the evacuation of civilians.\n")
    index_dir = tmp_path / "ix"
    with Library(index_dir) as library:
        assert library.add_paths([pages]).new == 2
    (pages / "three.txt").write_text("Convoy at the crossing\n\nAid convoys waited at the "
                                     "crossing for a second day.\n")

    async def scenario(pilot):
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await typed(pilot, "Re-index")
        await pilot.pause(0.5)
        assert "Re-index the sources (1 folder)" in screen_text(pilot.app)
        await pilot.press("enter")
        await settle(pilot)
        assert any("Re-indexed the sources: 1 new, 0 changed, 2 unchanged" in n
                   for n in notifications(pilot.app))
        assert len(pilot.app.screen.query_one(ResultList).hits) == 3

    run(WartuiApp(index_dir), scenario, size=SIZE)
    with Library(index_dir) as library:
        assert sorted(library.ids()) == ["one", "three", "two"]


def test_y_copies_the_citation_with_the_day_indexed(index_dir):
    async def scenario(pilot):
        pilot.app.open_document(TAQSIS)
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        first = pilot.app.clipboard.splitlines()[0]
        with Library(index_dir) as library:
            article = library.article(TAQSIS)
        assert f"indexed {article.metadata['indexed']}; wartui id {TAQSIS}" in first

    go(index_dir, scenario)
