"""The facet line: the reader's tags the hits carry, the sources with the
most hits, and a sparkline of hits per month; all can be picked from the
keyboard.

One line, drawn by this widget: `[disputed] 2 · ahram 18 · manar 18 · +9
more   2011-02 ▁▂█▃ 2018-07`. With the focus (tab from the box), ←/→ move
a cursor over the tags and sources, then over the bars (each bar a month, or
several months when there are more months than bars); enter picks what is
under it (only these reports: a filter chip under the box, `tag:disputed`),
`-` leaves a tag or source out, shift+←/→ widen the bars picked to a range
of months. The line is counted without the tags, sources and dates picked,
so that they stay on it to pick from (what is picked is marked: + picked,
− left out).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

from ...model import Facets
from ..filters import UNKNOWN_SOURCE, Filter, month_range
from ..reading import safe
from .styles import overlay_style

BARS = "▁▂▃▄▅▆▇█"
SEPARATOR = " · "


def month_series(months: dict[str, int]) -> tuple[str, str, list[int]]:
    """(first month, last month, hits of every month in between, zeros included)."""
    if not months:
        return "", "", []
    keys = sorted(months)
    first, last = keys[0], keys[-1]
    year, month = map(int, first.split("-"))
    end_year, end_month = map(int, last.split("-"))
    series = []
    while (year, month) <= (end_year, end_month):
        series.append(months.get(f"{year:04d}-{month:02d}", 0))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return first, last, series


def month_after(first: str, count: int) -> str:
    year, month = map(int, first.split("-"))
    month += count
    return f"{year + (month - 1) // 12:04d}-{(month - 1) % 12 + 1:02d}"


@dataclass(frozen=True)
class Bar:
    first: str  # its first month, YYYY-MM
    last: str
    hits: int


def bars(facets: Facets, most: int) -> list[Bar]:
    """The months from the first to the last, in at most `most` bars."""
    first, _, series = month_series(facets.months)
    count = min(len(series), most)
    out = []
    for number in range(count):
        start, end = number * len(series) // count, (number + 1) * len(series) // count
        out.append(Bar(month_after(first, start), month_after(first, end - 1),
                       sum(series[start:end])))
    return out


class FacetBar(Widget, can_focus=True):
    """`show(facets, filters)` fills it; `clear()` empties it while a query is pending."""

    HELP_TITLE = "In the facet line (tab from the box)"
    BINDINGS = [
        Binding("left,h", "move(-1)", "Previous", show=False, id="facets.previous"),
        Binding("right,l", "move(1)", "Next", show=False, id="facets.next"),
        Binding("home,g", "first", "First", show=False, id="facets.first"),
        Binding("end,G", "last", "Last", show=False, id="facets.last"),
        Binding("enter,space", "pick", "Only these", id="facets.pick",
                tooltip="Keep only the reports of this tag or source, or of these months"),
        Binding("minus,x", "leave_out", "Leave out", id="facets.leave_out",
                tooltip="Leave out the reports of this tag or source"),
        Binding("shift+left", "widen(-1)", "Range", id="facets.range_back",
                tooltip="Widen the months picked by a bar (to the left)"),
        Binding("shift+right", "widen(1)", "Range", show=False, id="facets.range"),
        Binding("up", "leave(-1)", "The box", show=False, id="facets.up"),
        Binding("down", "leave(1)", "The results", show=False, id="facets.down"),
    ]
    COMPONENT_CLASSES = {"facets--count", "facets--cursor", "facets--picked",
                         "facets--left-out", "facets--bars", "facets--muted", "facets--tag"}

    class Picked(Message):
        def __init__(self, picked: Filter) -> None:
            super().__init__()
            self.filter = picked

    class Left(Message):
        """up (-1) or down (1) out of the line."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.facets: Facets | None = None
        self._filters: tuple[Filter, ...] = ()
        # the tags (first), then the sources: (kind, name, hits)
        self._sources: list[tuple[str, str, int]] = []
        self._bars: list[Bar] = []
        self.cursor = 0  # over the sources, then the bars
        self._anchor: int | None = None  # a range of bars: from here to the cursor
        self._window = 0  # the first source shown

    # -- content ------------------------------------------------------------------------

    def show(self, facets: Facets, filters: tuple[Filter, ...] = ()) -> None:
        same = self.facets is not None and facets.sources.keys() == self.facets.sources.keys() \
            and facets.months.keys() == self.facets.months.keys() \
            and facets.tags.keys() == self.facets.tags.keys()
        self.facets = facets
        self._filters = filters
        self._sources = ([("tag", name, count) for name, count in facets.tags.items()]
                         + [("source", name, count) for name, count in facets.sources.items()])
        self._bars = bars(facets, self._bar_room())
        if not same:
            self.cursor, self._anchor, self._window = 0, None, 0
        self.cursor = min(self.cursor, max(0, self._count() - 1))
        self.refresh()

    def clear(self) -> None:
        self.facets = None
        self._sources, self._bars = [], []
        self.cursor, self._anchor, self._window = 0, None, 0
        self.refresh()

    @property
    def sources(self) -> list[str]:
        return [name for kind, name, _ in self._sources if kind == "source"]

    @property
    def tags(self) -> list[str]:
        return [name for kind, name, _ in self._sources if kind == "tag"]

    @property
    def month_bars(self) -> list[Bar]:
        return list(self._bars)

    def _count(self) -> int:
        return len(self._sources) + len(self._bars)

    def _bar_room(self) -> int:
        return 48 if self.size.width >= 120 else 24

    def on_resize(self) -> None:
        if self.facets is not None:
            self._bars = bars(self.facets, self._bar_room())
            self.cursor = min(self.cursor, max(0, self._count() - 1))

    # -- keys ---------------------------------------------------------------------------

    def _on_bar(self) -> int | None:
        """The bar under the cursor (its index), None on a source."""
        index = self.cursor - len(self._sources)
        return index if 0 <= index < len(self._bars) else None

    def _moved(self) -> None:
        self.refresh()
        self.refresh_bindings()  # (a source can be left out, bars widened)

    def action_move(self, step: int) -> None:
        if self._count():
            self.cursor = max(0, min(self._count() - 1, self.cursor + step))
            self._anchor = None
            self._moved()

    def action_first(self) -> None:
        self.cursor, self._anchor = 0, None
        self._moved()

    def action_last(self) -> None:
        self.cursor, self._anchor = max(0, self._count() - 1), None
        self._moved()

    def action_widen(self, step: int) -> None:
        bar = self._on_bar()
        if bar is None:
            return
        if self._anchor is None:
            self._anchor = bar
        self.cursor = len(self._sources) + max(0, min(len(self._bars) - 1, bar + step))
        self._moved()

    def action_pick(self) -> None:
        bar = self._on_bar()
        if bar is not None:
            low, high = sorted((bar, bar if self._anchor is None else self._anchor))
            self._anchor = None
            self.post_message(self.Picked(Filter(
                "date", month_range(self._bars[low].first, self._bars[high].last))))
        elif self._sources:
            self._pick_source(False)

    def action_leave_out(self) -> None:
        if self._on_bar() is None and self._sources:
            self._pick_source(True)

    def _pick_source(self, leave_out: bool) -> None:
        family, name, _ = self._sources[self.cursor]
        kind = f"not-{family}" if leave_out else family
        if family == "tag":
            self.post_message(self.Picked(Filter(kind, name)))
            return
        if name == UNKNOWN_SOURCE or not name.strip():
            self.notify("Reports without a source cannot be picked by their source.",
                        severity="warning", timeout=3)
            return
        self.post_message(self.Picked(Filter(kind, name)))

    def action_leave(self, step: int) -> None:
        self.post_message(self.Left(step))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        on_bar = self._on_bar() is not None
        if action == "leave_out":
            return not on_bar
        if action == "widen":
            return on_bar
        return True

    def watch_has_focus(self, focused: bool) -> None:
        self.refresh()

    # -- drawing ------------------------------------------------------------------------

    def _style(self, name: str):
        return overlay_style(self, f"facets--{name}")

    def render(self) -> Text:
        line = Text(no_wrap=True, overflow="crop", end="")
        if self.facets is None or not self._count():
            return line
        width = self.size.width
        months = self._months_text()
        room = max(0, width - months.cell_len - (2 if months.cell_len else 0))
        bar = self._on_bar()
        if self.has_focus and bar is not None:
            line.append_text(self._bar_caption(bar, room))
        else:
            line.append_text(self._sources_text(room))
        if months.cell_len:
            line.append(" " * max(2, width - line.cell_len - months.cell_len))
            line.append_text(months)
        return line

    def _state(self, family: str, name: str) -> str:
        """"picked", "left-out" or ""."""
        for f in self._filters:
            if f.value == name and f.family == family:
                return "left-out" if f.kind.startswith("not-") else "picked"
        return ""

    def _source_piece(self, index: int) -> Text:
        family, name, count = self._sources[index]
        state = self._state(family, name)
        piece = Text()
        piece.append({"picked": "+", "left-out": "−"}.get(state, ""))
        shown = safe(name, keep_newlines=False)
        if family == "tag":  # as the results mark them: [disputed]
            piece.append(f"[{shown}]", style=self._style("tag"))
        else:
            piece.append(shown or "unknown")
        piece.append(f" {count:,}", style=self._style("count"))
        if state:
            piece.stylize(self._style(state))
        if self.has_focus and index == self.cursor:
            piece.stylize(self._style("cursor"))
        return piece

    def _sources_text(self, room: int) -> Text:
        """As many sources as fit, whole, then "+N more": no separator left
        dangling. With the cursor on a source, from a first one that keeps
        it in sight."""
        on_source = self.has_focus and self.cursor < len(self._sources)
        if not on_source:
            self._window = 0
            return self._sources_from(0, room)[0]
        self._window = min(self._window, self.cursor)
        while True:
            text, shown = self._sources_from(self._window, room)
            if self.cursor < self._window + max(shown, 1):
                return text
            self._window += 1

    def _sources_from(self, start: int, room: int) -> tuple[Text, int]:
        text, shown = Text(), 0
        if start:
            text.append(f"+{start} · ", style=self._style("muted"))
        for index in range(start, len(self._sources)):
            piece = self._source_piece(index)
            rest = len(self._sources) - index - 1
            more = len(f"{SEPARATOR}+{rest} more") if rest else 0
            needed = (len(SEPARATOR) if shown else 0) + piece.cell_len
            if text.cell_len + needed + more > room and shown:
                break
            if shown:
                text.append(SEPARATOR, style=self._style("muted"))
            text.append_text(piece)
            shown += 1
        rest = len(self._sources) - start - shown
        if rest:
            text.append(f"{SEPARATOR}+{rest} more", style=self._style("muted"))
        text.truncate(room, overflow="ellipsis")
        return text, shown

    def _bar_caption(self, bar: int, room: int) -> Text:
        low, high = sorted((bar, bar if self._anchor is None else self._anchor))
        first, last = self._bars[low].first, self._bars[high].last
        hits = sum(b.hits for b in self._bars[low:high + 1])
        text = Text()
        text.append(first if first == last else f"{first} to {last}", style="bold")
        text.append(f" · {hits:,} report{'s' if hits != 1 else ''}" if hits else " · no reports")
        text.append("  enter: only these · shift+←→: more months", style=self._style("muted"))
        text.truncate(room, overflow="ellipsis")
        return text

    def _months_text(self) -> Text:
        if len(self._bars) < 2 and not (self._bars and self._bars[0].first != self._bars[0].last):
            return Text()  # one month is no trend
        text = Text()
        text.append(self._bars[0].first + " ", style=self._style("muted"))
        top = max(b.hits for b in self._bars) or 1
        cursor = self._on_bar() if self.has_focus else None
        low, high = sorted((cursor, cursor if self._anchor is None else self._anchor)) \
            if cursor is not None else (-1, -1)
        for index, bar in enumerate(self._bars):
            level = 0 if not bar.hits else 1 + round((len(BARS) - 2) * bar.hits / top)
            style = self._style("cursor") if low <= index <= high else self._style("bars")
            text.append(BARS[min(level, len(BARS) - 1)], style=style)
        text.append(" " + self._bars[-1].last, style=self._style("muted"))
        return text
