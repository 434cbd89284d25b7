"""The find line of an article (`/`, as in less): an Input at the bottom.

Every value is made visible first, as in the search box (query_input.py):
a pattern pasted from an article cannot carry an escape sequence."""

from __future__ import annotations

from .query_input import QueryInput


class FindBar(QueryInput):
    """Hidden until `/`; the document screen reads its value as it changes."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="Find in the article (enter: keep, escape: cancel)", id=id,
                         select_on_focus=False)
