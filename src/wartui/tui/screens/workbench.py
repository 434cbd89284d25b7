"""The analyst's workbench in the app: the small screens of `t` (tags), `m`
(the note) and `x` (export).

Each is a box over the screen it came from. It is given the change to make
(`apply`, a coroutine calling the Library through the gate), runs it when
the reader confirms, and stays open with the reason when the change is
refused (a word that is not a tag, a file that cannot be written), so the
reader can correct it; done, it is dismissed with what to tell the reader.

Everything shown comes from articles or the reader's typing, so it is shown
as Rich Text (never markup) and made printable first (reading.safe).
"""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.widgets import Input, Static, TextArea

from ...errors import WartuiError
from ..reading import safe, tag_marker
from ..widgets.footer import KeyFooter
from ..widgets.query_input import QueryInput
from .base import WartuiScreen

EXPORT_FORMS = {".csv": "csv", ".jsonl": "jsonl", ".md": "md"}
IN_USE_SHOWN = 12  # tags in use listed under the box (completion offers them all)


def tag_changes(text: str) -> tuple[list[str], list[str]]:
    """`+disputed -todo source-checked` as (added, removed), as `wartui tag`
    reads it: a bare word adds."""
    add: list[str] = []
    remove: list[str] = []
    for word in text.split():
        if word.startswith("-"):
            remove.append(word[1:])
        else:
            add.append(word.removeprefix("+"))
    return add, remove


def changes_text(add: list[str], remove: list[str]) -> str:
    return " ".join([*(f"+{tag}" for tag in add), *(f"-{tag}" for tag in remove)])


class TagSuggester(Suggester):
    """Completes the word being typed (after its + or -) with a tag: to
    remove, first the ones the articles have; to add, the ones in use, most
    used first."""

    def __init__(self, in_use: list[str], current: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.in_use = in_use
        self.current = current

    async def get_suggestion(self, value: str) -> str | None:
        word = value.rsplit(" ", 1)[-1]
        sign = word[:1] if word[:1] in "+-" else ""
        start = word[len(sign):]
        if not start:
            return None
        order = [*self.current, *self.in_use] if sign == "-" else self.in_use
        for tag in order:
            if tag.startswith(start) and tag != start:
                return value + tag[len(start):]
        return None


class WorkbenchScreen(WartuiScreen):
    """A box over the screen: a title, what it is about, a field, a line for
    what went wrong, the keys. Subclasses compose the field."""

    BINDINGS = [Binding("escape", "cancel", "Back", id="workbench.cancel")]
    BOX_ID = "workbench"

    def __init__(self, gate, title: str, what: str) -> None:
        super().__init__(gate)
        self.box_title = title
        self.what = what
        self.busy = False

    def compose_body(self) -> ComposeResult:
        with Vertical(id=self.BOX_ID, classes="workbench"):
            yield Static(Text(self.box_title, style="bold"), classes="workbench-title")
            yield Static(Text(safe(self.what, keep_newlines=False), no_wrap=True,
                              overflow="ellipsis"), classes="workbench-what")
            yield from self.compose_field()
            yield Static("", classes="workbench-problem")
            yield Static(Text(self.keys_text()), classes="workbench-keys")
        yield KeyFooter()

    def compose_field(self) -> ComposeResult:
        yield from ()

    def keys_text(self) -> str:
        return "enter: done · escape: back"

    def problem(self, message: str) -> None:
        """Say what went wrong, in the box (as written: never markup)."""
        self.query_one(".workbench-problem", Static).update(
            Text(safe(message, keep_newlines=False)))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def attempt(self, apply: Callable[[], Awaitable[str]]) -> None:
        """Run the change; dismissed with its message, or kept open with the
        reason it was refused."""
        if self.busy:
            return
        self.busy = True
        self.run_job(self._attempt, apply, group="workbench")

    async def _attempt(self, apply: Callable[[], Awaitable[str]]) -> None:
        try:
            message = await apply()
        except WartuiError as error:
            self.busy = False
            self.problem(str(error))
            return
        self.dismiss(message)


class TagScreen(WorkbenchScreen):
    """`t`: add and remove tags of one article or of the marked ones.
    `apply(add, remove)` makes the change and says what it did."""

    HELP_TITLE = "Tags"
    BOX_ID = "tag"
    BINDINGS = [
        Binding("tab", "complete", "Complete", id="tags.complete",
                tooltip="Complete the tag being typed (as right does at the end)"),
    ]

    def __init__(self, gate, what: str, current: list[str], in_use: dict[str, int],
                 apply: Callable[[list[str], list[str]], Awaitable[str]],
                 count: int = 1) -> None:
        super().__init__(gate, f"Tags of {count} marked articles" if count > 1
                         else "Tags of this article", what)
        self.current = list(current)
        self.in_use = dict(in_use)
        self.apply = apply

    def compose_field(self) -> ComposeResult:
        now = Text("Now: ")
        now.append(tag_marker(self.current, most=60) if self.current else "no tags",
                   style="bold")
        yield Static(now, classes="workbench-now")
        yield QueryInput(placeholder="+tag -tag (a word alone adds it)", id="tag-input",
                         suggester=TagSuggester(list(self.in_use), self.current))
        in_use = Text("In use: ", style="italic")
        if self.in_use:
            for number, (tag, count) in enumerate(list(self.in_use.items())[:IN_USE_SHOWN]):
                if number:
                    in_use.append(" · ")
                in_use.append(safe(tag, keep_newlines=False))
                in_use.append(f" {count:,}", style="bold")
            if len(self.in_use) > IN_USE_SHOWN:
                in_use.append(f" · +{len(self.in_use) - IN_USE_SHOWN} more")
        else:
            in_use.append("none yet")
        yield Static(in_use, classes="workbench-in-use")

    def keys_text(self) -> str:
        return "enter: apply · tab: complete · escape: back"

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_complete(self) -> None:
        box = self.query_one(Input)
        box.cursor_position = len(box.value)
        box.action_cursor_right()  # (takes the suggestion at the end)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        add, remove = tag_changes(event.value)
        if not add and not remove:
            self.problem("Type the tags to add (+tag, or the word alone) and to remove (-tag).")
            return
        self.attempt(lambda: self.apply(add, remove))


class NoteTextArea(TextArea):
    """The note being written, never holding a control character (a paste
    of one is made visible, as everywhere)."""

    TAKES_TYPING = True  # (keys that arrive with the `m` that opened it: app.on_event)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        text = self.text
        visible = safe(text)
        if visible != text:
            row, column = self.cursor_location
            self.text = visible
            self.cursor_location = (row, min(column, len(self.document.get_line(row))))


class NoteScreen(WorkbenchScreen):
    """`m`: the article's note, in a text area. ctrl+s saves (an empty
    note removes it), escape leaves it as it was. `apply(text)` saves it."""

    HELP_TITLE = "Note"
    BOX_ID = "note"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save",
                tooltip="Save the note (an empty one is removed)"),
    ]

    def __init__(self, gate, what: str, note: str,
                 apply: Callable[[str], Awaitable[str]]) -> None:
        super().__init__(gate, "Note on this article", what)
        self.note = note
        self.apply = apply

    def compose_field(self) -> ComposeResult:
        yield NoteTextArea(safe(self.note), id="note-text", soft_wrap=True)

    def keys_text(self) -> str:
        return "ctrl+s: save · escape: cancel · an empty note is removed"

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        text = self.query_one(TextArea).text
        self.attempt(lambda: self.apply(text))


