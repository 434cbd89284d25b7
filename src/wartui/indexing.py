"""The write run: what `wartui index`, `remove`, `index --compact` and
`check --repair` do to an index, for the Library that owns it.

One process writes an index at a time (`write.lock`, an flock held for the
whole run). Each batch goes to the article store first (one SQLite
transaction: articles, version tables, vocabulary) and to Whoosh second (one
commit), so that what a search finds is always in the store; `write.pending`
says a run did not finish, and the next one puts Whoosh back to what the
store holds before it starts (`_repair_interrupted_write`). A full disk
undoes only the unfinished batch (space.py); a damaged index is not written
to (integrity.py's quick checks).

The Library opens the index and keeps it open; an Indexer is made for one
call and writes through the Library's open store, Whoosh index and version
tables.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from . import integrity, space
from .errors import IndexBusy, SearchIndexDamaged
from .library import (META_FILE, STORE_FILE, WHOOSH_DIR, WRITE_LOCK, WRITE_PENDING, WRITE_WAIT,
                      Library, Progress, _size, damaged, read_only, writable)
from .model import Article, IngestReport, RawRecord, Repaired, Skipped

BATCH_SIZE = 5000  # articles per Whoosh commit: a killed run loses at most one batch
# Changed pages kept in memory between the run's two passes (furniture is
# counted in the first), in characters of text; a larger run reads its files
# twice (~3 s a pass at 100k articles).
KEPT_BETWEEN_PASSES = 64_000_000
_NO_WRITE = (errno.EACCES, errno.EPERM, errno.EROFS)


class Indexer:
    """The write run over one Library's index (opened by the Library)."""

    def __init__(self, library: Library):
        self.library = library
        self._run_needs: int | None = None  # bytes the running `add_paths` needs (space.py)

    @property
    def index_dir(self) -> Path:
        return self.library.index_dir

    @property
    def store(self):
        return self.library._store

    @property
    def ix(self):
        return self.library._ix

    @property
    def versions(self):
        return self.library._version_index

    def add_paths(self, paths: Iterable[str | os.PathLike], progress: Progress | None = None,
                  rebuild: bool = False, wait: float = WRITE_WAIT,
                  warn: Callable[[str], None] | None = None) -> IngestReport:
        """Library.add_paths: clean and index files and folders, only what
        changed, the index made whole first if a run was cut short."""
        with self._writing(wait, rebuild) as repairs:
            report = self._add_paths(paths, progress, warn)
            report.notes[:0] = repairs
            return report

    def remove(self, items: Iterable[str], wait: float = WRITE_WAIT) -> dict[str, list[str]]:
        """Take articles out of the index: each item an article id, or a
        file or folder (its articles; a source that is it or inside it is
        forgotten). Their tags and notes stay (orphaned until they come
        back). Returns {"removed": ids, "unknown": items that are neither,
        "forgotten": sources, "returning": removed ids whose file is still
        in a source (the next `index` brings them back)}."""
        from . import corpus

        if not self.library.exists():
            self.library._open()  # IndexMissing
        found = {"removed": [], "unknown": [], "forgotten": [], "returning": []}
        with self._writing(wait):
            db = self.store.db
            ids: list[str] = []
            for item in items:
                if self.store.get_ids([item]):
                    ids.append(item)
                    continue
                path = corpus.absolute(item)
                under = corpus.ids_under(db, path)
                forgotten = corpus.forget(db, path)
                if not under and not forgotten:
                    found["unknown"].append(item)
                ids.extend(under)
                found["forgotten"].extend(forgotten)
            ids = list(dict.fromkeys(ids))
            sources = corpus.remembered(db)
            paths = {doc_id: a.path for doc_id, a in self.store.get_many(ids).items()}
            found["returning"] = [doc_id for doc_id in ids if Path(paths.get(doc_id, "")).exists()
                                  and any(corpus.within(paths[doc_id], s) for s in sources)]
            self._remove_articles(ids)
            found["removed"] = ids
            if self.library._searcher is not None:
                self.library._searcher.refresh()
        return found
    def compact(self, wait: float = WRITE_WAIT) -> dict:
        """Give back the room of deleted documents: every Whoosh segment
        holding some is rewritten with its live ones (a commit does it by
        itself for segments past merge_policy's share), and SQLite's unused
        pages are given back (VACUUM) when they are a tenth of the store or
        more and the disk has room for the copy it makes. Returns the
        documents removed and the index's size before and after, in bytes."""
        from .search.writer import compact

        if not self.library.exists():
            self.library._open()  # IndexMissing, with the command that builds one
        with self._writing(wait) as repairs:
            before = self.library.stats()
            removed = compact(self.ix)
            vacuumed = False
            pages, unused = (self.store.db.execute(f"PRAGMA {name}").fetchone()[0]
                             for name in ("page_count", "freelist_count"))
            if unused >= 0.1 * pages and (space.free_bytes(self.index_dir) or 0) > 2 * (
                    before["store_bytes"]):
                self.store.db.execute("VACUUM")
                vacuumed = True
            self.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            if self.library._searcher is not None:
                self.library._searcher.refresh()
            after = self.library.stats()
        return {"removed": removed, "vacuumed": vacuumed, "repairs": [r.reason for r in repairs],
                "bytes_before": before["search_bytes"] + before["store_bytes"],
                "bytes_after": after["search_bytes"] + after["store_bytes"]}
    def repair(self, wait: float = WRITE_WAIT) -> list[str]:
        """Put the search index back to what the article store holds, from
        the store: damaged segments are dropped (an unreadable Whoosh
        folder is made anew), then every article the search index lacks or
        holds wrongly is written into it again, a batch a commit; documents
        the store lacks are taken out. The store itself must be whole (a
        damaged store raises IndexVersionError: only a rebuild from the
        files mends it). Returns what was done."""
        import shutil

        from .search.writer import drop_segments, open_or_create

        if not self.library.exists():
            self.library._open()  # IndexMissing
        notes: list[str] = []
        with self._write_lock(wait), self._told_errors():
            self.library.close()
            whoosh_dir = self.index_dir / WHOOSH_DIR
            try:
                self.library._open(create=True)
            except SearchIndexDamaged as exc:  # (the store's damage, wartui.json's: raised)
                shutil.rmtree(whoosh_dir, ignore_errors=True)
                open_or_create(whoosh_dir).close()
                notes.append(f"the search index could not be read ({exc}): made anew")
                self.library._open(create=True)
            findings = integrity.Findings()
            integrity.check_store(self.store.db, findings, full=True)
            if findings.store:
                raise damaged(self.index_dir, findings.store[0])
            integrity.check_segments(self.ix, findings, full=True)
            if findings.damaged_segments:
                drop_segments(self.ix, findings.damaged_segments)
                notes.extend(f"dropped {problem}" for problem in findings.search)
            (self.index_dir / WRITE_PENDING).touch()
            notes.extend(note.reason for note in self._repair_interrupted_write(force=True))
            (self.index_dir / WRITE_PENDING).unlink(missing_ok=True)
        return notes

    @contextmanager
    def _writing(self, wait: float, rebuild: bool = False) -> Iterator[list[Skipped]]:
        """The write lock held, the index open to write (made if need be)
        and whole again after a run that was cut short (the repairs' notes
        yielded), `write.pending` there while the block runs. A damaged
        index is refused (the quick part of `check`); a full disk, a
        read-only one, are told as such (DiskFull, IndexReadOnly)."""
        self._run_needs = None  # (known once a run has read what changed)
        with self._write_lock(wait), self._told_errors():
            if rebuild:
                self._remove_index()
            self.library._open(create=True)
            if self.library.read_only:  # opened for reading before: open again, to write
                self.library.close()
                self.library._open(create=True)
            self._refuse_damage()
            repairs = self._repair_interrupted_write()
            pending = self.index_dir / WRITE_PENDING
            pending.touch()
            yield repairs
            pending.unlink(missing_ok=True)
    def _refuse_damage(self) -> None:
        """The quick part of `check` (segment sizes against their checksums,
        SQLite's quick_check), before anything is written: a damaged index
        is not written to (it would hide the damage, or spread it)."""
        findings = integrity.Findings()
        integrity.check_segments(self.ix, findings, full=False)
        integrity.check_store(self.store.db, findings, full=False)
        if findings.store:
            raise damaged(self.index_dir, findings.store[0])
        if findings.search:
            raise damaged(self.index_dir, findings.search[0], repairable=True)
    @contextmanager
    def _told_errors(self) -> Iterator[None]:
        """A full disk or a read-only one, met while writing, told as such
        (DiskFull, IndexReadOnly)."""
        import sqlite3

        try:
            yield
        except (OSError, sqlite3.Error) as exc:
            # (the inputs' errors are reported, not raised: these are ours)
            if space.is_full(exc, self.index_dir):
                self._after_failure(exc)
                raise space.disk_full(self.index_dir, exc, self._run_needs) from exc
            if isinstance(exc, OSError) and exc.errno in _NO_WRITE:
                raise read_only(self.index_dir, f"{exc.strerror}: {exc.filename}") from exc
            if isinstance(exc, sqlite3.OperationalError) and "readonly" in str(exc):
                raise read_only(self.index_dir, f"{STORE_FILE}: {exc}") from exc
            raise
    def _after_failure(self, exc: BaseException) -> None:
        """With the write lock still held, after a run failed for want of
        space: give back the room its unfinished Whoosh segment took, and the
        room SQLite's write-ahead log grew into for the transaction it rolled
        back (the log keeps its size until it is truncated). The failed
        writer's files are closed first (its frames let go of it): a file
        removed while open keeps its room."""
        import sqlite3
        import traceback

        from .search.writer import remove_leftovers

        traceback.clear_frames(exc.__traceback__)
        gc.collect()
        if self.ix is not None:
            try:
                remove_leftovers(self.ix)
            except OSError:
                pass  # the next run removes them
        if self.store is not None:
            try:
                self.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass  # closing the store removes the log too
    @contextmanager
    def _write_lock(self, wait: float) -> Iterator[None]:
        """Hold `write.lock` (an flock, so a killed holder never leaves it
        locked) for the whole run: Whoosh, the store, the version tables and
        the vocabulary are written by one process at a time."""
        import fcntl

        if not writable(self.index_dir):
            raise read_only(self.index_dir)
        try:
            self.index_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.index_dir / WRITE_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if exc.errno in _NO_WRITE:
                raise read_only(self.index_dir, exc.strerror or str(exc)) from exc
            raise
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        holder = os.pread(fd, 20, 0).decode("ascii", "replace").strip()
                        raise IndexBusy(
                            f"the index in {self.index_dir} is being written by another "
                            f"process{f' (pid {holder})' if holder.isdigit() else ''}; "
                            f"try again when it has finished") from None
                    time.sleep(0.1)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            yield
        finally:
            os.close(fd)  # releases the lock
    def _add_paths(self, paths: Iterable[str | os.PathLike], progress: Progress | None,
                   warn: Callable[[str], None] | None = None) -> IngestReport:
        from .search.writer import IndexBatch
        from .store import transaction
        from .entities.recognizer import default_recognizer

        # (the writer's modules: a search, over SSH a fresh process, does not import them)
        from .ingest.clean import load_rules
        from .ingest.furniture import FurnitureTable, Learner, scope_of
        from .ingest.pipeline import prepare_all, worker_count
        from .ingest.sources import discover, read_path

        from . import corpus
        from .entities.recognizer import RECOGNIZER_VERSION

        paths = list(paths)  # (read twice: discovered, then kept true to: _keep_true)
        rules = load_rules()
        recognizer = default_recognizer()
        pipeline = (f"rules {rules.version}, gazetteer {recognizer.gazetteer.version}, "
                    f"names {RECOGNIZER_VERSION}")
        report = IngestReport()
        known = self.store.hashes()
        stored_paths = self.store.paths()  # (what is gone from a source: corpus.py)
        moved: dict[str, str] = {}  # unchanged articles whose path is written otherwise now
        broken: set[str] = set()  # files with something unread: they keep their articles
        indexed_on = time.strftime("%Y-%m-%d")
        batch: list[tuple[Article, str, bool, tuple]] = []
        index_batch = IndexBatch(self.ix)  # the batch's documents, in Whoosh's writer
        seen_ids: set[str] = set()

        def flush() -> None:
            """The batch into the store (one transaction), then into Whoosh
            (one commit). In that order, what a search finds is always in the
            store: until Whoosh's commit, the batch is only where no search
            looks (a writer stopped in between leaves it there, and the next
            run puts it into Whoosh from the store)."""
            if not batch:
                return
            versions = self.versions  # (made outside: its schema statements commit)
            with transaction(self.store.db):  # the batch's rows in SQLite: all or none
                self.store.put_many((article, raw) for article, raw, _, _ in batch)
                report.version_pairs += versions.update(
                    [article for article, _, _, _ in batch],
                    signatures={article.id: signature for article, _, _, signature in batch})
                self.store.add_vocabulary(_vocabulary(article for article, _, _, _ in batch))
            index_batch.commit()
            (self.index_dir / WRITE_PENDING).touch()  # readers' `stamp` changes
            self.library._vocabulary = None
            for article, _, was_known, _ in batch:
                if article.id in again and known.get(article.id) == article.content_hash:
                    report.recleaned += 1  # (counted as unchanged too)
                elif was_known:
                    report.changed += 1
                else:
                    report.new += 1
                known[article.id] = article.content_hash
            batch.clear()
            gc.collect(1)  # (see _collected_per_batch)

        items = list(discover(paths, exclude=self.index_dir))
        files = [item for item in items if isinstance(item, Path)]
        report.skipped.extend(item for item in items if isinstance(item, Skipped))

        def read(quiet: bool = False) -> Iterator[tuple[int, RawRecord, str | None]]:
            """(file number, record, content hash if it is to be (re)indexed
            else None) of every record; `quiet`: a second reading, that
            reports nothing again."""
            seen: set[str] = set() if quiet else seen_ids
            said = IngestReport() if quiet else report
            for file_number, path in enumerate(files, 1):
                for item in read_path(path):
                    if isinstance(item, Repaired):
                        said.notes.append(item)
                        continue
                    if isinstance(item, Skipped):
                        said.skipped.append(item)
                        broken.add(corpus.absolute(path))
                        continue
                    record = self._unique(item, seen, said)
                    if not quiet:
                        report.notes.extend(Skipped(record.id, note, record.path)
                                            for note in record.notes)
                    digest = content_hash(record, pipeline)
                    unchanged = known.get(record.id) == digest
                    where = corpus.absolute(record.path)
                    if unchanged and not quiet and stored_paths.get(record.id) != where:
                        moved[record.id] = where
                    yield file_number, record, None if unchanged else digest

        # Pass 1: count the site furniture of the pages to (re)index, so that
        # each is cleaned knowing what the others share (ingest/furniture.py).
        # The changed pages are kept for pass 2 while they are few; a larger
        # run reads its files again.
        learner = Learner(FurnitureTable(self.store.db, create=True))
        kept: list[tuple[int, RawRecord, str]] | None = []
        changed_chars = changed_count = 0
        for file_number, record, digest in read():
            if digest is None:
                report.unchanged += 1
                continue
            if record.kind != "html":
                learner.add(record.id, scope_of(record), record.text)
            changed_chars += len(record.text)
            changed_count += 1
            if kept is not None:
                kept.append((file_number, record, digest))
                if changed_chars > KEPT_BETWEEN_PASSES:
                    kept = None
        furniture = learner.knowledge()
        again = learner.pages_to_reclean()
        # Warned before anything is written: the run can be stopped, or
        # room made, before the disk fills up half-way.
        batch_chars = changed_chars * BATCH_SIZE // max(changed_count, 1)
        self._run_needs = space.needed_bytes(changed_chars, batch_chars)
        short = space.shortfall(self.index_dir, self._run_needs)
        if short:
            report.warnings.append(short)
            if warn:
                warn(short)

        def changed() -> Iterator[tuple[RawRecord, str]]:
            """Pass 2: the records to (re)index, with their content hash."""
            records = kept if kept is not None else (
                item for item in read(quiet=True) if item[2] is not None)
            records_read = 0
            for file_number, record, digest in records:
                records_read += 1
                yield record, digest
                if progress and records_read % 200 == 0:
                    progress(file_number - 1, len(files), records_read)
            yield from self._recleaned(again, pipeline, report)
            if progress:
                progress(len(files), len(files), records_read)

        workers = worker_count(sum(_size(path) for path in files))
        with _collected_per_batch():
            try:
                for prepared in prepare_all(changed(), workers, rules, recognizer, furniture):
                    record = prepared.record
                    if prepared.article is None:
                        report.skipped.append(Skipped(record.id, prepared.error, record.path))
                        continue
                    was_known = record.id in known
                    # (kept absolute: where it came from, whatever the reader's folder)
                    prepared.article.path = corpus.absolute(record.path)
                    prepared.article.metadata.setdefault("indexed", indexed_on)
                    index_batch.add(prepared.fields, was_known)
                    batch.append((prepared.article, record.text, was_known, prepared.signature))
                    if len(batch) >= BATCH_SIZE:
                        flush()
                flush()
                with transaction(self.store.db):
                    learner.table.save(learner)
                    self.store.set_paths(moved)
            except BaseException:
                index_batch.cancel()  # nothing of the uncommitted batch stays in Whoosh
                raise
        self._keep_true(paths, files, broken, seen_ids, {**stored_paths, **moved}, report)
        if self.library._searcher is not None:
            self.library._searcher.refresh()
        return report
    def _keep_true(self, paths, files: list[Path], broken: set[str], seen: set[str],
                   stored: dict[str, str], report: IngestReport) -> None:
        """After a run: the paths given are remembered as sources, and the
        articles they no longer hold are removed (corpus.py); those kept for
        want of evidence (a file with rows that could not be read) are said."""
        from . import corpus

        given = [corpus.absolute(p) for p in paths if Path(p).exists()]
        read_whole = {corpus.absolute(f) for f in files} - broken
        report.removed = corpus.gone(stored, given, seen, read_whole)
        self._remove_articles(report.removed)
        kept: dict[str, int] = {}
        for doc_id, path in stored.items():
            if path in broken and doc_id not in seen:
                kept[path] = kept.get(path, 0) + 1
        report.notes.extend(Skipped(path, f"{count} of its articles were not found in it "
                                          "and are kept: some of its rows could not be read")
                            for path, count in sorted(kept.items()))
        corpus.remember(self.store.db, given)
    def _remove_articles(self, ids: list[str]) -> None:
        """Take articles out of the index, a batch a commit: the store, the
        version tables and the site-furniture counts in one transaction,
        then the search index (in that order, as a run writes: what a search
        finds is in the store; a writer killed in between leaves documents
        the next run takes out). Their annotations stay (annotations.py)."""
        from .ingest.furniture import FurnitureTable
        from .search.writer import rewrite
        from .store import transaction

        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start:start + BATCH_SIZE]
            found = self.store.get_many(chunk)
            pages = [(doc_id, " ".join(article.source.casefold().split()),
                      self.store.raw(doc_id) or "")
                     for doc_id, article in found.items()
                     if not article.path.lower().endswith((".html", ".htm"))]  # (not counted)
            with transaction(self.store.db):
                FurnitureTable(self.store.db).forget(pages)
                self.versions.remove(chunk)
                self.store.delete(chunk)
            rewrite(self.ix, chunk, [])
            (self.index_dir / WRITE_PENDING).touch()  # readers' `stamp` changes
        self.library._vocabulary = None
    def _recleaned(self, ids: set[str], pipeline: str,
                   report: IngestReport) -> Iterator[tuple[RawRecord, str]]:
        """The pages of earlier runs to clean again, now that their site's
        furniture is known: read again from their files (a page's path), the
        ones whose file no longer holds them left as they are."""
        if not ids:
            return
        from .ingest.sources import read_path

        by_path: dict[str, set[str]] = {}
        for doc_id, article in self.store.get_many(sorted(ids)).items():
            by_path.setdefault(article.path, set()).add(doc_id)
        for path, wanted in sorted(by_path.items()):
            seen: set[str] = set()
            for item in read_path(Path(path)):
                if isinstance(item, (Skipped, Repaired)):
                    continue
                record = self._unique(item, seen, IngestReport())
                if record.id in wanted:
                    yield record, content_hash(record, pipeline)
    @staticmethod
    def _unique(record: RawRecord, seen: set[str], report: IngestReport) -> RawRecord:
        """Two files with one stem in one run: the later gets `~2`, `~3`, ..."""
        if record.id not in seen:
            seen.add(record.id)
            return record
        number = 2
        while f"{record.id}~{number}" in seen:
            number += 1
        new_id = f"{record.id}~{number}"
        seen.add(new_id)
        report.notes.append(Skipped(record.path, f"id {record.id!r} already used in this run; "
                                                 f"indexed as {new_id!r}"))
        return replace(record, id=new_id)
    def _repair_interrupted_write(self, force: bool = False) -> list[Skipped]:
        """Make the index whole after a writer was killed (or failed) half-way.

        Each batch goes to SQLite first (one transaction: articles, version
        tables and vocabulary together) and to Whoosh second (one commit), so
        a writer killed between the two leaves articles that Whoosh lacks, or
        (for a changed article) has in its older text: Whoosh is put back to
        what the store holds, from the store. (An index of an older wartui,
        which wrote Whoosh first, can hold Whoosh documents the store lacks:
        they are taken out, and the next run adds those pages once, never
        twice.) Articles missing from the version tables (an index of an
        older wartui, killed between its separate commits) are added.

        The full comparison reads every Whoosh document's id: it runs only
        when the last run did not finish (`write.pending`), the counts
        disagree, or `force`. Call with the write lock held. Returns what it
        did, as notes for the report."""
        from .search.writer import indexed_hashes, remove_leftovers, rewrite

        remove_leftovers(self.ix)
        versions = self.versions
        from .versions import clusters

        clusters.ensure(self.store.db)  # (an index made before the table)
        stored_count = self.store.count()
        versioned = versions.count()
        if (self.ix.doc_count() == stored_count == versioned and not force
                and not (self.index_dir / WRITE_PENDING).exists()):
            return []
        stored = self.store.hashes()
        indexed = indexed_hashes(self.ix)
        extra = sorted(doc_id for doc_id in indexed if doc_id not in stored)
        wrong = sorted(doc_id for doc_id, digest in stored.items()
                       if indexed.get(doc_id) != [digest])  # missing, doubled or newer
        for start in range(0, max(len(wrong), 1), BATCH_SIZE):  # a commit a batch
            chunk = wrong[start:start + BATCH_SIZE]
            rewrite(self.ix, (extra if not start else []) + chunk, self._articles(chunk))
        in_versions = versions.ids()
        versions.remove(sorted(in_versions - stored.keys()))
        lacking = sorted(stored.keys() - in_versions)
        for start in range(0, len(lacking), BATCH_SIZE):
            versions.update(self.store.get_many(lacking[start:start + BATCH_SIZE]).values())
        if self.library._searcher is not None:
            self.library._searcher.refresh()
        where = str(self.index_dir)
        notes = [Skipped(where, f"an earlier run was cut short: {len(extra)} articles it had "
                                "only half written were taken out of the index (their "
                                "files are indexed again when given again)")] if extra else []
        if wrong:
            notes.append(Skipped(where, f"{len(wrong)} articles put back into the search index "
                                        "from the article store"))
        if lacking:
            notes.append(Skipped(where, f"{len(lacking)} articles added to the version tables"))
        return notes
    def _articles(self, ids: list[str], chunk: int = 500) -> Iterator[Article]:
        """The stored articles of `ids`, read a chunk at a time."""
        for start in range(0, len(ids), chunk):
            yield from self.store.get_many(ids[start:start + chunk]).values()
    def _remove_index(self) -> None:
        import shutil

        self.library.close()
        # wartui.json first: a removal cut short leaves an index that says it
        # is damaged, never one that looks whole
        for name in (META_FILE, WRITE_PENDING):
            (self.index_dir / name).unlink(missing_ok=True)
        shutil.rmtree(self.index_dir / WHOOSH_DIR, ignore_errors=True)
        for name in (STORE_FILE, STORE_FILE + "-wal", STORE_FILE + "-shm"):
            (self.index_dir / name).unlink(missing_ok=True)


