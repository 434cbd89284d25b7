"""The first screen: a query box, results as you type, facets of the hits.

Searching as you type, without a fixed delay: each keystroke starts a search
worker in the "search" group, which replaces the one before it. The gate runs
one library call at a time, so a replaced search that has not started never
runs and one that is running has its answer dropped; the index never works
through a queue of stale queries, and on a fast index every keystroke shows
its own results at once. The facet line (counts by source, the sparkline of
hits per month) is secondary, so it waits for a pause in the typing
(FACETS_DEBOUNCE) and is cached by query. It is counted from the matches the
search left with the library (quick, on the search thread), or, when the
search only estimated its total (a phrase over many candidates, whose every
candidate must then be checked), aside from the searches
(`LibraryGate.call_aside`).

The box's text is read as being typed (search/syntax.py): its last word is a
prefix until a space follows it. Under the box, the filter chips picked from
the facet line (tab moves into them); up/down in the empty box and ctrl+r
recall earlier queries (kept per index by the library); ctrl+s saves the
search, ctrl+o opens the saved ones; e on the results browses the entities
they name.

The workbench, on the results: space marks a result (the marks stay across
queries, as fzf's --multi keeps them; u clears them), t tags the highlighted
result or the marked ones, m writes the highlighted one's note, x exports
every result (or the marked ones) to a file.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Input, Static

from ...errors import KeepTyping, QueryError, WartuiError
from ...model import EXACT, Facets, SearchResults, lists_everything, total_text
from ..filters import Filter, facet_filters, from_text, query_filters, with_filter
from ..reading import safe
from ..recall import Recall
from ..widgets.chips import ChipBar
from ..widgets.facets import FacetBar
from ..widgets.footer import KeyFooter
from ..widgets.query_input import QueryInput
from ..widgets.results import ResultList
from .base import WartuiScreen, focus_now

# Results are fetched a screenful at a time: the core builds a snippet for every
# hit it returns (about 2 ms each), so fetching only what shows keeps each
# keystroke fast; moving near the end of the list fetches PAGE more.
PAGE = 20
RESULT_HEIGHT = 4  # lines per result: title, source and date, two of snippet
# Seconds of quiet typing before the facets are counted: counting costs time in
# proportion to the hits (half a second for 100,000 on a laptop), and while it
# runs it competes with the next search for the interpreter, so many hits wait
# for a clearer pause.
FACETS_DEBOUNCE = 0.15
FACETS_DEBOUNCE_PER_HIT = 0.6 / 100_000
FACETS_CACHED = 64  # queries whose facets are kept (backspacing finds them again)
PLACEHOLDER = 'Search reports: words, "a phrase", OR, -word, date:2018-04 … (F1: help)'
SORTS = ("relevance", "date", "oldest")  # ctrl+t goes round them
SORT_NAMES = {"relevance": "by relevance", "date": "newest first", "oldest": "oldest first"}
WORKBENCH_ACTIONS = frozenset({"tag", "note", "mark", "unmark", "export"})


@dataclass(frozen=True)
class SearchState:
    """What the search screen shows, to come back to (app.go_back)."""

    query: str
    sort: str
    all_versions: bool
    highlighted: int | None
    filters: tuple[Filter, ...] = ()
    typing: bool = True  # its last word read as a prefix (Request.typing)


@dataclass(frozen=True)
class Request:
    query: str
    sort: str = "relevance"
    all_versions: bool = False
    limit: int = 0  # 0: a screenful
    # typed in the box: its last word is a prefix; a query the app put there
    # whole (an entity's, the palette's, one gone back to) is searched as written
    typing: bool = True
    filters: tuple[str, ...] = ()  # the chips', as Library.search takes them


class SearchScreen(WartuiScreen):
    HELP_TITLE = "Search"
    HELP_WIDGETS = (ResultList, FacetBar, ChipBar)
    BINDINGS = [
        # (in the box q is a letter: the footer shows ctrl+q there)
        Binding("q", "quit", "Quit", id="search.quit"),
        Binding("e", "entities", "Entities", id="search.entities",
                tooltip="The places, armed groups and people these results name most"),
        # the workbench (on the results: letters in the box); before the keys of
        # the box in the footer, which has room for the first few at 80 columns
        Binding("t", "tag", "Tag", id="search.tag",
                tooltip="On the results: add or remove tags (+tag -tag) of this result, or of "
                        "the marked ones"),
        Binding("m", "note", "Note", show=False, id="search.note",
                tooltip="On the results: write the note of this result (ctrl+s saves it)"),
        Binding("space", "mark", "Mark", id="search.mark",
                tooltip="On the results: mark this result or unmark it; t and x then take "
                        "the marked ones (the marks stay when the query changes)"),
        Binding("x", "export", "Export", id="search.export",
                tooltip="On the results: write every result (not only those loaded), or the "
                        "marked ones, to a .csv, .jsonl or .md file"),
        Binding("u", "unmark", "Unmark", id="search.unmark",
                tooltip="On the results: clear the marks"),
        Binding("down", "down", "Results", show=False, id="search.results",
                tooltip="From the box into the results (a recalled query: the next one)"),
        Binding("up", "history_back", "Earlier query", show=False, id="search.history_back",
                tooltip="In the empty box: the queries searched before, newest first"),
        Binding("ctrl+r", "history", "History", show=False, id="search.history",
                tooltip="Find an earlier query by its words"),
        Binding("ctrl+t", "toggle_sort", "Sort", id="search.sort",
                tooltip="By relevance, newest first, oldest first"),
        Binding("ctrl+g", "toggle_versions", "All versions", id="search.all_versions",
                tooltip="Every version of a story, or one entry per story"),
        Binding("ctrl+s", "save", "Save", show=False, id="search.save",
                tooltip="Save this search (its query, filters and sort) under a name"),
        Binding("ctrl+o", "saved", "Saved", id="search.saved",
                tooltip="The saved searches, with the reports new since each was opened"),
        Binding("f5", "refresh", "Refresh", show=False, id="search.refresh",
                tooltip="Reopen the index to see what another process added (checked "
                        "every few seconds anyway)"),
    ]

    sort: reactive[str] = reactive("relevance", init=False)
    all_versions: reactive[bool] = reactive(False, init=False)

    def __init__(self, gate) -> None:
        super().__init__(gate)
        self.ready = False  # the app says when the library is open
        self._warmed = False  # the first search's arrays loaded (Library.warm)
        self.shown: Request | None = None  # the request whose results are on screen
        self._facets_timer: Timer | None = None
        self._facets: OrderedDict[tuple[str, bool], Facets] = OrderedDict()
        # the query the listed results were searched as (chem*: what an
        # article opened from them marks)
        self.listed_query = ""
        self._searched = ""  # the same, when it differs from the box's text
        self._highlight: int | None = None  # the result to highlight (a state restored)
        self._set_whole: str | None = None  # the query the app put in the box, as it is
        # the app brought this screen back to put the focus somewhere (the box,
        # a query): it stays there when the screen shows
        self.keep_focus = False
        self._suggested: tuple[object, str] | None = None  # (request, "did you mean" query)
        self.filters: tuple[Filter, ...] = ()  # picked from the facet line, as chips
        self._status_shown: tuple[Text, str] = (Text(), "")  # the line, without the marks
        self.recall = Recall()  # earlier queries (the library's history, once open)

    def compose_body(self) -> ComposeResult:
        yield QueryInput(placeholder=PLACEHOLDER, id="query", select_on_focus=False)
        yield ChipBar(id="chips")
        yield Static("Opening the index…", id="status")
        yield FacetBar(id="facets")
        yield ResultList(id="results")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#query", Input).focus()

    def on_screen_resume(self) -> None:
        # Back from an article: the focus goes to the results, not to the box,
        # so that q (or a letter) never types into the query (Textual gives it
        # back to the box that had it). A query put in the box (an entity's,
        # the palette's, `/`) keeps it there. (WartuiScreen's handler runs after.)
        keep, self.keep_focus = self.keep_focus, False
        results = self.query_one(ResultList)
        if not keep and results.option_count and self.focused is not results:
            results.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        in_box = isinstance(self.focused, Input)
        if action in ("quit", "entities"):
            # q and e are letters in the box: not shown there (ctrl+q is)
            return not in_box
        if action in WORKBENCH_ACTIONS:
            # on the results only (letters in the box; x and space the facet line's there)
            if not isinstance(self.focused, ResultList):
                return False
            return bool(self.query_one(ResultList).marked) if action == "unmark" else True
        if action == "history_back":
            # up in the box: only when empty, or on a query recalled
            return in_box and (not self.query_text or self.recall.recalling(self.query_text))
        return True

    async def action_quit(self) -> None:
        await self.app.action_quit()

    # -- the request on screen -------------------------------------------------------

    @property
    def query_text(self) -> str:
        return self.query_one("#query", Input).value

    @property
    def shown_query(self) -> str | None:
        """The query whose results are on screen (None before the first)."""
        return self.shown.query if self.shown else None

    def _request(self, limit: int = 0) -> Request:
        return Request(self.query_text, self.sort, self.all_versions,
                       limit or self._screenful(), self.query_text != self._set_whole,
                       query_filters(self.filters))

    def _screenful(self) -> int:
        return max(8, self.query_one(ResultList).size.height // RESULT_HEIGHT + 3)

    def _is_current(self, request: Request) -> bool:
        """Is `request` for what the box and the toggles say now (any limit)?"""
        return (replace(request, limit=0, typing=True)
                == replace(self._request(), limit=0, typing=True))

    # -- public: used by the app -----------------------------------------------------

    def library_ready(self) -> None:
        self.ready = True
        self.search()
        self.run_job(self._load_history, group="history")

    async def _load_history(self) -> None:
        try:
            queries = await self.gate.call_aside(lambda lib: lib.history())
        except WartuiError:
            return
        self.recall = Recall(queries + [q for q in self.recall.queries if q not in queries])

    def remember(self, query: str) -> None:
        """`query` was searched for good (a result opened, enter, a pivot,
        saved): kept in the index's history, for up and ctrl+r."""
        if not query.strip() or (self.recall.queries and self.recall.queries[-1] == query):
            return
        self.recall.add(query)
        self.run_job(self._remember, query, group="remember", exclusive=False)

    async def _remember(self, query: str) -> None:
        try:
            await self.gate.call_aside(lambda lib: lib.remember(query))
        except WartuiError:
            pass

    def library_failed(self, message: str) -> None:
        self._status(Text(safe(message, keep_newlines=False)), "-error")

    def index_changed(self) -> None:
        """The index was written (re-index): what was counted is stale."""
        self._facets.clear()
        self._warmed = False  # a reopened index: its arrays are not loaded
        self.search()

    def set_query(self, query: str, typed: bool = False) -> None:
        """Search for `query`, whole (the entity panel, the palette): not
        read as being typed until it is edited. `typed`: as it was typed (a
        query from the history: its last word was a prefix then, too)."""
        box = self.query_one("#query", QueryInput)
        self._set_whole = None if typed else box.validate_value(query)
        changed = box.value != box.validate_value(query)
        box.value = query
        box.cursor_position = len(box.value)  # the value is `query` made visible
        box.focus()
        if not changed:  # a new value searches through Input.Changed: once
            self.search()

    def state(self) -> SearchState:
        return SearchState(self.query_text, self.sort, self.all_versions,
                           self.query_one(ResultList).highlighted, self.filters,
                           self.query_text != self._set_whole)

    def restore(self, state: SearchState) -> None:
        """Show `state` again: its query, filters, sort and versions
        searched, the result that was highlighted highlighted, the results
        focused."""
        self.set_reactive(SearchScreen.sort, state.sort)
        self.set_reactive(SearchScreen.all_versions, state.all_versions)
        self._set_filters(state.filters, search=False)
        self._highlight = state.highlighted
        box = self.query_one("#query", QueryInput)
        self._set_whole = None if state.typing else box.validate_value(state.query)
        changed = box.value != box.validate_value(state.query)
        box.value = state.query
        box.cursor_position = len(box.value)
        self.query_one(ResultList).focus()
        if not changed:
            self.search()

    def focus_box(self) -> None:
        focus_now(self.query_one("#query", Input))

    def search(self, limit: int = 0) -> None:
        if not self.ready:
            return
        if self._facets_timer is not None:
            self._facets_timer.stop()
        self.run_job(self._search, self._request(limit), group="search")

    # -- searching -------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.search()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.remember(self.query_text)
        hit = self.query_one(ResultList).highlighted_hit()
        if hit is None and self._suggested is not None and self._suggested[0] is self.shown:
            self.set_query(self._suggested[1])  # "Did you mean X?": enter searches X
            return
        if hit is None and self.shown is not None and self._is_current(self.shown) \
                and self.query_text.strip():
            # enter finishes the last word: "did you mean", if no result
            self.run_job(self._suggest, self.shown, False, group="suggest")
            return
        self._open(hit)

    async def _search(self, request: Request) -> None:
        try:
            # typing: the last word is a prefix (search/syntax.py)
            results = await self.gate.call(lambda lib: lib.search(
                request.query, limit=request.limit, sort=request.sort,
                all_versions=request.all_versions, typing=request.typing,
                filters=request.filters))
        except KeepTyping as error:
            if self._is_current(request):  # the results shown stay: no flicker to nothing
                self._keep_typing(request, str(error))
                self.paint_now()
            return
        except QueryError as error:
            if self._is_current(request):
                self._show_error(request, str(error))
                self.paint_now()
            return
        if self._is_current(request):  # else the box moved on: drop the answer
            self._show_results(request, results)
            self.paint_now()
            if not self._warmed:  # the first results are up: warm the next search
                self._warmed = True
                self.run_job(self._warm, group="warm")
                self.app.prepare_document_screen()  # and the first open
            if not results.total and request.query.strip() and not request.filters:
                # "Did you mean" reads the index's vocabulary: aside, after
                # "No results." shows, so the next keystroke's search never waits.
                # Only for finished words: the one being typed is left alone.
                self.run_job(self._suggest, request, request.typing, group="suggest")

    async def _warm(self) -> None:
        # a piece at a time: a search typed meanwhile waits for one piece (a
        # field's lengths or a segment's arrays), not for all of them
        part = 0
        try:
            slower = await self.gate.call(lambda lib: lib.slower_search())
            if slower:  # (once a session: this runs after the first results only)
                self.notify(slower, severity="warning", timeout=12, markup=False)
            while await self.gate.call(lambda lib, part=part: lib.warm(part)):
                part += 1
        except WartuiError:
            return  # (an index being rebuilt, say: the search that needs it says so)
        self.app.settle_garbage()

    async def _suggest(self, request: Request, typing: bool = True) -> None:
        try:
            suggestion = await self.gate.call_aside(lambda lib: lib.suggest(request.query,
                                                                            typing=typing))
        except WartuiError:
            return
        if suggestion and self.shown is request and self._is_current(request):
            text = Text("No results. Did you mean ")
            text.append(safe(suggestion.strip(), keep_newlines=False), style="bold underline")
            text.append("? (enter searches it)" if self.query_one("#query", Input).has_focus
                        else "?")
            self._status(text, "-empty")
            self._suggested = (request, suggestion.strip())

    def _keep_typing(self, request: Request, message: str) -> None:
        """A prefix too short to search: the results shown stay, and say so."""
        text = Text(safe(message, keep_newlines=False))
        if self.shown is not None and self.query_one(ResultList).hits:
            text.append(" (the results of ")  # (of that query and the chips)
            text.append(safe(self.listed_query.strip() or "everything", keep_newlines=False),
                        style="bold")
            text.append(" stay)")
        self._status(text, "-empty")
        self.shown = request

    def _show_results(self, request: Request, results: SearchResults) -> None:
        more = (self.shown is not None and request.limit > self.shown.limit
                and self._is_current(self.shown))
        # Versions are collapsed after the fetch: a full page means there may be more.
        has_more = len(results.hits) >= request.limit
        results_list = self.query_one(ResultList)
        results_list.show_hits(results.hits, has_more, keep_highlight=more)
        if self._highlight is not None and results.hits:
            results_list.highlighted = min(self._highlight, len(results.hits) - 1)
            self._highlight = None
        self.shown = request
        self.listed_query = results.searched or request.query
        self._searched = results.searched if results.searched != request.query else ""
        if results.total:
            self._status(self._header(request, results.total, results.total_kind,
                                      self._searched), "")
        else:
            self._status(Text("No results."), "-empty")
        if more:
            return
        if results.total or self.filters:  # (the line is counted without the chips)
            delay = FACETS_DEBOUNCE + results.total * FACETS_DEBOUNCE_PER_HIT
            exact = results.total_exact
            self._facets_timer = self.set_timer(delay,
                                                lambda: self._count_facets(request, exact))
        else:
            self.query_one(FacetBar).clear()

    @staticmethod
    def _header(request: Request, total: int, kind: str = EXACT, searched: str = "") -> Text:
        """"1,234 reports · by relevance · one per story" ("about" or "at
        least" while a phrase's total is estimated; the facet count makes it
        exact), with "for chem*" when the query was searched otherwise than
        written (a word being typed is a prefix)."""
        text = Text()
        text.append(total_text(total, kind, "report"), style="bold")
        if searched.strip():
            text.append(" for ")
            text.append(safe(searched.strip(), keep_newlines=False), style="italic")
        sort = request.sort
        if sort == "relevance" and lists_everything(request.query):
            sort = "date"  # everything: newest first
        text.append(" · " + SORT_NAMES[sort])
        text.append(" · " + ("every version" if request.all_versions else "one per story"))
        return text

    def _show_error(self, request: Request, message: str) -> None:
        self.query_one(ResultList).show_hits([])
        self.query_one(FacetBar).clear()
        self._status(Text(safe(message, keep_newlines=False)), "-error")
        self.shown = request

    def _status(self, text: Text, kind: str) -> None:
        self._status_shown = (text, kind)
        marked = len(self.query_one(ResultList).marked)
        if marked:  # (kept across queries: said on every line)
            text = text.copy()
            text.append(" · ")
            text.append(f"{marked:,} marked", style="bold")
        status = self.query_one("#status", Static)
        status.update(text)
        status.set_class(kind == "-error", "-error")
        status.set_class(kind == "-empty", "-empty")

    def _facet_key(self, request: Request) -> tuple:
        """What the facet line of `request` is counted for: its query, and
        of its filters only the sources left out (facets.py)."""
        return request.query, request.typing, facet_filters(self.filters)

    def _count_facets(self, request: Request, exact: bool = True) -> None:
        if not self._is_current(request):
            return
        cached = self._facets.get(self._facet_key(request))
        if cached is not None:
            self._show_facets(request, cached)
        else:
            self.run_job(self._count, request, exact, group="facets")

    async def _count(self, request: Request, exact: bool = True) -> None:
        # An exact search left its matches with the library: counting them is
        # quick, on the search thread. A phrase over many candidates must
        # check them all first: aside, so that the next search never waits.
        # (With sources or dates picked, the line is counted without them.)
        key = self._facet_key(request)
        exact = exact and key[2] == request.filters
        call = self.gate.call if exact else self.gate.call_aside
        try:
            facets = await call(lambda lib: lib.facets(request.query, typing=request.typing,
                                                       filters=key[2]))
        except WartuiError:
            facets = None
        if facets is not None:
            self._facets[key] = facets
            while len(self._facets) > FACETS_CACHED:
                self._facets.popitem(last=False)
        if self._is_current(request):
            if facets is None:
                self.query_one(FacetBar).clear()
            else:
                self._show_facets(request, facets)

    def _show_facets(self, request: Request, facets: Facets) -> None:
        self.query_one(FacetBar).show(facets, self.filters)
        counted_alike = self._facet_key(request)[2] == request.filters
        if facets.total and self.shown is request and counted_alike:  # the exact count
            self._status(self._header(request, facets.total, EXACT, self._searched), "")

    # -- the results -----------------------------------------------------------------

    def on_result_list_opened(self, event: ResultList.Opened) -> None:
        self._open(event.hit)

    def on_result_list_want_more(self, event: ResultList.WantMore) -> None:
        if self.shown is not None and self._is_current(self.shown):
            self.search(limit=len(self.query_one(ResultList).hits) + PAGE)

    def on_result_list_left_top(self, event: ResultList.LeftTop) -> None:
        self.focus_box()

    def _open(self, hit) -> None:
        if hit is None:
            self.notify("No result to open.", severity="warning")
            return
        self.remember(self.query_text)
        self.app.open_document(hit.id, query=self.listed_query,
                               entity_ids={m.id for m in hit.matched})

    # -- filters: the facet line and the chips ---------------------------------------

    def _set_filters(self, filters: tuple[Filter, ...], search: bool = True) -> None:
        self.filters = filters
        chips = self.query_one(ChipBar)
        chips.show(filters)
        if not filters and self.focused is chips:
            self.focus_box()
        if search:
            self.search()

    def clear_filters(self) -> None:
        self._set_filters((), search=False)

    def on_facet_bar_picked(self, event: FacetBar.Picked) -> None:
        event.stop()
        self._set_filters(with_filter(self.filters, event.filter))

    def on_chip_bar_removed(self, event: ChipBar.Removed) -> None:
        event.stop()
        self._set_filters(tuple(f for f in self.filters if f != event.filter))

    def on_facet_bar_left(self, event: FacetBar.Left) -> None:
        event.stop()
        if event.step > 0:
            self.action_to_results()
        elif self.filters:
            focus_now(self.query_one(ChipBar))
        else:
            self.focus_box()

    def on_chip_bar_left(self, event: ChipBar.Left) -> None:
        event.stop()
        if event.step > 0:
            focus_now(self.query_one(FacetBar))
        else:
            self.focus_box()

    # -- history, saved searches, the entity browser -----------------------------------

    def action_down(self) -> None:
        """down: in the box, a recalled query's next one, else the results."""
        box = self.query_one("#query", QueryInput)
        if self.focused is box and self.recall.recalling(box.value):
            self._recalled(self.recall.newer(box.value))
        else:
            self.action_to_results()

    def action_history_back(self) -> None:
        self._recalled(self.recall.older(self.query_text))

    def _recalled(self, query: str | None) -> None:
        if query is None:
            return
        box = self.query_one("#query", QueryInput)
        self._set_whole = None  # read as typed, as it was when it was searched
        box.value = query
        box.cursor_position = len(box.value)

    def action_history(self) -> None:
        from .history import HistoryScreen

        def chosen(query: str | None) -> None:
            self.keep_focus = True  # back in the box, the query chosen to edit or run
            if query is not None:
                self.set_query(query, typed=True)
            else:
                self.focus_box()

        self.app.push_screen(HistoryScreen(self.gate, self.recall.queries), chosen)

    def action_save(self) -> None:
        from .saved import SaveScreen

        query, filters, sort = self.query_text, tuple(f.text for f in self.filters), self.sort
        described = " ".join(part for part in (query.strip(), *filters) if part)
        if not described:
            self.notify("Type a query (or pick a filter) to save it.", severity="warning",
                        timeout=3)
            return

        def named(name: str | None) -> None:
            if name:
                self.remember(query)
                self.run_job(self._save, name, query, filters, sort, group="save")

        self.app.push_screen(SaveScreen(self.gate, described, query.strip()[:60] or described),
                             named)

    async def _save(self, name: str, query: str, filters: tuple[str, ...], sort: str) -> None:
        try:
            saved = await self.gate.call_aside(
                lambda lib: lib.save_search(name, query, filters, sort))
        except WartuiError as error:
            self.notify(safe(f"Not saved: {error}", False), severity="error", markup=False)
            return
        self.notify(safe(f"Saved {saved.name!r} ({saved.seen:,} reports now; ctrl+o lists "
                         "the saved searches).", False), timeout=4, markup=False)

    def action_saved(self) -> None:
        from .saved import SavedScreen

        def chosen(picked) -> None:
            if picked is None:
                return
            saved, total = picked
            self.set_reactive(SearchScreen.sort, saved.sort)
            self._set_filters(tuple(f for f in map(from_text, saved.filters) if f),
                              search=False)
            self.set_query(saved.query)
            self.run_job(self._opened, saved.name, total, group="opened")

        self.app.push_screen(SavedScreen(self.gate), chosen)

    async def _opened(self, name: str, total: int) -> None:
        try:
            await self.gate.call_aside(lambda lib: lib.open_saved(name, total))
        except WartuiError:
            pass

    def action_entities(self) -> None:
        from .entities import EntityBrowser

        if self.shown is None:
            return
        request = self.shown
        described = " ".join(part for part in (self.listed_query.strip(),
                                               *(f.text for f in self.filters)) if part)

        def chosen(entity_id: str | None) -> None:
            if entity_id:
                self.set_query(f"{self.query_text.rstrip()} entity:{entity_id} ".lstrip())
                self.query_one(ResultList).focus()  # where the reader was (q quits there)

        self.app.push_screen(EntityBrowser(self.gate, request.query, request.typing,
                                           request.filters, described), chosen)

    def action_to_results(self) -> None:
        results = self.query_one(ResultList)
        if not results.option_count:
            return
        if self.focused is not results:
            focus_now(results)
            if results.highlighted is None:
                results.highlighted = 0
        else:
            results.action_cursor_down()

    def action_toggle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.notify(f"Sorted {SORT_NAMES[self.sort]}.", timeout=2)

    def action_refresh(self) -> None:
        """Also retries an index that could not be opened (being rebuilt)."""
        self.app.reopen_index()

    def action_toggle_versions(self) -> None:
        self.all_versions = not self.all_versions
        self.notify("Showing every version." if self.all_versions
                    else "Showing one entry per story.", timeout=2)

    def watch_sort(self) -> None:
        self.search()

    def watch_all_versions(self) -> None:
        self.search()

    # -- the workbench: marks, tags, notes, export (screens/workbench.py) -------------

    def annotations_changed(self) -> None:
        """Tags or a note changed: the results show them as they are now (the
        same page, the same result highlighted), the facet line too."""
        self._facets.clear()
        results = self.query_one(ResultList)
        if self.shown is None:
            return
        self._highlight = results.highlighted
        self.search(limit=max(len(results.hits), self._screenful()))

    def _marks_changed(self) -> None:
        self._status(*self._status_shown)
        self.refresh_bindings()  # (u: only with marks)

    def action_mark(self) -> None:
        results = self.query_one(ResultList)
        if results.toggle_mark() is None:
            return
        self._marks_changed()
        results.action_cursor_down()  # as fzf's tab: on to the next one

    def action_unmark(self) -> None:
        count = self.query_one(ResultList).clear_marks()
        self._marks_changed()
        if count:
            self.notify(f"Unmarked {count:,} result{'s' if count != 1 else ''}.", timeout=2)

    def action_tag(self) -> None:
        results = self.query_one(ResultList)
        if results.marked:
            titles = list(results.marked.values())
            what = "; ".join(titles[:3]) + (f"; and {len(titles) - 3:,} more"
                                            if len(titles) > 3 else "")
            self.app.edit_tags(list(results.marked), what)
            return
        hit = results.highlighted_hit()
        if hit is None:
            self.notify("No result to tag.", severity="warning", timeout=3)
            return
        self.app.edit_tags([hit.id], hit.title or hit.id, hit.tags)

    def action_note(self) -> None:
        hit = self.query_one(ResultList).highlighted_hit()
        if hit is None:
            self.notify("No result to write a note on.", severity="warning", timeout=3)
            return
        self.app.edit_note(hit.id, hit.title or hit.id)

    def _described(self) -> str:
        """The search on screen as the query text it stands for, chips too."""
        return " ".join(part for part in (self.listed_query.strip(),
                                          *(f.text for f in self.filters)) if part)

    def action_export(self) -> None:
        from .workbench import ExportScreen, default_export_path

        marked = list(self.query_one(ResultList).marked)
        request = self.shown
        if marked:
            what = (f"The {len(marked):,} marked articles" if len(marked) > 1
                    else "The marked article")
            default = default_export_path("marked")
            sort = request.sort if request is not None else "date"

            def write(lib, path, form):
                return lib.export_ids(marked, form, path,
                                      sort="date" if sort == "relevance" else sort)
        else:
            if request is None or not self.query_one(ResultList).hits:
                self.notify("No results to export.", severity="warning", timeout=3)
                return
            described, query = self._described(), self.listed_query
            what = (f"Every result of “{described}”" if described else "Every article")
            what += ("" if request.all_versions
                     else ", one per story as listed (ctrl+g: every version)")
            default = default_export_path(described)

            def write(lib, path, form):
                return lib.export(query, form, path, sort=request.sort,
                                  all_versions=request.all_versions, filters=request.filters)

        async def apply(path, form) -> str:
            count = await self.gate.call_aside(lambda lib: write(lib, path, form))
            return safe(f"Exported {count:,} article{'s' if count != 1 else ''} to {path} "
                        f"({form}).", keep_newlines=False)

        def done(message: str | None) -> None:
            if message:
                self.notify(message, timeout=8, markup=False)

        self.app.push_screen(ExportScreen(self.gate, what, default, apply), done)
