"""`Library`: the one object the CLI and the app talk to.

It owns an index directory:

    index/
      wartui.json      versions of the schema and cleaning rules
      whoosh/          the full-text index (what is searched), with
                       wartui-checksums.json (its segments' checksums: integrity.py)
      articles.sqlite  cleaned articles and raw pages (what is shown)
      write.lock       held (flock) by the one process writing, for its whole run
      write.pending    a run started and did not finish: the next one checks
                       Whoosh against the store before it starts
      annotations.sqlite  the reader's tags and notes (annotations.py), which
                       nothing that writes the index touches
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

from . import integrity, space
from .config import default_index_dir, seeds_dir
from .errors import (ArticleMissing, IndexMissing, IndexReadOnly, IndexVersionError,
                     QueryError, SearchIndexDamaged, WartuiError)
from .entities.gazetteer import Entity, load_gazetteer
from .model import (Article, Cluster, EntitySpan, Facets, IngestReport, SavedSearch,
                    SearchResults, Version)

META_FILE = "wartui.json"
STORE_FILE = "articles.sqlite"
WHOOSH_DIR = "whoosh"
WRITE_LOCK = "write.lock"
WRITE_PENDING = "write.pending"
FACET_TAGS = 30  # the reader's tags the facet line counts, most used first
WRITE_WAIT = 10.0  # seconds a second writer waits for the first, then IndexBusy

# progress(files_done, files_total, records_read)
Progress = Callable[[int, int, int], None]



def writable(directory: Path) -> bool:
    """Can this process create files in `directory` (or, while it does not
    exist, in its nearest existing parent)? False on a read-only disk, and
    for a directory without write permission (except for root, whom only a
    read-only disk stops: the writes then fail with EACCES/EROFS instead)."""
    directory = Path(directory).absolute()
    while not directory.exists() and directory.parent != directory:
        directory = directory.parent
    return os.access(directory, os.W_OK)


def rebuild_hint(index_dir: Path) -> str:
    return f"rebuild it with: wartui --index-dir {index_dir} index --rebuild PATH..."


def repair_hint(index_dir: Path) -> str:
    """For damage to the search index alone: it is made again from the
    article store, which keeps every article (its files are not needed)."""
    return (f"repair it with: wartui --index-dir {index_dir} check --repair (the search "
            "index is made again from the article store: nothing is lost)")


def damaged(index_dir: Path, what: str, repairable: bool = False) -> IndexVersionError:
    """`repairable`: only the search index (Whoosh) is damaged."""
    message = (f"the index in {index_dir} is damaged ({what}); "
               + (repair_hint if repairable else rebuild_hint)(index_dir))
    return SearchIndexDamaged(message) if repairable else IndexVersionError(message)


def read_only(index_dir: Path, why: str = "") -> IndexReadOnly:
    try:
        searchable = (index_dir / META_FILE).is_file()
    except OSError:
        searchable = False
    return IndexReadOnly(f"cannot write to the index in {index_dir}: "
                         f"{why or 'the directory is read-only'}"
                         + ("; it can still be searched" if searchable else ""))


_WHOOSH_TOC = re.compile(r"^_MAIN_([0-9]+)\.toc$")


class Library:
    """An index directory: add pages to it, search it, read articles from it."""

    def __init__(self, index_dir: str | os.PathLike | None = None,
                 postings_cache: int | None = None):
        """`postings_cache`: how many postings searches keep between queries
        (search/fast.py; None: its default, ~24 MB)."""
        self.index_dir = Path(index_dir) if index_dir else default_index_dir()
        self.postings_cache = postings_cache
        self._ix = None
        self._reader = None  # opened with the index, for its first searcher
        self._store = None
        self._searcher = None
        self._versions = None
        self._index_words = None
        self._entity_corpus = None  # (searcher, {entity id: articles naming it})
        self._annotations = None  # the reader's tags and notes (annotations.py)
        self.read_only = False  # opened from a directory this process cannot write

    # -- opening ---------------------------------------------------------------

    def exists(self) -> bool:
        """Is there an index here (whole or damaged)?"""
        return any((self.index_dir / name).exists() for name in (META_FILE, WHOOSH_DIR, STORE_FILE))

    def stamp(self) -> tuple:
        """Changes whenever a writer commits to the index or replaces it: a
        few stat calls and one listing of the Whoosh folder, nothing opened.
        The app compares stamps to notice another process's writes. (Not the
        SQLite files: readers make and remove the -wal file too. A writer
        touches `write.pending` after each batch's store commit instead.)"""
        parts: list = []
        for name in (META_FILE, STORE_FILE, WRITE_PENDING):
            try:
                info = (self.index_dir / name).stat()
                parts.append((info.st_ino, info.st_mtime_ns) if name != STORE_FILE
                             else info.st_ino)
            except OSError:
                parts.append(None)
        try:
            generations = [int(m.group(1)) for name in os.listdir(self.index_dir / WHOOSH_DIR)
                           if (m := _WHOOSH_TOC.match(name))]
        except OSError:
            generations = []
        parts.append(max(generations, default=-1))
        return tuple(parts)

    def _check_meta(self) -> None:
        from .search.schema import SCHEMA_VERSION

        try:
            meta = json.loads((self.index_dir / META_FILE).read_text())
            version = meta["schema"]
        except FileNotFoundError as exc:
            raise damaged(self.index_dir, f"{META_FILE} is missing") from exc
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise damaged(self.index_dir, f"{META_FILE} unreadable: {exc}") from exc
        if version != SCHEMA_VERSION:
            raise IndexVersionError(
                f"the index in {self.index_dir} has schema version {version}, this wartui "
                f"needs {SCHEMA_VERSION}; rebuild it with: "
                f"wartui --index-dir {self.index_dir} index --rebuild PATH...")

    def _open(self, create: bool = False) -> None:
        if self._ix is not None:
            return
        import sqlite3

        from .search import engine
        from .search.schema import SCHEMA_VERSION
        from .search.writer import open_or_create
        from .store import ArticleStore, StoreDamaged

        engine.install_reading()  # segments are read from the map, not copied

        if not self.exists():
            if not create:
                raise IndexMissing(
                    f"no index in {self.index_dir}; build one with `wartui index` (the bundled "
                    "seeds) or `wartui index PATH...`")
            self.index_dir.mkdir(parents=True, exist_ok=True)
            meta = self.index_dir / META_FILE  # written whole or not at all (a kill -9)
            partial = meta.with_name(f"{META_FILE}.{os.getpid()}.tmp")
            partial.write_text(json.dumps({"schema": SCHEMA_VERSION, "created_by": "wartui"})
                               + "\n")
            partial.replace(meta)
        self._check_meta()
        whoosh_dir, store_file = self.index_dir / WHOOSH_DIR, self.index_dir / STORE_FILE
        if not create:  # reading never creates a part that is missing
            if not store_file.exists() or not store_file.stat().st_size:
                missing = [f"{STORE_FILE} is {'empty' if store_file.exists() else 'missing'}"]
                raise damaged(self.index_dir, ", ".join(
                    missing + ([f"{WHOOSH_DIR} is missing"] if not whoosh_dir.exists() else [])))
            if not whoosh_dir.exists():
                raise damaged(self.index_dir, f"{WHOOSH_DIR} is missing", repairable=True)
        # A read-only directory (or disk) is opened without writing anything.
        readonly = not create and not writable(self.index_dir)
        # The store first: what the search index is made from, and can be
        # made again from (so its damage is the one to tell).
        try:
            store = ArticleStore(store_file, readonly=readonly)
        except StoreDamaged as exc:
            raise damaged(self.index_dir, str(exc)) from exc
        except sqlite3.DatabaseError as exc:
            if space.is_full(exc, self.index_dir):  # (SQLite needs room even to read)
                raise space.disk_full(self.index_dir, exc) from exc
            raise damaged(self.index_dir, f"{STORE_FILE}: {exc}") from exc
        try:
            ix = open_or_create(whoosh_dir, create=create, readonly=readonly)
            reader = ix.reader()  # reads the TOC and every segment's header
        except BaseException as exc:
            store.close()
            if isinstance(exc, PermissionError):
                raise WartuiError(f"cannot read the index in {self.index_dir}: {exc}") from exc
            if not isinstance(exc, Exception):
                raise
            if space.is_full(exc, self.index_dir):  # (creating it, on a full disk)
                raise space.disk_full(self.index_dir, exc) from exc
            # (Whoosh's own errors on a bad file are many and untyped)
            raise damaged(self.index_dir, f"{WHOOSH_DIR}/ unreadable: "
                                          f"{type(exc).__name__}: {exc}", repairable=True) from exc
        self._ix, self._store = ix, store
        if create:  # (a writer does not search)
            reader.close()
        else:  # the first searcher's: opening every segment again cost ~11 ms at 100k
            self._reader = reader
        self.read_only = readonly
        self._versions = None
        self._vocabulary = None

    @property
    def _version_index(self):
        if self._versions is None:
            self._open()
            from .versions.detect import VersionIndex

            self._versions = VersionIndex(self._store.db, self._bodies)
        return self._versions

    def _bodies(self, ids: list[str]) -> dict[str, str]:
        return {doc_id: article.body for doc_id, article in self._store.get_many(ids).items()}

    @property
    def _search(self):
        if self._searcher is None:
            self._open()
            from .search.searcher import Searcher

            reader, self._reader = self._reader, None
            if reader is not None and reader.generation() != self._ix.latest_generation():
                reader.close()  # (committed to since it was opened)
                reader = None
            self._searcher = Searcher(self._ix, postings_cache=self.postings_cache, reader=reader)
            # tag:, note:, has: (not a method of this Library: a cycle would
            # keep the searcher's mapped segments after `close`, until a collection)
            self._searcher.annotated = self.annotations.ids_for
        return self._searcher

    def slower_search(self) -> str | None:
        """Why this wartui searches with Whoosh's own matchers, slower (an
        untested Whoosh installed: search/engine/); None when it does not."""
        from .search import engine

        return engine.problem()

    def warm(self, part: int | None = None) -> bool:
        """Open the index and load what a first search reads first
        (FastSearcher.warm), so that it does not wait for it; with `part`,
        only that piece (0, 1, ...), False when there is none left."""
        return self._search.fast.warm(part)

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._annotations is not None:
            self._annotations.close()
            self._annotations = None
        self._versions = None
        self._ix = None

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------

    def add_seeds(self, progress: Progress | None = None) -> IngestReport:
        """Index the bundled seed pages."""
        return self.add_paths([seeds_dir()], progress=progress)

    def add_paths(self, paths: Iterable[str | os.PathLike], progress: Progress | None = None,
                  rebuild: bool = False, wait: float = WRITE_WAIT,
                  warn: Callable[[str], None] | None = None) -> IngestReport:
        """Clean and index files and folders; only what changed is re-indexed.

        Every input that is not indexed is in `report.skipped` with its reason;
        repairs (encoding fallbacks, truncated lines) are in `report.notes`;
        what the run should know before it writes (too little free space) in
        `report.warnings`, each also handed to `warn` as soon as it is known.

        One process writes at a time: another one's run makes this wait up to
        `wait` seconds, then raise IndexBusy. A directory this process cannot
        write raises IndexReadOnly, a disk that fills up DiskFull (what the
        run had not committed is undone). A run that was killed is made whole
        first."""
        from .indexing import Indexer

        return Indexer(self).add_paths(paths, progress, rebuild, wait, warn)

    def sources(self) -> list:
        """What the index was built from: the paths given to `add_paths`,
        each with its articles now and whether it still exists (corpus.py)."""
        from . import corpus

        self._open()
        return corpus.listed(self._store.db)

    def reindex(self, progress: Progress | None = None, rebuild: bool = False,
                wait: float = WRITE_WAIT,
                warn: Callable[[str], None] | None = None) -> IngestReport:
        """Index the index's own sources again (only what changed; what is
        gone from them is removed). A new or empty index gets the bundled
        seeds; one that does not remember its sources (made by an earlier
        wartui) is refused: the seeds would be mixed into it."""
        from . import corpus

        if not self.exists():
            return self.add_paths([seeds_dir()], progress=progress, wait=wait, warn=warn)
        if rebuild:  # (an index of another schema, or damaged, is rebuilt from its sources)
            sources, articles = _sources_as_stored(self.index_dir / STORE_FILE)
        else:
            self._open()
            sources, articles = corpus.remembered(self._store.db), self._store.count()
        if not sources and articles != 0:
            raise WartuiError(
                f"the index in {self.index_dir} does not say what it was built from (it was "
                "made before wartui remembered its sources, or cannot be read): name them, "
                f"wartui --index-dir {self.index_dir} index {'--rebuild ' if rebuild else ''}"
                "PATH...")
        return self.add_paths(sources or [seeds_dir()], progress=progress, rebuild=rebuild,
                              wait=wait, warn=warn)

    def remove(self, items: Iterable[str], wait: float = WRITE_WAIT) -> dict[str, list[str]]:
        """Take articles out of the index: each item an article id, or a
        file or folder (its articles; a source that is it or inside it is
        forgotten). Their tags and notes stay (orphaned until they come
        back). Returns {"removed", "unknown", "forgotten", "returning"}
        (indexing.py)."""
        from .indexing import Indexer

        return Indexer(self).remove(items, wait)

    def compact(self, wait: float = WRITE_WAIT) -> dict:
        """Give back the room of deleted documents (indexing.py). Returns the
        documents removed and the index's size before and after, in bytes."""
        from .indexing import Indexer

        return Indexer(self).compact(wait)

    def stats(self) -> dict:
        """What the index holds and what it takes: articles in the store,
        live and deleted documents in Whoosh's segments (deleted: the older
        text of changed articles, until a commit or `compact` rewrites their
        segment), sizes in bytes, the room `compact` would give back, and
        the free space on the disk."""
        from .search.writer import dead_documents

        self._open()
        segments = dead_documents(self._ix)
        whoosh = self.index_dir / WHOOSH_DIR
        reclaimable = 0
        for segment, (documents, deleted) in zip(self._ix._segments(), segments):
            if deleted:
                reclaimable += _size(whoosh / f"{segment.segment_id()}.seg") * deleted // documents
        page_size, unused = (self._store.db.execute(f"PRAGMA {name}").fetchone()[0]
                             for name in ("page_size", "freelist_count"))
        return {
            "articles": self._store.count(),
            "documents": sum(documents - deleted for documents, deleted in segments),
            "deleted": sum(deleted for _, deleted in segments),
            "segments": len(segments),
            "search_bytes": sum(_size(path) for path in whoosh.iterdir()),
            "store_bytes": sum(_size(self.index_dir / (STORE_FILE + suffix))
                               for suffix in ("", "-wal")),
            "store_unused_bytes": page_size * unused,
            "reclaimable_bytes": reclaimable + page_size * unused,
            "free_bytes": space.free_bytes(self.index_dir),
        }

    def check(self) -> integrity.Findings:
        """Every segment against its checksums (read through when it has
        none), SQLite's integrity_check of the store, Whoosh's ids against
        the store's (integrity.py). Reads only; an index too damaged to open
        raises as opening does (IndexVersionError, with what to do)."""
        from .search.writer import indexed_hashes

        self._open()
        findings = integrity.Findings()
        integrity.check_segments(self._ix, findings, full=True)
        integrity.check_store(self._store.db, findings, full=True)
        try:
            indexed = indexed_hashes(self._ix)
        except Exception as exc:  # noqa: BLE001 - a damaged segment's stored fields
            findings.search.append(f"the search index's ids cannot be read ({exc!r})")
        else:
            integrity.check_ids(indexed, self._store.hashes(),
                                (self.index_dir / WRITE_PENDING).exists(), findings)
        return findings

    def repair(self, wait: float = WRITE_WAIT) -> list[str]:
        """Put the search index back to what the article store holds, from
        the store (indexing.py); a damaged store raises IndexVersionError
        (only a rebuild from the files mends it). Returns what was done."""
        from .indexing import Indexer

        return Indexer(self).repair(wait)

    # -- reading ---------------------------------------------------------------

    @property
    def _words(self):
        """The index's words for reading queries (search/words.py), of the open searcher."""
        searcher = self._search
        if self._index_words is None or self._index_words.searcher is not searcher:
            from .search.words import IndexWords

            self._index_words = IndexWords(searcher, load_gazetteer())
        return self._index_words

    def read_query(self, query: str, typing: bool = False, filters: Iterable[str] = ()):
        """The query as it is searched (search/syntax.py): `-word` excludes,
        fields, dates and entity ids checked; `typing`, its last word a
        prefix; `filters` (query texts: `source:"x"`, `date:2017-04`) each
        required as well. Raises QueryError saying why a query cannot mean
        what it says."""
        from .search.syntax import Reading, read

        reading = read(query, self._words, typing=typing)
        required = [read(f, self._words).text for f in filters if f.strip()]
        if not required:
            return reading
        both = " AND ".join(([f"({reading.text})"] if reading.text.strip() else []) + required)
        return Reading(both, reading.shown, reading.prefix)

    def search(self, query: str, limit: int = 10, sort: str = "relevance",
               all_versions: bool = False, typing: bool = False,
               filters: Iterable[str] = ()) -> SearchResults:
        """Whoosh query syntax over title and body (read by search/syntax.py
        first); raises QueryError. Versions of one report show once (the
        best-ranked), unless `all_versions`. `typing`: the query is being
        typed, its last word is a prefix (KeepTyping when that prefix is too
        short to search); `results.searched` says so. `filters`: query texts
        the results must match as well (the app's filter chips)."""
        reading = self.read_query(query, typing, filters)
        if len(reading.prefix) in (1, 2):  # likely too short: refused at the first bound
            self._words.check_prefix(reading.prefix)
        try:
            searcher = self._search  # (opens the index)
            results = searcher.search(reading.text, limit=limit, sort=sort,
                                      articles=self._store.get_many,
                                      gazetteer=load_gazetteer(),
                                      group=self._cluster_of(),
                                      collapse=not all_versions)
        except QueryError:
            if reading.prefix:  # a longer prefix too broad: KeepTyping too
                self._words.check_prefix(reading.prefix)
            raise
        results.query = query
        results.searched = reading.shown
        self._annotate(results.hits)
        return results

    def every_hit(self, query: str, sort: str = "relevance", all_versions: bool = False,
                  filters: Iterable[str] = ()) -> Iterator:
        """Every result of the query (not a page of them), as `search` gives
        them, tags and notes too, read a chunk at a time."""
        reading = self.read_query(query, filters=filters)
        hits = self._search.every_hit(reading.text, sort=sort, articles=self._store.get_many,
                                      gazetteer=load_gazetteer(), group=self._cluster_of(),
                                      collapse=not all_versions)
        return self._annotated(hits)

    def _annotated(self, hits: Iterable) -> Iterator:
        """`hits` with the reader's tags and notes, read a chunk at a time."""
        chunk: list = []
        for hit in hits:
            chunk.append(hit)
            if len(chunk) == 200:
                self._annotate(chunk)
                yield from chunk
                chunk = []
        self._annotate(chunk)
        yield from chunk

    def export(self, query: str, form: str, path: str | os.PathLike, sort: str = "relevance",
               all_versions: bool = False, filters: Iterable[str] = (),
               only: Iterable[str] | None = None, replace: bool = True) -> int:
        """Write every result of the query to `path` as csv, jsonl or md
        (export.py); `only`: those of these ids. The file is written whole
        or not at all; an existing one is replaced only with `replace`.
        Returns the results written."""
        path = Path(path)
        if not replace and path.exists():
            raise WartuiError(f"{path} exists already: give another name")
        hits = self.every_hit(query, sort=sort, all_versions=all_versions, filters=filters)
        if only is not None:
            wanted = set(only)
            hits = (hit for hit in hits if hit.id in wanted)
        return self._write_export(hits, form, path, f"wartui: {query.strip() or 'every report'}")

    def export_ids(self, ids: Iterable[str], form: str, path: str | os.PathLike,
                   sort: str = "date", replace: bool = True) -> int:
        """Write the articles `ids` (those of them in the index: the results
        the reader marked, whatever the query now) to `path` as `export`
        does, every version apart; newest first unless `sort` says
        otherwise. Returns the articles written."""
        path = Path(path)
        if not replace and path.exists():
            raise WartuiError(f"{path} exists already: give another name")
        ids = list(dict.fromkeys(ids))
        self._open()
        hits = self._search.every_hit("", sort=sort, articles=self._store.get_many,
                                      gazetteer=load_gazetteer(), group=self._cluster_of(),
                                      collapse=False, within=ids)
        return self._write_export(self._annotated(hits), form, path,
                                  f"wartui: {len(ids)} articles chosen")

    def _write_export(self, hits, form: str, path: Path, title: str) -> int:
        """`hits` written to `path` whole or not at all (a file beside it,
        renamed once written)."""
        from . import export

        return export.write_whole(path, lambda out: export.write(hits, form, out, title))

    # -- the reader's tags and notes (annotations.py) ---------------------------------

    @property
    def annotations(self):
        """The reader's tags and notes on this index's articles."""
        if self._annotations is None:
            from .annotations import Annotations

            self._annotations = Annotations(self.index_dir)
        return self._annotations

    def _annotate(self, hits) -> None:
        """Each hit with the reader's tags and note (nothing is read when
        the index has none)."""
        if not hits or not self.annotations.exists():
            return
        ids = [hit.id for hit in hits]
        tags, notes = self.annotations.tags_of(ids), self.annotations.notes_of(ids)
        for hit in hits:
            hit.tags, hit.note = tags.get(hit.id, []), notes.get(hit.id, "")

    def _known(self, ids: Iterable[str]) -> tuple[list[str], list[str]]:
        """(ids of articles in the index or with annotations of their own,
        ids of neither), in the order given."""
        self._open()
        ids = list(dict.fromkeys(ids))
        stored = self._store.get_ids(ids)
        orphans = self.annotations.annotated_ids() if len(stored) < len(ids) else set()
        known = [i for i in ids if i in stored or i in orphans]
        return known, [i for i in ids if i not in stored and i not in orphans]

    def tag(self, ids: Iterable[str], add: Iterable[str] = (),
            remove: Iterable[str] = ()) -> tuple[int, list[str]]:
        """Add and remove tags of the articles `ids` (notmuch's `+tag
        -tag`), in one transaction: (articles changed, ids of no article,
        left alone). An orphan's tags (its article removed) can be changed."""
        known, missing = self._known(ids)
        changed = self.annotations.change_tags(known, add, remove) if known else 0
        return changed, missing

    def tag_results(self, query: str, add: Iterable[str] = (), remove: Iterable[str] = (),
                    filters: Iterable[str] = ()) -> tuple[int, int]:
        """Tag every article the query finds, every version of each:
        (articles changed, articles found)."""
        ids = self.result_ids(query, filters)
        return (self.annotations.change_tags(ids, add, remove) if ids else 0), len(ids)

    def result_ids(self, query: str, filters: Iterable[str] = ()) -> list[str]:
        """The ids of every article the query finds (every version), best first."""
        reading = self.read_query(query, filters=filters)
        return self._search.all_ids(reading.text, gazetteer=load_gazetteer())

    def note(self, doc_id: str) -> str | None:
        return self.annotations.note(doc_id)

    def set_note(self, doc_id: str, text: str) -> bool:
        """The article's note becomes `text` (blank: no note); False when
        there is no such article."""
        if not self._known([doc_id])[0]:
            return False
        self.annotations.set_note(doc_id, text)
        return True

    def tags_of(self, doc_id: str) -> list[str]:
        """The article's tags, sorted."""
        return self.annotations.tags_of([doc_id]).get(doc_id, [])

    def tag_counts(self) -> dict[str, int]:
        """{tag: articles carrying it}, most used first (orphans too)."""
        return self.annotations.counts()

    def orphaned(self) -> list[dict]:
        """The annotations of articles no longer in the index ({"id",
        "tags", "note"}): kept, and theirs again when they come back."""
        annotated = self.annotations.annotated_ids()
        if not annotated:
            return []
        self._open()
        stored = self._store.get_ids(annotated)
        return [row for row in self.annotations.rows() if row["id"] not in stored]

    def export_annotations(self) -> Iterator[dict]:
        """Every annotated article: {"id", "tags", "note", "title"} (the
        title, when it is in the index, for the reader of the file)."""
        rows = list(self.annotations.rows())
        titles = {}
        if rows and self.exists():
            self._open()
            titles = {doc_id: article.display_title for doc_id, article in
                      self._store.get_many([row["id"] for row in rows]).items()}
        for row in rows:
            yield {**row, "title": titles.get(row["id"], "")}

    def import_annotations(self, rows: Iterable[dict]) -> dict[str, int]:
        """Add exported annotations to these, losing none (Annotations.merge)."""
        return self.annotations.merge(rows)

    def _cluster_of(self) -> Callable[[str], tuple[str, int] | None]:
        """An article's (cluster, other versions), as search groups hits: read
        from the store's table (versions/clusters.py), without the version
        detector's imports; by the version index, which computes them, for
        an index made before that table."""
        from .versions import clusters

        if clusters.exists(self._store.db):
            return partial(clusters.cluster_of, self._store.db)
        return self._version_index.cluster_of

    def facets(self, query: str, typing: bool = False, filters: Iterable[str] = ()) -> Facets:
        """The query's hits counted by source, by month, and by the reader's
        tags (the FACET_TAGS most used in the index, those the hits carry)."""
        text = self.read_query(query, typing, filters).text
        facets = self._search.facets(text, gazetteer=load_gazetteer())
        if not self.annotations.exists():
            return facets
        tagged = {tag: self.annotations.tagged(tag)
                  for tag in list(self.tag_counts())[:FACET_TAGS]}
        counts = self._search.counts_within(text, tagged, gazetteer=load_gazetteer())
        return replace(facets, tags=dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))))

    def suggest(self, query: str, typing: bool = False) -> str | None:
        """"Did you mean": the query with its unknown words replaced by the
        closest words of the index's titles and names, or None. `typing`:
        the last word, not yet followed by a space, is left as it is (it is
        being typed)."""
        from rapidfuzz import fuzz, process

        finished = query
        if typing and query and not query[-1].isspace():
            finished = re.sub(r"[^\W_]+$", "", query)
        unknown = self._search.unknown_words(finished)
        if not unknown:
            return None
        if self._vocabulary is None:
            self._vocabulary = self._store.vocabulary()
        corrected = query
        for word in unknown:
            found = process.extract(word.casefold(), list(self._vocabulary), scorer=fuzz.ratio,
                                    score_cutoff=75, limit=5)
            if found:  # among the closest (within 10 points), the most common
                top = found[0][1]
                best = max((m for m in found if m[1] >= top - 10),
                           key=lambda match: self._vocabulary[match[0]])[0]
                if word[:1].isupper():
                    best = best[:1].upper() + best[1:]
                corrected = re.sub(rf"\b{re.escape(word)}\b", best, corrected, count=1)
        return corrected if corrected != query else None

    # -- the reader's memory of this index (state.py) --------------------------------

    def history(self) -> list[str]:
        """The queries searched on this index, newest last."""
        from .state import QueryHistory

        return QueryHistory(self.index_dir).load()

    def remember(self, query: str) -> None:
        from .state import QueryHistory

        QueryHistory(self.index_dir).add(query)

    def saved_searches(self) -> list[tuple[SavedSearch, int]]:
        """The searches saved on this index, each with its results now (what
        is more than `seen` is new since it was last opened)."""
        from .state import SavedSearches

        found = []
        for saved in SavedSearches(self.index_dir).load():
            try:
                total = self.search(saved.query, limit=1, filters=saved.filters).total
            except WartuiError:
                total = 0  # (a query this wartui reads otherwise: shown, counted as none)
            found.append((saved, total))
        return found

    def save_search(self, name: str, query: str, filters: Iterable[str] = (),
                    sort: str = "relevance") -> SavedSearch:
        """Save the search under `name` (replacing one of that name); what
        it finds now is seen."""
        from .state import SavedSearches

        filters = tuple(filters)
        total = self.search(query, limit=1, filters=filters).total
        saved = SavedSearch(name, query, filters, sort, total, time.time())
        SavedSearches(self.index_dir).save(saved)
        return saved

    def open_saved(self, name: str, results: int) -> None:
        """The saved search `name` was opened with `results` results."""
        from .state import SavedSearches

        SavedSearches(self.index_dir).opened(name, results)

    def remove_saved(self, name: str) -> None:
        from .state import SavedSearches

        SavedSearches(self.index_dir).remove(name)

    def versions(self, doc_id: str) -> list[Version]:
        """The other versions of a report, closest first. A version joined to
        this one only through others is compared here, with the figures the
        detector (and the diff) computes for it."""
        from .versions.detect import compare_texts

        pairs = self._version_index.versions_of(doc_id)
        found = self._store.get_many([doc_id] + [p.b for p in pairs])
        versions = []
        for pair in pairs:
            other = found.get(pair.b)
            if other is None:
                continue
            resemblance, containment = pair.resemblance, pair.containment
            if not containment and doc_id in found:  # not compared directly
                figures = compare_texts(found[doc_id].body, other.body)
                resemblance, containment = (round(figures.resemblance, 4),
                                            round(figures.containment, 4))
            versions.append(Version(pair.b, other.display_title, other.source, other.date,
                                    resemblance, containment))
        versions.sort(key=lambda v: (-v.containment, v.id))
        return versions

    def clusters(self, min_containment: float | None = None) -> list[Cluster]:
        """Every group of versions, largest first."""
        from .versions.clusters import components

        index = self._version_index
        pairs = index.pairs()
        if min_containment is None:
            groups = index.clusters()  # as kept in the store
        else:
            pairs = [p for p in pairs if p.containment >= min_containment]
            groups = components((p.a, p.b) for p in pairs)
        weakest: dict[str, float] = {}
        for pair in pairs:
            root = groups[pair.a]
            weakest[root] = min(weakest.get(root, 1.0), pair.containment)
        members: dict[str, list[str]] = {}
        for doc_id, root in groups.items():
            members.setdefault(root, []).append(doc_id)
        found = self._store.get_many(list(groups))
        out = []
        for root, ids in members.items():
            ids.sort()
            out.append(Cluster(ids, [found[i].display_title for i in ids if i in found],
                               [found[i].source for i in ids if i in found], weakest[root]))
        out.sort(key=lambda c: (-len(c.ids), c.ids[0]))
        return out

    def diff(self, a_id: str, b_id: str):
        """The aligned paragraph and word diff of two articles (any two: not
        only versions); its `similarity` is the figure the versions list and
        `dupes` show for the pair."""
        from .versions.diff import diff_articles

        a, b = self.article(a_id), self.article(b_id)
        missing = [i for i, art in ((a_id, a), (b_id, b)) if art is None]
        if missing:
            raise ArticleMissing("no article with id " + " or ".join(repr(m) for m in missing))
        return diff_articles(a, b)

    def article(self, doc_id: str) -> Article | None:
        self._open()
        return self._store.get(doc_id)

    def raw(self, doc_id: str) -> str | None:
        self._open()
        return self._store.raw(doc_id)

    def entities(self, doc_id: str) -> list[tuple[EntitySpan, Entity | None]] | None:
        """The article's entity, date and figure spans with their gazetteer
        entries (None for `other`, dates and figures); None if no such article."""
        article = self.article(doc_id)
        if article is None:
            return None
        gazetteer = load_gazetteer()
        return [(span, gazetteer.get(span.id) if span.id else None) for span in article.entities]

    def top_entities(self, entity_type: str | None = None,
                     limit: int = 20) -> list[tuple[Entity, int]]:
        """Gazetteer entities by the number of articles that name them; with
        `entity_type` "other", the names no entry links (id ""), counted
        from the stored articles (spellings that differ only in case are one
        name, shown as most often written)."""
        if entity_type == "other":
            return self._top_other_names(limit)
        gazetteer = load_gazetteer()
        counts = self._search.term_doc_counts("entity")
        ranked = []
        for entity_id, count in counts.items():
            entity = gazetteer.get(entity_id)
            if entity and (entity_type is None or entity.type == entity_type):
                ranked.append((entity, count))
        ranked.sort(key=lambda pair: (-pair[1], pair[0].name))
        return ranked[:limit]

    def result_entities(self, query: str, typing: bool = False, filters: Iterable[str] = (),
                        types: tuple[str, ...] = ("place", "armed-group", "person"),
                        most: int = 15) -> dict[str, list[tuple[Entity, int]]]:
        """The entities most named by the query's results, by type, with the
        number of results naming each (search/entity_counts.py)."""
        from .search.entity_counts import top_entities

        search = self._search
        if self._entity_corpus is None or self._entity_corpus[0] is not search:
            self._entity_corpus = (search, search.term_doc_counts("entity"))
        text = self.read_query(query, typing, filters).text
        mask = search.matches(text, load_gazetteer())
        return top_entities(search, mask, load_gazetteer(), self._entity_corpus[1], types, most)

    def _top_other_names(self, limit: int) -> list[tuple[Entity, int]]:
        self._open()
        articles: Counter = Counter()
        spellings: dict[str, Counter] = {}
        for (data,) in self._store.db.execute("SELECT article FROM articles"):
            article = json.loads(data)
            texts = [article["title"], *article["paragraphs"]]
            named = set()
            for paragraph, start, end, kind, _ in article.get("entities", ()):
                if kind == "other" and -1 <= paragraph < len(texts) - 1:
                    text = texts[paragraph + 1][start:end]
                    key = " ".join(text.casefold().split())
                    named.add(key)
                    spellings.setdefault(key, Counter())[text] += 1
            articles.update(named)
        ranked = sorted(articles.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [(Entity("", "other", spellings[key].most_common(1)[0][0]), count)
                for key, count in ranked]

    def count(self) -> int:
        self._open()
        return self._store.count()

    def ids(self) -> list[str]:
        self._open()
        return list(self._store.ids())



def _sources_as_stored(store: Path) -> tuple[list[str], int | None]:
    """(the sources, the articles) an article store remembers, read as it is
    (an index of another schema, a damaged one: ([], None) when it cannot be
    read), for a rebuild from them."""
    import sqlite3

    from . import corpus

    try:
        db = sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True)
        try:
            count = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            return corpus.remembered(db), count
        finally:
            db.close()
    except (sqlite3.Error, OSError):
        return [], None if store.exists() else 0


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


