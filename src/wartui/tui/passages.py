"""Text as the line views show it: passages with named styles, and wrapping.

A `Passage` is one paragraph (or one raw line, or one side of a diff block)
whose text is already safe to show (see `reading.safe_passage`), with spans
that name a style ("place", "hit", "removed") rather than hold one: the view
that draws it looks each name up in its component classes, so colours live in
app.tcss and follow the theme.

`wrap` is our own (not Rich's) because the views need the character offsets
of every line: to find the line a search hit is on, and to style a slice of a
paragraph without re-wrapping it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    style: str  # a style name, looked up by the view


@dataclass(frozen=True)
class Passage:
    text: str  # safe to show: no control or bidi characters, no tabs
    spans: tuple[Span, ...] = ()
    style: str = ""  # a style for the whole passage: "title", "heading", "dropped"...
    space_after: int = 1  # blank lines after it
    indent: int = 0  # cells of hanging indent for its wrapped lines


@dataclass(frozen=True)
class Mark:
    """A place `n`/`N` jump to: a search hit, a dropped line, a change."""

    passage: int
    start: int
    end: int
    style: str = "hit"  # "" when the passage's own spans already show it


_WORD = re.compile(r"\S+")


def wrap(text: str, width: int, indent: int = 0) -> list[tuple[int, int]]:
    """(start, end) offsets of each line of `text` wrapped to `width` cells.

    Lines break at spaces (which are dropped) and at newlines; a word longer
    than the line is folded; leading spaces of a line of `text` are kept. Lines
    after the first are `indent` cells narrower (the view indents them). An
    empty text is one empty line."""
    lines: list[tuple[int, int]] = []
    start = 0
    for piece in text.split("\n"):
        end = start + len(piece)
        lines.extend(_wrap_line(text, start, end, max(width, 1),
                                max(width - indent, 1), first=not lines))
        start = end + 1
    return lines


def _wrap_line(text: str, begin: int, end: int, width: int, narrower: int,
               first: bool) -> list[tuple[int, int]]:
    lines: list[tuple[int, int]] = []

    def room() -> int:
        return width if first and not lines else narrower

    line_start = line_end = -1
    used = 0
    for match in _WORD.finditer(text, begin, end):
        word_start, word_end = match.span()
        word_width = cell_len(match.group())
        if line_start < 0 and not lines and word_start > begin:
            # the line's own indentation counts as part of its first word
            word_start, word_width = begin, cell_len(text[begin:word_end])
        if line_start >= 0:
            gap = cell_len(text[line_end:word_start])
            if used + gap + word_width <= room():
                line_end, used = word_end, used + gap + word_width
                continue
            lines.append((line_start, line_end))
            line_start = -1
        if word_width <= room():
            line_start, line_end, used = word_start, word_end, word_width
            continue
        position = word_start  # fold a word longer than a line
        while position < word_end:
            cut, used = _fit(text, position, word_end, room())
            if cut < word_end:
                lines.append((position, cut))
            else:
                line_start, line_end = position, word_end
            position = cut
    if line_start >= 0:
        lines.append((line_start, line_end))
    return lines or [(begin, begin)]


def _fit(text: str, start: int, end: int, width: int) -> tuple[int, int]:
    """How far from `start` fits in `width` cells (at least one character)."""
    used = 0
    for position in range(start, end):
        char_width = cell_len(text[position])
        if used + char_width > width and position > start:
            return position, used
        used += char_width
    return end, used


def line_text(passage: Passage, start: int, end: int, style_for: Callable[[str], Style],
              extra: Iterable[Span] = ()) -> Text:
    """The slice [start, end) of a passage as styled Rich text (never markup)."""
    text = Text(passage.text[start:end], end="", no_wrap=True)
    if passage.style:
        text.stylize(style_for(passage.style))
    for span in (*passage.spans, *extra):
        if span.end > start and span.start < end:
            text.stylize(style_for(span.style), max(span.start, start) - start,
                         min(span.end, end) - start)
    return text
