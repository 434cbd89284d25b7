"""The key bar at the bottom of every screen: one line of text."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget


# Keys the footer never leaves out for want of room: the way back, out, and to help.
ESSENTIAL = frozenset({"back", "quit", "help"})


class KeyFooter(Widget):
    """The screen's keys (the bindings with `show`), the command palette's at
    the right, as Textual's Footer shows them; a click on a key presses it.
    When they do not fit the width, the palette's goes first, then the last
    keys of the screen, never the way back, out or to help (`ESSENTIAL`).

    Textual's Footer is a widget per key, each styled by the CSS, and it
    rebuilds them all at every bindings update (each focus change and screen
    push): ~20 ms each time. The search screen's footer, updated as the
    reader pressed enter, was rebuilt in the middle of opening the article
    (bench/tui.py's open, profiled). This footer is one widget that renders
    a line of text: an update is a repaint."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-footer--key", "key-footer--description"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    compact = reactive(False)  # less spacing, for narrow terminals

    def __init__(self) -> None:
        super().__init__()
        # (key, key as shown, description, enabled, action) of each key shown,
        # and the command palette's last
        self._keys: tuple[tuple[str, str, str, bool, str], ...] = ()
        self._palette: tuple[str, str, str, bool] | None = None
        self._spans: list[tuple[int, int, str]] = []  # cells of each key drawn

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is not self.screen:
            return
        app = self.app
        keys, actions = [], set()
        for _, binding, enabled, _ in screen.active_bindings.values():
            if binding.show and binding.action not in actions:  # one key per action
                actions.add(binding.action)
                keys.append((binding.key, app.get_key_display(binding), binding.description,
                             enabled, binding.action.rpartition(".")[2]))
        palette = None
        if app.ENABLE_COMMAND_PALETTE:
            found = screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _, binding, enabled, _ = found
                palette = (binding.key, app.get_key_display(binding), binding.description,
                           enabled, "command_palette")
        if (tuple(keys), palette) != (self._keys, self._palette):
            self._keys, self._palette = tuple(keys), palette
            self.refresh()

    def _piece(self, key: tuple[str, str, str, bool, str]) -> Text:
        """" n Next hit ", or "n Next hit " when compact (Textual's spacing)."""
        _, shown, description, enabled, _ = key
        pad = "" if self.compact else " "
        piece = Text()  # (not Text(key, style): that style would cover the description)
        piece.append(f"{pad}{shown}{pad}", self.get_component_rich_style("key-footer--key"))
        if description:
            piece.append(f"{' ' if self.compact else ''}{description}{pad}",
                         self.get_component_rich_style("key-footer--description"))
        if self.compact:
            piece.append(" ")
        if not enabled:
            piece.stylize("dim")
        return piece

    def _fitting(self) -> tuple[list, bool]:
        """The keys that fit the width, and whether the palette's does too."""
        width = self.size.width
        keys = list(self._keys)
        pieces = {key: self._piece(key).cell_len for key in keys}
        palette = self._palette is not None
        palette_width = self._piece(self._palette).cell_len + 2 if palette else 0

        def total() -> int:
            return sum(pieces[key] for key in keys) + (palette_width if palette else 0)

        if total() > width and palette:
            palette = False
        while total() > width:
            droppable = [key for key in keys if key[4] not in ESSENTIAL]
            if not droppable:
                break
            keys.remove(droppable[-1])
        return keys, palette

    def render(self) -> Text:
        line = Text(no_wrap=True, overflow="crop")
        spans = []
        keys, with_palette = self._fitting()
        for key in keys:
            start = line.cell_len
            line.append_text(self._piece(key))
            spans.append((start, line.cell_len, key[0]))
        if self._palette is not None and with_palette:
            piece = Text()
            piece.append("\u258f", "dim")  # a thin bar before it, as in Textual's
            piece.append_text(self._piece(self._palette))
            line.append(" " * max(1, self.size.width - line.cell_len - piece.cell_len))
            start = line.cell_len
            line.append_text(piece)
            spans.append((start, line.cell_len, self._palette[0]))
        self._spans = spans
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
