"""Clusters of versions, kept as data: each article's cluster and its size.

A cluster is a connected component of the version pairs (detect.py), named
by its smallest id. Computing the components from every pair took a fresh
process 1.4 s on a collection full of versions (447,071 pairs), to collapse
20 hits into stories; so they are kept in the store, one row per article
that has versions:

    version_clusters(id, cluster, size)

and a search reads the rows of its hits only. The table is kept up to date
where the pairs change (VersionIndex.update and remove), in the same
transaction, by recomputing only the components those changes touch:

- a new pair can only merge clusters: the old clusters of its two articles
  become one, known from this table alone (no pair is read);
- an article changed or removed loses its pairs, which can split its
  cluster: that cluster's components are found again from its pairs.

Everything else keeps its rows. An index made before this table has none:
the writer builds it from every pair when it first opens the index
(`ensure`), and readers meanwhile compute the components themselves.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from ..store import has_tables, in_chunks, transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS version_clusters (
    id TEXT PRIMARY KEY,          -- an article with at least one version
    cluster TEXT NOT NULL,        -- the smallest id of its connected component
    size INTEGER NOT NULL         -- the number of articles in the cluster
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS version_clusters_cluster ON version_clusters(cluster);
"""


def exists(db: sqlite3.Connection) -> bool:
    return has_tables(db, "version_clusters")


def create(db: sqlite3.Connection) -> None:
    """The empty table (statement by statement: executescript would commit
    the caller's transaction)."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)


def ensure(db: sqlite3.Connection) -> bool:
    """Create the table and fill it from every pair if it is missing (an index
    made before it). Only a writer calls this (it holds the write lock).
    True if it was built."""
    if exists(db):
        return False
    with transaction(db):  # (joins the caller's, if any)
        create(db)
        _write(db, components(db.execute("SELECT a, b FROM version_pairs")))
    return True


def cluster_of(db: sqlite3.Connection, doc_id: str) -> tuple[str, int] | None:
    """(cluster id, number of other versions) of an article, or None."""
    row = db.execute("SELECT cluster, size FROM version_clusters WHERE id = ?",
                     (doc_id,)).fetchone()
    return (row[0], row[1] - 1) if row else None


def members(db: sqlite3.Connection, cluster: str) -> list[str]:
    """The articles of a cluster, by id."""
    return [doc_id for (doc_id,) in db.execute(
        "SELECT id FROM version_clusters WHERE cluster = ? ORDER BY id", (cluster,))]


def all_clusters(db: sqlite3.Connection) -> dict[str, str]:
    """{article id: cluster id} for every article that has versions."""
    return dict(db.execute("SELECT id, cluster FROM version_clusters"))


def refresh(db: sqlite3.Connection, replaced: Iterable[str],
            added: Iterable[tuple[str, str]]) -> None:
    """Bring the rows up to date after the pairs changed: `replaced` are the
    articles whose pairs were deleted (changed or removed articles, whether
    or not they are back), `added` the pairs inserted since. Call inside the
    transaction that changed the pairs, after the change."""
    replaced, added = set(replaced), list(added)
    touched = replaced | {doc_id for pair in added for doc_id in pair}
    if not touched:
        return
    old = _rows(db, touched)  # {id: cluster} of the touched articles that had one
    # A cluster that lost a pair may split: its components are found again
    # from its pairs. The others can only merge: their members stay together
    # (linked to their cluster's id, itself a member), and no pair is read.
    splitting = {old[doc_id] for doc_id in replaced if doc_id in old}
    edges = [(doc_id, doc_id) for doc_id in touched]
    split_members = []
    for doc_id, cluster in _members(db, set(old.values())):
        if cluster in splitting:
            split_members.append(doc_id)
            edges.append((doc_id, doc_id))
        else:
            edges.append((doc_id, cluster))
    edges += _pairs_of(db, split_members)  # (a pair leaving them is new: in `added`)
    edges += added
    groups = components(edges)
    db.executemany("DELETE FROM version_clusters WHERE id = ?", [(i,) for i in groups])
    _insert(db, groups)


def components(edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """{node: smallest node of its connected component} (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    return {node: find(node) for node in parent}


def _write(db: sqlite3.Connection, groups: dict[str, str]) -> None:
    db.execute("DELETE FROM version_clusters")
    _insert(db, groups)


def _insert(db: sqlite3.Connection, groups: dict[str, str]) -> None:
    """Rows for {id: cluster}, but for clusters of one (an article alone has
    no versions)."""
    sizes: dict[str, int] = {}
    for cluster in groups.values():
        sizes[cluster] = sizes.get(cluster, 0) + 1
    db.executemany("INSERT INTO version_clusters (id, cluster, size) VALUES (?, ?, ?)",
                   sorted((doc_id, cluster, sizes[cluster]) for doc_id, cluster in groups.items()
                          if sizes[cluster] > 1))


def _rows(db: sqlite3.Connection, ids: set[str]) -> dict[str, str]:
    found = {}
    for chunk, marks in in_chunks(sorted(ids)):
        found.update(db.execute(
            f"SELECT id, cluster FROM version_clusters WHERE id IN ({marks})", chunk))
    return found


def _members(db: sqlite3.Connection, clusters: set[str]) -> list[tuple[str, str]]:
    found = []
    for chunk, marks in in_chunks(sorted(clusters)):
        found.extend(db.execute(
            f"SELECT id, cluster FROM version_clusters WHERE cluster IN ({marks})", chunk))
    return found


def _pairs_of(db: sqlite3.Connection, ids: list[str]) -> list[tuple[str, str]]:
    """The pairs that name any of `ids` (both columns are indexed)."""
    found = []
    for chunk, marks in in_chunks(sorted(ids)):
        found.extend(db.execute(f"SELECT a, b FROM version_pairs WHERE a IN ({marks}) "
                                f"UNION SELECT a, b FROM version_pairs WHERE b IN ({marks})",
                                chunk + chunk))
    return found
