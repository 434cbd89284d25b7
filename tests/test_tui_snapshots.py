"""SVG snapshots of each screen at 80x24 (over SSH) and 160x48.

The baselines are in tests/__snapshots__/; after a deliberate change to a
screen, look at the report pytest writes and update them with
`pytest tests/test_tui_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from test_tui import seed_index, settle  # noqa: F401  (a fixture, and the helper)
from wartui.library import Library
from wartui.tui.app import WartuiApp

SIZES = [(80, 24), (160, 48)]


async def steady(pilot) -> None:
    """No worker running, no debounce pending, the cursor not blinking."""
    await settle(pilot)
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


def keys(*presses):
    async def run_before(pilot) -> None:
        await steady(pilot)
        for press in presses:
            if callable(press):
                press(pilot.app)
            else:
                await pilot.press(*press)
            await steady(pilot)

    return run_before


def open_document(doc_id, query=""):
    return lambda app: app.open_document(doc_id, query, {"deir-ez-zor"} if query else set())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_search_with_results(snap_compare, seed_index, size):
    assert snap_compare(WartuiApp(seed_index), terminal_size=size,
                        run_before=keys("Deir ez-Zor"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_document(snap_compare, seed_index, size):
    assert snap_compare(WartuiApp(seed_index), terminal_size=size,
                        run_before=keys(open_document("002_193f624956799aae", "Deir ez-Zor"),
                                        "n"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_document_with_entity_panel(snap_compare, seed_index, size):
    assert snap_compare(WartuiApp(seed_index), terminal_size=size,
                        run_before=keys(open_document("002_193f624956799aae"), "e"))


def test_document_raw_page(snap_compare, seed_index):
    assert snap_compare(WartuiApp(seed_index), terminal_size=(80, 24),
                        run_before=keys(open_document("002_193f624956799aae"), "r"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_diff(snap_compare, seed_index, size):
    assert snap_compare(WartuiApp(seed_index), terminal_size=size,
                        run_before=keys(open_document("000_1d8dfec3ee535e83"), "v", ["enter"],
                                        "n"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(snap_compare, seed_index, size):
    assert snap_compare(WartuiApp(seed_index), terminal_size=size,
                        run_before=keys(open_document("002_193f624956799aae"),
                                        ["question_mark"]))


@pytest.fixture(scope="module")
def figures_index(tmp_path_factory):
    """Two versions of a report: figures, a date and words changed, a
    paragraph moved, a paragraph only one of them has."""
    root = tmp_path_factory.mktemp("figures")
    shared = ["The talks in Geneva went on that week while the shelling of the eastern "
              "districts continued, residents said.",
              "Aid convoys waited at the crossing for a second day; the Red Crescent said "
              "it had not been given the permits it needed to reach the besieged towns.",
              "A spokesman for the opposition said the agreement had been imposed on the "
              "people of Douma and that many families refused to leave their homes.",
              "Buses left in the evening under escort, heading north towards Idlib and "
              "Jarablus, according to the monitoring group."]
    one = ["In Eastern Ghouta, 1,065 militants and their family members were evacuated "
           "from Douma on April 2, the state news agency SANA reported.", *shared,
           "The Russian military police will be deployed in Douma, the ministry added."]
    two = ["In Eastern Ghouta, 1,056 militants and their relatives were evacuated "
           "from Douma on April 3, the state news agency SANA reported.", shared[1],
           shared[0], *shared[2:]]
    (root / "pages").mkdir()
    (root / "pages" / "one.txt").write_text("Evacuation of Douma\n\n" + "\n\n".join(one))
    (root / "pages" / "two.txt").write_text("Evacuation of Douma\n\n" + "\n\n".join(two))
    with Library(root / "ix") as library:
        library.add_paths([root / "pages"])
    return root / "ix"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_diff_with_changed_figures(snap_compare, figures_index, size):
    assert snap_compare(WartuiApp(figures_index), terminal_size=size,
                        run_before=keys(lambda app: app.open_diff("one", "two", "Evacuation",
                                                                  "Evacuation")))


def test_too_small(snap_compare, seed_index):
    assert snap_compare(WartuiApp(seed_index), terminal_size=(40, 12), run_before=keys())


def test_document_no_color(snap_compare, seed_index, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(WartuiApp(seed_index), terminal_size=(80, 24),
                        run_before=keys(open_document("002_193f624956799aae", "Deir ez-Zor"),
                                        "n"))


@pytest.fixture(scope="module")
def fakes_index(corpus_library):
    """The seeds and FA-KES (conftest's corpus_library)."""
    return corpus_library.index_dir


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_search_with_filter_chips(snap_compare, fakes_index, size):
    """Aleppo, a source picked and one left out from the facet line, the
    cursor on the sparkline's bars: the chips under the box."""
    assert snap_compare(WartuiApp(fakes_index), terminal_size=size,
                        run_before=keys("Aleppo ", ["tab"], ["right", "enter"],
                                        ["right", "minus"], ["G", "left", "left"]))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_entity_browser(snap_compare, fakes_index, size):
    assert snap_compare(WartuiApp(fakes_index), terminal_size=size,
                        run_before=keys("Deir ez-Zor ", ["down", "e"]))


# -- the README's picture -------------------------------------------------------------------

README_PICTURE = Path(__file__).resolve().parents[1] / "docs" / "screenshot.svg"


def test_readme_picture(snap_compare, seed_index):
    """The README's picture of the app (docs/screenshot.svg) at 100x30: this
    snapshot. After `--snapshot-update`, copy its baseline there (the next
    test says so when they differ)."""
    assert snap_compare(WartuiApp(seed_index), terminal_size=(100, 30),
                        run_before=keys("Deir ez-Zor"))


def test_the_readme_picture_is_the_snapshot():
    baseline = (Path(__file__).parent / "__snapshots__" / "test_tui_snapshots"
                / "test_readme_picture.svg")
    assert README_PICTURE.read_text() == baseline.read_text(), (
        f"the README's picture is not the app as it is: cp '{baseline}' '{README_PICTURE}'")
