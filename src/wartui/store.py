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

IN_CHUNK = 500  # values per `IN (...)` (SQLite allows 32,766 variables; small keeps plans simple)


def in_chunks(values: Iterable, size: int = IN_CHUNK) -> Iterator[tuple[list, str]]:
    """`values` a chunk at a time, each with its placeholders (`?,?,?`), for
    a `WHERE x IN (...)` query."""
    values = list(values)
    for start in range(0, len(values), size):
        chunk = values[start:start + size]
        yield chunk, ",".join("?" * len(chunk))

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
-- the paths given to `wartui index` (corpus.py)
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY,
    added REAL NOT NULL
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
    """`readonly`: open with mode=ro. In a directory that cannot hold the
    WAL's -shm file (a read-only one) and has none: as immutable when the
    write-ahead log is empty; else from a private copy of the store and its
    log in the temporary folder (SQLite reads a log only through a -shm
    file beside it, and immutable would ignore the log's batches)."""

    def __init__(self, path: Path, readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        self._private: Path | None = None  # the private copy's folder
        self._check_size()
        if readonly:
            try:
                self._db = self._connect_readonly(self.path, immutable=False)
            except sqlite3.OperationalError:  # no -shm and no way to create it
                if self._log_unread():
                    self._db = self._connect_private_copy()
                else:
                    self._db = self._connect_readonly(self.path, immutable=True)
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

    @staticmethod
    def _connect_readonly(path: Path, immutable: bool) -> sqlite3.Connection:
        uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")
        db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        try:
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _log_unread(self) -> bool:
        """A write-ahead log holding frames (beyond its 32-byte header) and
        no -shm file to read it through."""
        wal, shm = (self.path.with_name(self.path.name + suffix) for suffix in ("-wal", "-shm"))
        try:
            return wal.stat().st_size > 32 and not shm.exists()
        except OSError:
            return False

    def _connect_private_copy(self) -> sqlite3.Connection:
        """The store and its log copied into a folder of the temporary
        folder, opened there (SQLite makes its -shm file beside them), and
        removed on close. Without room for the copy: IndexReadOnly saying
        what is missing and what to do."""
        import shutil
        import tempfile

        from .errors import IndexReadOnly
        from .space import MB, free_bytes

        wal = self.path.with_name(self.path.name + "-wal")
        needed = self.path.stat().st_size + wal.stat().st_size
        temporary = Path(tempfile.gettempdir())
        free = free_bytes(temporary)
        if free is not None and free < needed + 16 * MB:
            raise IndexReadOnly(
                f"cannot read {self.path}: its last batches are in {wal.name}, which SQLite "
                f"reads only through an {self.path.name}-shm file beside it, and "
                f"{self.path.parent} cannot hold one (read-only); a private copy would need "
                f"{needed / MB:,.0f} MB in {temporary}, which has {free / MB:,.0f} MB free. "
                f"Make room there (or set TMPDIR), or copy the index to a writable folder")
        self._private = Path(tempfile.mkdtemp(prefix="wartui-store-"))
        try:
            copy = self._private / self.path.name
            shutil.copyfile(self.path, copy)
            shutil.copyfile(wal, self._private / wal.name)
            return self._connect_readonly(copy, immutable=False)
        except BaseException:
            shutil.rmtree(self._private, ignore_errors=True)
            self._private = None
            raise

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
        if self._private is not None:
            import shutil

            shutil.rmtree(self._private, ignore_errors=True)
            self._private = None

    def hashes(self) -> dict[str, str]:
        """{id: content hash} for every stored article."""
        return dict(self._db.execute("SELECT id, hash FROM articles"))

    def paths(self) -> dict[str, str]:
        """{id: the file it was read from} for every stored article."""
        return dict(self._db.execute("SELECT id, path FROM articles"))

    def set_paths(self, paths: dict[str, str]) -> None:
        """Give articles their file's path as it is now (absolute), in the
        column and in the article itself (the caller's transaction)."""
        self._db.executemany(
            "UPDATE articles SET path = ?, article = json_set(article, '$.path', ?) WHERE id = ?",
            ((path, path, doc_id) for doc_id, path in paths.items()))

    def delete(self, ids: Iterable[str]) -> None:
        """Remove articles (the caller's transaction)."""
        self._db.executemany("DELETE FROM articles WHERE id = ?", ((i,) for i in ids))

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
        for chunk, marks in in_chunks(ids):
            for doc_id, data in self._db.execute(
                    f"SELECT id, article FROM articles WHERE id IN ({marks})", chunk):
                found[doc_id] = Article.from_json(json.loads(data), entity_ids)
        return found

    def get_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of `ids` that are stored."""
        found = set()
        for chunk, marks in in_chunks(ids):
            found.update(doc_id for (doc_id,) in self._db.execute(
                f"SELECT id FROM articles WHERE id IN ({marks})", chunk))
        return found

    def raw(self, doc_id: str) -> str | None:
        row = self._db.execute("SELECT raw FROM articles WHERE id = ?", (doc_id,)).fetchone()
        return zlib.decompress(row[0]).decode("utf-8") if row else None

    def ids(self) -> Iterator[str]:
        for (doc_id,) in self._db.execute("SELECT id FROM articles ORDER BY id"):
            yield doc_id

    def count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
