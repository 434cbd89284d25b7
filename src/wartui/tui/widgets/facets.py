"""The facet line: counts by source, and a sparkline of hits per month."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Sparkline, Static

from ...model import Facets
from ..reading import safe

SHOWN_SOURCES = 4


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


class FacetBar(Horizontal):
    """`show(facets)` fills it; `clear()` empties it while a query is pending."""

    def compose(self) -> ComposeResult:
        yield Static(id="facet-sources")
        yield Label(id="facet-first")
        yield Sparkline([], id="facet-months")
        yield Label(id="facet-last")

    def show(self, facets: Facets) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        sources = list(facets.sources.items())
        for number, (source, count) in enumerate(sources[:SHOWN_SOURCES]):
            if number:
                text.append(" · ")
            text.append(safe(source, keep_newlines=False) or "unknown")
            text.append(f" {count}", style="bold")
        if len(sources) > SHOWN_SOURCES:
            text.append(f" · +{len(sources) - SHOWN_SOURCES} more")
        self.query_one("#facet-sources", Static).update(text)
        first, last, series = month_series(facets.months)
        self.query_one("#facet-first", Label).update(first)
        self.query_one("#facet-last", Label).update(last if last != first else "")
        self.query_one(Sparkline).data = series
        self.set_class(len(series) > 1, "-dated")  # one month is no trend

    def clear(self) -> None:
        self.query_one("#facet-sources", Static).update("")
        self.query_one("#facet-first", Label).update("")
        self.query_one("#facet-last", Label).update("")
        self.query_one(Sparkline).data = []
        self.set_class(False, "-dated")
