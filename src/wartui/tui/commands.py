"""The command palette (ctrl+p): open an article by id, re-index the index's
own sources (the files and folders it was built from),
refresh the index, toggle the theme, toggle "all versions" in search, and
the search screen's lists: saved searches, query history, the entities of
the results; on an article, remember it for a diff, or diff it with the one
remembered."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from .reading import safe

MAX_ID_HITS = 20


@dataclass(frozen=True)
class _Source:
    path: str
    is_dir: bool


class WartuiCommands(Provider):
    def _commands(self):
        app = self.app
        reindex_name, reindex_help = self._reindex_entry()
        commands = [
            (reindex_name, app.reindex, reindex_help),
            ("Refresh the index", app.reopen_index,
             "Reopen the index to see what another process added (f5 in search)"),
            ("Toggle theme", app.toggle_theme, "Switch between the dark and the light theme"),
            ("Toggle all versions", app.toggle_all_versions,
             "Search lists every version of a story, or one entry per story"),
            ("Saved searches", lambda: app.run_on_search("action_saved"),
             "The searches saved on this index, with what is new in each (ctrl+o)"),
            ("Save this search", lambda: app.run_on_search("action_save"),
             "Save the search on screen under a name (ctrl+s)"),
            ("Query history", lambda: app.run_on_search("action_history"),
             "The queries searched on this index, narrowed as you type (ctrl+r)"),
            ("Entities of these results", lambda: app.run_on_search("action_entities"),
             "The places, armed groups and people the results name most (e)"),
        ]
        screen = self.screen  # (the screen the palette was opened on)
        article = getattr(screen, "article", None)
        if getattr(screen, "remember_for_diff", None) is not None and article is not None:
            commands.append(("Remember this article for a diff", screen.remember_for_diff,
                             "It becomes side A: open another article and diff it (D)"))
            mark = getattr(app, "diff_mark", None)
            if mark is not None and mark[0] != screen.doc_id:
                commands.append(("Diff with the remembered article", screen.action_diff_with,
                                 f"Compare {safe(mark[0], False)} (A) with this article (B)"))
        return commands

    def _reindex_entry(self) -> tuple[str, str]:
        """(name, help) of "Re-index": the index's own sources, named with
        how many; the seeds only for an index still empty (Library.reindex)."""
        sources = getattr(self, "_sources", None)
        if sources is None:
            return ("Re-index the sources",
                    "Index the files and folders this index was built from again (only "
                    "what changed)")
        if not sources:
            return ("Re-index",
                    "This index does not name what it was built from: an empty one gets "
                    "the bundled seed reports, another says how to name its files")
        folders = sum(1 for source in sources if source.is_dir)
        files = len(sources) - folders
        count = " and ".join(part for part in (
            f"{folders} folder{'s' if folders != 1 else ''}" if folders else "",
            f"{files} file{'s' if files != 1 else ''}" if files else "") if part)
        return (f"Re-index the sources ({count})",
                safe("Again, only what changed; what is gone is removed: "
                     + ", ".join(source.path for source in sources[:3])
                     + (f" and {len(sources) - 3} more" if len(sources) > 3 else ""), False))

    async def startup(self) -> None:
        self._ids: list[str] = []
        self._sources: list | None = None  # (the index's, when it could say)
        gate = getattr(self.app, "gate", None)
        if gate is not None and getattr(self.app, "library_ready", False):
            try:
                self._ids = await gate.call(lambda lib: lib.ids())
            except Exception:  # no index yet: open-by-id has nothing to offer
                self._ids = []
            try:
                self._sources = await gate.call_aside(lambda lib: [
                    _Source(s.path, os.path.isdir(s.path)) for s in lib.sources()])
            except Exception:  # an index of an earlier wartui: "Re-index" says why
                self._sources = None

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        # Open by id: a plain substring test, which stays fast on 100k ids.
        needle = query.strip().removeprefix("open").strip().casefold()
        if len(needle) < 2:
            return
        shown = 0
        for doc_id in self._ids:
            folded = doc_id.casefold()
            if needle in folded:
                score = 1.0 if folded.startswith(needle) else 0.8
                yield Hit(score, Text(f"Open {safe(doc_id, False)}"),
                          partial(self.app.open_document, doc_id),
                          help="Open this article")
                shown += 1
                if shown >= MAX_ID_HITS:
                    return
