"""What the index was built from, so that it stays true to it.

The paths given to `wartui index` (files and folders, absolute) are its
sources, kept in the article store (`sources` table). `wartui index`
without a path indexes them again; `wartui sources` lists them with the
articles of each. An article's path (absolute too) says which source it
came from.

When a source is read again, an article it no longer holds is gone: its file
was deleted from the folder, or its row from the CSV/JSONL file. Such
articles are removed from the index (`gone`), but only on evidence: the
file no longer exists, or it was read whole (no line or row of it skipped)
without the article. A file that could not be read, or one with rows that
could not be read (whose ids are then unknown), keeps its articles. A
source that is missing altogether (a folder renamed, a disk not mounted)
removes nothing; it is reported.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .store import has_tables, transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY,  -- a file or folder given to `wartui index`, absolute
    added REAL NOT NULL     -- when it was first given (seconds since the epoch)
) WITHOUT ROWID
"""


@dataclass(frozen=True)
class Source:
    path: str
    articles: int
    exists: bool


def absolute(path: str | os.PathLike) -> str:
    """A path as the index keeps it: absolute, not resolved (a link to a
    folder stays the path the reader gave)."""
    return os.path.abspath(os.fspath(path))


def within(path: str, source: str) -> bool:
    """Is `path` the source itself or inside it (a folder)?"""
    return path == source or path.startswith(source.rstrip(os.sep) + os.sep)


def ensure(db: sqlite3.Connection) -> None:
    """The table (a store made before it has none; only a writer calls this)."""
    if not has_tables(db, "sources"):
        with transaction(db):
            db.execute(SCHEMA)


def remembered(db: sqlite3.Connection) -> list[str]:
    """The sources, in the order they were first given ([] for a store made
    before the table)."""
    if not has_tables(db, "sources"):
        return []
    return [path for (path,) in db.execute("SELECT path FROM sources ORDER BY added, path")]


def remember(db: sqlite3.Connection, paths: Iterable[str]) -> None:
    """Add sources (absolute paths): one already inside a source adds
    nothing; a folder holding sources takes their place."""
    ensure(db)
    kept = remembered(db)
    with transaction(db):
        for path in paths:
            if any(within(path, source) for source in kept):
                continue
            inside = [source for source in kept if within(source, path)]
            db.executemany("DELETE FROM sources WHERE path = ?", [(s,) for s in inside])
            db.execute("INSERT INTO sources (path, added) VALUES (?, ?)", (path, time.time()))
            kept = [s for s in kept if s not in inside] + [path]


def forget(db: sqlite3.Connection, path: str) -> list[str]:
    """Drop the sources that are `path` or inside it; those dropped."""
    dropped = [source for source in remembered(db) if within(source, path)]
    with transaction(db):
        db.executemany("DELETE FROM sources WHERE path = ?", [(s,) for s in dropped])
    return dropped


def count_under(db: sqlite3.Connection, path: str) -> int:
    """Articles whose file is `path` or inside it (the path column is indexed:
    a range of it, not a scan)."""
    low, high = _range(path)
    return db.execute("SELECT COUNT(*) FROM articles WHERE path = ? OR (path >= ? AND path < ?)",
                      (path, low, high)).fetchone()[0]


def ids_under(db: sqlite3.Connection, path: str) -> list[str]:
    low, high = _range(path)
    return [doc_id for (doc_id,) in db.execute(
        "SELECT id FROM articles WHERE path = ? OR (path >= ? AND path < ?) ORDER BY id",
        (path, low, high))]


def _range(path: str) -> tuple[str, str]:
    """[low, high) of the paths inside the folder `path`."""
    prefix = path.rstrip(os.sep) + os.sep
    return prefix, prefix[:-1] + chr(ord(os.sep) + 1)


def listed(db: sqlite3.Connection) -> list[Source]:
    return [Source(path, count_under(db, path), os.path.exists(path))
            for path in remembered(db)]


def gone(stored: dict[str, str], given: list[str], seen: set[str],
         read_whole: set[str]) -> list[str]:
    """The ids of `stored` ({id: absolute path}) that the sources `given`
    (absolute, existing) no longer hold: inside one of them, not `seen` in
    this run, and their file deleted or `read_whole` without them."""
    found = []
    for doc_id, path in stored.items():
        if doc_id in seen or not any(within(path, source) for source in given):
            continue
        if path in read_whole or not Path(path).exists():
            found.append(doc_id)
    return sorted(found)
