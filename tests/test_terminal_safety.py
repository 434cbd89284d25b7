"""End to end: hostile text never reaches the terminal as control sequences,
bidi overrides or markup.

An index is built from a crafted corpus whose file names, titles, sources,
bodies, dropped lines, entity names (a gazetteer entry) and the queries
themselves carry OSC 52 (clipboard), OSC 0 (window title), CSI, DCS, a C1
CSI, bidi overrides and Rich/Textual markup (`[bold red]`, `[link=...]`,
`[@click=...]`, `[/]`). Then every CLI command's stdout/stderr and every
screen of the app are checked: no raw ESC (beyond Rich's own colour codes when
colour is forced), no C1 or other C0 control, no bidi control; the hostile
text shows in its visible form (␛, ⟦U+202E⟧) with the markup literal; no
segment of the app became a link or an action; --json is valid JSON that
gives back the text exactly.
"""

from __future__ import annotations

import asyncio
import json
import os
import re

import pytest

from wartui.cli import main
from wartui.library import Library
from wartui.textsafe import printable
from textual_view import notifications, screen_strips

OSC52 = "\x1b]52;c;ZXZpbA==\x07"
WINDOW_TITLE = "\x1b]0;pwned\x07"
CSI = "\x1b[2J\x1b[31m"
DCS = "\x1bP1$qm\x1b\\"
C1_CSI = "\x9b31m"
BIDI = "\u202eevil\u202c \u2066iso\u2069"
MARKUP = "[bold red]x[/] [link=file:///etc/passwd]click[/link] [@click=app.quit]quit[/] [/]"
HOSTILE = OSC52 + WINDOW_TITLE + CSI + DCS + C1_CSI + BIDI + " " + MARKUP

EVIL_ID = f"evil{WINDOW_TITLE}[bold]name[link=file:etc]l"  # a file stem: no "/"
EVIL2_ID = "evil2"
ROW_ID = f"rows:r{WINDOW_TITLE}[b]1[/b]"
EMPTY_FILE = f"empty{OSC52}[bold]e.txt"
UNSUPPORTED_FILE = f"note{WINDOW_TITLE}[bold]n.bin"
TITLE = (f"Hostile {WINDOW_TITLE}{C1_CSI}\u202etitle\u202c [bold red]x[/] "
         "[link=file:///etc/passwd]click[/link] [@click=app.quit]q[/] Aleppo")
SOURCE = f"Src{OSC52}[link=file:///etc/passwd]site[/link]"
ZORG_NAME = f"Zorgtown {WINDOW_TITLE}[bold red]x[/] [link=file:///etc/passwd]click[/link]"
PARAGRAPH = ("Shelling was reported near Aleppo and Idlib on Tuesday while negotiators met in "
             "Geneva to discuss the evacuation of civilians from the besieged districts. ")
BODY = (f"{TITLE}\n\n"
        f"{PARAGRAPH * 2}Officials in Zorgtown counted 1,065 militants.\n\n"
        f"Omar Hassan said {HOSTILE} near Zorgtown :warning:.\n\n"
        f"{PARAGRAPH}\n\n"
        f"Tags: {WINDOW_TITLE}[bold]x[/] {C1_CSI}\n\n"
        "Share this\n")
BODY2 = (BODY.replace("Tuesday", "Wednesday").replace("1,065", "1,056")
         + f"\n\nA reader comment {OSC52}[bold]here[/]\n")

# Every character that must not reach a terminal raw (ESC is checked apart).
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f-\x9f" + _BIDI + "\ud800-\udfff]")
# Rich's own sequences with colour forced: styles, and the progress bar's cursor
# hiding and line erasing (article text cannot make them: its ESC is shown as ␛)
# (a raw CR in colour mode is the progress bar's too; the pipe runs check CRs)
SGR = re.compile(r"\x1b\[[0-9;]*m|\x1b\[\?25[lh]|\x1b\[2K|\x1b\[[0-9]*[AB]|\r")


