"""The filter chips under the search box: each filter picked from the facet
line, written as the query text it stands for (`source:"reuters"`), with ✕.

With the focus (tab from the box), ←/→ choose a chip and backspace (or
delete, x) removes it. Hidden while there is none."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

from ..filters import Filter
from ..reading import safe
from .styles import overlay_style


class ChipBar(Widget, can_focus=True):
    HELP_TITLE = "In the filter chips (tab from the box)"
    BINDINGS = [
        Binding("left,h", "move(-1)", "Previous chip", show=False, id="chips.previous"),
        Binding("right,l", "move(1)", "Next chip", show=False, id="chips.next"),
        Binding("backspace,delete,x", "remove", "Remove the filter", id="chips.remove"),
        Binding("up", "leave(-1)", "The box", show=False, id="chips.up"),
        Binding("down", "leave(1)", "The facet line", show=False, id="chips.down"),
    ]
    COMPONENT_CLASSES = {"chips--chip", "chips--cursor", "chips--label"}

    class Removed(Message):
        def __init__(self, removed: Filter) -> None:
            super().__init__()
            self.filter = removed

    class Left(Message):
        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.filters: tuple[Filter, ...] = ()
        self.cursor = 0

    def show(self, filters: tuple[Filter, ...]) -> None:
        self.filters = filters
        self.cursor = min(self.cursor, max(0, len(filters) - 1))
        self.set_class(bool(filters), "-some")
        self.refresh()

    def action_move(self, step: int) -> None:
        if self.filters:
            self.cursor = max(0, min(len(self.filters) - 1, self.cursor + step))
            self.refresh()

    def action_remove(self) -> None:
        if self.filters:
            self.post_message(self.Removed(self.filters[self.cursor]))

    def action_leave(self, step: int) -> None:
        self.post_message(self.Left(step))

    def watch_has_focus(self, focused: bool) -> None:
        self.refresh()

    def render(self) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append("only ", style=overlay_style(self, "chips--label"))
        for number, chip in enumerate(self.filters):
            if number:
                line.append(" ")
            style = "chips--cursor" if self.has_focus and number == self.cursor else "chips--chip"
            line.append(f" {safe(chip.text, keep_newlines=False)} ✕ ",
                        style=overlay_style(self, style))
        return line
