"""Clusters of versions kept in the store (versions/clusters.py): updated
incrementally as articles are added, changed and removed, always the
connected components of the pairs; an index made before the table works,
and its writer adds the table."""

import shutil
import sqlite3
from collections import Counter

from hypothesis import given, settings, strategies as st

from wartui import Library
from wartui.versions import clusters
from wartui.versions.detect import SCHEMA, VersionIndex

NODES = [f"n{i:02d}" for i in range(14)]


def expected(db) -> set[tuple[str, str, int]]:
    """The rows the table must hold: components of every pair, recomputed."""
    groups = clusters.components(db.execute("SELECT a, b FROM version_pairs"))
    sizes = Counter(groups.values())
    return {(doc_id, cluster, sizes[cluster]) for doc_id, cluster in groups.items()}


def rows(db) -> set[tuple[str, str, int]]:
    return set(db.execute("SELECT id, cluster, size FROM version_clusters"))


# A batch: articles (re)indexed together, each with the articles it pairs with
# (any, this batch's included); or articles removed.
batches = st.lists(st.one_of(
    st.tuples(st.just("index"), st.dictionaries(st.sampled_from(NODES),
                                                st.sets(st.sampled_from(NODES), max_size=3),
                                                min_size=1, max_size=4)),
    st.tuples(st.just("remove"), st.sets(st.sampled_from(NODES), min_size=1, max_size=3))),
    min_size=1, max_size=25)


@settings(max_examples=300, deadline=None)
@given(batches)
def test_refresh_keeps_the_components_of_the_pairs(operations):
    """Merges (a new pair between clusters), splits (an article in the middle
    of a chain changed or removed) and both in one batch: after every batch,
    the rows are the components of all pairs, named by their smallest id,
    with their sizes, and only articles with versions have a row."""
    db = sqlite3.connect(":memory:")
    db.executescript(SCHEMA)
    clusters.create(db)
    for kind, change in operations:
        ids = set(change)
        for doc_id in ids:  # their old pairs go, as VersionIndex._remove does
            db.execute("DELETE FROM version_pairs WHERE a = ? OR b = ?", (doc_id, doc_id))
        added = []
        if kind == "index":
            for doc_id, others in change.items():
                added.extend(tuple(sorted((doc_id, other))) for other in others - {doc_id})
            added = sorted(set(added))
            db.executemany("INSERT OR REPLACE INTO version_pairs VALUES (?, ?, 1.0, 1.0)", added)
        clusters.refresh(db, ids, added)
        assert rows(db) == expected(db)


def test_refresh_reads_no_pair_when_clusters_only_merge():
    """New articles joining clusters: the clusters' members come from the
    table, their pairs are not read (a build adds pairs to the same large
    clusters batch after batch)."""
    db = sqlite3.connect(":memory:")
    db.executescript(SCHEMA)
    clusters.create(db)
    chain = [(f"a{i:03d}", f"a{i + 1:03d}") for i in range(50)]
    db.executemany("INSERT INTO version_pairs VALUES (?, ?, 1.0, 1.0)", chain)
    clusters.refresh(db, [a for a, _ in chain], chain)
    statements = []
    db.set_trace_callback(statements.append)
    db.execute("INSERT INTO version_pairs VALUES ('a050', 'b000', 1.0, 1.0)")
    clusters.refresh(db, ["b000"], [("a050", "b000")])
    db.set_trace_callback(None)
    assert not [s for s in statements if "FROM version_pairs" in s]
    assert clusters.cluster_of(db, "b000") == ("a000", 51)
    assert rows(db) == expected(db)


def blocks_of(count: int) -> list[str]:
    """Blocks of 30 different words each (no 5-word shingle in two blocks)."""
    import random

    rng = random.Random(4)
    vocabulary = [f"w{rng.randrange(10**6):06d}" for _ in range(count * 30)]
    return [" ".join(vocabulary[i * 30:(i + 1) * 30]) for i in range(count)]


def test_a_chain_of_versions_splits_and_merges_again():
    from wartui.model import Article

    block = blocks_of(6)
    text = {"A": block[0:4], "B": block[1:5], "C": block[2:6]}
    articles = {k: Article(id=k, title=k, date=None, source="", author="",
                           paragraphs=[" ".join(v)]) for k, v in text.items()}
    db = sqlite3.connect(":memory:")
    index = VersionIndex(db, lambda ids: {i: articles[i].body for i in ids})
    index.update(articles.values())
    assert {(p.a, p.b) for p in index.pairs()} == {("A", "B"), ("B", "C")}
    assert index.cluster_of("C") == ("A", 2)
    assert [p.b for p in index.versions_of("B")] in (["A", "C"], ["C", "A"])

    index.remove(["B"])  # the link between A and C is gone
    assert index.cluster_of("A") is None and index.cluster_of("C") is None
    assert index.clusters() == {}

    index.update([articles["B"]])
    assert index.clusters() == {"A": "A", "B": "A", "C": "A"}

    changed = Article(id="B", title="B", date=None, source="", author="",
                      paragraphs=[" ".join(blocks_of(12)[8:12])])  # another story
    index.update([changed])
    assert index.clusters() == {}
    assert rows(db) == expected(db)


def test_an_index_without_the_table_works_and_its_writer_adds_it(corpus_library, tmp_path):
    """An index made before version_clusters: searching and dupes give what
    they give with the table (computing the clusters), and the writer's next
    run adds the table, equal to the clusters computed from the pairs."""
    old = tmp_path / "index"
    shutil.copytree(corpus_library.index_dir, old)
    db = sqlite3.connect(old / "articles.sqlite")
    with db:
        db.execute("DROP TABLE version_clusters")
    db.close()

    queries = ["Taqsis", "Aleppo", "chemical attack", "Douma"]
    def seen(library):
        return ([[(h.id, h.versions) for h in library.search(q, limit=40).hits]
                 for q in queries],
                [(c.ids, c.similarity) for c in library.clusters()],
                [(c.ids, c.similarity) for c in library.clusters(0.9)])

    with_table = seen(corpus_library)
    assert any(v for hits in with_table[0] for _, v in hits)  # (the queries meet versions)
    with Library(old) as library:
        assert seen(library) == with_table
        assert not clusters.exists(library._store.db)
        computed = library._version_index.clusters()
        report = library.add_paths([])
        assert (report.new, report.changed) == (0, 0)
        db = library._store.db
        assert clusters.exists(db)
        assert clusters.all_clusters(db) == computed
        assert rows(db) == expected(db)
        assert seen(library) == with_table


def test_the_table_is_the_components_of_the_pairs(corpus_library):
    db = corpus_library._store.db
    assert rows(db) == expected(db)
    assert len({cluster for _, cluster, _ in rows(db)}) >= 30
