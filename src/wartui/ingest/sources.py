"""Find input files and read them into RawRecords.

Every problem becomes a `Skipped` with a one-line reason, yielded in place of
the record it concerns, so one bad file or row never stops the others.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import os
import re
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..model import RawRecord, Repaired, Skipped
from .decode import BINARY_SAMPLE, clean_text, decode_bytes, looks_binary, signature

PAGE_SUFFIXES = {".txt": "text", ".md": "text", ".html": "html", ".htm": "html"}
ROW_SUFFIXES = {".csv", ".jsonl"}
SUPPORTED_SUFFIXES = set(PAGE_SUFFIXES) | ROW_SUFFIXES

MAX_PAGE_BYTES = 10 * 1024 * 1024  # one scraped page; larger is not an article
MAX_ROWS_BYTES = 2 * 1024 * 1024 * 1024  # a CSV/JSONL collection
MAX_LINE_CHARS = 100_000  # longer lines are truncated, with a note

# Column names recognised in CSV/JSONL, most specific first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("unit_id", "id", "doc_id", "article_id", "uid", "_id"),
    "title": ("title", "article_title", "headline", "heading"),
    "text": ("text", "body", "content", "article_content", "article", "article_text",
             "full_text", "story"),
    "date": ("date", "published", "published_at", "publish_date", "pubdate", "datetime"),
    "source": ("source", "site", "sitename", "outlet", "publisher", "domain"),
    "url": ("url", "link", "href"),
    "author": ("author", "authors", "byline", "writer"),
}


READ_SUFFIXES = ".txt .md .html .htm .jsonl .csv"


def discover(paths: Iterable[str | os.PathLike],
             exclude: str | os.PathLike | None = None) -> Iterator[Path | Skipped]:
    """Expand files and folders into the files to read, in a stable order.
    A folder's files of other types are reported as one entry counting them
    by type, and what is not a file (a FIFO, a socket, a device) is skipped
    with what it is, never opened (reading a FIFO waits for a writer).
    `exclude`: a folder not looked into (the index's own, inside a folder
    indexed)."""
    excluded = os.path.abspath(exclude) if exclude is not None else None
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found, other = [], Counter()
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                                 and os.path.abspath(os.path.join(root, d)) != excluded)
                for name in files:
                    if name.startswith("."):
                        continue
                    suffix = Path(name).suffix.lower()
                    if suffix in SUPPORTED_SUFFIXES:
                        found.append(Path(root) / name)
                    else:
                        other[suffix or "(no suffix)"] += 1
            for file in sorted(found):
                special = not_a_file(file)
                yield Skipped(shown_path(file), special) if special else file
            if other:
                count = sum(other.values())
                yield Skipped(shown_path(path), (
                    f"{count} file{'s' if count > 1 else ''} of unsupported types: "
                    + " ".join(suffix for suffix, _ in other.most_common())
                    + f" (wartui reads {READ_SUFFIXES})"))
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                yield path
            else:
                yield Skipped(shown_path(path),
                              f"unsupported file type {path.suffix or '(none)'!r}; "
                              f"wartui reads {READ_SUFFIXES}")
        elif path.exists():
            yield Skipped(shown_path(path), not_a_file(path) or "not a regular file")
        else:
            yield Skipped(shown_path(path), "no such file or directory")


def not_a_file(path: Path) -> str:
    """Why `path` is not read, when it is not a regular file ("" when it is)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    for test, what in ((stat.S_ISFIFO, "a named pipe (FIFO): reading it would wait for "
                                      "a writer"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return f"not a file but {what}; not read"
    return "" if stat.S_ISREG(mode) else "not a regular file"


def shown_path(path: str | os.PathLike) -> str:
    """A path (or file name) as text. The OS hands bytes that are not UTF-8 over
    as lone surrogates, which no index, store or terminal takes: each is
    written as `%XX` (its byte) instead."""
    text = os.fspath(path)
    if not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(lambda m: f"%{ord(m.group(0)) & 0xFF:02X}"
                          if "\udc80" <= m.group(0) <= "\udcff" else "\ufffd", text)


def _has_text_rows(head: bytes, suffix: str) -> bool:
    """Whether a CSV or JSONL file whose start looks binary has rows of
    text all the same: a line of clean text opening a JSON object with a
    key, or a CSV header line of clean text. Then only its unreadable lines
    are bad lines, and its good rows are not lost with them. A binary file
    (an archive, an image renamed, random bytes) has neither: a known
    format's signature is binary at once, and a line of random bytes is
    not clean text."""
    if signature(head):
        return False
    lines = head.split(b"\n")
    if suffix == ".csv":
        header = lines[0].rstrip(b"\r")
        return b"," in header and clean_text(header)
    return any(line.lstrip().startswith(b'{"') and clean_text(line) for line in lines)


def read_path(path: Path) -> Iterator[RawRecord | Skipped]:
    """Read one file into records: one per page, or one per CSV/JSONL row.
    Collections are streamed line by line, so a large CSV/JSONL costs memory
    per row, not per file."""
    suffix = path.suffix.lower()
    limit = MAX_ROWS_BYTES if suffix in ROW_SUFFIXES else MAX_PAGE_BYTES
    special = not_a_file(path)  # (opening a FIFO would wait for a writer forever)
    if special:
        yield Skipped(shown_path(path), special)
        return
    try:
        size = path.stat().st_size
        if size > limit:
            yield Skipped(shown_path(path),
                          f"too large: {size / 1e6:.1f} MB (limit {limit / 1e6:.0f} MB)")
            return
        with open(path, "rb") as handle:
            head = handle.read(BINARY_SAMPLE)
    except OSError as exc:
        yield Skipped(shown_path(path), f"cannot read: {exc.strerror or exc}")
        return
    if not head:
        yield Skipped(shown_path(path), "empty file")
        return
    if looks_binary(head) and not (suffix in ROW_SUFFIXES and _has_text_rows(head, suffix)):
        yield Skipped(shown_path(path), "binary file, not text")
        return
    if shown_path(path.name) != path.name:
        yield Repaired(shown_path(path), "the file name is not valid UTF-8 (its stray bytes "
                                         "are written %XX)")
    if suffix in ROW_SUFFIXES and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        lines = _DecodedLines(path)
        rows = _csv_rows(iter(lines)) if suffix == ".csv" else _jsonl_rows(iter(lines))
        try:
            yield from _read_rows(path, rows)
        except OSError as exc:
            yield Skipped(shown_path(path), f"cannot read: {exc.strerror or exc}")
        yield from (Repaired(shown_path(path), note) for note in lines.notes())
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Skipped(shown_path(path), f"cannot read: {exc.strerror or exc}")
        return
    decoded = decode_bytes(data)
    notes = _repair_notes(decoded.fallback_bytes, decoded.nul_bytes)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    if suffix in ROW_SUFFIXES:  # UTF-16: decoded whole
        yield from (Repaired(shown_path(path), note) for note in notes)
        rows = _csv_rows(iter(text.splitlines(keepends=True))) if suffix == ".csv" else \
            _jsonl_rows(iter(text.splitlines(keepends=True)))
        yield from _read_rows(path, rows)
        return
    if not text.strip():
        yield Skipped(shown_path(path), "no text (whitespace only)")
        return
    text, truncated = truncate_long_lines(text)
    yield RawRecord(id=shown_path(path.stem), path=shown_path(path), text=text,
                    kind=PAGE_SUFFIXES[suffix],
                    notes=tuple(notes + truncated))


def _repair_notes(fallback_bytes: int, nul_bytes: int) -> list[str]:
    notes = []
    if fallback_bytes:
        notes.append(f"{fallback_bytes} byte(s) not valid UTF-8, read as Windows-1252")
    if nul_bytes:
        notes.append(f"{nul_bytes} NUL byte(s) removed")
    return notes


class _DecodedLines:
    """A file's lines, each decoded like `decode_bytes` (UTF-8, stray bytes as
    Windows-1252, NULs removed), counting the repairs for the report."""

    def __init__(self, path: Path):
        self.path = path
        self.fallback_bytes = 0
        self.nul_bytes = 0

    def __iter__(self) -> Iterator[str]:
        with open(self.path, "rb") as handle:
            for number, raw in enumerate(handle):
                if number == 0 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8):]
                decoded = decode_bytes(raw)
                self.fallback_bytes += decoded.fallback_bytes
                self.nul_bytes += decoded.nul_bytes
                yield decoded.text

    def notes(self) -> list[str]:
        return _repair_notes(self.fallback_bytes, self.nul_bytes)


