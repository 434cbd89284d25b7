"""Textual's Footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's Footer recomposes all its key widgets (each styled by the CSS)
    whenever the screen's bindings are updated: on every focus change and
    screen push, three times while an article opens (each ~20 ms of styling
    its keys, bench/tui.py's open). The keys shown rarely change, so this one
    recomposes only when they do, and not for a screen being left."""

    _shown: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            super().bindings_changed(screen)  # Footer's own rules for these
            return
        if self._bindings_ready and not screen.is_current:
            return  # a screen being left: its keys are shown again when it is back
        shown = tuple((binding.key, binding.description, enabled, tooltip)
                      for _, binding, enabled, tooltip in screen.active_bindings.values()
                      if binding.show)
        if shown == self._shown and self._bindings_ready:
            return
        self._shown = shown
        super().bindings_changed(screen)
