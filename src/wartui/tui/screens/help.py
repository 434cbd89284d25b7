"""Help: every key of the screen below and the global ones, generated from
the BINDINGS (with the user's keymap applied), and the query syntax."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ..widgets.footer import KeyFooter
from .base import ScrollKeys, WartuiScreen

QUERY_SYNTAX = (  # README's table; examples short enough for 80 columns
    ("Rastan Taqsis", "both words (AND is the default)"),
    ("Douma OR Ghouta", "either word; (parentheses) group"),
    ("Douma -Ghouta", "without Ghouta (also Douma NOT Ghouta)"),
    ("-source:sputnik", "without a field's value; -\"a phrase\" too"),
    ("+Douma", "must be there (as every plain word)"),
    ('"Jaish al-Islam"', "a phrase"),
    ("title:Battles", "one field: title, body, source, author"),
    ("date:2018-04", "a year, a month (date:2018-4) or a day"),
    ("date:[2018-01 to 2018-04]", "a range of dates; either end may be left out"),
    ("bomb*  Yarm?uk", "wildcards"),
    ("entity:deir-ez-zor", "articles naming an entity, in any spelling"),
    ("tag:disputed -tag:read", "your tags (t adds them); tag:* any tag"),
    ("has:note  note:OPCW", "articles with a note (m writes one); a word in it"),
    ("chem", "while typing, the last word is a prefix (chem*)"),
    ("(empty)", "everything, newest first"),
)
SCREEN_PARTS = (
    ("The line under the box",
     "how many reports the query finds (\"for chem*\" when it was searched as that), "
     "the sort (ctrl+t), whether each story shows once (ctrl+g), and how many results "
     "are marked (space; u clears the marks, which stay when the query changes)."),
    ("The facet line",
     "your tags the results carry ([disputed] 2), the sources with the most results, "
     "each with its count, then a sparkline of the results by month, from the first "
     "month to the last: one bar a month (or a few months, when there are many), taller "
     "for more reports. tab moves into it: ←/→ over the tags, sources and bars, enter "
     "keeps only that tag or source (or those months: shift+←/→ widens the bars picked), "
     "- leaves a tag or source out."),
    ("A result",
     "● when marked; after its source and date, your tags in brackets and ✎ when it has "
     "a note. t tags it (or the marked ones), m writes its note, x exports every result "
     "(or the marked ones) to a .csv, .jsonl or .md file you name."),
    ("The chips",
     "the filters picked, under the box, written as the query text they stand for "
     "(source:\"sana\", date:2017-04). tab reaches them too; backspace removes one."),
)


def own_bindings(cls: type) -> list[Binding]:
    """The bindings a class declares itself (not those it inherits)."""
    return list(Binding.make_bindings(cls.__dict__.get("BINDINGS", [])))


def binding_rows(classes: list[type], app: App) -> list[tuple[str, str, str]]:
    """(keys, description, tooltip · binding id) for the described bindings of
    `classes`, keys of one action joined ("j / down"), a later class overriding
    an earlier one. The id is what a keymap file remaps."""
    keymap = getattr(app, "keymap_overrides", {})
    tooltips: dict[tuple[str, str], str] = {}
    ids: dict[tuple[str, str], str] = {}
    keys: dict[tuple[str, str], list[str]] = {}
    owner: dict[tuple[str, str], int] = {}  # the class (its place in `classes`) of each slot
    for number, cls in enumerate(classes):
        for binding in own_bindings(cls):
            if not binding.description or binding.system:
                continue
            overridden = binding.id and binding.id in keymap
            key_names = keymap[binding.id].split(",") if overridden else [binding.key]
            slot = (binding.action, binding.description)
            # a key bound again by a later class belongs to that class only
            # (one class may bind a key more than once: n is the next hit,
            # dropped line or match, by what is shown)
            for old_slot, old_keys in keys.items():
                if old_slot != slot and owner[old_slot] < number:
                    old_keys[:] = [k for k in old_keys if k not in key_names]
            shown = keys.setdefault(slot, [])
            owner.setdefault(slot, number)
            for name in key_names:
                if name not in shown:
                    shown.append(name)
            if binding.tooltip:
                tooltips[slot] = binding.tooltip
            if binding.id:
                ids[slot] = binding.id
    rows = []
    for (action, description), names in keys.items():
        if names:
            display = " / ".join(app.get_key_display(Binding(name.strip(), action))
                                 for name in names)
            notes = " · ".join(part for part in (tooltips.get((action, description), ""),
                                                 ids.get((action, description), "")) if part)
            rows.append((display, description, notes))
    return rows


def screen_classes(screen: Screen) -> list[type]:
    """The screen's classes, from the most general."""
    return [cls for cls in reversed(type(screen).__mro__) if issubclass(cls, WartuiScreen)]


