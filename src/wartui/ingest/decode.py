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

# The first bytes of compressed, archive, image, audio, document and program
# files: what ends up among scraped pages under a text file's name (a .gz
# kept as .txt, an image saved as .html). Each is binary whatever follows.
SIGNATURES = (
    b"\x1f\x8b",                      # gzip
    b"PK\x03\x04", b"PK\x05\x06",     # zip (and docx, xlsx, epub, odt)
    b"BZh1", b"BZh2", b"BZh3", b"BZh4", b"BZh5", b"BZh6", b"BZh7", b"BZh8", b"BZh9",  # bzip2
    b"\xfd7zXZ\x00",                  # xz
    b"(\xb5/\xfd",                     # zstd
    b"\x04\x22\x4d\x18",               # lz4
    b"7z\xbc\xaf\x27\x1c",              # 7-zip
    b"Rar!\x1a\x07",                   # rar
    b"\x89PNG\r\n\x1a\n",              # png
    b"\xff\xd8\xff",                   # jpeg
    b"GIF87a", b"GIF89a",              # gif
    b"II*\x00", b"MM\x00*",            # tiff
    b"\x00\x00\x01\x00",               # ico
    b"%PDF-",                          # pdf
    b"\x7fELF",                        # a program (Linux)
    b"MZ\x90\x00",                     # a program (Windows)
    b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe",  # a program (macOS)
    b"SQLite format 3\x00",
    b"OggS\x00", b"ID3\x02", b"ID3\x03", b"ID3\x04", b"fLaC\x00",  # audio
    b"\x1aE\xdf\xa3",                  # matroska, webm
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # old Office documents
)


def signature(head: bytes) -> bool:
    """Does `head` start like a known binary format (SIGNATURES; RIFF
    containers, webp and wav; ISO media, mp4 and heic)?"""
    return (head.startswith(SIGNATURES)
            or (head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"WAVE", b"AVI "))
            or head[4:8] == b"ftyp")


def _controls(sample: bytes) -> int:
    """C0 control bytes, but tab, line ends, vertical tab and form feed."""
    return sum(1 for b in sample if b < 0x09 or 0x0E <= b < 0x20)


def _invalid_utf8(sample: bytes) -> int:
    """Bytes that are not part of a valid UTF-8 sequence (a sequence cut by
    the end of the sample counts as valid)."""
    valid = len(sample.decode("utf-8", "ignore").encode("utf-8"))
    invalid = len(sample) - valid
    tail = sample[-3:]
    for cut in range(len(tail), 0, -1):  # the last bytes, a sequence cut short?
        try:
            tail[-cut:].decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.reason == "unexpected end of data" and exc.start == 0:
                return max(0, invalid - cut)
    return invalid


def looks_binary(head: bytes) -> bool:
    """True for data that is not text, from its first BINARY_SAMPLE bytes:
    a known binary format's signature; more than 10% control bytes; or
    control bytes (1% or more) among bytes that are not UTF-8 (10% or
    more), as in compressed or random data, whose control bytes alone
    (~10.5% of its bytes) fall either side of 10%.

    Text in a legacy 8-bit encoding (Windows-1252, Cyrillic, Arabic, read
    with the Windows-1252 fallback) has many bytes that are not UTF-8 but
    no control bytes; a few stray NULs in a text file are repaired (removed
    and reported).
    """
    sample = head[:BINARY_SAMPLE]
    if not sample:
        return False
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if signature(sample):
        return True
    controls = _controls(sample) / len(sample)
    if controls > 0.10:
        return True
    return controls >= 0.01 and _invalid_utf8(sample) / len(sample) >= 0.10


def clean_text(line: bytes) -> bool:
    """A line of text beyond doubt: UTF-8 (a sequence cut at its end
    allowed), without a control byte."""
    return not _controls(line) and not _invalid_utf8(line)
