"""The versions of a report: the near-duplicates found at index time, with
how much of the shorter of the two is in the longer (the figure `dupes` and
the diff show). `enter` on one opens the diff."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...model import Article, Version, share_text
from ..reading import safe
from ..widgets.footer import KeyFooter
from .base import WartuiScreen


class VersionList(OptionList):
    HELP_TITLE = "In the list of versions"
    BINDINGS = [
        Binding("j", "cursor_down", "Next version", show=False, id="versions.down"),
        Binding("k", "cursor_up", "Previous version", show=False, id="versions.up"),
        Binding("g", "first", "First version", show=False, id="versions.first"),
        Binding("G", "last", "Last version", show=False, id="versions.last"),
        Binding("enter", "select", "Compare with this version", id="versions.compare"),
    ]


class VersionsScreen(WartuiScreen):
    HELP_TITLE = "Versions"
    HELP_WIDGETS = (VersionList,)

    def __init__(self, gate, article: Article, versions: list[Version]) -> None:
        super().__init__(gate)
        self.article = article
        self.versions = versions

    def compose_body(self) -> ComposeResult:
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append("VERSIONS ", style="bold")
        title.append(f"of {safe(self.article.display_title, False)} "
                     f"({safe(self.article.id, False)})")
        yield Static(title, id="versions-bar")
        options = []
        for version in self.versions:
            head = Text(no_wrap=True, overflow="ellipsis")
            head.append(safe(version.id, False), style="bold")
            head.append(f" · {share_text(version.containment)} · "
                        f"{safe(version.source, False) or 'unknown source'} · "
                        f"{version.date or 'undated'}")
            title = Text("  " + safe(version.title, False), no_wrap=True, overflow="ellipsis")
            options.append(Option(Group(head, title)))
        yield VersionList(*options, id="versions")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(VersionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        version = self.versions[event.option_index]
        self.app.open_diff(self.article.id, version.id, self.article.display_title,
                           version.title)
