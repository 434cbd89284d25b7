"""Each segment's postings also as plain arrays, written beside Whoosh's own.

Whoosh stores a term's postings as blocks of 128, each a zlib-compressed
pickle of (ids, weights, positions), and each posting's positions a pickle
of its own. Reading a block costs ~70 us, and a posting's positions ~1.4 us:
at 100k articles that decoding was about 60% of a query's time (cProfile
over bench/run.py's queries). So while Whoosh writes a segment, what it
writes is also kept (ids and weights are already flat arrays in its postings
writer; positions are decoded once, remembered by their bytes, as most
lists are alike) and saved as one more file of the segment, `.fpo`:

    magic, JSON header, then little-endian arrays:
    keys        int64  [terms]   the term's offset in Whoosh's postings file
                                  (its TermInfo says which term it is)
    term_ends   int64  [terms]   end of the term's postings in ids/weights/counts
    pos_ends    int64  [terms]   end of the term's positions in positions
    ids         uint16|uint32    segment document numbers, ascending per term
    weights     float16|float32  Whoosh's weights (float32 there)
    counts      uint8|16|32      positions per posting (0: a field without them)
    positions   uint16|uint32    each posting's word positions, ascending

The file goes into the compound segment with Whoosh's files, so it is
committed, merged away and deleted with its segment. Reading maps it: a term
is a binary search and a few array views.

Whoosh's format stays the truth: a segment without this file (an index built
before it, or by Whoosh alone), or a file that does not check out, is read
from Whoosh's blocks as before (search/fast.py), with the same results.
"""

from __future__ import annotations

import json
import struct
from bisect import bisect_left
from array import array

import numpy as np
from whoosh.codec.whoosh3 import W3FieldWriter, W3PostingsWriter
from whoosh.fields import ID
from whoosh.formats import Positions
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import OverlayStorage

from .blocks import write_block

EXT = ".fpo"
MAGIC = b"WTFLAT02"
# Whoosh's postings writer keeps ids in an array("I"), weights in array("f").
_NATIVE_IDS = np.dtype(f"=u{array('I').itemsize}")
_ARRAYS = ("keys", "term_ends", "pos_ends", "ids", "weights", "counts", "positions")
# Decoded position lists, by their bytes: most are alike ([3], [17], ...).
_REMEMBERED = 200_000


# -- writing: record what Whoosh's postings writer writes ---------------------------

