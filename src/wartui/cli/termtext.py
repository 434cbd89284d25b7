"""Lines of styled text for the terminal, printed as Rich's Console prints them.

Rich's Console was a tenth of a cold `wartui search` (over SSH, each search
is a fresh process): ~16 ms to import it and ~5 ms to lay out 20 hits.
Search results are lines of runs of text in a few styles, so `Terminal`
prints them as `Console(highlight=False, soft_wrap=False).print` does on
Linux and macOS:

- the same decisions from the output and the environment: styled only on a
  terminal (or with TTY_COMPATIBLE=1 or FORCE_COLOR), never with TERM=dumb
  or unknown; no colour with NO_COLOR; the width from COLUMNS, else from the
  first of stdin, stdout and stderr that is a terminal, else 80;
- the same word wrapping: Rich's rule (rich/_wrap.py), with its measure of
  each character's cells (rich.cells, a small import);
- the same escape codes: each run of text, as Rich's spans cut it, in its
  own `ESC[codes m ... ESC[0m`, attributes before colour.

tests/test_termtext.py prints the same lines with both, byte for byte, in
each of those situations. Elsewhere (Windows: its console's own rules),
lines are printed through Rich.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from rich.cells import cell_len, chop_cells, set_cell_size

# SGR codes, each as Rich writes it; a run's codes are in Rich's order
# (bold, dim, italic, underline, ..., reverse, then the colour).
BOLD, DIM, REVERSE, CYAN = "1", "2", "7", "36"
_COLOURS = frozenset({CYAN})
_ORDER = {BOLD: 0, DIM: 1, REVERSE: 6, CYAN: 20}

Run = tuple[str, tuple[str, ...]]  # text and its SGR codes ((): plain)
_WORD = re.compile(r"\s*\S+\s*")
_TRAILING_SPACE = re.compile(r"\s+$")


def style(*codes: str) -> tuple[str, ...]:
    """The codes of a run, in the order Rich writes them."""
    return tuple(sorted(set(codes), key=_ORDER.__getitem__))


class Terminal:
    """Where lines of runs are printed: `file` (stdout) in `environ`'s terms."""

    def __init__(self, file: TextIO | None = None, environ: Mapping[str, str] | None = None):
        self.file = sys.stdout if file is None else file
        environ = os.environ if environ is None else environ
        self.environ = environ
        terminal = is_terminal(self.file, environ)
        dumb = terminal and environ.get("TERM", "").lower() in ("dumb", "unknown")
        self.styled = terminal and not dumb
        self.no_colour = environ.get("NO_COLOR", "") != ""
        self.width = _width(environ, dumb)

    def print(self, lines: Sequence[Sequence[Run]]) -> None:
        if sys.platform == "win32":  # (Rich knows its console)
            return self._print_with_rich(lines)
        out: list[str] = []
        for line in lines:
            runs = [run for run in line if run[0]]
            # (width 0: never wrapped, for a pipe: output.py)
            for wrapped in _wrap(runs, self.width) if self.width > 0 else [runs]:
                out.extend(self._render(text, codes) for text, codes in wrapped if text)
                out.append("\n")
        self.file.write("".join(out))
        self.file.flush()

    def _render(self, text: str, codes: tuple[str, ...]) -> str:
        if self.no_colour:
            codes = tuple(code for code in codes if code not in _COLOURS)
        if not self.styled or not codes:
            return text
        return f"\x1b[{';'.join(codes)}m{text}\x1b[0m"

    def _print_with_rich(self, lines: Sequence[Sequence[Run]]) -> None:
        from rich.console import Console
        from rich.style import Style
        from rich.text import Text

        def text(line: Sequence[Run]) -> Text:
            made = Text()
            for part, codes in line:
                made.append(part, style=Style.parse(" ".join(_NAMES[c] for c in codes))
                            if codes else "")
            return made

        Console(file=self.file, width=self.width, force_terminal=self.styled,
                color_system="auto" if self.styled else None, no_color=self.no_colour,
                highlight=False, soft_wrap=False).print(Text("\n").join(text(line)
                                                                        for line in lines))


_NAMES = {BOLD: "bold", DIM: "dim", REVERSE: "reverse", CYAN: "cyan"}


def is_terminal(file: TextIO, environ: Mapping[str, str]) -> bool:
    """Rich's Console.is_terminal (but for IDLE and Jupyter)."""
    compatible = environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force_colour = environ.get("FORCE_COLOR")
    if force_colour is not None:
        return force_colour != ""
    isatty = getattr(file, "isatty", None)
    try:
        return False if isatty is None else isatty()
    except ValueError:  # (a closed file)
        return False


def _width(environ: Mapping[str, str], dumb: bool) -> int:
    """Rich's Console.width: COLUMNS (with LINES, even on a dumb terminal),
    80 on a dumb terminal, else the size of the first of stdin, stdout and
    stderr that is a terminal, COLUMNS first; 80 if none says."""
    columns, lines = environ.get("COLUMNS"), environ.get("LINES")
    given = int(columns) if columns is not None and columns.isdigit() else None
    if given is not None and lines is not None and lines.isdigit():
        return given
    if dumb:
        return 80
    width = None
    for descriptor in (0, 1, 2):
        try:
            width = os.get_terminal_size(descriptor).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    if given is not None:
        width = given
    return width or 80


def _wrap(line: list[Run], width: int) -> list[list[Run]]:
    """A line of runs cut into lines of at most `width` cells, as Rich's
    Text.wrap cuts it (overflow "fold", justify "default")."""
    text = "".join(part for part, _ in line)
    breaks = _divide(text, width)
    lines = []
    for start, end in zip([0, *breaks], [*breaks, len(text)]):
        piece = text[start:end]
        if len(piece) > width:  # Text.rstrip_end: trailing space beyond the width goes
            space = _TRAILING_SPACE.search(piece)
            if space:
                end -= min(len(space.group(0)), len(piece) - width)
                piece = text[start:end]
        runs = _runs_between(line, start, end)
        if cell_len(piece) > width:  # Text.truncate: what is still too wide is cut
            runs = _retext(_runs_between(line, start, start + len(set_cell_size(piece, width))),
                           set_cell_size(piece, width))
        lines.append(runs)
    return lines


def _retext(runs: list[Run], text: str) -> list[Run]:
    """The runs over `text` instead (set_cell_size may end a cut with a space
    where it split a wide character)."""
    out, position = [], 0
    for part, codes in runs:
        out.append((text[position:position + len(part)], codes))
        position += len(part)
    return out


def _runs_between(line: list[Run], start: int, end: int) -> list[Run]:
    runs, position = [], 0
    for part, codes in line:
        low, high = max(start, position), min(end, position + len(part))
        if low < high:
            runs.append((part[low - position:high - position], codes))
        position += len(part)
    return runs


def _divide(text: str, width: int) -> list[int]:
    """Where to break `text` to fit `width` cells: Rich's divide_line (fold)."""
    breaks: list[int] = []
    offset = 0  # cells used on the current line
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group(0)
        length = cell_len(word.rstrip())
        if width - offset >= length:
            offset += cell_len(word)
        elif length > width:  # longer than a line: folded over several
            pieces = chop_cells(word, width=width)
            for number, piece in enumerate(pieces, 1):
                if start:
                    breaks.append(start)
                if number == len(pieces):
                    offset = cell_len(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = cell_len(word)
    return breaks
