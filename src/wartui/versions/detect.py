"""Near-duplicate reports: found at index time, kept with the index.

Two articles are versions of one report when most of the shorter one is in
the longer one: a wire story reprinted whole, shortened, re-topped, or
carried inside a longer article. The figure is the *containment* of the
shorter in the longer: the share of its 5-word shingles found in the longer
("87% of the shorter is in the longer"), the one figure `dupes`, the versions
list and the diff show.

Finding the candidates. Each article gets a MinHash signature: its minimum
shingle hash under 128 hash functions. Two signatures agree at a function
with a probability equal to the Jaccard resemblance J of the two texts, and
J is low when a short story sits inside a long article (a story of 60
shingles wholly inside 270: J = 0.22). So candidates come two ways, both
looked up in sorted numpy arrays held in memory (`_Lookup`):

- bands of 2 rows (64 bands): pairs sharing one band are candidates; a pair
  with J >= 0.2 shares one with probability >= 0.92, unrelated texts almost
  never (this is what LSH Ensemble's containment-tuned partitions come to
  for texts of about the same length);
- for texts of unequal lengths (one SIZE_RATIO times the other or more),
  single values: agreeing at any of the first SINGLE_PERMS functions is
  enough (J = 0.1 agrees at one of 32 with probability 0.97). The lookup
  keys carry the text's length, so only the texts of the other length class
  are read.

A candidate is then kept when its signatures agree at as many functions as
a version pair's plausibly would, given the two lengths (`plausible`), and
verified on the text: containment >= CONTAINMENT_MIN, and spread through
the shorter text: each of its halves is in the longer for HALF_MIN of its
shingles. Two different events in one outlet's template share its
background paragraph at the end ("Syria has been locked in a vicious civil
war since ...", prose the cleaner keeps as the story's), not their leads,
the news; two different stories that open with one wire lead share nothing
after it. Site furniture the cleaner learned (ingest/furniture.py) is gone
from the cleaned bodies already.

Versions are the connected components of version pairs (union-find), named
by their smallest id, so a cluster's id is stable as long as its members are;
each article's cluster is kept in `version_clusters`, updated with the pairs
(clusters.py).

The index's SQLite file keeps `version_docs` (each article's length and
signature) and `version_pairs`. Adding articles only touches their own rows,
so updates are incremental; a process that writes reads every signature once
(~50 MB at 100k articles) to look candidates up. MinHash is a dozen lines of
numpy here: datasketch, the usual library, pulls in SciPy (0.6 s of import
and 40 MB) for its LSH tuning.
"""

from __future__ import annotations

import re
import sqlite3
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import Indel

from ..model import Article
from ..store import has_tables, transaction
from . import clusters as cluster_table
from .clusters import components  # (the fallback: an index made before version_clusters)

SHINGLE_WORDS = 5
NUM_PERM = 128
BANDS, ROWS = 64, 2
SINGLE_PERMS = 32  # functions whose single values are looked up for unequal lengths
SIZE_RATIO = 1.7  # lengths this far apart are "unequal"
SINGLE_POSTINGS_MAX = 2000  # a value shared by more texts of the other class: boilerplate
CONTAINMENT_MIN = 0.5
HALF_MIN = 0.25
AGREEMENT_Z = 1.96  # the 2.5% quantile of a version pair's agreements (see plausible)
MIN_SHINGLES = 8  # shorter texts (a caption, a headline) are not compared
SCHEME = 2  # of the stored signatures: 1 was 32 bands of 4 rows in a band table
_WORD = re.compile(r"\w+")
_SIZE_BITS = 20  # a text's length in the single-value keys (capped)

SCHEMA = """
CREATE TABLE IF NOT EXISTS version_docs (
    num INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL,
    size INTEGER NOT NULL,        -- distinct shingles
    minhash BLOB NOT NULL         -- NUM_PERM uint32 (empty under MIN_SHINGLES)
);
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


class Signature(NamedTuple):
    """What version detection needs of one text, computed where it is
    cleaned (an ingest worker): its distinct shingle hashes (sorted) and its
    MinHash values (None for a text under MIN_SHINGLES shingles)."""
    hashes: object
    minhash: object


class Comparison(NamedTuple):
    resemblance: float  # rapidfuzz's normalised Indel similarity of the word sequences
    containment: float  # share of the shorter's shingles in the longer
    spread: float  # the less of the shares of each half of the shorter in the longer
    #               (0 when the containment is under CONTAINMENT_MIN: not computed)


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


def ordered_shingle_hashes(word_list: list[str]):
    """The 32-bit hash of each 5-word shingle, in text order, as a numpy
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
    return mixed


