"""Component-class styles to lay over text."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


def overlay_style(widget: Widget, name: str) -> Style:
    """The style of component class `name` of `widget`, to lay over text: only
    what the class sets (a partial style, so it does not reset the rest), with
    its colours resolved as Textual resolves them (a partial style keeps
    "$text-muted" or "$error 15%" unblended, which reads wrong in the light
    theme)."""
    partial = widget.get_component_rich_style(name, partial=True, default=Style())
    if partial.color is None and partial.bgcolor is None:
        return partial
    full = widget.get_component_rich_style(name)
    return partial + Style(color=full.color if partial.color is not None else None,
                           bgcolor=full.bgcolor if partial.bgcolor is not None else None)


class NamedStyles:
    """For a line view: the style of a name ("place", "removed") is its component
    class `{STYLE_PREFIX}--{name}`, looked up once and cached; a theme or CSS
    change clears the cache and the rendered lines (`_strips`)."""

    STYLE_PREFIX = ""

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = overlay_style(self, f"{self.STYLE_PREFIX}--{name}")
            self._styles[name] = style
        return style