class _Recorder:
    """The postings of one segment being written, as Whoosh writes them."""

    def __init__(self):
        self.ids: list[bytes] = []
        self.weights: list[bytes] = []
        self.counts = array("I")
        self.positions = array("I")
        self.keys: list[int] = []
        self.term_ends: list[int] = []
        self.pos_ends: list[int] = []
        self.postings = 0
        self._decoded: dict[bytes, tuple[int, ...]] = {}

    def block(self, ids: array, weights: array, values: list[bytes] | None, fmt) -> None:
        """One block of postings; `values` (encoded positions) when `fmt` is
        Whoosh's Positions format, else None."""
        self._ids_and_weights(ids, weights)
        if values is None:
            self.counts.extend(bytes(len(ids)))  # zeros
            return
        decoded, decode = self._decoded, fmt.decode_positions
        if len(decoded) > _REMEMBERED:
            decoded.clear()
        for value in values:
            found = decoded.get(value)
            if found is None:
                # (a tuple: the garbage collector stops tracking it)
                found = decoded[value] = tuple(decode(value))
            self.counts.append(len(found))
            self.positions.extend(found)

    def decoded_block(self, ids: array, weights: array, counts: np.ndarray,
                      positions: np.ndarray) -> None:
        """One block of postings of a Positions field, its positions already
        decoded (search/prepared_writer.py): each posting's count, then all
        of them in turn."""
        self._ids_and_weights(ids, weights)
        self.counts.frombytes(counts.astype(_NATIVE_IDS).tobytes())
        self.positions.frombytes(positions.astype(_NATIVE_IDS).tobytes())

    def _ids_and_weights(self, ids: array, weights: array) -> None:
        self.ids.append(ids.tobytes())
        self.weights.append(weights.tobytes())
        self.postings += len(ids)

    def term(self, key: int) -> None:
        self.keys.append(key)
        self.term_ends.append(self.postings)
        self.pos_ends.append(len(self.positions))

    def to_bytes(self) -> bytes:
        ids = np.frombuffer(b"".join(self.ids), dtype=_NATIVE_IDS)
        weights = np.frombuffer(b"".join(self.weights), dtype=np.float32)
        halves = weights.astype("<f2")
        if np.array_equal(halves.astype(np.float32), weights):  # small whole numbers: exact
            weights = halves
        arrays = {
            "keys": np.asarray(self.keys, dtype="<i8"),
            "term_ends": np.asarray(self.term_ends, dtype="<i8"),
            "pos_ends": np.asarray(self.pos_ends, dtype="<i8"),
            "ids": _narrow(ids, ("<u2", "<u4")),
            "weights": weights.astype(weights.dtype.newbyteorder("<")),
            "counts": _narrow(np.frombuffer(self.counts, dtype=_NATIVE_IDS), ("<u1", "<u2", "<u4")),
            "positions": _narrow(np.frombuffer(self.positions, dtype=_NATIVE_IDS), ("<u2", "<u4")),
        }
        layout, offset = {}, 0
        for name in _ARRAYS:
            layout[name] = [offset, arrays[name].dtype.str, len(arrays[name])]
            offset += _padded(arrays[name].nbytes)
        header = json.dumps({"arrays": layout}).encode()
        parts = [MAGIC, struct.pack("<Q", len(header)), header,
                 b"\0" * (_padded(len(header)) - len(header))]
        for name in _ARRAYS:
            data = arrays[name].tobytes()
            parts += [data, b"\0" * (_padded(len(data)) - len(data))]
        return b"".join(parts)


def _narrow(values: np.ndarray, dtypes: tuple[str, ...]) -> np.ndarray:
    """`values` in the first of `dtypes` that holds them all."""
    top = int(values.max()) if len(values) else 0
    for dtype in dtypes:
        if top <= np.iinfo(np.dtype(dtype)).max:
            return values.astype(dtype)
    raise ValueError(f"{top} does not fit in {dtypes[-1]}")


def _padded(n: int) -> int:
    return (n + 7) & ~7


_whoosh_start_field = W3FieldWriter.start_field
_whoosh_close = W3FieldWriter.close
_whoosh_write_block = W3PostingsWriter._write_block
_whoosh_finish_postings = W3PostingsWriter.finish_postings


def _start_field(self, fieldname, fieldobj):
    _whoosh_start_field(self, fieldname, fieldobj)
    recorder = self.__dict__.setdefault("_flat", _Recorder())
    # ID fields (id, path, hashes) have one posting a term: nothing to gain.
    self._postwriter._flat = None if isinstance(fieldobj, ID) else recorder


def _close(self):
    recorder = self.__dict__.pop("_flat", None)
    if recorder is not None and not self.is_closed:
        out = self._create_file(EXT)
        out.write(recorder.to_bytes())
        out.close()
    _whoosh_close(self)


def _write_block(self, last=False):
    recorder = self._flat
    decoded = self.__dict__.pop("_flat_decoded", None)  # (prepared_writer.py)
    if recorder is not None:
        positional = type(self._format) is Positions
        if positional and decoded is not None:
            recorder.decoded_block(self._ids, self._weights, *decoded)
        else:
            recorder.block(self._ids, self._weights, self._values if positional else None,
                           self._format)
    write_block(self, last)  # Whoosh's block, compressed if worth it (blocks.py)


def _finish_postings(self):
    recorder = self._flat
    terminfo = _whoosh_finish_postings(self)
    if recorder is not None and terminfo._inlined is None:
        recorder.term(terminfo._offset)
    return terminfo


def install() -> None:
    """Record flat postings for every segment written from now on."""
    if W3FieldWriter.start_field is _start_field:
        return
    W3PostingsWriter._flat = None
    W3FieldWriter.start_field = _start_field
    W3FieldWriter.close = _close
    W3PostingsWriter._write_block = _write_block
    W3PostingsWriter.finish_postings = _finish_postings


