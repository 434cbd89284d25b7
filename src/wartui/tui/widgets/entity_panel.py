"""The entity panel: an article's entities by type, with counts and spellings.

`enter` on one posts `Chosen` with the query that finds it across the corpus
(`entity:ID` for names the gazetteer knows, the quoted text otherwise)."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..reading import ENTITY_LABELS, EntityEntry, safe
from .styles import overlay_style


def plural(label: str) -> str:
    """"country" -> "countries", "armed group" -> "armed groups"."""
    return label[:-1] + "ies" if label.endswith("y") else label + "s"


class EntityPanel(OptionList):
    HELP_TITLE = "In the entity panel"
    BINDINGS = [
        Binding("j", "cursor_down", "Next entity", show=False, id="entities.down"),
        Binding("k", "cursor_up", "Previous entity", show=False, id="entities.up"),
        Binding("enter", "select", "Search the corpus for it", id="entities.search"),
    ]
    COMPONENT_CLASSES = {"entity-panel--heading", "entity-panel--spellings",
                         "entity-panel--count"}

    class Chosen(Message):
        def __init__(self, entry: EntityEntry) -> None:
            super().__init__()
            self.entry = entry

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._entries: dict[str, EntityEntry] = {}
        self._shown: list[EntityEntry] = []

    def on_mount(self) -> None:
        # The prompts hold Rich styles taken from app.tcss: rebuild them for a new theme.
        self.watch(self.app, "theme", lambda: self.call_after_refresh(self._restyle),
                   init=False)

    def _restyle(self) -> None:
        highlighted = self.highlighted
        self.show_entries(self._shown)
        if highlighted is not None and highlighted < self.option_count:
            self.highlighted = highlighted

    def show_entries(self, entries: list[EntityEntry]) -> None:
        def style(name: str):
            return overlay_style(self, f"entity-panel--{name}")

        options: list[Option] = []
        self._shown = list(entries)
        self._entries = {}
        counts: dict[str, int] = {}
        for entry in entries:
            counts[entry.type] = counts.get(entry.type, 0) + 1
        current = None
        for number, entry in enumerate(entries):
            if entry.type != current:
                current = entry.type
                label = ENTITY_LABELS[entry.type]
                heading = Text(f"{plural(label)} ({counts[entry.type]})".upper(),
                               style=style("heading"))
                options.append(Option(heading, disabled=True))
            prompt = Text(no_wrap=True, overflow="ellipsis")
            prompt.append(safe(entry.name, keep_newlines=False))
            prompt.append(f" ×{entry.count}", style=style("count"))
            others = [s for s in entry.spellings if s != entry.name]
            if others:
                spellings = Text("  " + ", ".join(safe(s, keep_newlines=False) for s in others),
                                 style=style("spellings"), no_wrap=True, overflow="ellipsis")
                prompt = Text("\n").join([prompt, spellings])
            option_id = f"entity-{number}"
            self._entries[option_id] = entry
            options.append(Option(prompt, id=option_id))
        if not options:
            options.append(Option(Text("No names recognised in this article."), disabled=True))
        self.set_options(options)
        self.action_first()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entry = self._entries.get(event.option.id or "")
        if entry is not None:
            self.post_message(self.Chosen(entry))
