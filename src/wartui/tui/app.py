"""The wartui app: screens, global keys, the library gate, worker errors.

Start-up is lazy: the search screen (with its box focused) is the default
screen and shows at once; a worker then checks for the index, builds the
seed index on a first run (IndexingScreen), opens the library and tells the
search screen it may search. Nothing here imports Whoosh or opens the index
on the event loop.

Another process may index while the app is open: every WATCH_SECONDS a
worker compares the index's stamp (`Library.stamp`, on a library thread)
with the one it opened, and on a change reopens the index and searches
again (`refresh_index`; f5 on the search screen does it at once).
"""

from __future__ import annotations

import collections
import gc
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from ..errors import WartuiError
from ..textsafe import printable
from . import privates
from .commands import WartuiCommands
from .gate import LibraryGate
from .screens.document import DocumentPlace, DocumentScreen
from .screens.search import SearchScreen, SearchState
from .widgets.query_input import takes_typing
from .widgets.too_small import MIN_HEIGHT, MIN_WIDTH

THEMES = ("textual-dark", "textual-light")
WATCH_SECONDS = 2.0  # how often the app looks for another process's writes
NOT_WHILE_INDEXING = frozenset({"back", "focus_search", "help", "command_palette"})


@dataclass(frozen=True)
class Place:
    """Where the reader was when they pivoted (an entity of an article
    searched across the corpus): what escape brings back."""

    search: SearchState
    document: DocumentPlace | None


