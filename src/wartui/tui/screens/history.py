"""ctrl+r in the search box: the queries searched on this index, newest
first, narrowed as you type (every word typed, in any order, as fzf reads
it); enter puts the one chosen in the box, escape leaves the box as it was."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..reading import fold, safe
from ..widgets.footer import KeyFooter
from ..widgets.query_input import QueryInput
from .base import WartuiScreen

SHOWN = 200


def matching(queries: list[str], typed: str) -> list[str]:
    """The queries holding every word of `typed` (case and accents folded),
    newest first."""
    words = fold(typed).split()
    return [q for q in reversed(queries) if all(w in fold(q) for w in words)][:SHOWN]


class HistoryList(OptionList):
    HELP_TITLE = "In the history"
    BINDINGS = [
        Binding("g", "first", "First", show=False, id="history.first"),
        Binding("G", "last", "Last", show=False, id="history.last"),
    ]


class HistoryScreen(WartuiScreen):
    """Dismissed with the query chosen, or None."""

    HELP_TITLE = "Query history"
    BINDINGS = [
        Binding("enter", "choose", "Search it", id="history.choose"),
        Binding("down", "down", "Next", show=False, id="history.down"),
        Binding("up", "up", "Previous", show=False, id="history.up"),
        Binding("escape", "cancel", "Back", show=False, id="history.cancel"),
    ]

    def __init__(self, gate, queries: list[str], typed: str = "") -> None:
        super().__init__(gate)
        self.queries = queries
        self.typed = typed
        self.shown: list[str] = []

    def compose_body(self) -> ComposeResult:
        yield Static(Text("QUERY HISTORY · type to narrow · enter: search it · escape: back",
                          style="bold"), id="history-bar")
        yield QueryInput(value=self.typed, placeholder="words of an earlier query",
                         id="history-filter", select_on_focus=False)
        yield HistoryList(id="history-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._narrow(self.typed)
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._narrow(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_choose()

    def _narrow(self, typed: str) -> None:
        self.shown = matching(self.queries, typed)
        listing = self.query_one(HistoryList)
        listing.set_options(Option(Text(safe(q, keep_newlines=False), no_wrap=True,
                                        overflow="ellipsis")) for q in self.shown)
        if not self.shown:
            listing.add_option(Option(Text("No earlier query has these words." if self.queries
                                           else "No query searched on this index yet."),
                                      disabled=True))
        else:
            listing.highlighted = 0

    def action_down(self) -> None:
        self.query_one(HistoryList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(HistoryList).action_cursor_up()

    def action_choose(self) -> None:
        index = self.query_one(HistoryList).highlighted
        self.dismiss(self.shown[index] if self.shown and index is not None else None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_choose()