def content_hash(record: RawRecord, pipeline_version: str) -> str:
    """Changes when the raw page, its given metadata, the cleaning rules or the
    gazetteer change."""
    digest = hashlib.sha256()
    digest.update(f"{pipeline_version}\0{record.kind}\0".encode())
    digest.update(json.dumps(record.given, sort_keys=True).encode())
    digest.update(json.dumps(record.extra, sort_keys=True).encode())
    digest.update(record.text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:20]


@contextmanager
def _collected_per_batch() -> Iterator[None]:
    """Python's cyclic garbage collector off for a build, and run over the
    young objects at each batch's end instead. A build keeps millions of
    objects alive (the gazetteer, the batch's articles, the chunks in
    flight), and each automatic full collection walked them all: 18 s of a
    30k build's writer (37 collections, up to 0.9 s each), ~3 s now. What a
    batch leaves in reference cycles (Whoosh's writer holds ~24 objects an
    article) goes at the batch's end; the rest is freed as it is dropped."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_VOCABULARY_WORD = re.compile(r"[^\W\d_]{3,}")


def _vocabulary(articles: Iterable[Article]) -> Counter:
    """Words of titles and recognised names, counted once per article."""
    counts: Counter = Counter()
    for article in articles:
        names = " ".join(e.text for e in article.entities if e.type not in ("date", "figure"))
        counts.update({w.casefold() for w in _VOCABULARY_WORD.findall(f"{article.title} {names}")})
    return counts
