"""The reader's own marks on articles: tags, and one note each.

They belong to the reader, not to the index: the index can always be built
again from the files it was made from, the annotations cannot. So they are
kept in a file of their own beside the index, `annotations.sqlite`, keyed by
article id, which nothing that writes the index touches (`index`,
`--rebuild`, `check --repair`, `remove`): an article removed keeps its tags
and note (they are "orphaned", listed by `wartui tags`) and has them again
when it is indexed again.

    tags(id, tag, added)     one row a tag of an article
    notes(id, text, updated) one row an article with a note

Every change is one SQLite transaction (a killed writer leaves the file as
it was before the change: the rollback journal is played back by the next
one to open it). The file's layout has its own version (SQLite's
`user_version`): a later wartui adds what it needs in place, never dropping
a row; a file written by a later wartui than this one is read, not written.
A rollback journal, not a write-ahead log: a reader of an index in a folder
it cannot write (a shared one) reads the file without creating anything
beside it.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import WartuiError
from .store import in_chunks

ANNOTATIONS_FILE = "annotations.sqlite"
LAYOUT_VERSION = 1
# Each step brings the layout from the version before it to its own.
LAYOUT_STEPS = {
    1: """
    CREATE TABLE IF NOT EXISTS tags (
        id TEXT NOT NULL,       -- the article's id, as the index gives it
        tag TEXT NOT NULL,
        added REAL NOT NULL,    -- seconds since the epoch
        PRIMARY KEY (id, tag)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS tags_by_tag ON tags(tag);
    CREATE TABLE IF NOT EXISTS notes (
        id TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        updated REAL NOT NULL
    ) WITHOUT ROWID;
    """,
}
MAX_TAG_CHARS = 64
# A tag is one word: letters, digits and _ . - / inside it (so that `+tag`,
# `-tag` and `tag:TAG` read as they are written).
_TAG = re.compile(r"\w[\w.\-/]*")
_NOTE_WORD = re.compile(r"\w+")


class AnnotationError(WartuiError):
    """A tag that is not one, a file of annotations that cannot be read or
    written: said in one line."""


def check_tag(text: str) -> str:
    """`text` as a tag, or AnnotationError saying what a tag is."""
    tag = text.strip()
    if not _TAG.fullmatch(tag) or len(tag) > MAX_TAG_CHARS:
        raise AnnotationError(f"{text!r} is not a tag: a tag is one word of letters, digits "
                              f"and _ . - / (at most {MAX_TAG_CHARS} characters)")
    return tag


def note_words(text: str) -> set[str]:
    """A note's words as `note:WORD` finds them: case and accents folded."""
    return {_fold(word) for word in _NOTE_WORD.findall(text)}


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Annotations:
    """The annotations of the index in `index_dir`. Nothing is created
    until something is written; reading a folder without the file finds
    nothing."""

    def __init__(self, index_dir: Path):
        self.path = Path(index_dir) / ANNOTATIONS_FILE
        self._db: sqlite3.Connection | None = None
        self._writable = False

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def exists(self) -> bool:
        return self.path.is_file()

    # -- opening ---------------------------------------------------------------------

    def _open(self, write: bool = False) -> sqlite3.Connection | None:
        """The connection (None when reading and there is no file yet)."""
        if self._db is not None and (self._writable or not write):
            return self._db
        self.close()
        if not write and not self.exists():
            return None
        try:
            if write:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
            else:
                db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                     timeout=10, check_same_thread=False)
            version = db.execute("PRAGMA user_version").fetchone()[0]
        except (OSError, sqlite3.Error) as exc:
            raise self._failed(exc, write) from exc
        if version > LAYOUT_VERSION:
            if write:
                db.close()
                raise AnnotationError(f"{self.path} was written by a later wartui (layout "
                                      f"{version}, this one knows {LAYOUT_VERSION}): it is "
                                      "read, not changed; update wartui to change it")
        elif version < LAYOUT_VERSION:
            if not write:  # (nothing of this layout to read yet: the next write adds it)
                db.close()
                return None
            try:
                self._upgrade(db, version)
            except sqlite3.Error as exc:
                db.close()
                raise self._failed(exc, write) from exc
        self._db, self._writable = db, write
        return db

    @staticmethod
    def _upgrade(db: sqlite3.Connection, version: int) -> None:
        """The layout steps after `version`, in one transaction with the new
        version number (a killed upgrade leaves the file as it was)."""
        db.execute("BEGIN IMMEDIATE")
        try:
            for step in range(version + 1, LAYOUT_VERSION + 1):
                for statement in LAYOUT_STEPS[step].split(";"):
                    if statement.strip():
                        db.execute(statement)
            db.execute(f"PRAGMA user_version = {LAYOUT_VERSION}")
        except BaseException:
            db.rollback()
            raise
        db.commit()

    def _failed(self, exc: Exception, write: bool) -> AnnotationError:
        why = getattr(exc, "strerror", None) or str(exc)
        if write and ("readonly" in why or "read-only" in why or "ermission" in why):
            return AnnotationError(f"cannot write the annotations in {self.path.parent}: "
                                   f"{why} (tags and notes are kept beside the index)")
        return AnnotationError(f"cannot {'write' if write else 'read'} {self.path}: {why}")

    def _changing(self):
        """A connection in a transaction taken for writing (IMMEDIATE: two
        writers queue instead of failing half-way)."""
        db = self._open(write=True)
        db.execute("BEGIN IMMEDIATE")
        return db

    def _done(self, db: sqlite3.Connection, ok: bool) -> None:
        if ok:
            db.commit()
        else:
            db.rollback()

    # -- reading ---------------------------------------------------------------------

    def tags_of(self, ids: Iterable[str]) -> dict[str, list[str]]:
        """{id: its tags, sorted} for the ids of `ids` that have any."""
        found: dict[str, list[str]] = {}
        db = self._open()
        if db is None:
            return found
        for chunk, marks in in_chunks(dict.fromkeys(ids)):
            for doc_id, tag in db.execute(
                    f"SELECT id, tag FROM tags WHERE id IN ({marks}) ORDER BY id, tag", chunk):
                found.setdefault(doc_id, []).append(tag)
        return found

    def notes_of(self, ids: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        db = self._open()
        if db is None:
            return found
        for chunk, marks in in_chunks(dict.fromkeys(ids)):
            found.update(db.execute(f"SELECT id, text FROM notes WHERE id IN ({marks})", chunk))
        return found

    def note(self, doc_id: str) -> str | None:
        return self.notes_of([doc_id]).get(doc_id)

    def counts(self) -> dict[str, int]:
        """{tag: articles carrying it}, most used first."""
        db = self._open()
        if db is None:
            return {}
        return dict(db.execute("SELECT tag, COUNT(*) FROM tags GROUP BY tag "
                               "ORDER BY COUNT(*) DESC, tag"))

    def annotated_ids(self) -> set[str]:
        """Every id with a tag or a note."""
        db = self._open()
        if db is None:
            return set()
        return {doc_id for (doc_id,) in db.execute("SELECT id FROM tags UNION "
                                                     "SELECT id FROM notes")}

    def tagged(self, tag: str | None = None, prefix: bool = False) -> set[str]:
        """The ids carrying `tag` (every tag starting so, with `prefix`; any
        tag, for None)."""
        db = self._open()
        if db is None:
            return set()
        if tag is None:
            rows = db.execute("SELECT DISTINCT id FROM tags")
        elif prefix:  # (GLOB: case-sensitive, as tags are, and indexed)
            rows = db.execute("SELECT DISTINCT id FROM tags WHERE tag GLOB ?",
                              (_glob_escape(tag) + "*",))
        else:
            rows = db.execute("SELECT id FROM tags WHERE tag = ?", (tag,))
        return {doc_id for (doc_id,) in rows}

    def noted(self, word: str | None = None, prefix: bool = False) -> set[str]:
        """The ids whose note has `word` (a word starting so, with `prefix`;
        any note, for None), case and accents aside."""
        db = self._open()
        if db is None:
            return set()
        if word is None:
            return {doc_id for (doc_id,) in db.execute("SELECT id FROM notes")}
        wanted = _fold(word)
        found = set()
        for doc_id, text in db.execute("SELECT id, text FROM notes"):
            words = note_words(text)
            if wanted in words or (prefix and any(w.startswith(wanted) for w in words)):
                found.add(doc_id)
        return found

    def ids_for(self, field: str, value: str | None, prefix: bool) -> set[str]:
        """The ids `tag:VALUE` or `note:VALUE` stands for (search/annotated.py)."""
        return self.tagged(value, prefix) if field == "tag" else self.noted(value, prefix)

    def rows(self) -> Iterator[dict]:
        """Every annotated article as {"id", "tags", "note"}, by id (export)."""
        db = self._open()
        if db is None:
            return
        tags: dict[str, list[str]] = {}
        for doc_id, tag in db.execute("SELECT id, tag FROM tags ORDER BY id, tag"):
            tags.setdefault(doc_id, []).append(tag)
        notes = dict(db.execute("SELECT id, text FROM notes"))
        for doc_id in sorted(tags.keys() | notes.keys()):
            yield {"id": doc_id, "tags": tags.get(doc_id, []), "note": notes.get(doc_id, "")}

    # -- writing ---------------------------------------------------------------------

    def change_tags(self, ids: Iterable[str], add: Iterable[str] = (),
                    remove: Iterable[str] = ()) -> int:
        """Add and remove tags of every id, in one transaction; the number of
        articles whose tags changed."""
        add, remove = [check_tag(t) for t in add], [check_tag(t) for t in remove]
        ids = list(dict.fromkeys(ids))
        now = time.time()
        db = self._changing()
        ok = False
        try:
            changed = set()
            for doc_id in ids:
                for tag in remove:
                    if db.execute("DELETE FROM tags WHERE id = ? AND tag = ?",
                                  (doc_id, tag)).rowcount:
                        changed.add(doc_id)
                for tag in add:
                    if db.execute("INSERT OR IGNORE INTO tags (id, tag, added) VALUES (?, ?, ?)",
                                  (doc_id, tag, now)).rowcount:
                        changed.add(doc_id)
            ok = True
        finally:
            self._done(db, ok)
        return len(changed)

    def set_note(self, doc_id: str, text: str) -> None:
        """The article's note becomes `text`; a blank one removes it."""
        db = self._changing()
        ok = False
        try:
            if text.strip():
                db.execute("INSERT INTO notes (id, text, updated) VALUES (?, ?, ?) "
                           "ON CONFLICT(id) DO UPDATE SET text = excluded.text, "
                           "updated = excluded.updated", (doc_id, text, time.time()))
            else:
                db.execute("DELETE FROM notes WHERE id = ?", (doc_id,))
            ok = True
        finally:
            self._done(db, ok)

    def merge(self, rows: Iterable[dict]) -> dict[str, int]:
        """Add exported annotations (`rows()`'s dicts) to these, in one
        transaction, losing nothing: tags are added to an article's own; an
        imported note is kept where the article has none, and added below
        its own note where it has another. Returns counts of what changed:
        {"articles", "tags", "notes"}."""
        now = time.time()
        db = self._changing()
        ok = False
        articles, tags, notes = set(), 0, 0
        try:
            for row in rows:
                doc_id = row["id"]
                for tag in row.get("tags", ()):
                    if db.execute("INSERT OR IGNORE INTO tags (id, tag, added) VALUES (?, ?, ?)",
                                  (doc_id, check_tag(tag), now)).rowcount:
                        tags += 1
                        articles.add(doc_id)
                imported = (row.get("note") or "").strip()
                if not imported:
                    continue
                mine = db.execute("SELECT text FROM notes WHERE id = ?", (doc_id,)).fetchone()
                if mine is not None and imported in mine[0]:
                    continue  # (imported before, or the same note)
                text = imported if mine is None else f"{mine[0].rstrip()}\n\n{imported}"
                db.execute("INSERT OR REPLACE INTO notes (id, text, updated) VALUES (?, ?, ?)",
                           (doc_id, text, now))
                notes += 1
                articles.add(doc_id)
            ok = True
        finally:
            self._done(db, ok)
        return {"articles": len(articles), "tags": tags, "notes": notes}


def read_export(path: Path) -> list[dict]:
    """The rows of a file `wartui tags --export` wrote (JSON lines of
    {"id", "tags", "note"}); AnnotationError naming the first bad line."""
    rows = []
    try:
        with open(path, encoding="utf-8") as file:
            for number, line in enumerate(file, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    valid = (isinstance(row, dict) and isinstance(row.get("id"), str)
                             and isinstance(row.get("tags", []), list)
                             and all(isinstance(t, str) for t in row.get("tags", []))
                             and isinstance(row.get("note", "") or "", str))
                except ValueError:
                    valid = False
                if not valid:
                    raise AnnotationError(f"{path}:{number}: not a line of exported "
                                          'annotations ({"id": ..., "tags": [...], "note": ...})')
                for tag in row.get("tags", []):
                    try:
                        check_tag(tag)
                    except AnnotationError as exc:
                        raise AnnotationError(f"{path}:{number}: {exc}") from None
                rows.append(row)
    except OSError as exc:
        raise AnnotationError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise AnnotationError(f"cannot read {path}: not UTF-8 text ({exc.reason})") from exc
    return rows


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)