def app_rows(app: App) -> list[tuple[str, str, str]]:
    rows = binding_rows([cls for cls in reversed(type(app).__mro__) if issubclass(cls, App)], app)
    if app.ENABLE_COMMAND_PALETTE:
        rows.append((app.get_key_display(Binding(app.COMMAND_PALETTE_BINDING, "command_palette")),
                     "Command palette", "Open by id, re-index, theme, all versions"))
    return rows


def _table(title: str, rows, wrap_second: bool = False) -> Table:
    """Keys (or examples) in bold, never cut; what they do wraps when the
    terminal is narrow (80 columns fit every table)."""
    table = Table(title=title, title_justify="left", title_style="bold", show_header=False,
                  box=None, padding=(0, 2, 0, 1), expand=False)
    table.add_column(style="bold", no_wrap=True)
    for number in range(1, max((len(row) for row in rows), default=2)):
        table.add_column(style="dim" if number > 1 else "",
                         no_wrap=number == 1 and not wrap_second)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


class HelpScreen(ScrollKeys, WartuiScreen):
    HELP_TITLE = "Help"
    BINDINGS = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="help.down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="help.up"),
        Binding("space", "page_down", "Page down", show=False, id="help.page_down"),
        Binding("b", "page_up", "Page up", show=False, id="help.page_up"),
        Binding("g", "top", "Top", show=False, id="help.top"),
        Binding("G", "bottom", "Bottom", show=False, id="help.bottom"),
    ]

    def __init__(self, gate, target: Screen) -> None:
        super().__init__(gate)
        self.target_title = getattr(target, "HELP_TITLE", "This screen")
        self.screen_rows = binding_rows(screen_classes(target), target.app)
        # keys of the screen's widgets (the results list, the entity panel), in
        # force while that widget has the focus
        self.widget_rows = [(getattr(widget, "HELP_TITLE", widget.__name__),
                             binding_rows([widget], target.app))
                            for widget in getattr(target, "HELP_WIDGETS", ())]

    def document(self) -> Group:
        """The whole help, as Rich renderables."""
        parts = [_table(f"{self.target_title} keys", self.screen_rows), Text("")]
        for title, rows in self.widget_rows:
            parts += [_table(title, rows), Text("")]
        return Group(
            *parts,
            _table("Everywhere", app_rows(self.app)), Text(""),
            _table("Query syntax", list(QUERY_SYNTAX), wrap_second=True), Text(""),
            _table("On the search screen", list(SCREEN_PARTS), wrap_second=True), Text(""),
            Text(" While the search box has the focus, letters (q, ?, /, j, k) are typed into "
                 "it: press down to move to the results (up and down in the empty box recall "
                 "earlier queries), F1 for this help, ctrl+q to quit."),
        )

    def compose_body(self) -> ComposeResult:
        yield Static(Text("HELP · escape or q goes back", style="bold"), id="help-bar")
        with VerticalScroll(id="help"):
            yield Static(self.document(), id="help-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#help").focus()

    def scroll_target(self) -> VerticalScroll:
        return self.query_one("#help", VerticalScroll)
