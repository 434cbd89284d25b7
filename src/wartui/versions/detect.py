"""Near-duplicate reports: found at index time, kept with the index.

Each article becomes a set of 5-word shingles and a MinHash signature (128
permutations). Its signature is cut into 32 bands of 4 rows; two articles
that share any band are candidates (the LSH banding trick: pairs with a
Jaccard resemblance of 0.6 share a band with probability 0.985, unrelated
ones almost never). Candidates are verified on the cleaned text:

- containment: the share of the shorter article's shingles found in the
  longer one (a wire story inside a longer article scores near 1);
- resemblance: rapidfuzz's normalised Indel similarity of the two word
  sequences (how alike the whole texts are).

A pair is a version pair when containment >= CONTAINMENT_MIN. Versions are
the connected components of version pairs (union-find), named by their
smallest id, so a cluster's id is stable as long as its members are; each
article's cluster is kept in `version_clusters`, updated with the pairs
(clusters.py).

Everything lives in the article store's SQLite file: `version_docs` (each
article's band keys), `version_bands` (band key -> article) and
`version_pairs`. Adding articles only touches their own rows, so updates are
incremental. MinHash is a dozen lines of numpy here: datasketch, the usual
library, pulls in SciPy (0.6 s of import and 40 MB) for its LSH tuning.
"""

from __future__ import annotations

import re
import sqlite3
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Indel

from ..model import Article
from ..store import has_tables, transaction
from . import clusters as cluster_table
from .clusters import components  # (the fallback: an index made before version_clusters)

SHINGLE_WORDS = 5
NUM_PERM = 128
BANDS, ROWS = 32, 4
CONTAINMENT_MIN = 0.55
MIN_SHINGLES = 8  # shorter texts (a caption, a headline) are not compared
_WORD = re.compile(r"\w+")

SCHEMA = """
CREATE TABLE IF NOT EXISTS version_docs (
    num INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL,
    keys BLOB NOT NULL            -- its band keys, to remove them when it changes
);
CREATE TABLE IF NOT EXISTS version_bands (
    key INTEGER NOT NULL,         -- band number << 56 | hash of the band's rows
    num INTEGER NOT NULL,
    PRIMARY KEY (key, num)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS version_pairs (
    a TEXT NOT NULL, b TEXT NOT NULL,   -- a < b
    resemblance REAL NOT NULL, containment REAL NOT NULL,
    PRIMARY KEY (a, b)
);
CREATE INDEX IF NOT EXISTS version_pairs_b ON version_pairs(b);
"""


@dataclass(frozen=True)
class VersionPair:
    a: str
    b: str
    resemblance: float
    containment: float


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


@lru_cache(maxsize=1 << 20)
def _word_hash(word: str) -> int:
    return zlib.crc32(word.encode())


def shingles(word_list: list[str]) -> set[str]:
    """The 5-word shingles as text (for tests and baselines; the index hashes them)."""
    if len(word_list) < SHINGLE_WORDS:
        return {" ".join(word_list)} if word_list else set()
    return {" ".join(word_list[i:i + SHINGLE_WORDS])
            for i in range(len(word_list) - SHINGLE_WORDS + 1)}


def shingle_hashes(word_list: list[str]):
    """The distinct 32-bit hashes of the 5-word shingles, as a sorted numpy
    array: each word is hashed once (crc32) and each shingle's hash mixes its
    five word hashes with fixed odd multipliers, all in numpy."""
    import numpy as np

    word_hashes = np.fromiter(map(_word_hash, word_list), dtype=np.uint64, count=len(word_list))
    span = min(SHINGLE_WORDS, len(word_list))
    if not span:
        return np.zeros(0, dtype=np.uint64)
    count = len(word_list) - span + 1
    mixed = _mixed([word_hashes[offset:offset + count] for offset in range(span)])
    mixed >>= np.uint64(32)
    mixed.sort()  # (unique by sorting: np.unique was half the time of this)
    return mixed[np.concatenate(([True], mixed[1:] != mixed[:-1]))]


def _mixed(parts):
    """Equal-length uint64 arrays mixed element-wise into one, in order:
    ((p0 * M + p1) * M + p2) ..., M a fixed odd multiplier. In place on a
    copy of the first (uint64 arrays wrap silently: the mod 2**64)."""
    import numpy as np

    multiplier = np.uint64(0x9E3779B97F4A7C15)
    mixed = parts[0].copy()
    for part in parts[1:]:
        mixed *= multiplier
        mixed += part
    return mixed