def truncate_long_lines(text: str, limit: int = MAX_LINE_CHARS) -> tuple[str, list[str]]:
    if len(text) <= limit:
        return text, []
    notes, lines = [], text.split("\n")
    for number, line in enumerate(lines, 1):
        if len(line) > limit:
            notes.append(f"line {number} truncated from {len(line):,} to {limit:,} characters")
            lines[number - 1] = line[:limit]
    return "\n".join(lines), notes


def _csv_rows(lines: Iterator[str]) -> Iterator[tuple[int, dict | None, str]]:
    """(row number, row or None, error) for each CSV record after the header."""
    csv.field_size_limit(MAX_ROWS_BYTES)
    lines = _split_lone_cr(lines)
    header_line = next(lines, "")
    # The header line tells the delimiter; csv.Sniffer misreads quoted prose.
    delimiter = max(",;\t", key=header_line.count)
    source = _Taken(lines)
    reader = csv.reader(itertools.chain([header_line], source), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return
    header = [h.strip() for h in header]
    number = 0
    next_line = 2  # the file's line where the next record starts (after the header's)
    while True:
        number += 1
        source.taken.clear()
        line = next_line
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            next_line = line + max(1, len(source.taken))
            yield number, None, f"unreadable CSV: {exc}"
            continue
        taken = source.taken
        next_line = line + len(taken)
        if len(taken) > 1 and source.exhausted:
            # A quote that never closes: the csv module reads the rest of the file
            # as one field (a record that ends at a line end never reads on, so
            # one that met the end of the file was inside quotes). The row is
            # reported and the lines after its first are read again as rows.
            # (On the last line, nothing is swallowed: the row is kept as read.)
            yield number, None, "unreadable CSV: a quote opened in this row is never closed"
            source = _Taken(iter(taken[1:]))
            reader = csv.reader(source, delimiter=delimiter)
            next_line = line + 1
            continue
        if not any(v.strip() for v in values):
            continue
        note = ""
        if len(values) > len(header):
            # (a stray quote that swallowed the row after it, most often)
            note = (f"line {line}: {len(values)} fields where the header has {len(header)} "
                    "(a stray quote may have joined rows); the extra ones are kept as "
                    "_extra_fields")
            extra = values[len(header):]
            values = values[: len(header)]
            row = dict(zip(header, values))
            row["_extra_fields"] = " | ".join(extra)
        else:  # a short row: the missing trailing fields are empty
            row = dict(zip(header, values + [""] * (len(header) - len(values))))
        yield number, row, note


class _Taken:
    """An iterator of lines that keeps the lines taken since `taken` was cleared
    (the lines of one CSV record) and knows when it is exhausted."""

    def __init__(self, lines: Iterator[str]):
        self.lines = lines
        self.taken: list[str] = []
        self.exhausted = False

    def __iter__(self) -> _Taken:
        return self

    def __next__(self) -> str:
        try:
            line = next(self.lines)
        except StopIteration:
            self.exhausted = True
            raise
        self.taken.append(line)
        return line


_AFTER_LONE_CR = re.compile(r"(?<=\r)(?!\n)")


def _split_lone_cr(lines: Iterator[str]) -> Iterator[str]:
    """Lines also end at a CR alone (old Mac and some Excel exports), as in a
    file opened with newline="" (what the csv module expects)."""
    for line in lines:
        if "\r" in line:
            yield from (piece for piece in _AFTER_LONE_CR.split(line) if piece)
        else:
            yield line


def _jsonl_rows(lines: Iterator[str]) -> Iterator[tuple[int, dict | None, str]]:
    """(line number, object or None, error, or for an object a repair note)."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, None, f"invalid JSON: {exc.msg} at column {exc.colno}"
            continue
        except RecursionError:  # "[[[[..." thousands deep
            yield number, None, "invalid JSON: nested too deeply"
            continue
        if not isinstance(value, dict):
            yield number, None, f"expected a JSON object, got {type(value).__name__}"
            continue
        note = ""
        if _SURROGATE_ESCAPE.search(line):  # rare: look closer only then
            try:
                repaired = _without_surrogates(value)
            except RecursionError:
                yield number, None, "invalid JSON: nested too deeply"
                continue
            if repaired != value:
                value, note = repaired, "lone UTF-16 surrogate escape(s) read as U+FFFD"
        yield number, value, note


# A JSON escape of a lone UTF-16 surrogate ("\ud800" not followed by its pair)
# decodes to a str that cannot be encoded: no store, index or terminal takes it.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(value):
    """`value` with every lone surrogate in its strings (keys too) made U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):  # flattened without recursion: JSON may nest 1000 deep
        parts, stack = [], [iter(value)]
        while stack:
            item = next(stack[-1], _END)
            if item is _END:
                stack.pop()
            elif isinstance(item, list):
                stack.append(iter(item))
            else:
                parts.append(_as_text(item))
        return ", ".join(parts)
    if isinstance(value, dict):
        try:
            return json.dumps(value, ensure_ascii=False)
        except RecursionError:
            return "(an object nested too deeply to show)"
    return str(value)