def shingle_hashes(word_list: list[str]):
    """The distinct shingle hashes, sorted (see ordered_shingle_hashes)."""
    return _distinct(ordered_shingle_hashes(word_list))


def _distinct(hashes):
    """Sorted and unique, by a sort (np.unique's hashing was twice as slow)."""
    import numpy as np

    hashes = np.sort(hashes)
    return hashes[np.concatenate(([True], hashes[1:] != hashes[:-1]))] if len(hashes) else hashes


def _found(values, sorted_hashes):
    """Which of `values` are in `sorted_hashes` (a searchsorted: np.isin
    sorts both again)."""
    import numpy as np

    at = np.searchsorted(sorted_hashes, values)
    at[at == len(sorted_hashes)] = 0
    return sorted_hashes[at] == values


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

    def minhash(self, hashes):
        """The NUM_PERM minimum values (uint32) of one text's shingle hashes."""
        np = self.np
        with np.errstate(over="ignore"):
            values = np.outer(self.a, hashes)
            values += self.b[:, None]
            # (the shift keeps the order: shifting the minimum saves a pass)
            return (values.min(axis=1) >> np.uint64(32)).astype(np.uint32)


@lru_cache(maxsize=1)
def _min_hasher() -> _MinHasher:
    return _MinHasher()


def signature(body: str) -> Signature:
    """The signature of one text (see Signature). Its word list is not part
    of it: only the few texts that a candidate pair names need one."""
    hashes = shingle_hashes(words(body))
    return Signature(hashes, _min_hasher().minhash(hashes) if len(hashes) >= MIN_SHINGLES
                     else None)


def band_keys(minhash):
    """The LSH band keys of signatures (an (n, NUM_PERM) uint32 array): an
    (n, BANDS) uint32 array, the band's number in the top 6 bits and a
    26-bit mix of its ROWS values below. (Two bands of different texts meet
    by a collision of the mix about once in 67 million: a candidate more.)"""
    import numpy as np

    values = minhash.astype(np.uint64).reshape(len(minhash), BANDS, ROWS)
    mixed = _mixed([values[:, :, row] for row in range(ROWS)])
    mixed = _mixed([mixed, np.arange(BANDS, dtype=np.uint64)[None, :]])
    mixed >>= np.uint64(38)
    mixed |= np.arange(BANDS, dtype=np.uint64)[None, :] << np.uint64(26)
    return mixed.astype(np.uint32)


def single_keys(minhash, sizes):
    """Keys of the first SINGLE_PERMS values of signatures, with each
    text's length in the low bits, so that one value's texts of a length
    range are one range of the sorted keys: function (5 bits) | value (32) |
    length (20)."""
    import numpy as np

    values = minhash[:, :SINGLE_PERMS].astype(np.int64)
    perms = np.arange(SINGLE_PERMS, dtype=np.int64)[None, :]
    capped = np.minimum(np.asarray(sizes, dtype=np.int64), (1 << _SIZE_BITS) - 1)[:, None]
    return (perms << (32 + _SIZE_BITS)) | (values << _SIZE_BITS) | capped


def plausible(agree, size_a, size_b):
    """Whether two signatures agreeing at `agree` of NUM_PERM functions may
    be of a version pair, given the texts' lengths (in distinct shingles).

    A pair whose shorter text is CONTAINMENT_MIN in the longer has the
    resemblance J = c*s / (s + l - c*s); its signatures then agree at
    Binomial(NUM_PERM, J) functions. A candidate agreeing at fewer than that
    count's 2.5% quantile (normal approximation, lenient at small counts) is
    not verified on the text. Unrelated texts of similar lengths that share a
    sentence or two agree at a few functions, versions at dozens; for a short
    story inside a long article both are few, and the text decides."""
    import numpy as np

    shorter = np.minimum(size_a, size_b).astype(np.float64)
    longer = np.maximum(size_a, size_b).astype(np.float64)
    shared = CONTAINMENT_MIN * shorter
    resemblance = shared / (shorter + longer - shared)
    mean = NUM_PERM * resemblance
    low = mean - AGREEMENT_Z * np.sqrt(mean * (1 - resemblance)) - 0.5
    return agree >= low


class Prepared(NamedTuple):
    """One text as verification reads it (no word list: a batch verifies
    thousands of texts, and only the pairs found need one)."""
    hashes: object  # distinct shingle hashes, sorted
    ordered: object  # shingle hashes in text order


