"""Whoosh's private format, behind one door.

wartui reads and writes Whoosh's segments below its public API, for speed:
postings decoded a block at a time and scored with numpy (fast.py), a flat
copy of each segment's postings written beside Whoosh's (flat.py), postings
computed by the cleaning workers and written a term at a time
(prepared.py, prepared_writer.py, blocks.py), segments read from the map
instead of copied (nocopy.py). All of that knows Whoosh's codec: its class
and attribute names, its block layout, its file header. Nothing else in
wartui may import `whoosh.codec`, `whoosh.filedb` or `whoosh.matching`
(tests/test_imports.py checks it); the rest talks to this module:

    searcher(whoosh_searcher)   the evaluator of parsed queries (rank, columns,
                                word counts, a wildcard's words, a term's documents)
    install_reading()           segments read from the map (before opening an index)
    install_writing()           flat postings and prepared postings (before writing)
    writer(ix, **options)       a Whoosh writer for the index
    indexed(schema, fields)     a document's postings, computed where it is cleaned

The layer is tested against one Whoosh distribution and version (TESTED,
pinned in pyproject.toml). At first use it checks that the installed Whoosh
is that one, and that the codec's names and header are the ones it knows;
if not, it says so once (`problem()`, shown by the CLI and the app) and
every entry point above falls back to Whoosh's own public API (plain.py):
slower, never wrong, never a crash.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import metadata

TESTED = ("whoosh3", "3.54.0")  # the distribution and version this layer is tested against
# The codec's block header: a format change shows here first.
HEADER_MAGIC = b"W3Bl"
# What the layer reaches below Whoosh's API: (module, names).
PRIVATE_NAMES = (
    ("whoosh.codec.whoosh3", ("WHOOSH3_HEADER_MAGIC", "LENGTHS_COLUMN", "W3LeafMatcher",
                              "W3FieldWriter", "W3PostingsWriter")),
    ("whoosh.codec.base", ("FieldWriter",)),
    ("whoosh.filedb.compound", ("CompoundStorage",)),
    ("whoosh.filedb.filestore", ("OverlayStorage",)),
    ("whoosh.filedb.structfile", ("StructFile",)),
    ("whoosh.util.numeric", ("byte_to_length", "length_to_byte")),
)


KNOWN_DISTRIBUTIONS = ("whoosh3", "whoosh-reloaded", "whoosh", "whoosh-ng")


def installed_whoosh() -> tuple[str, str] | None:
    """(distribution, version) of the installed package that provides the
    `whoosh` module, or None if none says it does. (The tested one is asked
    for first, by name: scanning every installed package's metadata cost a
    cold search ~10 ms.)"""
    for name in KNOWN_DISTRIBUTIONS:
        try:
            return name, metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    for distribution in metadata.distributions():
        try:
            provides = (distribution.read_text("top_level.txt") or "").split()
        except Exception:  # noqa: BLE001 - a broken metadata file: not ours to judge
            provides = []
        name = distribution.metadata.get("Name", "")
        if "whoosh" in provides or name.lower() in ("whoosh3", "whoosh-reloaded", "whoosh",
                                                    "whoosh-ng"):
            return name.lower(), distribution.version
    return None


@lru_cache(maxsize=1)
def problem() -> str | None:
    """Why the fast format layer cannot be used here, in the user's words;
    None when it can."""
    found = installed_whoosh()
    if found != TESTED:
        what = f"{found[0]} {found[1]}" if found else "an unknown Whoosh"
        return (f"the installed {what} is not {TESTED[0]} {TESTED[1]}, the Whoosh wartui is "
                "tested with: searching with Whoosh's own matchers (slower); reinstall wartui "
                "to get its pinned version")
    import importlib

    for module_name, names in PRIVATE_NAMES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            return f"Whoosh has no {module_name}: searching with Whoosh's own matchers (slower)"
        missing = [name for name in names if not hasattr(module, name)]
        if missing:
            return (f"Whoosh's {module_name} lacks {', '.join(missing)}: searching with "
                    "Whoosh's own matchers (slower)")
    from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC

    if WHOOSH3_HEADER_MAGIC != HEADER_MAGIC:
        return "Whoosh's block format is not the one wartui knows: searching with Whoosh's " \
               "own matchers (slower)"
    return None


def is_fast() -> bool:
    return problem() is None


def searcher(whoosh_searcher, postings_cache: int | None = None):
    """The evaluator of parsed queries on an open Whoosh searcher."""
    if is_fast():
        from .fast import FastSearcher

        return FastSearcher(whoosh_searcher, postings_cache)
    from .plain import PlainSearcher

    return PlainSearcher(whoosh_searcher, postings_cache)


def install_reading() -> None:
    """Segments read from the file's map, not copied into memory."""
    if is_fast():
        from . import nocopy

        nocopy.install()


def install_writing() -> None:
    """Segments written from now on get flat postings, and take the
    postings the cleaning workers computed."""
    if is_fast():
        from . import flat, prepared

        flat.install()
        prepared.install()


def writer(ix, **options):
    """A writer of the index: wartui's (prepared postings, a term at a time)
    or Whoosh's own. Raises Whoosh's LockError if another writer holds it."""
    if is_fast():
        from .prepared_writer import PreparedWriter

        return PreparedWriter(ix, **options)
    from whoosh.writing import SegmentWriter

    options.pop("limitmb", None)
    return SegmentWriter(ix, **options)


def indexed(schema, fields: dict) -> dict:
    """A document's fields with their postings computed (in a cleaning
    worker); as they are when the fast layer is off."""
    if not is_fast():
        return fields
    from .prepared import indexed as computed

    return computed(schema, fields)
