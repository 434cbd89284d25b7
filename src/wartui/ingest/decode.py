"""Bytes to text without losing anything.

Scraped corpora mix encodings inside one file: FA-KES is UTF-8 with about 120
stray Windows-1252 bytes (0x92 quotes, 0x95 bullets). A strict UTF-8 read
fails and a lossy one turns the quotes into U+FFFD, so each invalid byte is
decoded on its own as Windows-1252 instead.
"""

from __future__ import annotations

import codecs
import threading
from dataclasses import dataclass

_HANDLER = "wartui-cp1252"
# The five bytes Windows-1252 leaves undefined; they become U+FFFD, never a
# C1 control character that could reach a terminal.
_UNDEFINED_CP1252 = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def _byte_as_cp1252(byte: int) -> str:
    if byte < 0x80:
        return chr(byte)
    if byte in _UNDEFINED_CP1252:
        return "\ufffd"
    return bytes([byte]).decode("cp1252")


_counter = threading.local()  # bytes that needed the fallback, per thread


def _cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    bad = error.object[error.start : error.end]
    _counter.bytes = getattr(_counter, "bytes", 0) + len(bad)
    return "".join(_byte_as_cp1252(b) for b in bad), error.end


codecs.register_error(_HANDLER, _cp1252_fallback)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    fallback_bytes: int  # bytes that were not valid UTF-8
    nul_bytes: int  # NUL bytes removed


def decode_bytes(data: bytes) -> Decoded:
    """Decode `data`: BOMs first, then UTF-8 with a per-byte cp1252 fallback."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        text = data.decode("utf-16", errors="replace")
        encoding = "utf-16"
        fallback = 0
    else:
        encoding = "utf-8"
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        try:
            text = data.decode("utf-8")
            fallback = 0
        except UnicodeDecodeError:
            _counter.bytes = 0
            text = data.decode("utf-8", errors=_HANDLER)
            fallback = _counter.bytes
            encoding = "utf-8+cp1252"
    nuls = text.count("\x00")
    if nuls:
        text = text.replace("\x00", "")
    return Decoded(text=text, encoding=encoding, fallback_bytes=fallback, nul_bytes=nuls)


# How much of a file's start tells text from binary (looks_binary).
BINARY_SAMPLE = 8192


def looks_binary(head: bytes) -> bool:
    """True for data that is not text: many NULs or control bytes early on.

    A few stray NULs in a text file are repaired (removed and reported); a
    file whose first 8 KB is more than 10% NUL or control bytes is binary.
    """
    sample = head[:BINARY_SAMPLE]
    if not sample:
        return False
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    controls = sum(1 for b in sample if b < 0x09 or 0x0E <= b < 0x20)
    return controls / len(sample) > 0.10
