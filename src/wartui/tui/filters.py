"""Filters picked from the facet line, as the query text they stand for.

A filter is shown as a chip under the search box with that text
(`source:"reuters"`, `-source:"sana"`, `tag:disputed`, `-tag:read`,
`date:2017-04`), and sent to the library with the query
(`Library.search(filters=...)`): the sources picked are one filter (any of
them), each tag picked, each left out source or tag and the date one more
(so two tags picked find the articles carrying both).
"""

from __future__ import annotations

from dataclasses import dataclass

UNKNOWN_SOURCE = "(unknown)"  # the facet count of reports without a source


def quoted(text: str) -> str:
    return '"' + text.replace('"', " ") + '"'


@dataclass(frozen=True)
class Filter:
    kind: str  # "source", "not-source", "tag", "not-tag" or "date"
    # a source as written; a tag (one word); a date (2017-04) or range ([2017-01 to 2017-03])
    value: str

    @property
    def text(self) -> str:
        """The filter as query text, as typed in the box it would mean the same."""
        if self.kind == "source":
            return f"source:{quoted(self.value)}"
        if self.kind == "not-source":
            return f"-source:{quoted(self.value)}"
        if self.kind == "tag":
            return f"tag:{self.value}"
        if self.kind == "not-tag":
            return f"-tag:{self.value}"
        return f"date:{self.value}"

    @property
    def family(self) -> str:
        """"source", "tag" or "date": a filter and its leaving out are one."""
        return self.kind.removeprefix("not-")


def from_text(text: str) -> Filter | None:
    """The filter `text` (a Filter's `text`) stands for, or None."""
    for prefix, kind in (('-source:"', "not-source"), ('source:"', "source")):
        if text.startswith(prefix) and text.endswith('"') and len(text) > len(prefix):
            return Filter(kind, text[len(prefix):-1])
    for prefix, kind in (("-tag:", "not-tag"), ("tag:", "tag")):
        value = text[len(prefix):]
        if text.startswith(prefix) and value and not any(c in value for c in ' "()'):
            return Filter(kind, value)
    if text.startswith("date:") and len(text) > 5:
        return Filter("date", text[5:])
    return None


def with_filter(filters: tuple[Filter, ...], new: Filter) -> tuple[Filter, ...]:
    """`filters` with `new`: one date at a time; a source (or tag) picked
    and left out at once is only what was asked last."""
    kept = [f for f in filters if not (
        (new.kind == "date" and f.kind == "date")
        or (new.kind != "date" and f.family == new.family and f.value == new.value))]
    return (*kept, new)


def query_filters(filters: tuple[Filter, ...]) -> tuple[str, ...]:
    """As `Library.search` takes them: the sources picked as one filter
    (reports from any of them), the others one each."""
    picked = [f.text for f in filters if f.kind == "source"]
    out = [picked[0] if len(picked) == 1 else "(" + " OR ".join(picked) + ")"] if picked else []
    return (*out, *(f.text for f in filters if f.kind != "source"))


def facet_filters(filters: tuple[Filter, ...]) -> tuple[str, ...]:
    """The filters the facet line is counted with: the sources and tags
    left out only, so that it still offers every source, tag and month to
    pick."""
    return tuple(f.text for f in filters if f.kind in ("not-source", "not-tag"))


def month_range(first: str, last: str) -> str:
    """A date filter's value for the months first..last ("2017-04", or
    "[2017-01 to 2017-03]")."""
    return first if first == last else f"[{first} to {last}]"
