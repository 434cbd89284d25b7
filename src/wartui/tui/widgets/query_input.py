"""The search box: an Input that never holds a control character.

Textual's Input draws its value as it is, so a query pasted from an article
(or set from the palette) could carry an escape sequence or a bidi override to
the terminal. Here every value is made visible first (ESC -> ␛, U+202E ->
⟦U+202E⟧), whether typed, pasted or set: the search finds the same words, as
the index never holds those characters as words either.
"""

from __future__ import annotations

from textual.widgets import Input

from ..reading import safe


class QueryInput(Input):
    def validate_value(self, value: str) -> str:
        """Textual calls this on every assignment of `value`."""
        return safe(value, keep_newlines=False)

    def replace(self, text: str, start: int, end: int) -> None:
        # made visible before the insertion, so the cursor lands after it
        super().replace(safe(text, keep_newlines=False), start, end)


def takes_typing(widget) -> bool:
    """Does `widget` take printable keys as text: an Input, or a widget that
    says so (`TAKES_TYPING`: the note's TextArea, whose module this need not
    import to ask)?"""
    return isinstance(widget, Input) or getattr(widget, "TAKES_TYPING", False)
