"""One article: the cleaned text with entities and search hits marked, the
entity panel, the raw page with the dropped lines, copy, its versions, and a
diff with any other article (`D`: the first article it is pressed on is
remembered, the next one is compared with it).

`n`/`N` step through the marks of what is shown: the search's hits, the
raw page's dropped lines, or the matches of `/` (find, as in less). `escape`
(or `q`) undoes one of these first: a find, the raw page, the entity panel;
then it leaves the article (`back_step`)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

from ...model import Article
from .. import privates
from ..passages import Passage
from ..reading import (article_passages, citation, entity_entries, find_marks, hit_terms,
                       raw_passages, safe)
from ..widgets.entity_panel import EntityPanel
from ..widgets.find_bar import FindBar
from ..widgets.footer import KeyFooter
from ..widgets.legend import EntityLegend
from ..widgets.passage_view import PassageView
from .base import ScrollKeys, WartuiScreen, focus_now

# What n/N step through, by what is shown: one binding each, so that the
# footer and the help name it ("Next hit" on the raw page stepped through
# dropped lines).
MARK_KINDS = ("hit", "dropped", "match")


@dataclass(frozen=True)
class DocumentPlace:
    """Where the reader was in an article: what going back restores."""

    doc_id: str
    query: str
    entity_ids: frozenset[str]
    scroll_y: int
    entities_shown: bool


class DocumentScreen(ScrollKeys, WartuiScreen):
    HELP_TITLE = "Document"
    HELP_WIDGETS = (EntityPanel,)
    BINDINGS = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="document.down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="document.up"),
        Binding("space", "page_down", "Page down", show=False, id="document.page_down"),
        Binding("b", "page_up", "Page up", show=False, id="document.page_up"),
        Binding("g", "top", "Top", show=False, id="document.top"),
        Binding("G", "bottom", "Bottom", show=False, id="document.bottom"),
        Binding("n", "next_hit", "Next hit", id="document.next_hit",
                tooltip="The next word of the query, or spelling of a name it matched"),
        Binding("n", "next_dropped", "Next dropped", id="document.next_dropped",
                tooltip="On the raw page: the next line the cleaner dropped"),
        Binding("n", "next_match", "Next match", id="document.next_match",
                tooltip="After / (find): the next place the text is found"),
        Binding("N", "previous_hit", "Previous hit", show=False, id="document.previous_hit"),
        Binding("N", "previous_dropped", "Previous dropped", show=False,
                id="document.previous_dropped"),
        Binding("N", "previous_match", "Previous match", show=False,
                id="document.previous_match"),
        Binding("slash", "find", "Find", show=False, id="document.find",
                tooltip="Find text in the article, as in less; then n / N"),
        Binding("e", "toggle_entities", "Entities", id="document.entities",
                tooltip="Show or hide the names in the article by type, with counts"),
        Binding("r", "toggle_raw", "Raw page", id="document.raw",
                tooltip="The page as scraped, the lines the cleaner dropped marked"),
        Binding("y", "copy", "Copy", id="document.copy",
                tooltip="The article with a citation line, to the clipboard (OSC 52)"),
        Binding("v", "versions", "Versions", id="document.versions",
                tooltip="The near-duplicates of this report; choose one to compare"),
        Binding("D", "diff_with", "Diff with…", id="document.diff",
                tooltip="Compare with the article remembered for a diff; remembers this "
                        "one when there is none (the palette remembers another)"),
        Binding("t", "tag", "Tag", id="document.tag",
                tooltip="Add or remove tags of this article (+tag -tag)"),
        Binding("m", "note", "Note", id="document.note",
                tooltip="Write the note of this article (ctrl+s saves it)"),
    ]

    raw = reactive(False, init=False)
    entities_shown = reactive(False, init=False)

    def __init__(self, gate, doc_id: str, query: str = "",
                 entity_ids: set[str] | frozenset[str] = frozenset(), read=None) -> None:
        super().__init__(gate)
        self._reset(doc_id, query, entity_ids, read)

    @staticmethod
    async def read(gate, doc_id: str) -> tuple:
        """The article, its entities and the reader's (tags, note) on it
        (`read`), from the library thread."""
        return await gate.call(lambda lib: (lib.article(doc_id), lib.entities(doc_id),
                                            (lib.tags_of(doc_id), lib.note(doc_id) or "")))

    def _reset(self, doc_id: str, query: str, entity_ids, read=None) -> None:
        self.doc_id = doc_id
        self.search_query = query
        self.terms = hit_terms(query, entity_ids)
        self.article: Article | None = None
        self.tags: list[str] = []  # the reader's, on this article
        self.note = ""
        self._raw_page: str | None = None
        self._position: tuple[int | None, int] = (None, 0)  # mark, total
        self._entity_entries: list = []
        self._read = read  # (article, entities) when read before the screen is shown
        self._marks: list = []  # the search hits (or dropped lines) of what is shown
        self.found = ""  # the text `/` found, whose matches n/N step through
        self._find_from: tuple[int, str] | None = None  # (scroll, found) before `/`
        self._restore_scroll: int | None = None  # a place gone back to

    def reopen(self, doc_id: str, query: str = "",
               entity_ids: set[str] | frozenset[str] = frozenset(), read=None) -> None:
        """Show another article in this (installed, mounted) screen: mounting
        a new screen costs ~100 ms of Textual styling, reusing one nothing.
        The entity panel stays as the reader left it."""
        self._reset(doc_id, query, entity_ids, read)
        self.set_reactive(DocumentScreen.raw, False)
        self.remove_class("-raw")
        self._close_find_bar()
        self.query_one(PassageView).focus()
        self._load()

    def place(self) -> DocumentPlace:
        return DocumentPlace(self.doc_id, self.search_query, self.terms.entity_ids,
                             round(self.query_one(PassageView).scroll_y),
                             self.entities_shown)

    def restore(self, place: DocumentPlace) -> None:
        """Back to `place` (this screen was reopened on its article): the
        entity panel as it was, the text scrolled where it was."""
        self._restore_scroll = place.scroll_y
        if self.entities_shown != place.entities_shown:
            self.entities_shown = place.entities_shown
        self.call_after_refresh(self._scroll_back)

    def _scroll_back(self) -> None:
        if self._restore_scroll is not None:
            self.query_one(PassageView).scroll_to(y=self._restore_scroll, animate=False,
                                                  immediate=True)
            self._restore_scroll = None

    def compose_body(self) -> ComposeResult:
        yield Static(Text(f"Loading {safe(self.doc_id, False)}…"), id="doc-bar")
        yield EntityLegend(id="legend")
        with Horizontal(id="doc-body"):
            yield PassageView(id="text")
            # the EntityPanel is mounted when first shown (`e`): styling it
            # was ~20 ms of the first open of an article
        yield FindBar(id="find")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(PassageView).focus()
        self._load()
        if self not in self.app.screen_stack:  # mounted ahead (app.prepare_document_screen)
            self.call_after_refresh(self._lay_out_ahead)  # once its widgets are mounted too

    def _lay_out_ahead(self) -> None:
        """Lay the screen out at the app's size before it is first shown.

        Its first show otherwise lays it out twice (the screen's size, then
        its breakpoint classes) before the one paint: ~20 ms of the first
        open. Off the stack nothing is painted. Textual has no public call
        for it; without the private one the first show lays it out, as
        before, and so does a terminal resized meanwhile."""
        privates.lay_out(self, self.app.size)

    def _load(self) -> None:
        """Show the article: at once if it was read before the screen was
        shown (app.open_document: the screen is then laid out and painted
        once, with the text), else "Loading…" until it is read."""
        if self._read is not None:
            self._show_read(*self._read)
            return
        self.query_one(PassageView).show([])
        self._show_entities([])
        self.query_one("#doc-bar", Static).update(Text(f"Loading {safe(self.doc_id, False)}…"))
        self.run_job(self._read_and_show, group="document")

    async def _read_and_show(self) -> None:
        self._show_read(*await self.read(self.gate, self.doc_id))

    def _show_read(self, article: Article | None, pairs, annotations=((), "")) -> None:
        view = self.query_one(PassageView)
        if article is None:
            view.show([Passage(f"No article with id {safe(self.doc_id, False)}.", style="meta")])
            self._show_entities([])
            self._bar()
            return
        self.article = article
        self.tags, self.note = list(annotations[0]), annotations[1]
        self._show_entities(entity_entries(pairs))
        self._show_text()

    def _show_entities(self, entries: list) -> None:
        self._entity_entries = entries
        for panel in self.query(EntityPanel):  # none until first shown
            panel.show_entries(entries)

    # -- what the view shows ---------------------------------------------------------

    def _show_text(self) -> None:
        view = self.query_one(PassageView)
        self.found = ""
        if self.raw:
            passages, self._marks = raw_passages(self._raw_page, self.article.dropped)
        else:
            passages, self._marks = article_passages(self.article, self.terms, self.tags,
                                                     self.note)
        view.show(passages, self._marks)

    @property
    def mark_kind(self) -> str:
        """What n/N step through now: "match", "dropped" or "hit"."""
        return "match" if self.found else "dropped" if self.raw else "hit"

    def on_passage_view_mark_moved(self, event: PassageView.MarkMoved) -> None:
        self._position = (event.index, event.total)
        self._bar()
        self.refresh_bindings()  # (n/N name what they step through)

    def _bar(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("RAW PAGE " if self.raw else "ARTICLE ", style="bold")
        text.append(safe(self.doc_id, False))
        index, total = self._position
        noun = "dropped lines" if self.raw else "hits"
        if self.found:
            text.append(" · find ")
            text.append(safe(repr(self.found), False), style="bold")
            if not total:
                text.append(": not found")
            elif index is None:
                text.append(f" · {total} match{'es' if total > 1 else ''} (n/N)")
            else:
                text.append(f" · {index + 1}/{total} (n/N)")
        elif self.article is None:
            pass
        elif total and index is not None:
            text.append(f" · {noun} {index + 1}/{total} (n/N)")
        elif total:
            text.append(f" · {total} {noun if total > 1 else noun[:-1]} (n/N)")
        elif self.raw:
            text.append(" · nothing dropped")
        elif self.search_query.strip():
            text.append(" · no hit in the text")
        mark = getattr(self.app, "diff_mark", None)
        if self.article is not None and mark is not None:
            text.append(" · remembered for a diff" if mark[0] == self.doc_id
                        else f" · D: diff with {safe(mark[0], False)}")
        self.query_one("#doc-bar", Static).update(text)

    # -- keys ------------------------------------------------------------------------

    def scroll_target(self) -> PassageView:
        return self.query_one(PassageView)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        for kind in MARK_KINDS:
            if action in (f"next_{kind}", f"previous_{kind}"):
                return kind == self.mark_kind
        return True

    def action_next_hit(self) -> None:
        self.query_one(PassageView).next_mark()

    def action_previous_hit(self) -> None:
        self.query_one(PassageView).previous_mark()

    action_next_dropped = action_next_match = action_next_hit
    action_previous_dropped = action_previous_match = action_previous_hit

    # -- find (/) ---------------------------------------------------------------------

    def action_find(self) -> None:
        if self.article is None:
            return
        view = self.query_one(PassageView)
        self._find_from = (round(view.scroll_y), self.found)
        bar = self.query_one(FindBar)
        bar.value = ""
        self.add_class("-finding")
        focus_now(bar)

    def on_input_changed(self, event: FindBar.Changed) -> None:
        """Found as typed: the first match from the top of the view on."""
        event.stop()
        if not self.has_class("-finding") or self._find_from is None:
            return
        self._find(event.value, from_line=self._find_from[0])

    def _find(self, pattern: str, from_line: int) -> None:
        view = self.query_one(PassageView)
        self.found = pattern
        if not pattern.strip():
            self.found = ""
            view.set_marks(self._marks)
        else:
            view.set_marks(find_marks(view.passages, pattern))
        view.scroll_to(y=from_line, animate=False, immediate=True)
        if self.found and view.mark_count:
            view.next_mark()
        self.refresh_bindings()

    def on_input_submitted(self, event: FindBar.Submitted) -> None:
        event.stop()
        self._close_find_bar()
        self.query_one(PassageView).focus()

    def _close_find_bar(self) -> None:
        self.remove_class("-finding")
        self._find_from = None

    def _cancel_find(self) -> None:
        """escape in the find line: as before `/`."""
        scroll, found = self._find_from or (0, "")
        self._close_find_bar()
        self._find(found, from_line=scroll)
        self.query_one(PassageView).focus()

    def back_step(self) -> bool:
        """escape (q): undo a find, the raw page, the entity panel, in that
        order; False when there is nothing left to undo (then the app goes
        back a screen)."""
        if self.has_class("-finding"):
            self._cancel_find()
        elif self.found:
            self._find("", from_line=round(self.query_one(PassageView).scroll_y))
        elif self.entities_shown:
            self.entities_shown = False
        elif self.raw:
            self.raw = False
        else:
            return False
        return True

    def action_toggle_entities(self) -> None:
        self.entities_shown = not self.entities_shown

    async def watch_entities_shown(self, shown: bool) -> None:
        if shown and not self.query(EntityPanel):
            panel = EntityPanel(id="entities")
            await self.query_one("#doc-body", Horizontal).mount(panel)
            panel.show_entries(self._entity_entries)
        self.set_class(shown, "-with-entities")
        (self.query_one(EntityPanel) if shown else self.query_one(PassageView)).focus()

    def on_entity_panel_chosen(self, event: EntityPanel.Chosen) -> None:
        self.app.pivot(event.entry.query)  # escape comes back here

    def action_toggle_raw(self) -> None:
        if self.article is None:
            return
        if self._raw_page is None and not self.raw:
            self.run_job(self._load_raw, group="raw")
            return
        self.raw = not self.raw

    async def _load_raw(self) -> None:
        doc_id = self.doc_id
        self._raw_page = await self.gate.call(lambda lib: lib.raw(doc_id)) or ""
        self.raw = True

    def watch_raw(self, raw: bool) -> None:
        self.set_class(raw, "-raw")  # app.tcss hides the entity legend
        self._show_text()

    def action_copy(self) -> None:
        if self.article is None:
            return
        self.app.copy_to_clipboard(citation(self.article))
        self.notify("Copied the article with a citation line (OSC 52).", timeout=3)

    # -- the reader's tags and note (t, m) ---------------------------------------------

    def action_tag(self) -> None:
        if self.article is not None:
            self.app.edit_tags([self.doc_id], self.article.display_title, self.tags)

    def action_note(self) -> None:
        if self.article is not None:
            self.app.edit_note(self.doc_id, self.article.display_title)

    def annotations_changed(self) -> None:
        """The tags or note changed (t, m): read again, shown under the title."""
        self.run_job(self._reread_annotations, self.doc_id, group="annotations")

    async def _reread_annotations(self, doc_id: str) -> None:
        tags, note = await self.gate.call(
            lambda lib: (lib.tags_of(doc_id), lib.note(doc_id) or ""))
        if doc_id != self.doc_id or self.article is None:
            return  # (reopened on another article meanwhile)
        self.tags, self.note = tags, note
        if not self.raw:  # (the raw page has no header: the text shows them when back)
            view = self.query_one(PassageView)
            scroll, found = round(view.scroll_y), self.found
            self._show_text()
            if found:
                self._find(found, from_line=scroll)
            view.scroll_to(y=scroll, animate=False, immediate=True)

    def action_versions(self) -> None:
        if self.article is None:
            return
        self.run_job(self._versions, group="versions")

    def action_diff_with(self) -> None:
        if self.article is not None:
            self.app.diff_with_remembered(self.doc_id, self.article.display_title)
            self._bar()

    def remember_for_diff(self) -> None:
        if self.article is not None:
            self.app.remember_for_diff(self.doc_id, self.article.display_title)
            self._bar()

    async def _versions(self) -> None:
        doc_id = self.doc_id
        versions = await self.gate.call(lambda lib: lib.versions(doc_id))
        if not versions:
            self.notify("This report has no other versions in the index.", timeout=3)
            return
        self.app.open_versions(self.article, versions)