def prepare(body: str, hashes=None) -> Prepared:
    ordered = ordered_shingle_hashes(words(body))
    return Prepared(_distinct(ordered) if hashes is None else hashes, ordered)


def compare(a: Prepared, b: Prepared) -> Comparison:
    """How much of the shorter text is in the longer (see Comparison), but
    for the resemblance (0 here: see compare_texts)."""
    if not len(a.hashes) or not len(b.hashes):
        return Comparison(0.0, 0.0, 0.0)
    shorter, longer = (a, b) if len(a.hashes) <= len(b.hashes) else (b, a)
    containment = int(_found(shorter.hashes, longer.hashes).sum()) / len(shorter.hashes)
    if containment < CONTAINMENT_MIN:
        return Comparison(0.0, containment, 0.0)  # (the spread is not needed)
    found = _found(shorter.ordered, longer.hashes)
    half = max(1, len(found) // 2)
    spread = min(found[:half].mean(), found[half:].mean() if len(found) > half else 1.0)
    return Comparison(0.0, containment, float(spread))


def resemblance(a: str, b: str) -> float:
    """rapidfuzz's normalised Indel similarity of the two word sequences."""
    return Indel.normalized_similarity(words(a), words(b))


def compare_texts(a: str, b: str) -> Comparison:
    """The figures of two texts, as the detector computes them."""
    return compare(prepare(a), prepare(b))._replace(resemblance=resemblance(a, b))


def is_version(comparison: Comparison) -> bool:
    return comparison.containment >= CONTAINMENT_MIN and comparison.spread >= HALF_MIN


def share_text(containment: float) -> str:
    """The one similarity figure, with its name."""
    return f"{containment:.0%} of the shorter is in the longer"


class _Lookup:
    """Every article's signature in memory, with its band keys and its
    single-value keys in sorted arrays, to look candidates up. Articles have
    their own numbers here (not SQLite's): one removed is marked dead, and
    its keys are skipped."""

    def __init__(self):
        import numpy as np

        self.np = np
        self.ids: list[str] = []
        self.number: dict[str, int] = {}
        self.alive = np.zeros(0, dtype=bool)
        self.sizes = np.zeros(0, dtype=np.int64)
        self.minhash = np.zeros((0, NUM_PERM), dtype=np.uint32)
        self.bands = (np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int32))
        self.singles = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32))

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, ids: list[str], sizes: list[int], minhash) -> list[int]:
        """Add texts (all with a signature); returns their numbers."""
        np = self.np
        first = len(self.ids)
        numbers = list(range(first, first + len(ids)))
        self.ids.extend(ids)
        self.number.update(zip(ids, numbers))
        self.alive = np.concatenate([self.alive, np.ones(len(ids), dtype=bool)])
        sizes = np.asarray(sizes, dtype=np.int64)
        self.sizes = np.concatenate([self.sizes, sizes])
        self.minhash = np.concatenate([self.minhash, minhash])
        owners = np.asarray(numbers, dtype=np.int32)
        self.bands = _merged(self.bands, band_keys(minhash), owners)
        self.singles = _merged(self.singles, single_keys(minhash, sizes), owners)
        return numbers

    def remove(self, ids: Iterable[str]) -> None:
        for doc_id in ids:
            number = self.number.pop(doc_id, None)
            if number is not None:
                self.alive[number] = False

    def candidates(self, numbers: list[int]):
        """Pairs (i < j) of article numbers, one of them in `numbers`, that
        share a band, or a single value at unequal lengths, and whose
        signatures agree as a version pair's may (`plausible`)."""
        np = self.np
        if not numbers:
            return np.zeros((0, 2), dtype=np.int64)
        mine = np.asarray(numbers, dtype=np.int64)
        keys, owners = self.bands
        queries = band_keys(self.minhash[mine])
        found = [_matches(keys, owners, queries.ravel(), queries.ravel(),
                          np.repeat(mine, BANDS))]
        keys, owners = self.singles
        sizes = self.sizes[mine]
        queries = single_keys(self.minhash[mine], sizes) >> _SIZE_BITS << _SIZE_BITS
        top = (1 << _SIZE_BITS) - 1
        longer_from = np.minimum(np.ceil(sizes * SIZE_RATIO).astype(np.int64), top)
        shorter_to = np.floor(sizes / SIZE_RATIO).astype(np.int64)
        asking = np.repeat(mine, SINGLE_PERMS)
        for low, high in ((np.repeat(longer_from, SINGLE_PERMS), np.full(len(asking), top)),
                          (np.zeros(len(asking), dtype=np.int64),
                           np.repeat(shorter_to, SINGLE_PERMS))):
            found.append(_matches(keys, owners, queries.ravel() | low, queries.ravel() | high,
                                  asking, SINGLE_POSTINGS_MAX))
        pairs = np.concatenate(found)
        pairs = pairs[(pairs[:, 0] != pairs[:, 1]) & self.alive[pairs[:, 1]]]
        pairs.sort(axis=1)
        joined = np.unique((pairs[:, 0] << 32) | pairs[:, 1])
        pairs = np.stack([joined >> 32, joined & 0xFFFFFFFF], axis=1)
        if not len(pairs):
            return pairs
        kept = []
        for start in range(0, len(pairs), 50_000):  # (bounded memory: 50k x 128 bytes)
            chunk = pairs[start:start + 50_000]
            agree = (self.minhash[chunk[:, 0]] == self.minhash[chunk[:, 1]]).sum(axis=1)
            kept.append(chunk[plausible(agree, self.sizes[chunk[:, 0]],
                                        self.sizes[chunk[:, 1]])])
        return np.concatenate(kept)


