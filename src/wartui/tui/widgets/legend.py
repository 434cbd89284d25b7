"""The legend of entity styles: each type written in its own style, so it
decodes the marks in monochrome too (the styles are in app.tcss)."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from ..reading import ENTITY_LABELS, ENTITY_TYPES
from .styles import overlay_style


class EntityLegend(Widget):
    COMPONENT_CLASSES = {f"passage--{name}" for name in ENTITY_TYPES} | {"passage--hit"}

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for name in ENTITY_TYPES:
            text.append(ENTITY_LABELS[name], style=overlay_style(self, f"passage--{name}"))
            text.append("  ")
        text.append("search hit", style=overlay_style(self, "passage--hit"))
        return text
