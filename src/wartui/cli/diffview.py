"""A Diff as Rich text: two columns side by side, or stacked when narrow.

Changes are marked by more than colour (strike-through for removed words,
underline for added ones, a label on every block), so the view reads in
monochrome and over a plain SSH terminal.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..model import share_text
from ..textsafe import printable

SIDE_BY_SIDE_MIN_WIDTH = 100
REMOVED, ADDED = "red strike", "green underline"
BLOCK_LABELS = {"equal": "", "changed": "changed", "only-a": "only in A", "only-b": "only in B",
                "moved": "moved"}
BLOCK_STYLES = {"equal": "", "changed": "", "only-a": "red", "only-b": "green", "moved": "blue"}


def _side(block, side: str) -> Text:
    """One side of a block, with its word changes marked."""
    text = Text()
    if block.words:
        for number, word in enumerate(block.words):
            piece = word.a if side == "a" else word.b
            if not piece:
                continue
            if text and number:
                text.append(" ")
            changed = word.op != "equal"
            style = (REMOVED if side == "a" else ADDED) if changed else ""
            text.append(printable(piece, keep_newlines=False), style=style)
        return text
    paragraphs = block.a if side == "a" else block.b
    style = "dim" if block.op == "equal" else BLOCK_STYLES[block.op]
    for number, paragraph in enumerate(paragraphs):
        if number:
            text.append("\n\n")
        text.append(printable(paragraph, keep_newlines=False), style=style)
    return text


def _label(block) -> Text:
    label = block.label or BLOCK_LABELS[block.op]
    if block.op in ("changed", "moved") and block.similarity < 1:
        label += f" ({block.similarity:.0%} alike)"
    return Text(f"── {label} ──" if label else "", style="bold " + (BLOCK_STYLES[block.op] or "yellow"))


def render_diff(diff, width: int):
    """A Rich renderable of the whole diff for a terminal `width` wide."""
    header = Text(f"A: {printable(diff.a_id, False)}   B: {printable(diff.b_id, False)}   "
                  f"{share_text(diff.similarity)}", style="bold")
    parts = [header]
    if diff.figures:
        figures = Text("Changed figures: ", style="bold yellow")
        figures.append("; ".join(printable(f.text, False) for f in diff.figures), style="bold")
        parts.append(figures)
    if width >= SIDE_BY_SIDE_MIN_WIDTH:
        table = Table(show_header=True, header_style="bold", expand=True, box=None,
                      padding=(0, 1), show_lines=False)
        # headers as Text: a str header would be read as markup
        table.add_column(Text(f"A  {printable(diff.a_id, False)}"), ratio=1)
        table.add_column(Text(f"B  {printable(diff.b_id, False)}"), ratio=1)
        for block in diff.blocks:
            label = _label(block)
            if label:
                table.add_row(label, "")
            table.add_row(_side(block, "a"), _side(block, "b"))
            table.add_row("", "")
        parts.append(table)
    else:
        for block in diff.blocks:
            label = _label(block)
            if label:
                parts.append(label)
            if block.a:
                parts.append(Text("A │ ", style="bold red") + _side(block, "a"))
            if block.b and block.op != "equal":
                parts.append(Text("B │ ", style="bold green") + _side(block, "b"))
            parts.append(Text(""))
    return Group(*parts)


# -- as text, for a pipe: changes marked in the text ------------------------------------
#
# `less`, `grep` and a diff-reading colleague read these without a terminal:
# git's word diff ([-removed-]{+added+}, one paragraph a line) or a unified
# diff of paragraphs. Colour (--color=always) only adds to the marks.

_RED, _GREEN, _CYAN, _BOLD = "31", "32", "36", "1"


def _paint(text: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour and text else text


def _removed(text: str, colour: bool) -> str:
    return _paint(f"[-{text}-]", _RED, colour)


def _added(text: str, colour: bool) -> str:
    return _paint(f"{{+{text}+}}", _GREEN, colour)


def _plain_label(block) -> str:
    label = block.label or BLOCK_LABELS[block.op]
    if block.op in ("changed", "moved") and block.similarity < 1:
        label += f" ({block.similarity:.0%} alike)"
    return label


def _head(diff, colour: bool) -> list[str]:
    lines = [_paint(f"A: {printable(diff.a_id, False)}   B: {printable(diff.b_id, False)}   "
                    f"{share_text(diff.similarity)}", _BOLD, colour)]
    if diff.figures:
        lines.append("Changed figures: " + "; ".join(printable(f.text, False)
                                                     for f in diff.figures))
    return lines


def word_lines(diff, colour: bool = False) -> list[str]:
    """The diff as git's `--word-diff` writes one: a paragraph a line, what
    only A has as [-...-], what only B has as {+...+}, each block after a
    `## label` line when it is not equal."""
    lines = _head(diff, colour)
    for block in diff.blocks:
        lines.append("")
        label = _plain_label(block)
        if label:
            lines.append(_paint(f"## {label}", _CYAN, colour))
        if block.words:
            pieces = []
            for word in block.words:
                a, b = printable(word.a, False), printable(word.b, False)
                if word.op == "equal":
                    pieces.append(a)
                else:
                    pieces.append((_removed(a, colour) if a else "")
                                  + (_added(b, colour) if b else ""))
            lines.append(" ".join(piece for piece in pieces if piece))
        elif block.op == "equal":
            lines.extend(printable(p, False) for p in block.a)
        else:
            lines.extend(_removed(printable(p, False), colour) for p in block.a)
            lines.extend(_added(printable(p, False), colour) for p in block.b)
    return lines


def unified_lines(diff, colour: bool = False) -> list[str]:
    """The diff as `diff -u` writes one, a paragraph a line: ` ` both, `-`
    only A, `+` only B, each change after an `@@ label @@` line."""
    lines = [_paint(f"--- A: {printable(diff.a_id, False)}", _BOLD, colour),
             _paint(f"+++ B: {printable(diff.b_id, False)}", _BOLD, colour)]
    lines += [f"# {line}" for line in _head(diff, False)]
    for block in diff.blocks:
        if block.op == "equal":
            lines.extend(" " + printable(p, False) for p in block.a)
            continue
        lines.append(_paint(f"@@ {_plain_label(block)} @@", _CYAN, colour))
        lines.extend(_paint("-" + printable(p, False), _RED, colour) for p in block.a)
        lines.extend(_paint("+" + printable(p, False), _GREEN, colour) for p in block.b)
    return lines
