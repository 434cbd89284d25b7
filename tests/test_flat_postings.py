"""search/flat.py: each segment's postings as flat arrays, beside Whoosh's.

The flat arrays must say exactly what Whoosh's blocks say, term by term
(documents, weights and word positions); a
segment without them (or with a damaged file) must search the same way from
Whoosh's blocks.
"""

import itertools

import numpy as np
import pytest
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import ID
from whoosh.formats import Positions

from wartui import Library
from wartui.search.engine import fast, flat
from wartui.search.engine.fast import FastSearcher, _blocks
from wartui.search.engine.flat import FlatSegment

from conftest import FAKES
from test_fast_search import RANKED, _parsed


def _assert_flat_equals_whoosh(library: Library) -> int:
    """Compares every term of every segment; returns how many were compared."""
    searcher = library._search._searcher
    schema = searcher.schema
    leaves = searcher.leaf_searchers() if not searcher.is_atomic() else [(searcher, 0)]
    compared = 0
    for leaf, _ in leaves:
        reader = leaf.reader()
        segment = FlatSegment.open(reader)
        assert segment is not None, f"segment {reader._segment.segment_id()} has no flat postings"
        for (fieldname, btext), terminfo in reader._terms.items():
            if terminfo._inlined is not None or isinstance(schema[fieldname], ID):
                continue
            slot = segment.slot(terminfo._offset)
            assert slot is not None, (fieldname, btext)
            matcher = reader._terms.matcher(fieldname, btext, schema[fieldname].format)
            assert isinstance(matcher, W3LeafMatcher)
            blocks = list(_blocks(matcher))
            ids, weights = segment.postings(slot)
            assert ids.tolist() == np.concatenate([b[0] for b in blocks]).tolist()
            assert weights.astype(float).tolist() == np.concatenate([b[1] for b in blocks]).tolist()
            fmt = schema[fieldname].format
            if type(fmt) is Positions:
                positions = segment.word_positions(slot)
                whole = [v for b in blocks for v in b[2]]
                assert [positions[i] for i in range(len(whole))] == [
                    fmt.decode_positions(v) for v in whole]
            compared += 1
    return compared


def test_every_term_has_the_same_postings_flat_as_in_whooshs_blocks(corpus_library):
    assert _assert_flat_equals_whoosh(corpus_library) > 10_000


def test_segments_written_and_merged_in_several_runs_have_flat_postings(tmp_path, seeds_dir):
    library = Library(tmp_path / "index")
    library.add_paths([seeds_dir])  # a small segment, merged with the next small one
    library.add_paths([FAKES])
    library.close()
    reopened = Library(tmp_path / "index")
    try:
        assert _assert_flat_equals_whoosh(reopened) > 1000
    finally:
        reopened.close()


@pytest.mark.parametrize("text", RANKED)
def test_without_flat_postings_search_ranks_the_same(corpus_library, monkeypatch, text):
    q = _parsed(corpus_library, text)
    searcher = corpus_library._search._searcher
    with_flat = FastSearcher(searcher).rank(q, exact=True)
    monkeypatch.setattr(fast.FlatSegment, "open", classmethod(lambda cls, reader: None))
    without = FastSearcher(searcher).rank(q, exact=True)
    assert with_flat.total == without.total
    assert list(itertools.islice(with_flat.docs, 20)) == list(itertools.islice(without.docs, 20))


def test_phrases_read_their_positions_from_the_flat_postings(corpus_library, monkeypatch):
    searcher = corpus_library._search._searcher
    q = _parsed(corpus_library, '"Free Syrian Army"')
    expected = [hit.docnum for hit in searcher.search(q, limit=None)]
    fs = FastSearcher(searcher)
    ranked = fs.rank(q, exact=True)
    assert sorted(doc for doc, _ in ranked.docs) == sorted(expected)
    parts = [part for postings in fs._postings.values() if postings.values
             for part in postings.values.parts]
    assert parts and all(isinstance(part, flat.FlatPositions) for part in parts)


@pytest.mark.parametrize("damage", [b"", b"WTFLAT01", b"garbage" * 10,
                                    flat.MAGIC + b"\xff" * 8 + b"{}"])
def test_a_damaged_flat_file_is_ignored(monkeypatch, damage):
    monkeypatch.setattr(flat, "_segment_file", lambda reader: (damage, 0))
    assert FlatSegment.open(object()) is None


def test_flat_arrays_that_do_not_add_up_are_ignored(monkeypatch):
    recorder = flat._Recorder()
    from array import array
    recorder.block(array("I", [1, 2, 3]), array("f", [1.0, 2.0, 1.0]), None, None)
    recorder.term(0)
    good = recorder.to_bytes()
    monkeypatch.setattr(flat, "_segment_file", lambda reader: (good, 0))
    segment = FlatSegment.open(object())
    assert segment.postings(segment.slot(0))[0].tolist() == [1, 2, 3]
    recorder.term_ends[-1] = 2  # the term claims fewer postings than there are
    bad = recorder.to_bytes()
    monkeypatch.setattr(flat, "_segment_file", lambda reader: (bad, 0))
    assert FlatSegment.open(object()) is None


def test_a_term_is_found_in_keys_that_are_not_aligned():
    """A segment's keys are int64s wherever Whoosh put the flat postings in
    the compound file, seldom 8-byte aligned: each key is found (and a
    missing one is not), as numpy's searchsorted finds them."""
    import numpy as np

    from wartui.search.engine.flat import FlatSegment

    rng = np.random.default_rng(3)
    values = np.unique(rng.integers(0, 2**40, 5000, dtype=np.int64))
    raw = b"\0" * 4 + values.tobytes()
    keys = np.frombuffer(raw, dtype=np.int64, offset=4)
    assert not keys.flags.aligned
    empty = np.zeros(0, dtype=np.int64)
    segment = FlatSegment({"keys": keys, "term_ends": keys, "pos_ends": keys, "ids": empty,
                           "weights": empty, "counts": empty, "positions": empty})
    for i, key in enumerate(values.tolist()):
        assert segment.slot(key) == i
    for missing in (-1, 0, int(values[0]) - 1, int(values[-1]) + 1, int(values[10]) + 1):
        if missing not in set(values.tolist()):
            assert segment.slot(missing) is None
