"""The article store: cleaned articles and their raw pages, in SQLite.

Whoosh holds what is searched; this holds what is shown (paragraphs, dropped
lines, metadata, the raw page) and the content hash that makes re-indexing
incremental. Writes go to Whoosh first and here second, so a writer killed in
between leaves documents that the next run sees as new and writes again.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
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


class ArticleStore:
    def __init__(self, path: Path, readonly: bool = False):
        self.path = Path(path)
        if readonly:
            uri = f"file:{self.path}?mode=ro"
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        else:
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)

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
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO articles (id, path, hash, article, raw) VALUES (?,?,?,?,?)",
                ((a.id, a.path, a.content_hash, json.dumps(a.to_json(), ensure_ascii=False),
                  zlib.compress(raw.encode("utf-8"), 1)) for a, raw in rows),
            )

    def add_vocabulary(self, counts: dict[str, int]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT INTO vocabulary (word, count) VALUES (?, ?) "
                "ON CONFLICT(word) DO UPDATE SET count = count + excluded.count",
                counts.items())

    def vocabulary(self) -> dict[str, int]:
        return dict(self._db.execute("SELECT word, count FROM vocabulary"))

    def get(self, doc_id: str) -> Article | None:
        row = self._db.execute("SELECT article FROM articles WHERE id = ?", (doc_id,)).fetchone()
        return Article.from_json(json.loads(row[0])) if row else None

    def get_many(self, ids: list[str]) -> dict[str, Article]:
        found = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for doc_id, data in self._db.execute(
                    f"SELECT id, article FROM articles WHERE id IN ({marks})", chunk):
                found[doc_id] = Article.from_json(json.loads(data))
        return found

    def raw(self, doc_id: str) -> str | None:
        row = self._db.execute("SELECT raw FROM articles WHERE id = ?", (doc_id,)).fetchone()
        return zlib.decompress(row[0]).decode("utf-8") if row else None

    def ids(self) -> Iterator[str]:
        for (doc_id,) in self._db.execute("SELECT id FROM articles ORDER BY id"):
            yield doc_id

    def count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
