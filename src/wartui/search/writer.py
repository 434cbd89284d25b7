"""Writing cleaned articles into the Whoosh index."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import LockError

from ..errors import IndexBusy
from ..model import Article
from .analysis import body_terms
from .schema import build_schema


def open_or_create(directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    if whoosh_index.exists_in(str(directory)):
        return whoosh_index.open_dir(str(directory))
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


def write_batch(ix, articles: list[tuple[Article, bool]], wait_seconds: float = 5.0) -> None:
    """Add or replace articles and commit. `(article, known)`: known articles
    replace their old version; new ones are simply added (much cheaper)."""
    try:
        writer = ix.writer(timeout=wait_seconds, limitmb=256)
    except LockError as exc:
        raise IndexBusy("the index is being written by another process; "
                        "try again when it has finished") from exc
    try:
        for article, known in articles:
            if known:
                writer.update_document(**document_fields(article))
            else:
                writer.add_document(**document_fields(article))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def delete_ids(ix, ids: list[str]) -> None:
    if not ids:
        return
    try:
        writer = ix.writer(timeout=5.0)
    except LockError as exc:
        raise IndexBusy("the index is being written by another process") from exc
    for doc_id in ids:
        writer.delete_by_term("id", doc_id)
    writer.commit()


def indexed_ids(ix) -> set[str]:
    with ix.searcher() as searcher:
        return {fields["id"] for fields in searcher.all_stored_fields()}
