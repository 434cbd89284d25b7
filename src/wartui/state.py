"""The reader's own memory of an index: the queries searched (history) and
the searches saved under a name, kept apart from the index.

In `$XDG_STATE_HOME/wartui` (else `~/.local/state/wartui`), one file each
per index, named by the index directory's path:

    history/<index>        one query a line (JSON strings), newest last
    saved/<index>.json     {"searches": [{name, query, sort, seen, opened}]}

A rebuild of the index never touches them, and an index in a folder the
reader cannot write (a shared one) still has them. Lines are appended (two
apps on one index lose nothing) and the file is rewritten, deduplicated,
when it grows past twice what is kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import asdict, replace
from pathlib import Path

from .model import SavedSearch

HISTORY_KEPT = 500  # queries per index
STATE_ENV = "XDG_STATE_HOME"


def state_dir() -> Path:
    base = os.environ.get(STATE_ENV) or Path.home() / ".local" / "state"
    return Path(base) / "wartui"


def index_key(index_dir: Path) -> str:
    """A file name for an index: its folder's name (readable) and a digest
    of its whole path (unique)."""
    path = str(Path(index_dir).absolute())
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(path).name)[:40] or "index"
    return f"{name}-{hashlib.sha1(path.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"


def _write_whole(path: Path, text: str) -> None:
    """Written whole or not at all (a second app, a kill)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


class QueryHistory:
    """The queries searched on one index, newest last, each once."""

    def __init__(self, index_dir: Path, root: Path | None = None):
        self.path = (root or state_dir()) / "history" / index_key(index_dir)

    def _lines(self) -> list[str]:
        try:
            raw = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return []
        queries = []
        for line in raw:
            try:
                query = json.loads(line)
            except ValueError:
                continue  # a line cut short by a kill, say: the others stay
            if isinstance(query, str) and query.strip():
                queries.append(query)
        return queries

    def load(self) -> list[str]:
        """Newest last; a query searched again counts where it was last."""
        return list(dict.fromkeys(reversed(self._lines())))[:HISTORY_KEPT][::-1]

    def add(self, query: str) -> None:
        """Remember `query` (a blank one is not). Never raises for a disk
        that cannot be written: history is a convenience."""
        if not query.strip():
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a+b") as file:
                cut = False  # a last line cut short (a kill) stays alone on its line
                if file.seek(0, os.SEEK_END):
                    file.seek(-1, os.SEEK_END)
                    cut = file.read(1) != b"\n"
                file.write((b"\n" if cut else b"") + json.dumps(query).encode() + b"\n")
            if len(self._lines()) > 2 * HISTORY_KEPT:
                _write_whole(self.path, "".join(json.dumps(q) + "\n" for q in self.load()))
        except OSError:
            pass


class SavedSearches:
    """Searches saved under a name, for one index."""

    def __init__(self, index_dir: Path, root: Path | None = None):
        self.path = (root or state_dir()) / "saved" / f"{index_key(index_dir)}.json"

    def load(self) -> list[SavedSearch]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return [SavedSearch(item["name"], item["query"],
                                tuple(str(f) for f in item.get("filters", ())),
                                str(item.get("sort", "relevance")), int(item.get("seen", 0)),
                                float(item.get("opened", 0.0)))
                    for item in data.get("searches", []) if isinstance(item, dict)
                    and isinstance(item.get("name"), str)
                    and isinstance(item.get("query"), str)]
        except (OSError, ValueError, TypeError, AttributeError):
            return []

    def _store(self, searches: list[SavedSearch]) -> None:
        _write_whole(self.path, json.dumps({"searches": [asdict(s) for s in searches]},
                                           indent=1, ensure_ascii=False) + "\n")

    def save(self, search: SavedSearch) -> None:
        """Add `search`, or replace the one of that name."""
        searches = [s for s in self.load() if s.name != search.name]
        self._store(searches + [search])

    def remove(self, name: str) -> None:
        self._store([s for s in self.load() if s.name != name])

    def opened(self, name: str, results: int) -> None:
        """The search was opened with `results` results: what is new is
        counted from here."""
        self._store([replace(s, seen=results, opened=time.time()) if s.name == name else s
                     for s in self.load()])
