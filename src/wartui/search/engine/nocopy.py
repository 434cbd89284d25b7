"""Open Whoosh's compound segment files without copying them into memory.

Whoosh maps a compound segment file (`*.seg`) and then wraps each file in it
in a `BufferFile`, whose `BytesIO(buffer)` copies the bytes: at 100k
articles, opening the index took ~400 MB of private memory before the first
query (plus the mapped pages the copy touched). Here each file in the
segment is read straight from the map, so only the pages a query touches are
resident, and the kernel can share or drop them.

The map itself is shared: every Library of the process that opens the same
segment file (the app has two, one per thread) reads it through one mmap, so
a page both touch is resident once, not twice. The map is closed when the
last of them closes (or, if arrays still view it, when they are gone).

`install()` patches `CompoundStorage`; Library calls it before it opens an
index. The behaviour is otherwise Whoosh's own (tests/test_index.py and the
whole suite run with it).
"""

from __future__ import annotations

import mmap
import os
import threading

from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.structfile import StructFile


class MappedSlice:
    """A read-only file over `length` bytes of an mmap, from `base`."""

    __slots__ = ("_map", "_base", "_length", "_pos", "name")

    def __init__(self, source, base: int, length: int, name: str = ""):
        self._map, self._base, self._length, self._pos = source, base, length, 0
        self.name = name

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = self._length if size is None or size < 0 else min(start + size, self._length)
        self._pos = max(start, end)
        return self._map[self._base + start:self._base + end]

    def readline(self, size: int | None = -1) -> bytes:
        start = self._pos
        newline = self._map.find(b"\n", self._base + start, self._base + self._length)
        end = self._length if newline == -1 else newline - self._base + 1
        if size is not None and size >= 0:
            end = min(end, start + size)
        return self.read(end - start)

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence == 1:
            offset += self._pos
        elif whence == 2:
            offset += self._length
        self._pos = max(0, offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        pass

    def flush(self) -> None:
        pass


_whoosh_open_file = CompoundStorage.open_file
_whoosh_init = CompoundStorage.__init__
_whoosh_close = CompoundStorage.close

# {(device, inode, size, mtime): [the map, how many storages use it]}
_maps: dict[tuple, list] = {}
_maps_lock = threading.Lock()


def _acquire(fileno: int) -> tuple[tuple, mmap.mmap]:
    info = os.fstat(fileno)
    key = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    with _maps_lock:
        entry = _maps.get(key)
        if entry is None:
            entry = _maps[key] = [mmap.mmap(fileno, 0, access=mmap.ACCESS_READ), 0]
        entry[1] += 1
        return key, entry[0]


def _release(key: tuple) -> None:
    with _maps_lock:
        entry = _maps.get(key)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] > 0:
            return
        del _maps[key]
    try:
        entry[0].close()
    except BufferError:  # numpy arrays still view it: it goes with them
        pass


def _init(self, dbfile, use_mmap=True, basepos=0):
    # Whoosh's own, but for the map: it reads the file's directory first
    _whoosh_init(self, dbfile, use_mmap=False, basepos=basepos)
    self._shared_key = None
    if not use_mmap or not hasattr(self._file, "fileno"):
        return
    try:
        self._shared_key, self._source = _acquire(self._file.fileno())
    except (OSError, ValueError):  # no map (out of address space): Whoosh's sub-files
        return
    self._file.close()
    self._file = None


def _close(self):
    key = getattr(self, "_shared_key", None)
    if key is None:
        return _whoosh_close(self)
    if self.is_closed:
        raise Exception("Already closed")  # as Whoosh says it
    self.is_closed = True
    self._source = None
    _release(key)
    if self._file:
        self._file.close()


def _open_file(self, name, *args, **kwargs):
    if self.is_closed or not self._source:
        return _whoosh_open_file(self, name, *args, **kwargs)
    offset, length = self.range(name)
    return StructFile(MappedSlice(self._source, offset, length, name), name=name)


def prefetch(reader, extensions: tuple[str, ...]) -> int:
    """Ask the kernel to read ahead, in the background, the files of a
    segment with these extensions (madvise WILLNEED on the shared map):
    when the index's pages are not in memory (a first start, or after the
    kernel dropped them), the first words typed otherwise wait for a disk
    read per term and segment. Pages already in memory cost nothing. The
    bytes asked for; 0 when the segment is not read from a map."""
    from whoosh.filedb.filestore import OverlayStorage

    storage = reader._storage
    compound = storage.a if isinstance(storage, OverlayStorage) else storage
    source = getattr(compound, "_source", None)
    if not isinstance(compound, CompoundStorage) or not isinstance(source, mmap.mmap):
        return 0
    asked = 0
    for name in compound._dir:
        if not name.endswith(extensions):
            continue
        offset, length = compound.range(name)
        start = offset - offset % mmap.PAGESIZE
        try:
            source.madvise(mmap.MADV_WILLNEED, start, length + offset - start)
        except (OSError, ValueError, AttributeError):  # (no madvise here: no read-ahead)
            return asked
        asked += length
    return asked


def install() -> None:
    CompoundStorage.open_file = _open_file
    CompoundStorage.__init__ = _init
    CompoundStorage.close = _close
