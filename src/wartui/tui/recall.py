"""Up and down in the empty search box: the queries searched before, as a
shell recalls its commands (newest first; down comes back, and past the
newest to the empty box). Editing a recalled query ends the recall."""

from __future__ import annotations


class Recall:
    def __init__(self, queries: list[str] | None = None) -> None:
        self.queries: list[str] = list(queries or [])  # newest last
        self.position: int | None = None  # into queries, while recalling

    def add(self, query: str) -> None:
        """A query searched (opened, entered): the newest, once."""
        if query.strip():
            self.queries = [q for q in self.queries if q != query] + [query]
        self.position = None

    def recalling(self, text: str) -> bool:
        """Is `text` the query recalled (not edited since)?"""
        return self.position is not None and self.queries[self.position] == text

    def older(self, text: str) -> str | None:
        """The query before the one recalled (the newest, from an empty box)."""
        if self.recalling(text):
            if self.position == 0:
                return None
            self.position -= 1
        elif not text and self.queries:
            self.position = len(self.queries) - 1
        else:
            return None
        return self.queries[self.position]

    def newer(self, text: str) -> str | None:
        """The query after the one recalled; "" past the newest."""
        if not self.recalling(text):
            return None
        if self.position == len(self.queries) - 1:
            self.position = None
            return ""
        self.position += 1
        return self.queries[self.position]
