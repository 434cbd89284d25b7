"""Saved searches, as notmuch's and aerc's folders: ctrl+s names the search
on screen (its query, filters and sort); ctrl+o lists them with the reports
each finds and how many are new since it was last opened; enter opens one,
d forgets it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...errors import WartuiError
from ...model import SavedSearch
from ..reading import safe
from ..widgets.footer import KeyFooter
from ..widgets.query_input import QueryInput
from .base import WartuiScreen


class SaveScreen(WartuiScreen):
    """The name to save the search under; dismissed with it, or None."""

    HELP_TITLE = "Save the search"
    BINDINGS = [Binding("escape", "cancel", "Back", id="save.cancel")]

    def __init__(self, gate, description: str, suggested: str) -> None:
        super().__init__(gate)
        self.description = description
        self.suggested = suggested

    def compose_body(self) -> ComposeResult:
        with Vertical(id="save"):
            yield Static(Text("Save this search", style="bold"), id="save-title")
            yield Static(Text(safe(self.description, keep_newlines=False)), id="save-what")
            yield QueryInput(value=self.suggested, placeholder="its name", id="save-name",
                             select_on_focus=True)
            yield Static(Text("enter: save · escape: back"), id="save-keys")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SavedList(OptionList):
    HELP_TITLE = "In the saved searches"
    BINDINGS = [
        Binding("j", "cursor_down", "Next", show=False, id="saved.down"),
        Binding("k", "cursor_up", "Previous", show=False, id="saved.up"),
        Binding("g", "first", "First", show=False, id="saved.first"),
        Binding("G", "last", "Last", show=False, id="saved.last"),
        Binding("enter", "select", "Open", id="saved.open"),
    ]


def describe(saved: SavedSearch) -> str:
    """The search as the query text it stands for."""
    return " ".join(part for part in (saved.query.strip(), *saved.filters) if part) or \
        "(everything)"


class SavedScreen(WartuiScreen):
    """Dismissed with the saved search to open, or None."""

    HELP_TITLE = "Saved searches"
    HELP_WIDGETS = (SavedList,)
    BINDINGS = [
        Binding("d,delete", "forget", "Forget it", id="saved.forget",
                tooltip="Remove the saved search (its reports stay in the index)"),
    ]

    def __init__(self, gate) -> None:
        super().__init__(gate)
        self.saved: list[tuple[SavedSearch, int]] = []

    def compose_body(self) -> ComposeResult:
        yield Static(Text("SAVED SEARCHES · counting…", style="bold"), id="saved-bar")
        yield SavedList(id="saved-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(SavedList).focus()
        self.run_job(self._load, group="saved")

    async def _load(self) -> None:
        # each is searched for its count: aside, the search screen's line stays free
        self.saved = await self.gate.call_aside(lambda lib: lib.saved_searches())
        self._show()

    def _show(self) -> None:
        listing = self.query_one(SavedList)
        highlighted = listing.highlighted
        options = []
        for saved, total in self.saved:
            head = Text(no_wrap=True, overflow="ellipsis")
            head.append(safe(saved.name, keep_newlines=False), style="bold")
            head.append(f" · {total:,} report{'s' if total != 1 else ''}")
            new = total - saved.seen
            if new > 0:
                head.append(f" · {new:,} new", style="bold reverse")
            what = Text("  " + safe(describe(saved), keep_newlines=False), no_wrap=True,
                        overflow="ellipsis", style="italic")
            options.append(Option(Text("\n", no_wrap=True).join([head, what])))
        listing.set_options(options)
        if not options:
            listing.add_option(Option(Text("No saved search yet: ctrl+s on the search screen "
                                           "saves the one shown."), disabled=True))
        elif highlighted is not None:
            listing.highlighted = min(highlighted, len(options) - 1)
        else:
            listing.highlighted = 0
        bar = Text("SAVED SEARCHES", style="bold")
        bar.append(f" · {len(self.saved)} · enter: open · d: forget")
        self.query_one("#saved-bar", Static).update(bar)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.saved:
            self.dismiss(self.saved[event.option_index])

    def action_forget(self) -> None:
        index = self.query_one(SavedList).highlighted
        if not self.saved or index is None:
            return
        saved, _ = self.saved.pop(index)
        self.run_job(self._forget, saved.name, group="forget")
        self._show()
        self.notify(f"Forgot the saved search {safe(saved.name, False)!r}.", timeout=3,
                    markup=False)

    async def _forget(self, name: str) -> None:
        try:
            await self.gate.call_aside(lambda lib: lib.remove_saved(name))
        except WartuiError as error:
            self.notify(safe(str(error), False), severity="error", markup=False)
