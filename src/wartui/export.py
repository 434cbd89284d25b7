"""Search results as files to hand on: CSV, JSON lines, Markdown; and the
citation line of an article (`wartui export`, the app's `x` and `y`).

Every result is written, not a page of them (`Library.every_hit`), with what
a colleague needs to find the report again: its id, title, source, date,
the page's address when the source gave one, the day it was indexed, the
reader's tags and note, and the spellings of the names searched that it
uses. Markdown gives each a citation line and its snippet.

Text from articles is written as it is (a file, not a terminal), except
that control characters and bidi overrides are made visible, as everywhere
(textsafe.py): a file opened in a terminal later must not drive it.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from .model import SearchHit
from .textsafe import printable

FORMATS = ("csv", "jsonl", "md")
CSV_COLUMNS = ("id", "title", "source", "date", "url", "indexed", "tags", "note", "matched",
               "snippet")


def cite(title: str, source: str, date: str | None, doc_id: str, url: str = "",
         indexed: str = "") -> str:
    """One line that says where a report is from:
    “Title” — Source, 2017-04-05. https://… (indexed 2026-12-03; wartui id ID)"""
    line = f"“{title or '(untitled)'}” — {source or 'unknown source'}, {date or 'undated'}."
    if url:
        line += f" {url}"
    found = f"indexed {indexed}; " if indexed else ""
    return printable(f"{line} ({found}wartui id {doc_id})", keep_newlines=False)


def hit_citation(hit: SearchHit) -> str:
    return cite(hit.title, hit.source, hit.date, hit.id, hit.url, hit.indexed)


def matched_text(hit: SearchHit) -> str:
    """"Deir ez-Zor: Deir Ezzor, Dayr az-Zawr; ..." """
    return "; ".join(f"{m.name}: {', '.join(m.spellings)}" for m in hit.matched)


def row(hit: SearchHit) -> dict:
    """A result as the JSON lines file holds it."""
    return {"id": hit.id, "title": hit.title, "source": hit.source, "date": hit.date,
            "url": hit.url or None, "indexed": hit.indexed or None, "tags": list(hit.tags),
            "note": hit.note or None,
            "matched": [{"id": m.id, "name": m.name, "spellings": list(m.spellings)}
                        for m in hit.matched],
            "snippet": hit.snippet_text, "versions": hit.versions}


def write_whole(path: Path, write_to: Callable[[TextIO], int]) -> int:
    """`write_to(file)` into a file beside `path`, renamed to it once
    written: `path` is whole or not there (a full disk, Ctrl-C). Returns
    what `write_to` returns; a file that cannot be written raises
    WartuiError with why."""
    from .errors import WartuiError

    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(partial, "w", encoding="utf-8", newline="") as out:
            count = write_to(out)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise WartuiError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


def write(hits: Iterable[SearchHit], form: str, out: TextIO, title: str = "") -> int:
    """Write the hits in `form` (csv, jsonl or md); how many were written."""
    return {"csv": _csv, "jsonl": _jsonl, "md": _markdown}[form](hits, out, title)


def _csv(hits: Iterable[SearchHit], out: TextIO, title: str) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for hit in hits:
        writer.writerow([printable(value) for value in (
            hit.id, hit.title, hit.source, hit.date or "", hit.url, hit.indexed,
            " ".join(hit.tags), hit.note, matched_text(hit), hit.snippet_text)])
        count += 1
    return count


def _jsonl(hits: Iterable[SearchHit], out: TextIO, title: str) -> int:
    from .textsafe import dumps_json

    count = 0
    for hit in hits:
        out.write(dumps_json(row(hit), indent=None) + "\n")
        count += 1
    return count


def _markdown(hits: Iterable[SearchHit], out: TextIO, title: str) -> int:
    if title:
        out.write(f"# {_md(title)}\n\n")
    count = 0
    for count, hit in enumerate(hits, 1):
        out.write(f"{count}. {_md(hit_citation(hit))}\n")
        if hit.tags:
            out.write("   Tags: " + " ".join(f"`{tag}`" for tag in hit.tags) + "\n")
        if hit.matched:
            out.write(f"   Names as written: {_md(matched_text(hit))}\n")
        if hit.note:
            out.write("   Note: " + _md(printable(hit.note, keep_newlines=False)) + "\n")
        snippet = "".join(f"**{_md(s.text)}**" if s.hit else _md(s.text) for s in hit.snippet)
        out.write(f"\n   > {printable(snippet, keep_newlines=False)}\n\n")
    return count


def _md(text: str) -> str:
    """Text that Markdown shows as written (its emphasis and link marks
    escaped)."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)


def tsv_line(hit: SearchHit) -> str:
    """A result on one line, tab-separated: id, date, source, title, tags,
    snippet (`wartui search --format tsv`, for cut and awk)."""
    fields = (hit.id, hit.date or "", hit.source, hit.title, ",".join(hit.tags),
              hit.snippet_text)
    return "\t".join(printable(field, keep_newlines=False) for field in fields)
