"""The article store: cleaned articles and their raw pages, in SQLite.

Whoosh holds what is searched; this holds what is shown (paragraphs, dropped
lines, metadata, the raw page) and the content hash that makes re-indexing
incremental. Writes come here first and go to Whoosh second, so whatever a
search finds is here; a writer killed in between leaves articles that
Whoosh lacks, which the next run puts into Whoosh from here. A batch's rows
here (articles, version tables, vocabulary) are written in one transaction
(`transaction`).
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Container, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .model import Article

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    hash TEXT NOT NULL,
    article TEXT NOT NULL,  -- Article.to_json()
    raw BLOB NOT NULL       -- zlib-compressed raw page
);
CREATE INDEX IF NOT EXISTS articles_path ON articles(path);
-- words of titles and names, for "did you mean" (counts only grow: approximate)
CREATE TABLE IF NOT EXISTS vocabulary (
    word TEXT PRIMARY KEY,
    count INTEGER NOT NULL
) WITHOUT ROWID;
"""


@contextmanager
def transaction(db: sqlite3.Connection):
    """One transaction around the block, committed at its end (rolled back on
    an error). Nested inside another `transaction`, it joins the outer one, so
    several writes can be made atomic together."""
    if db.in_transaction:
        yield db
        return
    db.execute("BEGIN")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.commit()


def has_tables(db: sqlite3.Connection, *names: str) -> bool:
    marks = ",".join("?" * len(names))
    found = db.execute(f"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                       f"({marks})", names).fetchone()[0]
    return found == len(names)


class StoreDamaged(sqlite3.DatabaseError):
    """The file is shorter than its header says (truncated)."""


class ArticleStore:
    """`readonly`: open with mode=ro, and as immutable if the directory cannot
    hold the WAL's -shm file (a read-only directory)."""

    def __init__(self, path: Path, readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        self._check_size()
        if readonly:
            try:
                self._db = self._connect_readonly(immutable=False)
            except sqlite3.OperationalError:  # no -shm and no way to create it
                self._db = self._connect_readonly(immutable=True)
        else:
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            # Readers do not need the schema statements (nor the write lock
            # they may take): only a new file gets them.
            if not has_tables(self._db, "articles", "vocabulary"):
                self._db.executescript(SCHEMA)
        if not has_tables(self._db, "articles"):
            raise StoreDamaged(f"{self.path.name} has no articles table")

    def _connect_readonly(self, immutable: bool) -> sqlite3.Connection:
        uri = f"{self.path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")
        db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        try:
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _check_size(self) -> None:
        """A truncated file (a disk filled up, a bad copy) opens and fails
        later, on some page: see it now. The header's page count is only
        checked when there is no write-ahead log to add pages to it."""
        wal = self.path.with_name(self.path.name + "-wal")
        try:
            size = self.path.stat().st_size
            if wal.exists() and wal.stat().st_size:
                return
            with self.path.open("rb") as handle:
                header = handle.read(100)
        except FileNotFoundError:
            return
        if not size:
            return
        if len(header) < 100 or not header.startswith(b"SQLite format 3\0"):
            raise StoreDamaged(f"{self.path.name} is not an SQLite database")
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(header[28:32], "big")
        valid = header[24:28] == header[92:96]
        if valid and pages and size < pages * page_size:
            raise StoreDamaged(f"{self.path.name} is truncated ({size:,} bytes of "
                               f"{pages * page_size:,})")

    @property
    def db(self) -> sqlite3.Connection:
        """The connection, shared with the version tables kept in the same file."""
        return self._db

    def close(self) -> None:
        self._db.close()

    def hashes(self) -> dict[str, str]:
        """{id: content hash} for every stored article."""
        return dict(self._db.execute("SELECT id, hash FROM articles"))

    def put_many(self, rows: Iterable[tuple[Article, str]]) -> None:
        """Insert or replace (article, raw page) pairs in one transaction."""
        with transaction(self._db):
            self._db.executemany(
                "INSERT OR REPLACE INTO articles (id, path, hash, article, raw) VALUES (?,?,?,?,?)",
                ((a.id, a.path, a.content_hash, json.dumps(a.to_json(), ensure_ascii=False),
                  zlib.compress(raw.encode("utf-8"), 1)) for a, raw in rows),
            )

    def add_vocabulary(self, counts: dict[str, int]) -> None:
        with transaction(self._db):
            self._db.executemany(
                "INSERT INTO vocabulary (word, count) VALUES (?, ?) "
                "ON CONFLICT(word) DO UPDATE SET count = count + excluded.count",
                counts.items())

    def vocabulary(self) -> dict[str, int]:
        return dict(self._db.execute("SELECT word, count FROM vocabulary"))

    def get(self, doc_id: str) -> Article | None:
        row = self._db.execute("SELECT article FROM articles WHERE id = ?", (doc_id,)).fetchone()
        return Article.from_json(json.loads(row[0])) if row else None

    def get_many(self, ids: list[str],
                 entity_ids: Container[str] | None = None) -> dict[str, Article]:
        """The articles of `ids` that are stored; with `entity_ids`, only
        their entity spans naming one of them (Article.from_json)."""
        found = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for doc_id, data in self._db.execute(
                    f"SELECT id, article FROM articles WHERE id IN ({marks})", chunk):
                found[doc_id] = Article.from_json(json.loads(data), entity_ids)
        return found

    def raw(self, doc_id: str) -> str | None:
        row = self._db.execute("SELECT raw FROM articles WHERE id = ?", (doc_id,)).fetchone()
        return zlib.decompress(row[0]).decode("utf-8") if row else None

    def ids(self) -> Iterator[str]:
        for (doc_id,) in self._db.execute("SELECT id FROM articles ORDER BY id"):
            yield doc_id

    def count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
