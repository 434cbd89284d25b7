"""A Diff as Rich text: two columns side by side, or stacked when narrow.

Changes are marked by more than colour (strike-through for removed words,
underline for added ones, a label on every block), so the view reads in
monochrome and over a plain SSH terminal.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from .model import share_text
from .textsafe import printable

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
