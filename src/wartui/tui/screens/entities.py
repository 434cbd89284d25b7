"""The entity browser (e on the results): the places, armed groups and
people the current results name most, with the number of results naming
each. enter adds `entity:ID` to the query (it narrows the search; it does
not replace it)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..reading import ENTITY_PLURALS, safe
from ..widgets.footer import KeyFooter
from ..widgets.styles import overlay_style
from .base import WartuiScreen


class EntityList(OptionList):
    HELP_TITLE = "In the entity browser"
    BINDINGS = [
        Binding("j", "cursor_down", "Next", show=False, id="browser.down"),
        Binding("k", "cursor_up", "Previous", show=False, id="browser.up"),
        Binding("g", "first", "First", show=False, id="browser.first"),
        Binding("G", "last", "Last", show=False, id="browser.last"),
        Binding("enter", "select", "Add to the query", id="browser.add",
                tooltip="Adds entity:ID to the query: the results that also name it"),
    ]
    COMPONENT_CLASSES = {"entity-list--heading", "entity-list--count", "entity-list--id"}


class EntityBrowser(WartuiScreen):
    """Dismissed with the entity id to add to the query, or None."""

    HELP_TITLE = "Entity browser"
    HELP_WIDGETS = (EntityList,)

    def __init__(self, gate, query: str, typing: bool, filters: tuple[str, ...],
                 described: str) -> None:
        super().__init__(gate)
        self.search_query, self.typing, self.filters = query, typing, filters
        self.described = described  # the search, as the bar names it
        self.ids: dict[str, str] = {}  # option id -> entity id

    def compose_body(self) -> ComposeResult:
        yield Static(self._bar("counting…"), id="browser-bar")
        yield EntityList(id="browser-list")
        yield KeyFooter()

    def _bar(self, what: str) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("ENTITIES ", style="bold")
        text.append(f"of the results for {safe(self.described, False) or 'everything'}"
                    f" · {what}")
        return text

    def on_mount(self) -> None:
        self.query_one(EntityList).focus()
        self.run_job(self._load, group="browser")

    async def _load(self) -> None:
        query, typing, filters = self.search_query, self.typing, self.filters
        # aside: counting reads many postings, the search line stays free
        found = await self.gate.call_aside(
            lambda lib: lib.result_entities(query, typing=typing, filters=filters))
        self._show(found)

    def _show(self, found) -> None:
        listing = self.query_one(EntityList)

        def style(name: str):
            return overlay_style(listing, f"entity-list--{name}")

        options, self.ids = [], {}
        for kind, entities in found.items():
            if not entities:
                continue
            options.append(Option(Text(f"{ENTITY_PLURALS[kind].upper()} ({len(entities)})",
                                       style=style("heading")), disabled=True))
            for entity, count in entities:
                prompt = Text(no_wrap=True, overflow="ellipsis")
                prompt.append(safe(entity.name, keep_newlines=False))
                prompt.append(f" ×{count:,}", style=style("count"))
                prompt.append(f"  entity:{entity.id}", style=style("id"))
                option_id = f"entity-{len(self.ids)}"
                self.ids[option_id] = entity.id
                options.append(Option(prompt, id=option_id))
        listing.set_options(options)
        if not self.ids:
            listing.add_option(Option(Text("The results name no place, armed group or person "
                                           "of the gazetteer."), disabled=True))
        else:
            listing.action_first()
        self.query_one("#browser-bar", Static).update(
            self._bar("results naming each · enter adds it to the query"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entity_id = self.ids.get(event.option.id or "")
        if entity_id:
            self.dismiss(entity_id)
