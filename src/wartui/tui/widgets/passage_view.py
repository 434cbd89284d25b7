"""A line-virtualised view of passages: only the visible lines are rendered.

The passages are wrapped to the view's width once (offsets only, cheap even
for a long article) and each visible line becomes a Strip on demand, cached in
an LRU like Toolong's log view. Marks (search hits, dropped lines) are styled
"hit", the current one "hit-current"; `next_mark`/`previous_mark` move it and
scroll it into view, and `MarkMoved` tells the screen ("hit 2/7").
"""

from __future__ import annotations

from bisect import bisect_right

from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..passages import Mark, Passage, Span, line_text, wrap
from ..reading import ENTITY_TYPES
from .styles import NamedStyles

STYLE_NAMES = (*ENTITY_TYPES, "title", "meta", "heading", "hit", "hit-current", "gutter",
               "dropped", "reason", "annotation")


class PassageView(NamedStyles, ScrollView, can_focus=True):
    """Passages of text, wrapped, with styled spans and jumpable marks."""

    STYLE_PREFIX = "passage"

    COMPONENT_CLASSES = {f"passage--{name}" for name in STYLE_NAMES}

    class MarkMoved(Message):
        """The current mark changed: `index` (0-based, None for none) of `total`."""

        def __init__(self, view: PassageView, index: int | None, total: int) -> None:
            super().__init__()
            self.view = view
            self.index = index
            self.total = total

        @property
        def control(self) -> PassageView:
            return self.view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._passages: list[Passage] = []
        self._marks: list[Mark] = []
        self._marks_in: dict[int, list[int]] = {}  # passage -> indexes into _marks
        self._current: int | None = None
        # one entry per line: (passage, start, end, indent), or None for a blank line
        self._lines: list[tuple[int, int, int, int] | None] = []
        self._first_line: list[int] = []  # passage -> its first line
        self._line_starts: list[list[int]] = []  # passage -> start offset of each line
        self._width = 0
        self._strips: LRUCache[int, Strip] = LRUCache(1024)
        self._styles: dict[str, Style] = {}

    # -- content -------------------------------------------------------------------

    def show(self, passages: list[Passage], marks: list[Mark] = ()) -> None:
        """Replace the content; the view goes back to the top."""
        self._passages = list(passages)
        self._layout(force=True)
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.set_marks(marks)

    def set_marks(self, marks: list[Mark]) -> None:
        """Replace the marks (search hits, or matches of a find), where the
        view is: none of them current."""
        self._marks = list(marks)
        self._marks_in = {}
        for index, mark in enumerate(self._marks):
            self._marks_in.setdefault(mark.passage, []).append(index)
        self._current = None
        self._strips.clear()
        self.refresh()
        self.post_message(self.MarkMoved(self, None, len(self._marks)))

    @property
    def passages(self) -> list[Passage]:
        return list(self._passages)

    @property
    def mark_count(self) -> int:
        return len(self._marks)

    @property
    def current_mark(self) -> int | None:
        return self._current

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def visible_text(self) -> str:
        """The plain text of the lines in view (for tests and screen readers)."""
        top = round(self.scroll_y)
        rows = self._lines[top:top + self.scrollable_content_region.height]
        return "\n".join(" " * row[3] + self._passages[row[0]].text[row[1]:row[2]] if row else ""
                          for row in rows)

    # -- layout --------------------------------------------------------------------

    def _layout(self, force: bool = False) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:  # not laid out yet: on_resize will come back here
            self._width, self._lines = 0, []
            return
        if width == self._width and not force:
            return
        self._width = width
        lines: list[tuple[int, int, int, int] | None] = []
        self._first_line, self._line_starts = [], []
        for number, passage in enumerate(self._passages):
            self._first_line.append(len(lines))
            spans = wrap(passage.text, width, passage.indent)
            self._line_starts.append([start for start, _ in spans])
            lines.extend((number, start, end, passage.indent if row else 0)
                         for row, (start, end) in enumerate(spans))
            lines.extend([None] * passage.space_after)
        self._lines = lines
        self._strips.clear()
        self.virtual_size = Size(width, len(lines))
        self.refresh()

    def on_resize(self) -> None:
        # Keep the line at the top in view across a re-wrap.
        anchor = self._anchor()
        self._layout()
        if anchor is not None:
            self.scroll_to(y=self.line_of(*anchor), animate=False, immediate=True)

    def _anchor(self) -> tuple[int, int] | None:
        top = round(self.scroll_y)
        for row in self._lines[top:top + 3]:
            if row:
                return row[0], row[1]
        return None

    def line_of(self, passage: int, offset: int) -> int:
        """The line that shows character `offset` of `passage`."""
        if passage >= len(self._first_line):
            return 0
        starts = self._line_starts[passage]
        return self._first_line[passage] + max(0, bisect_right(starts, offset) - 1)

    # -- marks ---------------------------------------------------------------------

    def next_mark(self) -> None:
        self._move_mark(+1)

    def previous_mark(self) -> None:
        self._move_mark(-1)

    def _move_mark(self, step: int) -> None:
        if not self._marks:
            self.post_message(self.MarkMoved(self, None, 0))
            return
        if self._current is None:
            # From what is on screen, as less does: `n` the first mark from
            # the top of the view on, `N` the last one above it (wrapping
            # round to the last of the text: on an article just opened, N
            # is its last hit, not the last one on the first screen).
            top = round(self.scroll_y)
            lines = [self.line_of(m.passage, m.start) for m in self._marks]
            if step > 0:
                ahead = [i for i, line in enumerate(lines) if line >= top]
                index = ahead[0] if ahead else 0
            else:
                behind = [i for i, line in enumerate(lines) if line < top]
                index = behind[-1] if behind else len(lines) - 1
        else:
            index = (self._current + step) % len(self._marks)
        self.go_to_mark(index)

    def go_to_mark(self, index: int) -> None:
        self._current = index
        mark = self._marks[index]
        line = self.line_of(mark.passage, mark.start)
        height = self.scrollable_content_region.height
        if not round(self.scroll_y) <= line < round(self.scroll_y) + height:
            # a third of the way down, so the context above shows too
            self.scroll_to(y=max(0, line - height // 3), animate=False, immediate=True)
        self._strips.clear()
        self.refresh()
        self.post_message(self.MarkMoved(self, index, len(self._marks)))

    # -- rendering -------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        number = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if number >= len(self._lines):
            return Strip.blank(width, base)
        strip = self._strips.get(number)
        if strip is None:
            strip = self._render_row(number, base)
            self._strips[number] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _render_row(self, number: int, base: Style) -> Strip:
        row = self._lines[number]
        if row is None:
            return Strip.blank(self._width, base)
        passage_number, start, end, indent = row
        passage = self._passages[passage_number]
        extra = []
        for index in self._marks_in.get(passage_number, ()):
            mark = self._marks[index]
            if mark.end > start and mark.start < end:
                style = "hit-current" if index == self._current else mark.style
                if style:
                    extra.append(Span(mark.start, mark.end, style))
        text = line_text(passage, start, end, self._style, extra=extra)
        if indent:
            text = Text(" " * indent, end="") + text
        # the base style goes under every segment (Rich leaves unstyled runs bare)
        return Strip(text.render(self.app.console), text.cell_len).apply_style(base)