_END = object()


def map_columns(names: Iterable[str]) -> dict[str, str]:
    """Which input column feeds each known field: {"text": "article_content", ...}."""
    by_lower = {name.strip().lower(): name for name in names}
    mapping = {}
    for field_name, candidates in COLUMNS.items():
        for candidate in candidates:
            if candidate in by_lower:
                mapping[field_name] = by_lower[candidate]
                break
    return mapping


def _read_rows(path: Path, rows: Iterator[tuple[int, dict | None, str]]
               ) -> Iterator[RawRecord | Skipped]:
    """Turn rows into records with ids `STEM:ID`; repeated ids get `~2`, `~3`."""
    shown, stem = shown_path(path), shown_path(path.stem)
    seen: Counter[str] = Counter()
    mappings: dict[tuple, dict[str, str]] = {}  # JSONL rows may differ in keys
    any_row = False
    for number, row, error in rows:
        any_row = True
        where = f"{shown}:{number}"
        if row is None:
            yield Skipped(where, error, shown)
            continue
        keys = tuple(row)
        mapping = mappings.get(keys) or mappings.setdefault(keys, map_columns(keys))
        if "text" not in mapping:
            yield Skipped(where, "no text column (looked for: " + ", ".join(COLUMNS["text"]) + ")",
                          shown)
            continue
        text = _as_text(row.get(mapping["text"])).replace("\r\n", "\n")
        if not text.strip():
            yield Skipped(where, f"empty {mapping['text']!r}", shown)
            continue
        text, truncated = truncate_long_lines(text)
        given = {f: _as_text(row.get(col)).strip() for f, col in mapping.items()
                 if f not in ("id", "text")}
        used = set(mapping.values())
        extra = {str(k): _as_text(v) for k, v in row.items() if k not in used and k is not None}
        row_id = _as_text(row.get(mapping["id"])).strip() if "id" in mapping else ""
        row_id = row_id or str(number)
        seen[row_id] += 1
        if seen[row_id] > 1:
            row_id = f"{row_id}~{seen[row_id]}"
        notes = ([error] if error else []) + truncated  # with a row, `error` is a repair
        yield RawRecord(id=f"{stem}:{row_id}", path=shown, text=text, kind="text",
                        given=given, extra=extra, notes=tuple(notes))
    if not any_row:
        yield Skipped(shown_path(path), "no rows")
