"""Shown instead of a broken layout when the terminal is below the minimum
(the app's breakpoints add -too-narrow / -too-short to every screen)."""

from __future__ import annotations

from textual.widget import Widget

MIN_WIDTH, MIN_HEIGHT = 60, 16


class TooSmall(Widget):
    def render(self) -> str:
        width, height = self.app.size
        return (f"Terminal too small: {width}×{height}.\n"
                f"wartui needs at least {MIN_WIDTH}×{MIN_HEIGHT}.\n"
                "Enlarge the window (or zoom out).\n\nctrl+q quits.")