def keymap_path() -> Path:
    """$XDG_CONFIG_HOME/wartui/keymap.toml: {binding id = "keys"} to remap keys
    (for instance ones that clash with tmux)."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "wartui" / "keymap.toml"


class WartuiApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "wartui"
    COMMANDS = App.COMMANDS | {WartuiCommands}
    # Screens get -too-narrow / -too-short below the minimum (app.tcss then
    # shows the notice instead of the layout), and -wide from 100 columns.
    HORIZONTAL_BREAKPOINTS = [(0, "-too-narrow"), (MIN_WIDTH, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-too-short"), (MIN_HEIGHT, "-tall")]
    BINDINGS = [
        Binding("slash", "focus_search", "Search", show=False, id="app.focus_search",
                tooltip="Back to the search box, from any screen"),
        Binding("question_mark,f1", "help", "Help", id="app.help",
                tooltip="The keys of this screen, and the query syntax"),
        Binding("escape,q", "back", "Back", id="app.back",
                tooltip="Back one screen (q on the search screen quits)"),
        # Textual's own, shown: the way out in every state (q is a letter in the box)
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(self, index_dir: Path | None = None, gate: LibraryGate | None = None,
                 keymap: Path | None = None, ask_before_building: bool = False) -> None:
        """`ask_before_building`: the index directory was given by name
        (--index-dir, $WARTUI_INDEX): without an index there, the reader is
        asked before the seed index is built in it (a mistyped path)."""
        super().__init__()
        self.gate = gate or LibraryGate(index_dir)
        self.ask_before_building = ask_before_building
        self.keymap_file = keymap
        self.library_ready = False
        self.keymap_overrides: dict[str, str] = {}
        self._document_screen: DocumentScreen | None = None
        self.watch_seconds = WATCH_SECONDS
        self._index_stamp: tuple | None = None  # of the index as last opened
        self._index_count: int | None = None
        # What the app told the reader lately (notify), kept after the toast
        # goes: for the tests, which may look after it is gone.
        self.told: collections.deque[str] = collections.deque(maxlen=50)
        self.trail: list[Place] = []  # the places pivoted from, the last on top
        # (id, title) of the article remembered as side A of a diff (`D`)
        self.diff_mark: tuple[str, str] | None = None


    def notify(self, message, *args, **kwargs) -> None:
        self.told.append(str(message))
        super().notify(message, *args, **kwargs)
    def get_default_screen(self) -> SearchScreen:
        return SearchScreen(self.gate)

    @property
    def search_screen(self) -> SearchScreen:
        return next(s for s in self.screen_stack if isinstance(s, SearchScreen))

    # -- keymaps: remembered so that the help screen shows the keys in force ----------

    def set_keymap(self, keymap) -> None:
        self.keymap_overrides = dict(keymap)
        super().set_keymap(keymap)

    def update_keymap(self, keymap) -> None:
        self.keymap_overrides = {**self.keymap_overrides, **keymap}
        super().update_keymap(keymap)

    def load_keymap(self, path: Path) -> None:
        try:
            keymap = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as error:
            self.notify(printable(f"Ignored {path}: {error}", keep_newlines=False),
                        severity="warning", markup=False)
            return
        self.set_keymap({str(k): str(v) for k, v in keymap.items() if isinstance(v, str)})

    # -- start-up ------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.keymap_file is not None:
            self.load_keymap(self.keymap_file)
        self.run_worker(self._start(), name="start", group="start", exit_on_error=False)
        if self.watch_seconds:
            self.set_interval(self.watch_seconds, self._watch_index, name="watch-index")

    async def _start(self) -> None:
        built = None
        if not await self.gate.call(lambda lib: lib.exists()):
            from .screens.indexing import IndexingScreen

            if self.ask_before_building and not await self._may_build():
                self.exit(return_code=1)
                return
            message = built = await self.push_screen_wait(
                IndexingScreen(self.gate, first_run=True))
            self.notify(printable(message, keep_newlines=False), timeout=4, markup=False)
        stamp = await self.gate.call_aside(lambda lib: lib.stamp())  # before opening
        try:
            count = await self.gate.call(lambda lib: lib.count())  # opens the index
        except WartuiError as error:
            self._index_stamp = stamp
            # the first-run build's failure (a read-only folder) says more
            self.search_screen.library_failed(built if built and not
                                              built.startswith("Indexed") else str(error))
            return
        self._index_stamp, self._index_count = stamp, count
        self.library_ready = True
        self.search_screen.library_ready()
        # What start-up made (Textual's widgets, Whoosh's index, the modules)
        # lives as long as the app: out of the garbage collector's sight, its
        # full collections no longer pause a keystroke (~50 ms at 100k).
        self.call_after_refresh(gc.freeze)

    async def _may_build(self) -> bool:
        from .screens.no_index import NoIndexScreen

        index_dir, exists = await self.gate.call_aside(
            lambda lib: (lib.index_dir, lib.index_dir.exists()))
        return await self.push_screen_wait(NoIndexScreen(self.gate, index_dir, exists))

    # -- another process's writes --------------------------------------------------------

    def _watch_index(self) -> None:
        from .screens.indexing import IndexingScreen

        if self._index_stamp is None or not self.screen_stack:
            return  # not open yet, or closing (its screens gone, the timer not yet)
        if isinstance(self.screen, IndexingScreen):
            return  # this app is writing it
        self.run_worker(self._check_index(), name="watch-index", group="watch-index",
                        exclusive=True, exit_on_error=False)

    async def _check_index(self) -> None:
        stamp = await self.gate.call_aside(lambda lib: lib.stamp())
        if stamp != self._index_stamp:
            await self.refresh_index(announce="changes")

    async def refresh_index(self, announce: str = "always") -> None:
        """Reopen the index as it is now (another process wrote it) and search
        again. `announce`: "always" (f5), "changes" (when the count
        changed), or "never" (after this app's own re-index)."""
        stamp = await self.gate.call_aside(lambda lib: lib.stamp())
        await self.gate.reopen()
        try:
            count = await self.gate.call(lambda lib: lib.count())
        except WartuiError as error:  # being rebuilt, say: the next check tries again
            self._index_stamp = stamp
            self.search_screen.library_failed(str(error))
            return
        before = self._index_count
        self._index_stamp, self._index_count = stamp, count
        if not self.library_ready:
            self.library_ready = True
            self.search_screen.library_ready()
        else:
            self.search_screen.index_changed()
        if announce == "always" or (announce == "changes" and count != before):
            change = "" if before is None or count == before else f" ({count - before:+,})"
            self.notify(f"The index has {count:,} reports{change}.", timeout=3)

    # -- navigation, used by the screens and the palette ------------------------------

    def _to_search(self) -> SearchScreen:
        """Back to the search screen, to put the focus somewhere on it (the
        box, a query): it keeps that focus when it shows."""
        search = self.search_screen
        if self.screen is not search:
            search.keep_focus = True
        while not isinstance(self.screen, SearchScreen) and len(self.screen_stack) > 1:
            self.pop_screen()
        return search

    def open_document(self, doc_id: str, query: str = "",
                      entity_ids: set[str] | frozenset[str] = frozenset(),
                      place: DocumentPlace | None = None) -> None:
        """Open an article (`place`: as the reader left it, scrolled there)."""
        self.run_worker(self._open_document(doc_id, query, frozenset(entity_ids), place),
                        group="open-document", exclusive=True, exit_on_error=False)

    def settle_garbage(self) -> None:
        """Collect garbage now, at rest, and freeze what is left: the search
        screen calls this once its first results, the index's warm-up and
        the premounted document screen are done, whose objects live as long
        as the app. Left to itself, the collector's next full collection
        fell into the first open of an article (12-20 ms of it at 100k)."""
        gc.collect()
        gc.freeze()

    def prepare_document_screen(self) -> None:
        """Mount the DocumentScreen that opening an article reuses, before it
        is first shown (the search screen calls this once its first results
        are up): composing, mounting and styling its widgets was about half
        of the first open of an article (~100 ms against ~30 for a reopen).
        It is mounted off the screen stack, so keys still go to the screen
        shown. Textual has no public call for that; without the private one
        the first open mounts it, as before."""
        if self._document_screen is not None or not privates.can_register(self):
            return
        screen = DocumentScreen(self.gate, "", read=(None, []))  # reopen() fills it
        self._document_screen = screen
        self.install_screen(screen, name="document")
        privates.register_screen(self, screen)

    async def _open_document(self, doc_id: str, query: str, entity_ids: frozenset[str],
                             place: DocumentPlace | None = None) -> None:
        # The article is read first (~1 ms; 10 when the store's pages are
        # not in memory), then shown with the screen: one layout and paint,
        # not one of "Loading…" and another of the text (~15 ms).
        read = await DocumentScreen.read(self.gate, doc_id)
        # One installed DocumentScreen is reused (see DocumentScreen.reopen);
        # a second one only when it is already open below (document, versions,
        # then one of the versions).
        screen = self._document_screen
        if screen is not None and screen not in self.screen_stack:
            screen.reopen(doc_id, query, entity_ids, read)
        else:
            screen = DocumentScreen(self.gate, doc_id, query, entity_ids, read)
            if self._document_screen is None:
                self._document_screen = screen
                self.install_screen(screen, name="document")
        self.push_screen(screen)
        if place is not None:
            screen.restore(place)

    def open_versions(self, article, versions) -> None:
        from .screens.versions import VersionsScreen

        self.push_screen(VersionsScreen(self.gate, article, versions))

    def open_diff(self, a_id: str, b_id: str, a_title: str = "", b_title: str = "") -> None:
        from .screens.diff import DiffScreen

        self.push_screen(DiffScreen(self.gate, a_id, b_id, a_title, b_title))

    def remember_for_diff(self, doc_id: str, title: str = "") -> None:
        """Remember an article as side A of the next diff (`D`, the palette)."""
        self.diff_mark = (doc_id, title)
        self.notify(printable(f"Remembered {doc_id} for a diff: open another article and "
                              f"press D to compare it with this one.", keep_newlines=False),
                    timeout=4, markup=False)

    def diff_with_remembered(self, doc_id: str, title: str = "") -> None:
        """Diff the remembered article (A) with this one (B); remember this
        one when none is. The mark stays, to compare it with others in turn."""
        if self.diff_mark is None:
            self.remember_for_diff(doc_id, title)
        elif self.diff_mark[0] == doc_id:
            self.notify("This is the article remembered for a diff: open another one and "
                        "press D.", timeout=4)
        else:
            self.open_diff(self.diff_mark[0], doc_id, self.diff_mark[1], title)

    def search_for(self, query: str) -> None:
        self._to_search().set_query(query)

    # -- going back: escape after a pivot returns to where the reader was ----------

    def pivot(self, query: str) -> None:
        """Search the corpus for `query` from an article (an entity of it):
        the article, its scroll and the search it was opened from are kept,
        and escape on the search screen comes back to them."""
        document = self.screen if isinstance(self.screen, DocumentScreen) else None
        search = self.search_screen
        search.remember(search.query_text)
        self.trail.append(Place(search.state(),
                                document.place() if document is not None else None))
        search.clear_filters()  # the whole index; going back brings them back
        self.search_for(query)

    def go_back(self) -> None:
        """Back to the last place pivoted from: its search, then its article."""
        place = self.trail.pop()
        search = self._to_search()
        search.restore(place.search)
        if place.document is not None:
            self.open_document(place.document.doc_id, place.document.query,
                               place.document.entity_ids, place=place.document)

    def reindex(self) -> None:
        from .screens.indexing import IndexingScreen

        if isinstance(self.screen, IndexingScreen):
            return

        def done(message: str | None) -> None:
            if message:
                self.notify(printable(message, keep_newlines=False), timeout=4, markup=False)
            if self.library_ready:
                self.run_worker(self.refresh_index(announce="never"), group="watch-index",
                                exit_on_error=False)

        self._to_search()
        self.push_screen(IndexingScreen(self.gate, first_run=False), done)

    # -- the reader's tags and notes (screens/workbench.py) ------------------------------

    def edit_tags(self, ids: list[str], what: str, current: list[str] = ()) -> None:
        """`t`: add or remove tags of the articles `ids` (one, or the marked
        ones), in a box offering the tags in use."""
        self.run_worker(self._edit_tags(list(ids), what, list(current)), group="workbench",
                        exclusive=True, exit_on_error=False)

    async def _edit_tags(self, ids: list[str], what: str, current: list[str]) -> None:
        from .screens.workbench import TagScreen, changes_text

        in_use = await self.gate.call_aside(lambda lib: lib.tag_counts())

        async def apply(add: list[str], remove: list[str]) -> str:
            changed, missing = await self.gate.call(lambda lib: lib.tag(ids, add, remove))
            found = len(ids) - len(missing)
            if not found:
                raise WartuiError("This article is no longer in the index.")
            articles = f"{found} article{'s' if found != 1 else ''}"
            if not changed:
                message = (f"No change: the {articles} had these tags already "
                           f"({changes_text(add, remove)}).") if found > 1 else (
                    f"No change: the article had these tags already "
                    f"({changes_text(add, remove)}).")
            else:
                message = (f"Tagged {changed} article{'s' if changed != 1 else ''}: "
                           f"{changes_text(add, remove)}")
                if changed < found:
                    message += f" ({found - changed} had them already)"
                message += "."
            if missing:
                message += f" {len(missing)} no longer in the index."
            return printable(message, keep_newlines=False)

        def done(message: str | None) -> None:
            if message:
                self.notify(message, timeout=4, markup=False)
                self.annotations_changed(ids)

        self.push_screen(TagScreen(self.gate, what, current, in_use, apply, count=len(ids)),
                         done)

    def edit_note(self, doc_id: str, what: str) -> None:
        """`m`: the article's note, in a text area (ctrl+s saves)."""
        self.run_worker(self._edit_note(doc_id, what), group="workbench", exclusive=True,
                        exit_on_error=False)

    async def _edit_note(self, doc_id: str, what: str) -> None:
        from .screens.workbench import NoteScreen

        note = await self.gate.call_aside(lambda lib: lib.note(doc_id)) or ""

        async def apply(text: str) -> str:
            if not await self.gate.call(lambda lib: lib.set_note(doc_id, text)):
                raise WartuiError("This article is no longer in the index: the note is not "
                                  "saved.")
            if text.strip():
                return "Saved the note."
            return "Removed the note." if note.strip() else "The note is empty: nothing saved."

        def done(message: str | None) -> None:
            if message:
                self.notify(message, timeout=3, markup=False)
                self.annotations_changed([doc_id])

        self.push_screen(NoteScreen(self.gate, what, note, apply), done)

    def annotations_changed(self, ids: list[str]) -> None:
        """The reader's tags or notes of `ids` changed: the results (their
        markers, the facet line) and an article open on one of them show
        them as they are now."""
        self.search_screen.annotations_changed()
        for screen in self.screen_stack:
            if isinstance(screen, DocumentScreen) and screen.doc_id in ids:
                screen.annotations_changed()

    def toggle_theme(self) -> None:
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]

    def toggle_all_versions(self) -> None:
        self.search_screen.action_toggle_versions()

    def run_on_search(self, action: str) -> None:
        """Back to the search screen and run one of its actions (the palette)."""
        getattr(self._to_search(), action)()

    def reopen_index(self) -> None:
        """f5 on the search screen, "Refresh the index" in the palette."""
        self.run_worker(self.refresh_index(), name="refresh", group="refresh",
                        exclusive=True, exit_on_error=False)

    # -- global keys ---------------------------------------------------------------

    async def on_event(self, event) -> None:
        """Keys follow the focus. Textual hands each key to the widget that
        has the focus when the key arrives; keys that arrive together (over
        SSH, from a paste or tmux) are all queued to that widget before the
        first one runs. When the first moves the focus into a text box (`/`
        on the results or in an article), the letters after it reach the app
        unhandled, from the widget that had the focus: they are typed into
        the box instead, as the reader typed them."""
        if (isinstance(event, events.Key) and event.is_forwarded and event.is_printable
                and takes_typing(self.focused)):
            retyped = events.Key(event.key, event.character)
            retyped.set_sender(self)
            self.focused.post_message(retyped)
            return
        await super().on_event(event)

    def action_focus_search(self) -> None:
        self._to_search().focus_box()

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.gate, self.screen))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        from .screens.indexing import IndexingScreen
        from .screens.no_index import NoIndexScreen

        if isinstance(self.screen, (IndexingScreen, NoIndexScreen)) and \
                action in NOT_WHILE_INDEXING:
            return False  # the index is being written (or asked about): stay until done
        if action == "back" and len(self.screen_stack) <= 1 and not self.trail:
            return False  # nothing to go back to: not in the footer, not run
        return True

    async def action_back(self) -> None:
        """One step back: what the screen shows first (a find, the raw page,
        the entity panel: `back_step`), then the screen, then the place a
        pivot left."""
        step = getattr(self.screen, "back_step", None)
        if step is not None and step():
            return
        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif self.trail:
            self.go_back()

    # -- errors --------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.worker_failed(event.worker)

    def worker_failed(self, worker: Worker) -> None:
        """Every worker's unexpected failure ends here (the screens forward
        theirs): a notification, never a crash."""
        error = worker.error
        if isinstance(error, WartuiError):
            message = str(error)
        else:
            message = f"Something went wrong ({worker.group}): {error!r}"
            self.log.error(worker.name, repr(error))
        # an error can quote article text or ids: shown as written, never as markup
        self.notify(printable(message, keep_newlines=False), severity="error", timeout=8,
                    markup=False)

    def on_unmount(self) -> None:
        self.gate.close()


def run_app(index_dir: Path | None = None, ask_before_building: bool = False) -> int:
    """Open the app on `index_dir` ($WARTUI_INDEX, else ./index); the exit code.
    `ask_before_building`: the directory was named by the user (see WartuiApp).

    Refuses TERM=dumb (TerminalUnsupported); SIGHUP and SIGTERM end the app
    cleanly with 128 + the signal, also when the terminal is already gone
    (terminal.py)."""
    from .terminal import check_terminal, exit_on_signals, safe_driver_class

    check_terminal()
    app = WartuiApp(index_dir, keymap=keymap_path(), ask_before_building=ask_before_building)
    app.driver_class = safe_driver_class(app.driver_class)
    with exit_on_signals(app):
        app.run()
    return app.return_code or 0