class _MinHasher:
    """MinHash over 32-bit shingle hashes with NUM_PERM hash functions of the
    multiply-add-shift family: h(x) = ((a*x + b) mod 2**64) >> 32 with random
    64-bit a (odd) and b. numpy's uint64 arithmetic wraps, which is the mod."""

    def __init__(self, seed: int = 1):
        import numpy as np  # only indexing needs numpy

        self.np = np
        rng = np.random.default_rng(seed)
        self.a = rng.integers(0, 1 << 63, NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self.b = rng.integers(0, 1 << 63, NUM_PERM, dtype=np.uint64)

    def band_keys(self, hashes) -> list[int]:
        """The LSH band keys of one text's shingle hashes: band number in the
        top byte, a 56-bit mix of the band's ROWS signature values below."""
        np = self.np
        with np.errstate(over="ignore"):
            values = np.outer(self.a, hashes)
            values += self.b[:, None]
            # (the shift keeps the order: shifting the minimum saves a pass)
            bands = (values.min(axis=1) >> np.uint64(32)).reshape(BANDS, ROWS)
        mixed = _mixed([bands[:, row] for row in range(ROWS)])
        keys = (mixed >> np.uint64(8)) | (np.arange(BANDS, dtype=np.uint64) << np.uint64(56))
        return keys.astype(np.int64).tolist()  # SQLite integers are signed


@lru_cache(maxsize=1)
def _min_hasher() -> _MinHasher:
    return _MinHasher()


def signature(body: str) -> tuple:
    """What version detection needs of one text, computed where it is
    cleaned (an ingest worker): its shingle hashes and its LSH band keys
    (none for a text under MIN_SHINGLES shingles). Its word list is not part
    of it: only the few texts that a candidate pair names need one."""
    hashes = shingle_hashes(words(body))
    keys = _min_hasher().band_keys(hashes) if len(hashes) >= MIN_SHINGLES else []
    return hashes, keys


def verify(a_words: list[str], b_words: list[str], a_hashes, b_hashes) -> tuple[float, float]:
    """(resemblance, containment) of two texts."""
    import numpy as np

    if not len(a_hashes) or not len(b_hashes):
        return 0.0, 0.0
    shared = len(np.intersect1d(a_hashes, b_hashes, assume_unique=True))
    containment = shared / min(len(a_hashes), len(b_hashes))
    resemblance = Indel.normalized_similarity(a_words, b_words)
    return resemblance, containment


class VersionIndex:
    """The near-duplicate tables of one article store."""

    def __init__(self, db: sqlite3.Connection, load_bodies):
        self.db = db
        self.load_bodies = load_bodies  # ids -> {id: body text}
        self._clusters: dict[str, str] | None = None
        self._has_table = False  # version_clusters (once there, it stays)
        # 64 MB of page cache: the bands table is large and keyed at random
        db.execute("PRAGMA cache_size=-65536")
        if not has_tables(db, "version_docs", "version_bands", "version_pairs"):
            with db:  # a new store (readers need no schema statement)
                db.executescript(SCHEMA + cluster_table.SCHEMA)

    def update(self, articles: Iterable[Article], signatures: dict | None = None) -> int:
        """Add or replace articles; returns the number of version pairs found.
        `signatures`: {id: signature(body)} already computed (by the ingest
        workers) for some or all of them."""
        articles = list(articles)
        if not articles:
            return 0
        self._clusters = None
        hashes, bodies = {}, {}
        with transaction(self.db):  # joins the caller's transaction, if any
            cluster_table.ensure(self.db)  # (an index made before the table)
            self._remove([a.id for a in articles])
            rows, batch_keys = [], []
            for article in articles:
                found = signatures.get(article.id) if signatures else None
                hashes[article.id], keys = found if found is not None else signature(article.body)
                bodies[article.id] = article.body
                cursor = self.db.execute(
                    "INSERT INTO version_docs (id, keys) VALUES (?, ?)",
                    (article.id, b"".join(k.to_bytes(8, "big", signed=True) for k in keys)))
                rows.extend((key, cursor.lastrowid) for key in keys)
                batch_keys.extend((key, article.id) for key in keys)
            rows.sort()  # in key order, the B-tree inserts touch neighbouring pages
            self.db.executemany("INSERT OR IGNORE INTO version_bands (key, num) VALUES (?, ?)",
                                rows)
            candidates = self._candidates(batch_keys)
            found = self._verify(candidates, hashes, bodies)
            self.db.executemany(
                "INSERT OR REPLACE INTO version_pairs (a, b, resemblance, containment) "
                "VALUES (?, ?, ?, ?)",
                [(p.a, p.b, p.resemblance, p.containment) for p in found])
            cluster_table.refresh(self.db, [a.id for a in articles], [(p.a, p.b) for p in found])
        return len(found)

    def remove(self, ids: list[str]) -> None:
        self._clusters = None
        with transaction(self.db):
            cluster_table.ensure(self.db)
            self._remove(ids)
            cluster_table.refresh(self.db, ids, [])

    def _remove(self, ids: list[str]) -> None:
        for doc_id in ids:
            row = self.db.execute("SELECT num, keys FROM version_docs WHERE id = ?",
                                  (doc_id,)).fetchone()
            if row is None:
                continue
            num, blob = row
            keys = [int.from_bytes(blob[i:i + 8], "big", signed=True)
                    for i in range(0, len(blob), 8)]
            self.db.executemany("DELETE FROM version_bands WHERE key = ? AND num = ?",
                                [(key, num) for key in keys])
            self.db.execute("DELETE FROM version_docs WHERE num = ?", (num,))
            self.db.execute("DELETE FROM version_pairs WHERE a = ? OR b = ?", (doc_id, doc_id))

    def _candidates(self, batch_keys: list[tuple[int, str]]) -> set[tuple[str, str]]:
        """Pairs (a < b) that share a band with an article of this batch."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS batch_keys (key INTEGER, id TEXT)")
        self.db.execute("DELETE FROM batch_keys")
        self.db.executemany("INSERT INTO batch_keys VALUES (?, ?)", batch_keys)
        pairs: set[tuple[str, str]] = set()
        for a, b in self.db.execute("""
                SELECT DISTINCT batch_keys.id, other.id
                FROM batch_keys
                CROSS JOIN version_bands AS band
                CROSS JOIN version_docs AS other
                WHERE band.key = batch_keys.key AND other.num = band.num
                  AND other.id != batch_keys.id"""):
            # CROSS JOIN fixes the loop order: the batch outside, probing the
            # bands' primary key; the planner otherwise scans every band.
            pairs.add((a, b) if a < b else (b, a))
        self.db.execute("DELETE FROM batch_keys")
        return pairs

    def _verify(self, candidates, hashes: dict, bodies: dict) -> list[VersionPair]:
        """The candidate pairs that are versions. `hashes` and `bodies`: of
        this batch's articles; the other articles' bodies are read here."""
        named = {i for pair in candidates for i in pair}
        bodies = {**self.load_bodies(sorted(named - bodies.keys())),
                  **{i: bodies[i] for i in named & bodies.keys()}}
        prepared = {}
        for doc_id, body in bodies.items():
            word_list = words(body)
            known = hashes.get(doc_id)
            prepared[doc_id] = (word_list, shingle_hashes(word_list) if known is None else known)
        found = []
        for a, b in sorted(candidates):
            if a not in prepared or b not in prepared:
                continue
            resemblance, containment = verify(prepared[a][0], prepared[b][0],
                                              prepared[a][1], prepared[b][1])
            if containment >= CONTAINMENT_MIN:
                found.append(VersionPair(a, b, round(resemblance, 4), round(containment, 4)))
        return found

    # -- reading -----------------------------------------------------------------------

    def pairs(self) -> list[VersionPair]:
        return [VersionPair(*row) for row in self.db.execute(
            "SELECT a, b, resemblance, containment FROM version_pairs ORDER BY a, b")]

    def versions_of(self, doc_id: str) -> list[VersionPair]:
        """Every other article of doc_id's cluster, with its pair figures to doc_id
        when they were compared directly (else those of the closest link)."""
        found = self.cluster_of(doc_id)
        if found is None:
            return []
        if self._table():
            members = [i for i in cluster_table.members(self.db, found[0]) if i != doc_id]
        else:
            members = [i for i, c in self.clusters().items() if c == found[0] and i != doc_id]
        direct = {}
        for a, b, resemblance, containment in self.db.execute(
                "SELECT a, b, resemblance, containment FROM version_pairs "
                "WHERE a = ? OR b = ?", (doc_id, doc_id)):
            other = b if a == doc_id else a
            direct[other] = (resemblance, containment)
        return [VersionPair(doc_id, other, *direct.get(other, (0.0, 0.0)))
                for other in sorted(members, key=lambda o: (-direct.get(o, (0, 0))[1], o))]

    def clusters(self) -> dict[str, str]:
        """{article id: cluster id} for every article that has versions."""
        if self._table():
            return cluster_table.all_clusters(self.db)
        return self._components()

    def cluster_of(self, doc_id: str) -> tuple[str, int] | None:
        """(cluster id, number of other versions) of an article, or None."""
        if self._table():
            return cluster_table.cluster_of(self.db, doc_id)
        cluster = self._components().get(doc_id)
        return (cluster, self._sizes[cluster] - 1) if cluster else None

    def _table(self) -> bool:
        self._has_table = self._has_table or cluster_table.exists(self.db)
        return self._has_table

    def _components(self) -> dict[str, str]:
        """The clusters computed from every pair, for an index made before the
        table whose writer has not opened it since (a reader cannot add it)."""
        if self._clusters is None:
            self._clusters = components(self.db.execute("SELECT a, b FROM version_pairs"))
            self._sizes = Counter(self._clusters.values())
        return self._clusters

