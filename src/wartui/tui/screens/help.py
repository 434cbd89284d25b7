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

QUERY_SYNTAX = (  # README's table
    ("Rastan Taqsis", "both words (AND is the default)", ""),
    ("Douma OR Ghouta, Qalamun NOT Rastan", "boolean logic, with (parentheses)", ""),
    ('"Jaish al-Islam"', "a phrase", ""),
    ("title:Battles  source:reuters  author:Magnier", "one field", ""),
    ("date:2018-04  date:[2018-04-01 to 2018-04-30]", "a date or a date range", ""),
    ("bomb*  Yarm?uk", "wildcards", ""),
    ("entity:hayat-tahrir-al-sham", "articles naming an entity, in any spelling", ""),
    ("(empty)", "everything, newest first", ""),
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


def _table(title: str, rows) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", show_header=False,
                  box=None, padding=(0, 2, 0, 1), expand=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(style="dim")
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
            _table("Query syntax", list(QUERY_SYNTAX)), Text(""),
            Text(" While the search box has the focus, letters (q, ?, /, j, k) are typed into "
                 "it: press down to move to the results, F1 for this help."),
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
