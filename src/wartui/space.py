"""Disk space: how much a run needs, how much there is, and a full disk told
apart from a damaged index.

A disk that fills up during `wartui index` is not damage: the failed batch
is undone (SQLite rolls its transaction back, Whoosh's unfinished segment
files are removed), and the same command run again once there is room goes
on from the last batch committed. So a full disk gets its own message and
exit status, never the advice to rebuild (which deletes the index).
"""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
from pathlib import Path

from .errors import DiskFull

# What an index takes on disk per character of article text given to it,
# measured on bench/generate.py's corpus (~2 KB articles, 5,050 of them in
# one batch: 10.96 M characters of text, an index of 63.5 MB, 95 MB at its
# peak): Whoosh's segments with their flat postings, and the store with the
# raw page, the cleaned article and its entities.
INDEX_PER_CHAR = 5.8
# While a batch is committed, its Whoosh segment is written twice (its
# files, then the compound file they are copied into) and its rows go to
# SQLite's write-ahead log before the database: ~2.9 per character of the
# batch, on top.
BATCH_PEAK_PER_CHAR = 2.9
MB = 1_000_000


def free_bytes(directory: str | os.PathLike) -> int | None:
    """Bytes this process may still write in `directory` (or its nearest
    existing parent), or None if that cannot be told."""
    path = Path(directory).absolute()
    while not path.exists() and path.parent != path:
        path = path.parent
    try:
        stat = os.statvfs(path)
    except (OSError, AttributeError):
        return None
    return stat.f_bavail * stat.f_frsize


def needed_bytes(chars: int, batch_chars: int) -> int:
    """About what a run adding `chars` characters of text (in batches of
    `batch_chars` at most) takes in the index directory at its peak."""
    return int(chars * INDEX_PER_CHAR + min(chars, batch_chars) * BATCH_PEAK_PER_CHAR)


# Below this, an I/O error of SQLite's in the directory is taken for a full
# disk: SQLite says "disk I/O error" (SQLITE_IOERR_SHMSIZE) when it cannot
# grow its 32 KB -shm file, which it needs even to read.
NEARLY_FULL = 1_000_000


def is_full(exc: BaseException | None, directory: Path | None = None) -> bool:
    """Was `exc` (or what it was raised from) a write refused for want of
    space or quota: ENOSPC or EDQUOT, SQLite's "database or disk is full",
    or SQLite's I/O error in a `directory` with (nearly) no room left?"""
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(exc, sqlite3.Error):
            code = getattr(exc, "sqlite_errorcode", None)
            if code == sqlite3.SQLITE_FULL or "disk is full" in str(exc):
                return True
            if (directory is not None and code is not None
                    and code & 0xFF == sqlite3.SQLITE_IOERR
                    and (free_bytes(directory) or 0) < NEARLY_FULL):
                return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def disk_full(index_dir: Path, exc: BaseException | None = None,
              needed: int | None = None) -> DiskFull:
    """The one-line message for a full disk, with what is free where (once
    the failed run's unfinished writes are undone) and, when known, what
    the run needs. The directory is the failed file's when the error names
    it; for SQLite, which names none, the index's, or the temporary folder
    (where SQLite sorts) when that one has less room."""
    where = Path(index_dir)
    filename = getattr(exc, "filename", None)
    if filename:
        where = Path(os.fsdecode(filename)).parent
    elif isinstance(exc, sqlite3.Error):
        temporary = Path(tempfile.gettempdir())
        if (free_bytes(temporary) or 0) < (free_bytes(where) or 0):
            where = temporary
    free = free_bytes(where)
    room = f"{free / MB:,.0f} MB free in {where}" if free is not None else f"in {where}"
    if needed:
        room += f", and this run needs about {needed / MB:,.0f} MB"
    quota = isinstance(exc, OSError) and exc.errno == errno.EDQUOT
    return DiskFull(f"{'your disk quota is used up' if quota else 'the disk is full'} "
                    f"({room}); free space and run the same command again")


def shortfall(index_dir: Path, needed: int) -> str | None:
    """A warning when a run is likely to need more room than there is."""
    free = free_bytes(index_dir)
    if free is None or needed <= free:
        return None
    return (f"this run may need about {needed / MB:,.0f} MB in {index_dir}, which has "
            f"{free / MB:,.0f} MB free; if the disk fills up, the run stops with every batch "
            "committed so far kept, and goes on when run again with more room")