def visible(text: str) -> str:
    return " ".join(printable(text, keep_newlines=False).split())


def flat(output: str) -> str:
    """Output with its wrapping undone (words joined by single spaces)."""
    return " ".join(output.split())


def assert_clean(output: str, colour: bool = False) -> None:
    rest = SGR.sub("", output) if colour else output
    assert "\x1b" not in rest, repr(rest[max(0, rest.find("\x1b") - 40):][:120])
    found = UNSAFE.search(rest)
    assert found is None, repr(rest[max(0, found.start() - 40):][:120])


# -- the corpus and its index ----------------------------------------------------------

def write_corpus(root) -> None:
    root.mkdir()
    (root / f"{EVIL_ID}.txt").write_text(BODY, encoding="utf-8")
    (root / f"{EVIL2_ID}.txt").write_text(BODY2, encoding="utf-8")
    rows = [
        {"id": f"r{WINDOW_TITLE}[b]1[/b]", "title": f"Row {HOSTILE} Hostile", "source": SOURCE,
         "author": f"Ann {OSC52}[i]x[/i]", "date": "2018-04-03",
         "text": f"Row body about Aleppo. {HOSTILE} :warning: :smile:"},
    ]
    lines = [json.dumps(row) for row in rows]
    lines.append(f"not json {WINDOW_TITLE}[bold]x[/]")
    lines.append('{"id": "s1", "title": "lone \\ud800 surrogate", '
                 '"text": "A row about Aleppo with a lone \\udc80 surrogate."}')
    (root / "rows.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / EMPTY_FILE).write_text("")
    # a file name that is not UTF-8
    with open(os.fsencode(root) + b"/bad\xffname.txt", "wb") as handle:
        handle.write(b"Odd name\n\nA page about Idlib whose file name is not UTF-8.\n")


def write_gazetteer(path) -> None:
    path.write_text(json.dumps({"version": 7, "entities": [
        {"id": "aleppo", "type": "place", "name": "Aleppo", "aliases": ["Halab"]},
        {"id": "idlib", "type": "place", "name": "Idlib", "aliases": []},
        {"id": "zorgtown", "type": "place", "name": ZORG_NAME, "aliases": ["Zorgtown"]},
    ]}), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """(corpus folder, index folder), with the gazetteer naming Zorgtown hostilely."""
    root = tmp_path_factory.mktemp("hostile")
    write_gazetteer(root / "gazetteer.json")
    write_corpus(root / "corpus")
    (root / UNSUPPORTED_FILE).write_text("not read")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WARTUI_GAZETTEER", str(root / "gazetteer.json"))
        with Library(root / "index") as library:
            report = library.add_paths([root / "corpus"])
            assert report.new == 5, (report.summary(), report.skipped)
        yield root, root / "index"


@pytest.fixture
def terminal(monkeypatch):
    """Run the CLI with no colour (a pipe) or with colour forced, at a width."""

    def setup(colour: bool, width: int = 120) -> None:
        for name in ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
            monkeypatch.delenv(name, raising=False)
        if colour:
            monkeypatch.setenv("FORCE_COLOR", "1")
            monkeypatch.setenv("TERM", "xterm-256color")
            monkeypatch.setenv("COLORTERM", "truecolor")
        monkeypatch.setenv("COLUMNS", str(width))

    return setup


def run(capsys, *args) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# -- the CLI ---------------------------------------------------------------------------

# (arguments, exit status, literal texts the output must show in their visible form)
COMMANDS = {
    "search": (["search", "Hostile"], 0, [TITLE]),
    "search-query-echo": (["search", f"Aleppo {WINDOW_TITLE}{BIDI}"], 0,
                          [f"Aleppo {WINDOW_TITLE}{BIDI}"]),
    "search-query-error": (["search", f"date:[{WINDOW_TITLE}[bold]x[/] to"], 2,
                           ["cannot read the date"]),
    "search-entity-name": (["search", "Zorgtown"], 0, [ZORG_NAME]),
    "show": (["show", EVIL_ID], 0, [TITLE, HOSTILE]),
    "show-raw-dropped": (["show", EVIL_ID, "--raw", "--dropped"], 0,
                         [HOSTILE, f"Tags: {WINDOW_TITLE}[bold]x[/]"]),
    "show-dropped": (["show", EVIL_ID, "--dropped"], 0, [f"Tags: {WINDOW_TITLE}[bold]x[/]"]),
    "show-row": (["show", ROW_ID], 0, [SOURCE, ":warning: :smile:"]),
    "show-missing": (["show", EVIL_ID + "x"], 1, [EVIL_ID + "x", EVIL_ID]),
    "entities": (["entities", EVIL_ID], 0, [ZORG_NAME]),
    "entities-top": (["entities", "--top"], 0, [ZORG_NAME]),
    "dupes": (["dupes"], 0, [EVIL_ID, TITLE]),
    "diff": (["diff", EVIL_ID, EVIL2_ID], 0, [EVIL_ID, "1,065 -> 1,056"]),
    # the message quotes the id with repr (\x1b), which is as inert
    "diff-missing": (["diff", EVIL_ID, EVIL_ID + "x"], 2, ["[bold]name[link=file:etc]lx"]),
}


@pytest.mark.parametrize("colour", [False, True], ids=["pipe", "colour"])
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_cli_output_is_inert(hostile, terminal, capsys, name, colour):
    _, index = hostile
    terminal(colour)
    args, expected_status, shown = COMMANDS[name]
    status, out, err = run(capsys, "--index-dir", index, *args)
    assert status == expected_status, err
    assert_clean(out + err, colour)
    text = flat(SGR.sub("", out + err))
    for literal in shown:
        assert visible(literal) in text, (literal, text[:2000])
    assert "Traceback" not in text


def test_cli_diff_stacked_and_side_by_side(hostile, terminal, capsys):
    _, index = hostile
    for width in (80, 120):
        terminal(colour=True, width=width)
        status, out, err = run(capsys, "--index-dir", index, "diff", EVIL_ID, EVIL2_ID)
        assert status == 0
        assert_clean(out + err, colour=True)
        plain = SGR.sub("", out)
        # the column headers (side by side) and the header line show the id as written
        assert visible(EVIL_ID) in plain
        assert "\x1b]8;" not in out  # no hyperlink: the [link=...] stayed text
    terminal(colour=False, width=80)
    _, out, _ = run(capsys, "--index-dir", index, "diff", EVIL_ID, EVIL2_ID)
    assert visible(HOSTILE) in flat(out)  # stacked: each side's paragraph, literal


JSON_COMMANDS = {
    "search": ["search", "Hostile", "--json"],
    "show": ["show", ROW_ID, "--json"],
    "show-raw": ["show", EVIL_ID, "--raw", "--json"],
    "entities": ["entities", EVIL_ID, "--json"],
    "entities-top": ["entities", "--top", "--json"],
    "dupes": ["dupes", "--json"],
    "diff": ["diff", EVIL_ID, EVIL2_ID, "--json"],
}


@pytest.mark.parametrize("colour", [False, True], ids=["pipe", "colour"])
@pytest.mark.parametrize("name", sorted(JSON_COMMANDS))
def test_cli_json_is_valid_and_exact(hostile, terminal, capsys, name, colour):
    _, index = hostile
    terminal(colour)
    status, out, err = run(capsys, "--index-dir", index, *JSON_COMMANDS[name])
    assert status == 0, err
    assert "\x1b" not in out  # JSON escapes it; Rich adds no colour to it
    assert_clean(out)
    data = json.loads(out)
    if name == "search":
        assert TITLE in [hit["title"] for hit in data["results"]]
    elif name == "show":
        assert data["id"] == ROW_ID and data["source"] == SOURCE
        assert f"{HOSTILE} :warning: :smile:" in data["paragraphs"][0]  # no emoji codes
    elif name == "show-raw":
        assert data["raw"] == BODY
    elif name == "entities":
        assert ZORG_NAME in [e["name"] for e in data["entities"]]
    elif name == "entities-top":
        assert ZORG_NAME in [e["name"] for e in data["entities"]]
    elif name == "dupes":
        assert EVIL_ID in data["clusters"][0]["ids"] and TITLE in data["clusters"][0]["titles"]
    elif name == "diff":
        assert data["a"] == EVIL_ID
        assert any(HOSTILE in text for block in data["blocks"] for text in block["a"])


@pytest.mark.parametrize("colour", [False, True], ids=["pipe", "colour"])
def test_cli_index_reports_hostile_file_names_inertly(hostile, terminal, capsys, tmp_path,
                                                      colour):
    root, _ = hostile
    terminal(colour)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WARTUI_GAZETTEER", str(root / "gazetteer.json"))
        status, out, err = run(capsys, "--index-dir", tmp_path / "ix", "index",
                               root / "corpus", root / UNSUPPORTED_FILE)
        assert status == 1  # something was skipped
        assert_clean(out + err, colour)
        text = flat(SGR.sub("", out))
        assert "5 new" in text
        for name in (EMPTY_FILE, UNSUPPORTED_FILE):
            assert visible(name) in text
        assert "bad%FFname.txt" in text  # a file name that is not UTF-8, in its visible form

        status, out, err = run(capsys, "--index-dir", tmp_path / "ix2", "index",
                               root / "corpus", root / UNSUPPORTED_FILE, "--json")
        assert status == 1
        assert_clean(out + err)
        report = json.loads(out)
        assert report["new"] == 5
        where = {item["where"] for item in report["skipped"]}
        assert str(root / "corpus" / EMPTY_FILE) in where
        assert str(root / UNSUPPORTED_FILE) in where
        notes = {item["reason"] for item in report["notes"]}
        assert "lone UTF-16 surrogate escape(s) read as U+FFFD" in notes


def test_cli_without_a_command_prints_the_index_dir_inertly(hostile, terminal, capsys,
                                                            tmp_path, monkeypatch):
    root, _ = hostile
    terminal(colour=True)
    monkeypatch.setenv("WARTUI_GAZETTEER", str(root / "gazetteer.json"))
    index = tmp_path / f"ix{WINDOW_TITLE}[bold red]x"
    status, out, err = run(capsys, "--index-dir", index)
    assert status == 0
    assert_clean(out + err, colour=True)
    assert visible(str(index)) in flat(SGR.sub("", out))


# -- the app -----------------------------------------------------------------------------

def _strips(app):
    return screen_strips(app)


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in _strips(app))


def assert_screen_inert(app, *literals: str) -> str:
    """No raw control or bidi character on screen, nothing turned into a link or
    an action, and each of `literals` shown in its visible form."""
    strips = _strips(app)
    text = "\n".join(strip.text for strip in strips)
    assert_clean(text)
    for strip in strips:
        for segment in strip:
            style = segment.style
            if style is None:
                continue
            assert not style.link, (segment.text, style.link)
            meta = style.meta or {}
            assert not any(key.startswith("@") for key in meta), (segment.text, meta)
    flattened = flat(text)
    for literal in literals:
        assert visible(literal) in flattened, (literal, text)
    return text


def test_app_screens_are_inert(hostile, monkeypatch):
    from textual.widgets import Input

    from wartui.tui.app import WartuiApp
    from wartui.tui.screens.diff import DiffScreen
    from wartui.tui.screens.document import DocumentScreen
    from wartui.tui.screens.help import HelpScreen
    from wartui.tui.screens.versions import VersionsScreen
    from wartui.tui.widgets.diff_view import DiffView
    from wartui.tui.widgets.entity_panel import EntityPanel
    from wartui.tui.widgets.facets import FacetBar

    root, index = hostile
    monkeypatch.setenv("WARTUI_GAZETTEER", str(root / "gazetteer.json"))
    app = WartuiApp(index)

    async def settle(pilot, quiet: float = 0.3) -> None:
        for round in range(2):
            for _ in range(200):
                await app.workers.wait_for_complete()
                await pilot.pause()
                if not any(worker.is_running for worker in app.workers):
                    break
            if not round:
                await pilot.pause(quiet)

    async def search(pilot, query: str) -> None:
        app.screen.query_one("#query", Input).value = query
        await settle(pilot)

    async def scenario(pilot) -> None:
        await settle(pilot)
        # results: title and snippet; the facet line names the hostile source
        await search(pilot, "Hostile")
        assert_screen_inert(app, TITLE)
        facets = app.screen.query_one(FacetBar)
        assert visible(SOURCE) in str(facets.render())
        await search(pilot, "Row")
        assert_screen_inert(app, "Row " + OSC52)

        # the query echo: the box shows it made visible; "did you mean" too
        await search(pilot, f"Hostle {WINDOW_TITLE}{BIDI} [bold]x")
        assert app.screen.query_one("#query", Input).value == visible(
            f"Hostle {WINDOW_TITLE}{BIDI} [bold]x")
        text = assert_screen_inert(app, f"Hostle {WINDOW_TITLE}{BIDI} [bold]x")
        assert "Did you mean" in text
        # a query error quotes the query
        await search(pilot, f"date:[{WINDOW_TITLE}[bold]x[/] to")
        assert_screen_inert(app, "cannot read the date")

        # the document: title, body, markup literal, bidi visible
        app.open_document(EVIL_ID, query="Aleppo")
        await settle(pilot)
        assert isinstance(app.screen, DocumentScreen)
        assert_screen_inert(app, TITLE, "Omar Hassan said " + OSC52, MARKUP, BIDI)

        # the entity panel: the gazetteer's hostile name, as written
        await pilot.press("e")
        await settle(pilot)
        panel = app.screen.query_one(EntityPanel)
        prompts = [str(panel.get_option_at_index(n).prompt) for n in range(panel.option_count)]
        assert any(visible(ZORG_NAME) in prompt for prompt in prompts), prompts
        assert_screen_inert(app, f"Zorgtown {WINDOW_TITLE}")
        await pilot.press("e")

        # the raw page, with the dropped (hostile) tag line marked
        await pilot.press("r")
        await settle(pilot)
        assert_screen_inert(app, f"Tags: {WINDOW_TITLE}[bold]x[/]", "dropped: tag")
        await pilot.press("r")
        await settle(pilot)

        # versions, then the diff of the two
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, VersionsScreen)
        assert_screen_inert(app, EVIL2_ID, "Hostile " + WINDOW_TITLE)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)
        assert_screen_inert(app, EVIL_ID, "1,065 -> 1,056")
        view = app.screen.query_one(DiffView)
        for _ in range(40):
            assert_clean(view.visible_text())
            await pilot.press("j")
        await pilot.press("s")  # swapped sides
        await settle(pilot)
        assert_screen_inert(app, EVIL_ID)

        # help
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert_screen_inert(app)
        await pilot.press("escape")
        await settle(pilot)

        # an error notification quoting hostile ids
        missing = f"nope {WINDOW_TITLE}[bold]x[/] [link=file:///etc/passwd]l[/link]"
        app.open_diff(EVIL_ID, missing)
        await settle(pilot, 0.5)
        messages = notifications(app)
        # (the id is quoted with repr, "\x1b": as inert as ␛)
        assert any("[bold]x[/] [link=file:///etc/passwd]l[/link]" in m for m in messages)
        assert_screen_inert(app, "[bold]x[/]", "[link=file:///etc/passwd]l[/link]")

        # the command palette: open by id
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"evil")
        await settle(pilot, 0.5)
        assert_screen_inert(app, f"Open evil{WINDOW_TITLE}[bold]name")

    async def run_app() -> None:
        async with app.run_test(size=(200, 50), notifications=True) as pilot:
            await scenario(pilot)

    asyncio.run(run_app())
