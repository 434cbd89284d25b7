"""Damage that would go unnoticed: checksums of the segments wartui writes,
and the checks of `wartui check` (and the quick part `index` runs first).

Bytes overwritten in the middle of a Whoosh segment can change no answer a
query gives (its blocks still decode), and SQLite reads a store whose end
was overwritten until it meets the bad page. So:

- Every segment a wartui writer commits gets its files' sizes and CRC-32s
  in `whoosh/wartui-checksums.json`, written (whole, or not at all) before
  the new TOC that lists the segment: a segment is never in the index
  without its checksums, but for segments written before wartui kept them
  (or by Whoosh alone), which are read through instead (every term's
  postings and positions, every stored document).
- The store is checked by SQLite itself (`PRAGMA quick_check`, or
  `integrity_check` in full), and its ids against Whoosh's.

The quick part (sizes, the store's quick_check) is cheap enough for every
`index` run: a damaged index is not written to.
"""

from __future__ import annotations

import json
import os
import sqlite3
import zlib
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "wartui-checksums.json"
_CHUNK = 1 << 20


def crc32(path: Path) -> int:
    value = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            value = zlib.crc32(chunk, value)
    return value


def _segment_files(storage, indexname: str, segment_id: str) -> list[str]:
    from whoosh.index import TOC

    pattern = TOC._segment_pattern(indexname)
    return sorted(name for name in storage.list()
                  if (m := pattern.match(name)) and m.group(1) == segment_id)


def load(folder: Path) -> dict[str, dict[str, list[int]]]:
    """{segment id: {file name: [size, crc32]}}; empty if there is none."""
    try:
        found = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    return found.get("segments", {}) if isinstance(found, dict) else {}


def record(storage, indexname: str, new_segment: str | None, kept: list[str]) -> None:
    """Before a commit's TOC is written: the new segment's files (its
    size and CRC-32 each) added, the segments the commit drops forgotten.
    Written to a temporary file, synced and renamed: whole or not at all."""
    folder = Path(storage.folder)
    segments = {name: files for name, files in load(folder).items() if name in kept}
    if new_segment is not None:
        segments[new_segment] = {name: [(folder / name).stat().st_size, crc32(folder / name)]
                                 for name in _segment_files(storage, indexname, new_segment)}
    partial = folder / f"{MANIFEST}.{os.getpid()}.tmp"
    try:
        with open(partial, "w") as handle:
            json.dump({"segments": segments}, handle, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(folder / MANIFEST)
    except BaseException:
        partial.unlink(missing_ok=True)  # (one a kill -9 leaves: remove_leftovers)
        raise


@dataclass
class Findings:
    """What a check found: `search` (Whoosh's side: the search index can be
    put back from the store), `store` (the article store itself), and
    `unfinished` (a run was cut short: its next run, or a repair, finishes
    it); with what was checked, for the verdict."""

    search: list[str] = field(default_factory=list)
    store: list[str] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)
    damaged_segments: list[str] = field(default_factory=list)
    segments: int = 0
    by_checksum: int = 0
    read_through: int = 0
    articles: int = 0

    @property
    def whole(self) -> bool:
        return not (self.search or self.store or self.unfinished)


def check_segments(ix, findings: Findings, full: bool) -> None:
    """Each segment of the index against its checksums: sizes (quick), or
    CRC-32s (full); in full, a segment without checksums is read through."""
    folder = Path(ix.storage.folder)
    recorded = load(folder)
    for segment in ix._segments():
        name = segment.segment_id()
        findings.segments += 1
        files = recorded.get(name)
        problem = None
        if files is not None:
            findings.by_checksum += 1
            for filename, (size, value) in sorted(files.items()):
                path = folder / filename
                try:
                    if path.stat().st_size != size:
                        problem = (f"{filename} is {path.stat().st_size:,} bytes, "
                                   f"{size:,} when written")
                    elif full and crc32(path) != value:
                        problem = f"{filename} does not match its checksum (bytes overwritten)"
                except FileNotFoundError:
                    problem = f"{filename} is missing"
                if problem:
                    break
        elif full:
            findings.read_through += 1
            problem = read_through(ix, segment)
        if problem:
            findings.search.append(f"segment {name}: {problem}")
            findings.damaged_segments.append(name)


def read_through(ix, segment) -> str | None:
    """Read every term's postings (and positions) and every stored document
    of a segment; what failed, or None."""
    from whoosh.reading import SegmentReader

    try:
        reader = SegmentReader(ix.storage, ix.schema, segment)
    except Exception as exc:  # noqa: BLE001 - Whoosh's errors on bad bytes are untyped
        return f"cannot be opened ({type(exc).__name__}: {exc})"
    try:
        for fieldname in reader.indexed_field_names():
            if fieldname not in ix.schema:
                continue
            fmt = ix.schema[fieldname].format
            positions = fmt.supports("positions")
            for term in reader.lexicon(fieldname):
                _read_postings(reader.postings(fieldname, term), fmt, positions)
        for docnum in range(reader.doc_count_all()):
            reader.stored_fields(docnum)
    except Exception as exc:  # noqa: BLE001
        return f"unreadable ({type(exc).__name__}: {exc})"
    finally:
        reader.close()
    return None


def _read_postings(matcher, fmt, positions: bool) -> None:
    """Decode a term's postings: Whoosh's blocks a block at a time (ids,
    weights, encoded positions, each position list decoded), or a term's
    few postings kept in its dictionary entry."""
    if not hasattr(matcher, "_next_block"):
        for _ in matcher.all_ids():
            pass
        return
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        if positions:
            matcher._read_values()
            for value in matcher._values:
                fmt.decode_positions(value)
        matcher._next_block()


def check_store(db: sqlite3.Connection, findings: Findings, full: bool) -> None:
    """SQLite's own check of every page and index (`quick_check` skips the
    comparison of indexes with their tables)."""
    pragma = "integrity_check" if full else "quick_check"
    try:
        rows = [row[0] for row in db.execute(f"PRAGMA {pragma}(20)")]
    except sqlite3.DatabaseError as exc:
        rows = [str(exc)]
    if rows != ["ok"]:
        findings.store.append("articles.sqlite: " + "; ".join(rows[:3])
                              + (f" (and {len(rows) - 3} more)" if len(rows) > 3 else ""))


def check_ids(indexed: dict[str, list[str]], stored: dict[str, str], interrupted: bool,
              findings: Findings) -> None:
    """Whoosh's documents against the store's articles: each article once,
    with the store's content hash; none the store lacks."""
    extra = sorted(doc_id for doc_id in indexed if doc_id not in stored)
    doubled = sorted(doc_id for doc_id, hashes in indexed.items() if len(hashes) > 1)
    missing = sorted(doc_id for doc_id in stored if doc_id not in indexed)
    stale = sorted(doc_id for doc_id, digest in stored.items()
                   if doc_id in indexed and digest not in indexed[doc_id])
    findings.articles = len(stored)
    if extra:
        findings.search.append(f"{len(extra):,} search documents have no article in the store "
                               f"(e.g. {extra[0]}): a search would list them, show not open them")
    if doubled:
        findings.search.append(f"{len(doubled):,} articles are in the search index twice "
                               f"(e.g. {doubled[0]})")
    behind = [f"{len(missing):,} articles are not in the search index yet"] if missing else []
    if stale:
        behind.append(f"{len(stale):,} have their older text there")
    if behind:
        (findings.unfinished if interrupted else findings.search).append(
            ", ".join(behind) + f" (e.g. {(missing or stale)[0]})")