def _merged(postings, keys, owners):
    """Sorted (keys, owners) with (n, k) more keys of n owners added."""
    import numpy as np

    old_keys, old_owners = postings
    new_keys = keys.ravel()
    new_owners = np.repeat(owners, keys.shape[1]) if keys.ndim == 2 else owners
    order = np.argsort(new_keys, kind="stable")
    new_keys, new_owners = new_keys[order], new_owners[order]
    at = np.searchsorted(old_keys, new_keys)
    return np.insert(old_keys, at, new_keys), np.insert(old_owners, at, new_owners)


def _matches(keys, owners, low, high, asking, most: int | None = None):
    """(asking article, owner) for every key in [low[i], high[i]] (sorted
    `keys`), as an (m, 2) array; with `most`, ranges longer than it are
    skipped."""
    import numpy as np

    starts = np.searchsorted(keys, low, side="left")
    ends = np.searchsorted(keys, high, side="right")
    counts = ends - starts
    if most is not None:
        counts[counts > most] = 0
    total = int(counts.sum())
    if not total:
        return np.zeros((0, 2), dtype=np.int64)
    ranges = counts > 0
    starts, counts, asking = starts[ranges], counts[ranges], asking[ranges]
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    positions = np.repeat(starts, counts) + offsets
    return np.stack([np.repeat(asking, counts), owners[positions].astype(np.int64)], axis=1)


