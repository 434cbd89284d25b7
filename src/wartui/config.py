"""Where things live: the index directory, the bundled seeds, the cache."""

from __future__ import annotations

import os
from pathlib import Path

INDEX_ENV = "WARTUI_INDEX"
CACHE_ENV = "WARTUI_CACHE"


def default_index_dir() -> Path:
    """`$WARTUI_INDEX`, else `./index` in the current directory."""
    return Path(os.environ.get(INDEX_ENV) or "index")


def seeds_dir() -> Path:
    """The bundled seed pages: inside the installed package (wheel), or the
    repository's `seeds/` folder (editable install, source checkout)."""
    packaged = Path(__file__).with_name("seeds")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "seeds"


def cache_dir() -> Path:
    """Where wartui keeps what it can always make again (the gazetteer's
    lookup tables): `$WARTUI_CACHE`, else `$XDG_CACHE_HOME/wartui`, else
    `~/.cache/wartui`. Deleting it is always safe."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "wartui"
