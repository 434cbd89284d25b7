"""Two versions side by side (stacked when narrow): j/k scroll both, n/N
jump between changes, s swaps the sides."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...model import share_text
from ..reading import safe
from ..widgets.diff_view import DiffView
from ..widgets.footer import KeyFooter
from .base import ScrollKeys, WartuiScreen


class DiffScreen(ScrollKeys, WartuiScreen):
    HELP_TITLE = "Diff"
    BINDINGS = [
        Binding("j", "scroll_down", "Scroll both down", show=False, id="diff.down"),
        Binding("k", "scroll_up", "Scroll both up", show=False, id="diff.up"),
        Binding("space", "page_down", "Page down", show=False, id="diff.page_down"),
        Binding("b", "page_up", "Page up", show=False, id="diff.page_up"),
        Binding("g", "top", "Top", show=False, id="diff.top"),
        Binding("G", "bottom", "Bottom", show=False, id="diff.bottom"),
        Binding("n", "next_change", "Next change", id="diff.next_change"),
        Binding("N", "previous_change", "Previous change", show=False,
                id="diff.previous_change"),
        Binding("s", "swap", "Swap sides", id="diff.swap", tooltip="A becomes B and B becomes A"),
    ]

    def __init__(self, gate, a_id: str, b_id: str, a_title: str = "", b_title: str = "") -> None:
        super().__init__(gate)
        self.sides = ((a_id, a_title), (b_id, b_title))
        self._position: tuple[int | None, int] = (None, 0)
        self.diff = None

    def compose_body(self) -> ComposeResult:
        yield Static(Text("Comparing…"), id="diff-bar")
        yield DiffView(id="diff")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DiffView).focus()
        self._compare()

    def _compare(self) -> None:
        self.run_job(self._load, self.sides, group="diff")

    async def _load(self, sides) -> None:
        (a_id, a_title), (b_id, b_title) = sides
        diff = await self.gate.call(lambda lib: lib.diff(a_id, b_id))
        if sides != self.sides:  # swapped meanwhile
            return
        self.diff = diff
        self.query_one(DiffView).show(diff, a_title, b_title)

    def on_diff_view_change_moved(self, event: DiffView.ChangeMoved) -> None:
        self._position = (event.index, event.total)
        self._bar()

    def _bar(self) -> None:
        (a_id, _), (b_id, _) = self.sides
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("DIFF ", style="bold")
        text.append(f"A {safe(a_id, False)} ⇄ B {safe(b_id, False)}")
        index, total = self._position
        if total:
            text.append(f" · change {index + 1}/{total}" if index is not None
                        else f" · {total} change{'s' if total != 1 else ''} (n/N)")
        elif self.diff is not None:
            text.append(" · identical text")
        if self.diff is not None:  # (last: the view's first line says it too)
            text.append(f" · {share_text(self.diff.similarity)}")
        self.query_one("#diff-bar", Static).update(text)

    def scroll_target(self) -> DiffView:
        return self.query_one(DiffView)

    def action_next_change(self) -> None:
        self.query_one(DiffView).next_change()

    def action_previous_change(self) -> None:
        self.query_one(DiffView).previous_change()

    def action_swap(self) -> None:
        self.sides = (self.sides[1], self.sides[0])
        self.query_one("#diff-bar", Static).update(Text("Comparing…"))
        self._compare()