class VersionIndex:
    """The near-duplicate tables of one article store."""

    def __init__(self, db: sqlite3.Connection, load_bodies):
        self.db = db
        self.load_bodies = load_bodies  # ids -> {id: body text}
        self._clusters: dict[str, str] | None = None
        self._has_table = False  # version_clusters (once there, it stays)
        self._lookup: _Lookup | None = None
        if not has_tables(db, "version_docs", "version_pairs"):
            with db:  # a new store (readers need no schema statement)
                db.executescript(SCHEMA + cluster_table.SCHEMA)

    # -- writing -----------------------------------------------------------------------

    def _current(self) -> bool:
        """Are the stored signatures of this scheme? (Read-only: an index of
        an older wartui is read as it is.)"""
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(version_docs)")}
        return "minhash" in columns

    def _upgrade(self) -> None:
        """An index written by an older wartui kept other signatures (32 bands
        of 4 rows in a band table): its version tables are made anew, empty;
        the library adds its articles back (indexing.Indexer._repair_interrupted_write)."""
        if self._current():
            return
        with transaction(self.db):
            for table in ("version_bands", "version_docs", "version_pairs", "version_clusters"):
                self.db.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            cluster_table.create(self.db)
        self._lookup = None
        self._clusters = None

    def _memory(self) -> _Lookup:
        """Every stored signature, read once per process that writes."""
        import numpy as np

        if self._lookup is None:
            lookup = _Lookup()
            ids, sizes, blobs = [], [], []
            for doc_id, size, blob in self.db.execute(
                    "SELECT id, size, minhash FROM version_docs WHERE length(minhash) > 0"):
                ids.append(doc_id)
                sizes.append(size)
                blobs.append(blob)
            if ids:
                lookup.add(ids, sizes, np.frombuffer(b"".join(blobs), dtype=np.uint32)
                           .reshape(len(ids), NUM_PERM))
            self._lookup = lookup
        return self._lookup

    def update(self, articles: Iterable[Article], signatures: dict | None = None) -> int:
        """Add or replace articles; returns the number of version pairs found.
        `signatures`: {id: signature(body)} already computed (by the ingest
        workers) for some or all of them."""
        import numpy as np

        articles = list(articles)
        if not articles:
            return 0
        self._upgrade()
        self._clusters = None
        lookup = self._memory()
        try:
            with transaction(self.db):  # joins the caller's transaction, if any
                cluster_table.ensure(self.db)  # (an index made before the table)
                self._remove([a.id for a in articles])
                hashes, bodies, signed = {}, {}, []
                rows = []
                for article in articles:
                    found = signatures.get(article.id) if signatures else None
                    sig = found if found is not None else signature(article.body)
                    hashes[article.id] = sig.hashes
                    bodies[article.id] = article.body
                    rows.append((article.id, len(sig.hashes),
                                 sig.minhash.tobytes() if sig.minhash is not None else b""))
                    if sig.minhash is not None:
                        signed.append((article.id, len(sig.hashes), sig.minhash))
                self.db.executemany(
                    "INSERT INTO version_docs (id, size, minhash) VALUES (?, ?, ?)", rows)
                numbers = lookup.add([s[0] for s in signed], [s[1] for s in signed],
                                     np.array([s[2] for s in signed], dtype=np.uint32)
                                     .reshape(len(signed), NUM_PERM)) if signed else []
                candidates = [(lookup.ids[i], lookup.ids[j])
                              for i, j in lookup.candidates(numbers).tolist()]
                found = self._verify(candidates, hashes, bodies)
                self.db.executemany(
                    "INSERT OR REPLACE INTO version_pairs (a, b, resemblance, containment) "
                    "VALUES (?, ?, ?, ?)",
                    [(p.a, p.b, p.resemblance, p.containment) for p in found])
                cluster_table.refresh(self.db, [a.id for a in articles],
                                      [(p.a, p.b) for p in found])
        except BaseException:
            self._lookup = None  # read again from what SQLite kept
            raise
        return len(found)

    def remove(self, ids: list[str]) -> None:
        self._upgrade()
        self._clusters = None
        with transaction(self.db):
            cluster_table.ensure(self.db)
            self._remove(ids)
            cluster_table.refresh(self.db, ids, [])

    def _remove(self, ids: list[str]) -> None:
        if self._lookup is not None:
            self._lookup.remove(ids)
        for doc_id in ids:
            self.db.execute("DELETE FROM version_docs WHERE id = ?", (doc_id,))
            self.db.execute("DELETE FROM version_pairs WHERE a = ? OR b = ?", (doc_id, doc_id))

    def _verify(self, candidates, hashes: dict, bodies: dict) -> list[VersionPair]:
        """The candidate pairs that are versions. `hashes` and `bodies`: of
        this batch's articles; the other articles' bodies are read here."""
        named = {i for pair in candidates for i in pair}
        bodies = {**self.load_bodies(sorted(named - bodies.keys())),
                  **{i: bodies[i] for i in named & bodies.keys()}}
        prepared = {doc_id: prepare(body, hashes.get(doc_id)) for doc_id, body in bodies.items()}
        found = []
        for a, b in sorted((a, b) if a < b else (b, a) for a, b in candidates):
            if a not in prepared or b not in prepared:
                continue
            figures = compare(prepared[a], prepared[b])
            if is_version(figures):
                found.append(VersionPair(a, b, round(resemblance(bodies[a], bodies[b]), 4),
                                         round(figures.containment, 4)))
        return found

    # -- reading -----------------------------------------------------------------------

    def count(self) -> int:
        """Articles in the version tables (0 for tables of an older wartui)."""
        if not self._current():
            return 0
        return self.db.execute("SELECT COUNT(*) FROM version_docs").fetchone()[0]

    def ids(self) -> set[str]:
        if not self._current():
            return set()
        return {doc_id for (doc_id,) in self.db.execute("SELECT id FROM version_docs")}

    def pairs(self) -> list[VersionPair]:
        return [VersionPair(*row) for row in self.db.execute(
            "SELECT a, b, resemblance, containment FROM version_pairs ORDER BY a, b")]

    def versions_of(self, doc_id: str) -> list[VersionPair]:
        """Every other article of doc_id's cluster, with its pair figures to
        doc_id when they were compared directly (else 0: the caller compares
        them)."""
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
