"""Writing cleaned articles into the Whoosh index."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import LockError

from ..errors import IndexBusy
from ..model import Article
from . import engine
from .analysis import body_terms
from .schema import build_schema


def open_or_create(directory: Path, create: bool = True, readonly: bool = False):
    """Open the index in `directory`; create it if there is none and `create`
    (else raise EmptyIndexError). `readonly` never writes a file."""
    if not readonly:
        engine.install_writing()  # flat postings; postings computed by the cleaning workers
    if whoosh_index.exists_in(str(directory)) or not create:
        return whoosh_index.open_dir(str(directory), readonly=readonly)
    directory.mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(str(directory), build_schema())


def document_fields(article: Article) -> dict:
    """The Whoosh document for one article."""
    terms = body_terms()  # analysed here, once per distinct word (analysis.py)
    title = article.title or article.display_title
    fields = {
        "id": article.id,
        "title": terms.terms(title),
        "_stored_title": title,
        "body": terms.terms(article.body),
        "source": article.source,
        "source_facet": article.source or "(unknown)",
        "author": article.author,
        "path": article.path,
        "content_hash": article.content_hash,
    }
    fields["sortdate"] = 0
    if article.date:
        fields["date"] = datetime.fromisoformat(article.date)
        fields["sortdate"] = int(article.date.replace("-", ""))
    if article.entity_ids:
        fields["entity"] = ",".join(article.entity_ids)
    return fields


# Segments below this many documents are merged together at a commit.
SMALL_SEGMENT = 2000
# A segment whose deleted documents (the older text of changed articles, a
# batch taken out after a kill) reach this share of it is rewritten with its
# live documents only, at the next commit: the room of the dead ones is
# given back without rewriting the segments that have few.
DEAD_SHARE = 0.25


def merge_policy(writer, segments, dead_share: float | None = None):
    """Whoosh merge policy, tiered so that a commit rewrites only what it
    must. A segment whose every document is deleted is dropped (nothing to
    copy). A segment with `dead_share` (default DEAD_SHARE) or more of its
    documents deleted is rewritten with its live ones; segments under
    SMALL_SEGMENT documents are merged together when there are two or more
    (or when a rewrite happens anyway): a few thousand documents to copy at
    most. Whoosh's default (MERGE_SMALL, a Fibonacci rule) merges every
    segment once their count passes a threshold: at 100k articles, adding
    100 rewrote the whole index, ~400 s. Other big segments are left as
    they are; search/fast.py reads many segments at little cost."""
    from whoosh.reading import SegmentReader

    share = DEAD_SHARE if dead_share is None else dead_share
    live = [segment for segment in segments if segment.doc_count()]
    wasteful = [segment for segment in live if segment.deleted_count()
                and segment.deleted_count() >= share * segment.doc_count_all()]
    small = [segment for segment in live if segment.doc_count_all() < SMALL_SEGMENT
             and segment not in wasteful]
    merged = wasteful + (small if len(small) >= 2 or wasteful else [])
    for segment in merged:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)  # (only its live documents)
        reader.close()
    return [segment for segment in live if segment not in merged]


def dead_documents(ix) -> list[tuple[int, int]]:
    """(documents, of them deleted) of each segment of the index."""
    return [(segment.doc_count_all(), segment.deleted_count()) for segment in ix._segments()]


def compact(ix, wait_seconds: float = 5.0) -> int:
    """Rewrite every segment holding deleted documents (merging the small
    ones too): the index then holds no dead document. Returns how many
    documents were removed (0: nothing to do, nothing written)."""
    dead = sum(deleted for _, deleted in dead_documents(ix))
    if dead:
        with _commit(ix, wait_seconds, dead_share=0.0):
            pass
    return dead


def _writer(ix, wait_seconds: float, **options):
    """A Whoosh writer (one that takes prepared postings a term at a time:
    search/prepared_writer.py); IndexBusy if another writer holds the index."""
    try:
        return engine.writer(ix, timeout=wait_seconds, **options)
    except LockError as exc:
        raise IndexBusy("the index is being written by another process; "
                        "try again when it has finished") from exc


@contextmanager
def _commit(ix, wait_seconds: float, dead_share: float | None = None) -> Iterator:
    """A Whoosh writer, committed (with merge_policy) when the block ends,
    cancelled if it raises; IndexBusy if another writer holds the index."""
    writer = _writer(ix, wait_seconds)
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
    writer.commit(mergetype=lambda w, segments: merge_policy(w, segments, dead_share))


class IndexBatch:
    """The articles of one commit, added to a Whoosh writer as they come.
    (Kept until the commit instead, their postings from the cleaning workers
    would take ~45 KB an article.) The writer opens with the first article."""

    def __init__(self, ix, wait_seconds: float = 5.0):
        self._ix = ix
        self._wait_seconds = wait_seconds
        self._writer = None

    def add(self, fields: dict, known: bool) -> None:
        """Add one document (`document_fields`, or `engine.indexed` of
        them); a `known` article replaces its old version, a new one is
        simply added (much cheaper)."""
        if self._writer is None:
            self._writer = _writer(self._ix, self._wait_seconds, limitmb=256)
        if known:
            self._writer.update_document(**fields)
        else:
            self._writer.add_document(**fields)

    def commit(self) -> None:
        """Commit what was added (nothing if nothing was)."""
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.commit(mergetype=merge_policy)

    def cancel(self) -> None:
        """Drop what was added since the last commit. A writer that failed
        half-way through its commit (a full disk) may not cancel cleanly:
        what it leaves is removed by `remove_leftovers`."""
        writer, self._writer = self._writer, None
        if writer is None:
            return
        try:
            writer.cancel()
        except Exception:  # noqa: BLE001 - the error that stopped the run is the one to tell
            if writer.writelock:
                writer.writelock.release()


def indexed_hashes(ix) -> dict[str, list[str]]:
    """{id: [content hash of each document with that id]}: more than one
    means the article is in the index twice."""
    found: dict[str, list[str]] = {}
    with ix.searcher() as searcher:
        for fields in searcher.all_stored_fields():
            found.setdefault(fields["id"], []).append(fields.get("content_hash", ""))
    return found


def rewrite(ix, delete: list[str], add: Iterable[Article], wait_seconds: float = 5.0) -> None:
    """In one commit: delete every document of the ids in `delete`, then add
    the articles of `add` (taken as they come: a generator keeps few in
    memory), whose ids must be in `delete` too, so that each is there once."""
    if not delete:
        return
    with _commit(ix, wait_seconds) as writer:
        for doc_id in delete:
            writer.delete_by_term("id", doc_id)
        for article in add:
            writer.add_document(**document_fields(article))


def drop_segments(ix, names: list[str], wait_seconds: float = 5.0) -> None:
    """Take segments out of the index (their files go with the commit):
    damaged ones, whose articles are then written again from the store."""
    writer = _writer(ix, wait_seconds)
    try:
        writer.commit(mergetype=lambda w, segments: [
            segment for segment in segments if segment.segment_id() not in names])
    except BaseException:
        writer.cancel()
        raise


def remove_leftovers(ix) -> list[str]:
    """Files a killed or failed writer leaves behind that no commit removed
    yet: a TOC (or the checksums' file) written under its temporary name
    but never renamed (`_MAIN_3.toc.1700…`), the files of a segment no TOC
    lists (a commit cut short: on a full disk, they hold the room the next
    run needs), the writer's temporary folder. Only call with the write
    lock held."""
    import shutil

    from whoosh.index import TOC, clean_files

    from ..integrity import MANIFEST

    directory = Path(ix.storage.folder)
    removed = []
    for path in [*directory.glob("_*_*.toc.*"), *directory.glob(f"{MANIFEST}.*.tmp")]:
        try:
            path.unlink()
            removed.append(path.name)
        except OSError:
            pass
    before = set(ix.storage.list())
    toc = TOC.read(ix.storage, ix.indexname)
    clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)  # (Whoosh's own)
    removed += sorted(before - set(ix.storage.list()))
    temporary = directory / f"{ix.indexname}.tmp"
    if temporary.is_dir():
        shutil.rmtree(temporary, ignore_errors=True)
        removed.append(temporary.name)
    return removed
