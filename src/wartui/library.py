"""`Library`: the one object the CLI and the app talk to.

It owns an index directory:

    index/
      wartui.json      versions of the schema and cleaning rules
      whoosh/          the full-text index (what is searched)
      articles.sqlite  cleaned articles and raw pages (what is shown)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from .config import default_index_dir, seeds_dir
from .errors import ArticleMissing, IndexMissing, IndexVersionError
from .ingest.clean import clean, load_rules
from .ingest.sources import discover, read_path
from .entities.gazetteer import Entity, load_gazetteer
from .model import (Article, Cluster, EntitySpan, Facets, IngestReport, RawRecord,
                    Repaired, SearchResults, Skipped, Version)

META_FILE = "wartui.json"
STORE_FILE = "articles.sqlite"
WHOOSH_DIR = "whoosh"
BATCH_SIZE = 5000  # articles per Whoosh commit: a killed run loses at most one batch

# progress(files_done, files_total, records_read)
Progress = Callable[[int, int, int], None]


def content_hash(record: RawRecord, pipeline_version: str) -> str:
    """Changes when the raw page, its given metadata, the cleaning rules or the
    gazetteer change."""
    digest = hashlib.sha256()
    digest.update(f"{pipeline_version}\0{record.kind}\0".encode())
    digest.update(json.dumps(record.given, sort_keys=True).encode())
    digest.update(json.dumps(record.extra, sort_keys=True).encode())
    digest.update(record.text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:20]


class Library:
    """An index directory: add pages to it, search it, read articles from it."""

    def __init__(self, index_dir: str | os.PathLike | None = None):
        self.index_dir = Path(index_dir) if index_dir else default_index_dir()
        self._ix = None
        self._store = None
        self._searcher = None
        self._versions = None

    # -- opening ---------------------------------------------------------------

    def exists(self) -> bool:
        return (self.index_dir / META_FILE).is_file()

    def _check_meta(self) -> None:
        from .search.schema import SCHEMA_VERSION

        try:
            meta = json.loads((self.index_dir / META_FILE).read_text())
            version = meta["schema"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexVersionError(
                f"the index in {self.index_dir} is damaged ({META_FILE} unreadable: {exc}); "
                f"rebuild it with: wartui --index-dir {self.index_dir} index --rebuild PATH...") from exc
        if version != SCHEMA_VERSION:
            raise IndexVersionError(
                f"the index in {self.index_dir} has schema version {version}, this wartui "
                f"needs {SCHEMA_VERSION}; rebuild it with: "
                f"wartui --index-dir {self.index_dir} index --rebuild PATH...")

    def _open(self, create: bool = False) -> None:
        if self._ix is not None:
            return
        from whoosh.index import EmptyIndexError

        from .search import nocopy
        from .search.schema import SCHEMA_VERSION
        from .search.writer import open_or_create
        from .store import ArticleStore

        nocopy.install()  # segments are read from the map, not copied
        if not self.exists():
            if not create:
                raise IndexMissing(
                    f"no index in {self.index_dir}; build one with `wartui index` (the bundled "
                    "seeds) or `wartui index PATH...`")
            self.index_dir.mkdir(parents=True, exist_ok=True)
            (self.index_dir / META_FILE).write_text(json.dumps(
                {"schema": SCHEMA_VERSION, "created_by": "wartui"}) + "\n")
        self._check_meta()
        try:
            self._ix = open_or_create(self.index_dir / WHOOSH_DIR)
        except EmptyIndexError as exc:
            raise IndexVersionError(
                f"the Whoosh index in {self.index_dir} is damaged; rebuild it with: "
                f"wartui --index-dir {self.index_dir} index --rebuild PATH...") from exc
        self._store = ArticleStore(self.index_dir / STORE_FILE)
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

            self._searcher = Searcher(self._ix)
        return self._searcher

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if self._store is not None:
            self._store.close()
            self._store = None
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
                  rebuild: bool = False) -> IngestReport:
        """Clean and index files and folders; only what changed is re-indexed.

        Every input that is not indexed is in `report.skipped` with its reason;
        repairs (encoding fallbacks, truncated lines) are in `report.notes`."""
        if rebuild:
            self._remove_index()
        self._open(create=True)
        from .search.writer import write_batch

        self._repair_interrupted_write()
        from .entities.recognizer import default_recognizer

        rules = load_rules()
        recognizer = default_recognizer()
        pipeline = f"rules {rules.version}, gazetteer {recognizer.gazetteer.version}"
        report = IngestReport()
        known = self._store.hashes()
        batch: list[tuple[Article, str, bool]] = []
        seen_ids: set[str] = set()

        def flush() -> None:
            if not batch:
                return
            write_batch(self._ix, [(article, was_known) for article, _, was_known in batch])
            self._store.put_many((article, raw) for article, raw, _ in batch)
            report.version_pairs += self._version_index.update(article for article, _, _ in batch)
            self._store.add_vocabulary(_vocabulary(article for article, _, _ in batch))
            self._vocabulary = None
            for article, _, was_known in batch:
                known[article.id] = article.content_hash
                if was_known:
                    report.changed += 1
                else:
                    report.new += 1
            batch.clear()

        items = list(discover(paths))
        files = [item for item in items if isinstance(item, Path)]
        report.skipped.extend(item for item in items if isinstance(item, Skipped))
        records_read = 0
        for file_number, path in enumerate(files, 1):
            for item in read_path(path):
                if isinstance(item, Repaired):
                    report.notes.append(item)
                    continue
                if isinstance(item, Skipped):
                    report.skipped.append(item)
                    continue
                record = self._unique(item, seen_ids, report)
                records_read += 1
                report.notes.extend(Skipped(record.id, note) for note in record.notes)
                digest = content_hash(record, pipeline)
                if known.get(record.id) == digest:
                    report.unchanged += 1
                    continue
                try:
                    article = clean(record, rules)
                    article.entities = recognizer.find_in_article(article)
                except Exception as exc:  # a cleaner bug must not cost the other pages
                    report.skipped.append(Skipped(record.id, f"could not clean: {exc!r}"))
                    continue
                article.content_hash = digest
                batch.append((article, record.text, record.id in known))
                if len(batch) >= BATCH_SIZE:
                    flush()
                if progress and records_read % 200 == 0:
                    progress(file_number - 1, len(files), records_read)
            if progress:
                progress(file_number, len(files), records_read)
        flush()
        if self._searcher is not None:
            self._searcher.refresh()
        return report

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

    def _repair_interrupted_write(self) -> None:
        """A writer killed between the Whoosh commit and the store commit leaves
        documents in Whoosh that the store lacks: remove them, so that the
        next run adds them once, never twice."""
        from .search.writer import delete_ids, indexed_ids

        if self._ix.doc_count() <= self._store.count():
            return
        stored = set(self._store.hashes())
        delete_ids(self._ix, sorted(indexed_ids(self._ix) - stored))

    def _remove_index(self) -> None:
        import shutil

        self.close()
        for name in (WHOOSH_DIR,):
            shutil.rmtree(self.index_dir / name, ignore_errors=True)
        for name in (STORE_FILE, STORE_FILE + "-wal", STORE_FILE + "-shm", META_FILE):
            try:
                (self.index_dir / name).unlink()
            except FileNotFoundError:
                pass

    # -- reading ---------------------------------------------------------------

    def search(self, query: str, limit: int = 10, sort: str = "relevance",
               all_versions: bool = False) -> SearchResults:
        """Whoosh query syntax over title and body; raises QueryError. Versions
        of one report show once (the best-ranked), unless `all_versions`."""
        return self._search.search(query, limit=limit, sort=sort,
                                   articles=self._store.get_many, gazetteer=load_gazetteer(),
                                   group=self._version_index.cluster_of,
                                   collapse=not all_versions)

    def facets(self, query: str) -> Facets:
        """The query's hits counted by source and by month."""
        return self._search.facets(query, gazetteer=load_gazetteer())

    def suggest(self, query: str) -> str | None:
        """"Did you mean": the query with its unknown words replaced by the
        closest words of the index's titles and names, or None."""
        from rapidfuzz import fuzz, process

        unknown = self._search.unknown_words(query)
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

    def versions(self, doc_id: str) -> list[Version]:
        """The other versions of a report, closest first."""
        pairs = self._version_index.versions_of(doc_id)
        found = self._store.get_many([p.b for p in pairs])
        return [Version(p.b, found[p.b].display_title, found[p.b].source, found[p.b].date,
                        p.resemblance, p.containment) for p in pairs if p.b in found]

    def clusters(self, min_containment: float | None = None) -> list[Cluster]:
        """Every group of versions, largest first."""
        from .versions.detect import components

        index = self._version_index
        pairs = index.pairs()
        if min_containment is not None:
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
        """The aligned paragraph and word diff of two articles."""
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
        """Gazetteer entities by the number of articles that name them."""
        gazetteer = load_gazetteer()
        counts = self._search.term_doc_counts("entity")
        ranked = []
        for entity_id, count in counts.items():
            entity = gazetteer.get(entity_id)
            if entity and (entity_type is None or entity.type == entity_type):
                ranked.append((entity, count))
        ranked.sort(key=lambda pair: (-pair[1], pair[0].name))
        return ranked[:limit]

    def count(self) -> int:
        self._open()
        return self._store.count()

    def ids(self) -> list[str]:
        self._open()
        return list(self._store.ids())


_VOCABULARY_WORD = re.compile(r"[^\W\d_]{3,}")


def _vocabulary(articles: Iterable[Article]) -> Counter:
    """Words of titles and recognised names, counted once per article."""
    counts: Counter = Counter()
    for article in articles:
        names = " ".join(e.text for e in article.entities if e.type not in ("date", "figure"))
        counts.update({w.casefold() for w in _VOCABULARY_WORD.findall(f"{article.title} {names}")})
    return counts