# -- reading ------------------------------------------------------------------------

class FlatSegment:
    """The flat postings of one segment, read from the map."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        for name in _ARRAYS:
            setattr(self, name, arrays[name])
        # The keys, searched as Python sees them: they are int64s but seldom
        # 8-byte aligned in the compound file (wherever Whoosh put the .fpo),
        # and numpy's searchsorted copied the whole unaligned array at each
        # call (a cold search's first terms: ~0.2 ms a segment).
        self._keys = memoryview(self.keys.view(np.uint8)).cast("q")  # (from bytes: numpy's "=q")

    @classmethod
    def open(cls, reader) -> FlatSegment | None:
        """The segment's flat postings; None if it has none or they do not
        check out (then Whoosh's blocks are read instead)."""
        try:
            buffer, base = _segment_file(reader)
            if buffer is None:
                return None
            return cls(_parse(buffer, base))
        except (ValueError, KeyError, TypeError, struct.error, OSError):
            return None

    def slot(self, key: int) -> int | None:
        keys = self._keys
        i = bisect_left(keys, key)
        return i if i < len(keys) and keys[i] == key else None

    def postings(self, slot: int) -> tuple[np.ndarray, np.ndarray]:
        postings = _span(self.term_ends, slot)
        return self.ids[postings], self.weights[postings]

    def word_positions(self, slot: int) -> FlatPositions:
        return FlatPositions(self.counts[_span(self.term_ends, slot)],
                             self.positions[_span(self.pos_ends, slot)])


def _span(ends: np.ndarray, slot: int) -> slice:
    """The term's part of an array, from the array of where each term ends."""
    return slice(int(ends[slot - 1]) if slot else 0, int(ends[slot]))


def _segment_file(reader):
    """(buffer, offset) of the segment's .fpo file, without copying when the
    segment is a compound file (as wartui writes them)."""
    segment, storage = reader._segment, reader._storage
    name = segment.make_filename(EXT)
    if isinstance(storage, OverlayStorage) and isinstance(storage.a, CompoundStorage):
        compound = storage.a
        if name in compound._dir and compound._source:
            return compound._source, compound.range(name)[0]
        storage = storage.b
    if not storage.file_exists(name):
        return None, 0
    f = storage.open_file(name)
    try:
        return f.read(), 0
    finally:
        f.close()


def _parse(buffer, base: int) -> dict[str, np.ndarray]:
    if bytes(buffer[base:base + len(MAGIC)]) != MAGIC:
        raise ValueError("not a flat postings file")
    (length,) = struct.unpack("<Q", buffer[base + 8:base + 16])
    header = json.loads(bytes(buffer[base + 16:base + 16 + length]))
    start = base + 16 + _padded(length)
    arrays = {}
    for name in _ARRAYS:
        offset, dtype, count = header["arrays"][name]
        arrays[name] = np.frombuffer(buffer, dtype=np.dtype(dtype), count=count,
                                     offset=start + offset)
    terms = len(arrays["keys"])
    if not (len(arrays["term_ends"]) == len(arrays["pos_ends"]) == terms
            and len(arrays["ids"]) == len(arrays["weights"]) == len(arrays["counts"])
            and (not terms or (arrays["term_ends"][-1] == len(arrays["ids"])
                               and arrays["pos_ends"][-1] == len(arrays["positions"])))):
        raise ValueError("flat postings do not add up")
    return arrays


class FlatPositions:
    """One term's positions in one segment, per posting."""

    def __init__(self, counts: np.ndarray, positions: np.ndarray):
        self.counts, self.positions = counts, positions
        self._ends: np.ndarray | None = None

    def __getitem__(self, i: int) -> list[int]:
        """The word positions of the term's i-th posting in the segment."""
        if self._ends is None:  # once per term, when a phrase first asks
            self._ends = np.cumsum(self.counts, dtype=np.int64)
        end = int(self._ends[i])
        return self.positions[end - int(self.counts[i]):end].tolist()
