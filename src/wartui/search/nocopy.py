"""Open Whoosh's compound segment files without copying them into memory.

Whoosh maps a compound segment file (`*.seg`) and then wraps each file in it
in a `BufferFile`, whose `BytesIO(buffer)` copies the bytes: at 100k
articles, opening the index took ~400 MB of private memory before the first
query (plus the mapped pages the copy touched). Here each file in the
segment is read straight from the map, so only the pages a query touches are
resident, and the kernel can share or drop them.

`install()` patches `CompoundStorage.open_file`; Library calls it before it
opens an index. The behaviour is otherwise Whoosh's own (tests/test_index.py
and the whole suite run with it).
"""

from __future__ import annotations

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


def _open_file(self, name, *args, **kwargs):
    if self.is_closed or not self._source:
        return _whoosh_open_file(self, name, *args, **kwargs)
    offset, length = self.range(name)
    return StructFile(MappedSlice(self._source, offset, length, name), name=name)


def install() -> None:
    CompoundStorage.open_file = _open_file
