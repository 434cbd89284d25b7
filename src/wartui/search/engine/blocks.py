"""Whoosh's postings block writer, compressing only the blocks worth it.

Whoosh (W3PostingsWriter._write_block) compresses every block of postings
with zlib. Here a zlib call costs ~85 us whatever the size (setting up its
state), and most blocks are small: the last, short block of each term, and
most terms have few postings. In a 5,000-article segment, 31,000 of 42,000
blocks pickle to under 512 bytes; compressing them saved 0.8 of 28 MB and
took ~2.6 s of the commit. (Whoosh means to skip blocks under 20 bytes, but
its code sets the level again right after.)

A block's info tuple says whether its data is compressed, and Whoosh's
reader (and search/fast.py) decompress only the blocks that say so: an
index written this way is read by any Whoosh.
"""

from __future__ import annotations

import zlib
from pickle import dumps

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.util.numeric import length_to_byte

# Blocks whose pickle is shorter are stored as they are.
COMPRESS_FROM = 512


def write_block(self, last: bool = False) -> None:
    """W3PostingsWriter._write_block (`self` is one), with COMPRESS_FROM."""
    postfile = self._postfile
    if not self._blockcount:
        postfile.write(WHOOSH3_HEADER_MAGIC)
    self._terminfo.add_block(self)
    data = dumps((self._mini_ids(), self._mini_weights(), self._mini_values()), 2)
    compression = self._compression if len(data) >= COMPRESS_FROM else 0
    if compression:
        data = zlib.compress(data, compression)
    ids = self._ids
    info = dumps((len(ids), ids[-1], self._maxweight, compression,
                  length_to_byte(self._minlength), length_to_byte(self._maxlength)), 2)
    length = len(info) + len(data)
    postfile.write_int(-length if last else length)  # negative: the term's last block
    postfile.write(info)
    postfile.write(data)
    self._blockcount += 1
    self._new_block()