def export_form(path: str) -> str | None:
    """csv, jsonl or md, by the file's extension; None for another."""
    return EXPORT_FORMS.get(Path(path).suffix.casefold())


def export_slug(text: str, most: int = 40) -> str:
    """"Aleppo source:"sana"" -> "aleppo-source-sana"; "all" for nothing."""
    slug = re.sub(r"[^\w]+", "-", text.casefold(), flags=re.ASCII).strip("-")
    return slug[:most].rstrip("-") or "all"


def default_export_path(described: str) -> str:
    return f"~/wartui-export-{export_slug(described)}.csv"


def export_target(value: str) -> Path:
    """The file named: `~` expanded, relative to the folder wartui runs in."""
    return Path(os.path.expanduser(value.strip())).absolute()


class ExportScreen(WorkbenchScreen):
    """`x`: the file to export the results (or the marked ones) to; its
    extension says the form. `apply(path, form)` writes it. An existing
    file is replaced only when enter is pressed on it a second time."""

    HELP_TITLE = "Export"
    BOX_ID = "export"

    def __init__(self, gate, what: str, default: str,
                 apply: Callable[[Path, str], Awaitable[str]]) -> None:
        super().__init__(gate, "Export to a file", what)
        self.default = default
        self.apply = apply
        self._replacing: Path | None = None  # said to exist: enter again replaces it

    def compose_field(self) -> ComposeResult:
        yield QueryInput(value=self.default, placeholder="~/wartui-export.csv", id="export-path",
                         select_on_focus=False)

    def keys_text(self) -> str:
        return "enter: export · .csv, .jsonl or .md · escape: back"

    def on_mount(self) -> None:
        box = self.query_one(Input)
        box.focus()
        box.cursor_position = len(box.value)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._replacing = None
        self.problem("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self.problem("Name the file to write.")
            return
        form = export_form(event.value.strip())
        if form is None:
            self.problem("Name a .csv, .jsonl or .md file: its extension says the form.")
            return
        path = export_target(event.value)
        if not path.parent.is_dir():
            self.problem(f"There is no folder {path.parent}.")
            return
        if path.is_dir():
            self.problem(f"{path} is a folder: name a file in it.")
            return
        if path.exists() and self._replacing != path:
            self._replacing = path
            self.problem(f"{path} exists: enter again replaces it.")
            return
        self.problem("Exporting…")
        self.attempt(lambda: self.apply(path, form))
