"""Two versions of a report, aligned block by block, line-virtualised.

From 100 columns the two sides are panes side by side, drawn by this one
widget, so they always scroll together (`j`/`k` move both) and each block
starts on the same row on both sides (the shorter side is padded). Narrower,
the sides are stacked: each block's A lines, then its B lines.

Changed words are struck (side A) or underlined (side B) as well as coloured;
blocks only one side has are shaded and labelled ("only in A", "likely
comment section"); the changed figures are listed first. `next_change` /
`previous_change` jump between the blocks that differ.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...model import share_text
from ..passages import Passage, line_text, wrap
from ..reading import block_label, diff_side, safe
from .styles import NamedStyles

SIDE_BY_SIDE_MIN_WIDTH = 100
SEPARATOR = " │ "
STYLE_NAMES = ("removed", "added", "only-a", "only-b", "moved", "label", "label-current",
               "comment", "figures", "side-a", "side-b", "gutter")


@dataclass(frozen=True)
class _Cell:
    passage: int
    start: int
    end: int
    indent: int = 0  # a wrapped line of a hanging-indented passage


@dataclass(frozen=True)
class _Row:
    full: _Cell | None = None  # one cell across the whole width
    left: _Cell | None = None
    right: _Cell | None = None
    gutter: str = ""  # stacked mode: "A │ ", "B │ "
    shade: str = ""  # style of the whole row (only-a / only-b blocks)
    change: int = -1  # the label row of change number `change`


class DiffView(NamedStyles, ScrollView, can_focus=True):
    STYLE_PREFIX = "diff"
    COMPONENT_CLASSES = {f"diff--{name}" for name in STYLE_NAMES}

    class ChangeMoved(Message):
        def __init__(self, view: DiffView, index: int | None, total: int) -> None:
            super().__init__()
            self.view = view
            self.index = index
            self.total = total

        @property
        def control(self) -> DiffView:
            return self.view

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._diff = None
        self._titles = ("", "")
        self._passages: list[Passage] = []
        self._rows: list[_Row] = []
        self._change_rows: list[int] = []
        self._current: int | None = None
        self._width = 0
        self._side = False
        self._strips: LRUCache[int, Strip] = LRUCache(1024)
        self._styles: dict[str, Style] = {}

    def show(self, diff, title_a: str, title_b: str) -> None:
        self._diff = diff
        self._titles = (title_a, title_b)
        self._current = None
        self._layout(force=True)
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.post_message(self.ChangeMoved(self, None, len(self._change_rows)))

    @property
    def side_by_side(self) -> bool:
        return self._side

    @property
    def change_count(self) -> int:
        return len(self._change_rows)

    def visible_text(self) -> str:
        top = round(self.scroll_y)
        height = self.scrollable_content_region.height
        return "\n".join(self._row_text(self._rows[n]).plain
                         for n in range(top, min(top + height, len(self._rows))))

    # -- layout --------------------------------------------------------------------

    def _add(self, passage: Passage) -> int:
        self._passages.append(passage)
        return len(self._passages) - 1

    def _cells(self, passage: Passage, width: int) -> list[_Cell]:
        number = self._add(passage)
        return [_Cell(number, start, end, passage.indent if row else 0)
                for row, (start, end) in enumerate(wrap(passage.text, width, passage.indent))]

    def _layout(self, force: bool = False) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or self._diff is None:
            self._width = 0
            return
        # side by side from 100 columns of terminal, as the CLI's diff
        side = self.screen.size.width >= SIDE_BY_SIDE_MIN_WIDTH
        if width == self._width and side == self._side and not force:
            return
        self._width, self._side = width, side
        self._passages, self._rows, self._change_rows = [], [], []
        diff = self._diff
        self._add_sides(
            Passage(f"A  {safe(diff.a_id, False)} · {safe(self._titles[0], False)}",
                    style="side-a", indent=3),
            Passage(f"B  {safe(diff.b_id, False)} · {safe(self._titles[1], False)}",
                    style="side-b", indent=3), header=True)
        summary = share_text(diff.similarity)
        if diff.figures:
            summary += " · changed figures: " + "; ".join(
                safe(f.text, keep_newlines=False) for f in diff.figures)
        else:
            summary += " · no figure changed"
        self._add_full(Passage(summary, style="figures"))
        self._rows.append(_Row())
        for block in diff.blocks:
            shade = block.op if block.op in ("only-a", "only-b") else ""
            if block.op != "equal":
                label = Passage(f"── {block_label(block)} ──",
                                style="comment" if block.label else "label")
                self._change_rows.append(len(self._rows))
                self._add_full(label, shade=shade, change=len(self._change_rows) - 1,
                               first_line_only=True)
            self._add_sides(diff_side(block, "a") if block.a else None,
                            diff_side(block, "b") if block.b else None, shade=shade,
                            equal=block.op == "equal")
            self._rows.append(_Row())
        self._strips.clear()
        self.virtual_size = Size(width, len(self._rows))
        self.refresh()

    def _add_full(self, passage: Passage, shade: str = "", change: int = -1,
                  first_line_only: bool = False) -> None:
        cells = self._cells(passage, self._width)
        for cell in cells[:1] if first_line_only else cells:
            self._rows.append(_Row(full=cell, shade=shade, change=change))

    def _add_sides(self, a: Passage | None, b: Passage | None, shade: str = "",
                   equal: bool = False, header: bool = False) -> None:
        """Side by side: the two passages in columns, padded to the same
        height. Stacked: A's lines, then B's (once when the block is equal)."""
        if self._side:
            column = (self._width - len(SEPARATOR)) // 2
            left = self._cells(a, column) if a else []
            right = self._cells(b, column) if b else []
            for number in range(max(len(left), len(right))):
                self._rows.append(_Row(left=left[number] if number < len(left) else None,
                                       right=right[number] if number < len(right) else None,
                                       shade=shade))
            return
        if header:  # the titles: full lines, they carry their own "A"/"B"
            for passage in (a, b):
                self._add_full(passage)
            return
        inner = self._width - 4
        if a:
            gutter = "  │ " if equal else "A │ "
            self._rows.extend(_Row(full=cell, gutter=gutter, shade=shade)
                              for cell in self._cells(a, inner))
        if b and not equal:
            self._rows.extend(_Row(full=cell, gutter="B │ ", shade=shade)
                              for cell in self._cells(b, inner))

    def on_resize(self) -> None:
        change = self._current
        self._layout()
        if change is not None and change < len(self._change_rows):
            self.scroll_to(y=self._change_rows[change], animate=False, immediate=True)

    # -- changes -------------------------------------------------------------------

    def next_change(self) -> None:
        self._move(+1)

    def previous_change(self) -> None:
        self._move(-1)

    def _move(self, step: int) -> None:
        if not self._change_rows:
            self.post_message(self.ChangeMoved(self, None, 0))
            return
        if self._current is None:
            top = round(self.scroll_y)
            if step > 0:
                index = next((i for i, row in enumerate(self._change_rows) if row >= top), 0)
            else:
                index = next((i for i in range(len(self._change_rows) - 1, -1, -1)
                              if self._change_rows[i] < top), len(self._change_rows) - 1)
        else:
            index = (self._current + step) % len(self._change_rows)
        self._current = index
        self.scroll_to(y=max(0, self._change_rows[index] - 1), animate=False, immediate=True)
        self._strips.clear()
        self.refresh()
        self.post_message(self.ChangeMoved(self, index, len(self._change_rows)))

    # -- rendering -------------------------------------------------------------------

    def _cell_text(self, cell: _Cell | None, width: int, shade: str) -> Text:
        if cell is None:
            text = Text(" " * width, end="")
        else:
            passage = self._passages[cell.passage]
            text = line_text(passage, cell.start, cell.end, self._style)
            if cell.indent:
                text = Text(" " * cell.indent, end="") + text
            text.pad_right(max(0, width - text.cell_len))
        if shade and cell is not None:  # shade the side that has the block
            text.stylize(self._style(shade))
        return text

    def _row_text(self, row: _Row) -> Text:
        width = self._width
        if self._side and (row.left is not None or row.right is not None):
            column = (width - len(SEPARATOR)) // 2
            text = self._cell_text(row.left, column, row.shade)
            text.append(SEPARATOR, style=self._style("gutter"))
            text.append_text(self._cell_text(row.right, width - column - len(SEPARATOR),
                                              row.shade))
            return text
        if row.gutter:
            text = Text(end="")
            text.append(row.gutter, style=self._style("gutter"))
            text.append_text(self._cell_text(row.full, width - len(row.gutter), row.shade))
            return text
        text = self._cell_text(row.full, width, row.shade)
        if row.change >= 0 and row.change == self._current:
            text.stylize(self._style("label-current"))
        return text

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        number = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if number >= len(self._rows):
            return Strip.blank(width, base)
        strip = self._strips.get(number)
        if strip is None:
            text = self._row_text(self._rows[number])
            # the base style goes under every segment (Rich leaves unstyled runs bare)
            strip = Strip(text.render(self.app.console), text.cell_len).apply_style(base)
            self._strips[number] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base)
