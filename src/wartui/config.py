"""Where things live: the index directory and the bundled seeds."""

from __future__ import annotations

import os
from pathlib import Path

INDEX_ENV = "WARTUI_INDEX"


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
