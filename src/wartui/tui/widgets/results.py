"""The search results: an OptionList (renders only what is visible, scales to
hundreds of results) of title / source, date, the reader's tags and note,
versions / a two-line snippet with the hits marked.

Results can be marked (`space` on the search screen), as fzf's --multi
does: the marks are kept by article id, across queries, until cleared; a
marked result's title starts with ●."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.padding import Padding
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...model import SearchHit
from ..reading import MARKED, NOTE_MARK, safe, tag_marker
from .styles import overlay_style

SNIPPET_LINES = 2


class Clamp:
    """Rich text wrapped to the width and cut to `lines` lines, ending in "…"."""

    def __init__(self, text: Text, lines: int) -> None:
        self.text = text
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        lines = self.text.wrap(console, width)
        if len(lines) > self.lines:
            lines = lines[:self.lines]
            last = lines[-1]
            last.rstrip()
            last.truncate(max(width - 1, 0))
            last.append("…")
        yield Text("\n").join(lines)


class ResultList(OptionList):
    """Search hits; `enter` opens one, moving past the end asks for more."""

    HELP_TITLE = "In the results list"
    BINDINGS = [
        Binding("j", "cursor_down", "Next result", show=False, id="results.down"),
        Binding("k", "cursor_up", "Previous result", show=False, id="results.up"),
        Binding("g", "first", "First result", show=False, id="results.first"),
        Binding("G", "last", "Last result", show=False, id="results.last",
                tooltip="The last one fetched (moving on fetches more)"),
        Binding("enter", "select", "Open the result", id="results.open"),
    ]
    COMPONENT_CLASSES = {"results--title", "results--meta", "results--hit", "results--versions",
                         "results--tags", "results--marked"}

    class Opened(Message):
        def __init__(self, hit: SearchHit) -> None:
            super().__init__()
            self.hit = hit

    class WantMore(Message):
        """The highlight reached the end of what is loaded, and there is more."""

    class LeftTop(Message):
        """`up` on the first result: the screen gives the focus back to the box."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._hits: list[SearchHit] = []
        self.has_more = False
        # {id: title} of the results marked, in the order marked (kept
        # across queries: the screen clears them)
        self.marked: dict[str, str] = {}

    @property
    def hits(self) -> list[SearchHit]:
        return list(self._hits)

    def on_mount(self) -> None:
        # The prompts hold Rich styles taken from app.tcss: rebuild them for a new theme.
        self.watch(self.app, "theme", lambda: self.call_after_refresh(self._restyle),
                   init=False)

    def _restyle(self) -> None:
        if self._hits:
            self.show_hits(self._hits, self.has_more, keep_highlight=True)

    def show_hits(self, hits: list[SearchHit], has_more: bool = False,
                  keep_highlight: bool = False) -> None:
        """Show `hits`; `has_more` when the index has more than were fetched."""
        previous = self.highlighted if keep_highlight else None
        self._hits = list(hits)
        self.has_more = has_more
        self.set_options(Option(self._prompt(hit)) for hit in hits)
        if hits:
            self.highlighted = min(previous or 0, len(hits) - 1)
        if not keep_highlight:
            self.scroll_home(animate=False)

    def highlighted_hit(self) -> SearchHit | None:
        if self.highlighted is None or not self._hits:
            return None
        return self._hits[self.highlighted]

    # -- marks ---------------------------------------------------------------------

    def toggle_mark(self) -> bool | None:
        """Mark the highlighted result, or unmark it: whether it is marked
        now (None: no result)."""
        hit = self.highlighted_hit()
        if hit is None:
            return None
        if self.marked.pop(hit.id, None) is None:
            self.marked[hit.id] = hit.title or hit.id
        self.replace_option_prompt_at_index(self.highlighted, self._prompt(hit))
        return hit.id in self.marked

    def clear_marks(self) -> int:
        """Unmark every result; how many were marked."""
        count = len(self.marked)
        self.marked.clear()
        if self._hits:
            self.show_hits(self._hits, self.has_more, keep_highlight=True)
        return count

    def _prompt(self, hit: SearchHit) -> Group:
        def style(name: str) -> Style:
            return overlay_style(self, f"results--{name}")

        title = Text(no_wrap=True, overflow="ellipsis")
        if hit.id in self.marked:
            title.append(MARKED + " ", style=style("marked"))
        title.append(safe(hit.title, keep_newlines=False) or f"(untitled) {hit.id}",
                     style=style("title"))
        meta = Text(no_wrap=True, overflow="ellipsis")
        meta.append("  ")
        meta.append(safe(hit.source, keep_newlines=False) or "unknown source", style=style("meta"))
        meta.append(" · " + (hit.date or "undated"), style=style("meta"))
        if hit.tags or hit.note:  # the reader's: before what may be cut at the right
            meta.append(" · ", style=style("meta"))
        if hit.tags:
            meta.append(tag_marker(hit.tags), style=style("tags"))
        if hit.note:
            meta.append((" " if hit.tags else "") + NOTE_MARK, style=style("tags"))
        if hit.versions:
            meta.append(f" · +{hit.versions} version{'s' if hit.versions > 1 else ''}",
                        style=style("versions"))
        spellings = [s for m in hit.matched for s in m.spellings]
        if spellings:
            meta.append(" · as " + ", ".join(safe(s, keep_newlines=False) for s in spellings),
                        style=style("meta"))
        snippet = Text()
        for segment in hit.snippet:
            snippet.append(safe(segment.text, keep_newlines=False),
                           style=style("hit") if segment.hit else "")
        return Group(title, meta, Padding(Clamp(snippet, SNIPPET_LINES), (0, 0, 0, 2)))

    # -- keys ----------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        if not self.highlighted:
            self.post_message(self.LeftTop())
            return
        super().action_cursor_up()

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        if highlighted is not None and highlighted >= len(self._hits) - 3 and self.has_more:
            self.post_message(self.WantMore())

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._hits):
            self.post_message(self.Opened(self._hits[event.option_index]))
