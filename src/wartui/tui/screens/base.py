"""What every wartui screen shares: the library gate, the too-small notice,
and workers whose errors reach the app's one handler instead of ending it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from .. import privates
from ..gate import LibraryGate
from ..widgets.footer import KeyFooter
from ..widgets.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmall


def focus_now(widget: Widget) -> None:
    """Focus `widget` before the next key is handled. `Widget.focus()` moves
    the focus later (call_later), behind the keys already queued: over SSH,
    from a paste or tmux, the keys typed after `/` arrive together with it
    and went to what had the focus (`e` of "Aleppo" opened the entity
    browser from the results)."""
    widget.screen.set_focus(widget)


class WartuiScreen(Screen):
    """A screen of the app. Subclasses write `compose_body`."""

    # Shown as the section title in the help screen.
    HELP_TITLE = "This screen"
    # Widgets whose BINDINGS the help screen lists with the screen's own.
    HELP_WIDGETS: tuple[type, ...] = ()

    def __init__(self, gate: LibraryGate) -> None:
        super().__init__()
        self.gate = gate
        self._last_focused: Widget | None = None
        self._styled_for: tuple | None = None  # the app's style state when last styled

    def compose(self) -> ComposeResult:
        yield from self.compose_body()
        yield TooSmall()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_resize(self, event: events.Resize) -> None:
        # Under 100 columns the footer drops its spacing so the keys still fit.
        for footer in self.query(KeyFooter):
            footer.compact = event.size.width < 100
        if event.size.width >= MIN_WIDTH and event.size.height >= MIN_HEIGHT:
            self.call_after_refresh(self._restore_focus)

    def _app_style_state(self) -> tuple:
        """What the app's styles depend on that an update of a screen not
        shown may miss: its theme, classes and pseudo-classes (":focus",
        ":dark"...). (A theme change restyles every mounted screen, shown or
        not; a pseudo-class change only those on the stack.)"""
        app = self.app
        return app.theme, frozenset(app.classes), app.pseudo_classes

    def on_mount(self) -> None:
        self._styled_for = self._app_style_state()  # (styled as it was mounted)

    def on_screen_suspend(self) -> None:
        self._styled_for = self._app_style_state()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual restyles a screen every time it is pushed, in case the app's
        # styles changed while it was not shown: ~7 ms of the first open of a
        # 10 KB article, which also dropped the view's rendered lines. When
        # nothing they depend on changed, the screen keeps its styles. (This
        # handler runs before Textual's own: handlers run subclass first.)
        if self._styled_for is not None and self._styled_for == self._app_style_state():
            event.refresh_styles = False
        # A screen's frame timer starts at its first show: the first open of
        # an article waited ~17-20 ms for it, a later one up to a frame.
        self.paint_now()  # (after Textual's own handling of the resume)

    def paint_now(self) -> None:
        """Lay out and paint what changed as soon as the current handler
        returns (call_later), not at the next tick of the screen's frame
        timer. Textual resumes that timer only when the screen next goes
        idle: the results of a keystroke waited 15-30 ms for it, with
        nothing else to do. The timer's callback is private; without it
        the next tick paints, as before."""
        privates.paint_now(self)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._last_focused = event.widget

    def _restore_focus(self) -> None:
        """Below the minimum size the layout is hidden and loses the focus;
        back above it, the widget that had it gets it again (else the search
        box would not take the letters typed: a "q" would quit)."""
        widget = self._last_focused
        if (self.focused is None and widget is not None and widget.is_attached
                and widget.screen is self and widget.focusable):
            widget.focus()

    def run_job(self, work: Callable[..., Awaitable], *args, group: str,
                exclusive: bool = True) -> Worker:
        """A worker for library calls; a newer job of the group replaces it.
        `work(*args)` is called when the worker starts, so a job replaced
        before it starts never exists (no coroutine left "never awaited").
        An unexpected error goes to the app's one handler (below)."""
        return self.run_worker(partial(work, *args), group=group, exclusive=exclusive,
                               exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Worker messages do not bubble: hand failures to the app.
        if event.state == WorkerState.ERROR:
            self.app.worker_failed(event.worker)


class ScrollKeys:
    """The actions of the scroll keys (j/k, space/b, g/G), applied to the
    screen's main view: `scroll_target()`."""

    def scroll_target(self):
        raise NotImplementedError

    def action_scroll_down(self) -> None:
        self.scroll_target().scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.scroll_target().scroll_up(animate=False)

    def action_page_down(self) -> None:
        self.scroll_target().scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_target().scroll_page_up(animate=False)

    def action_top(self) -> None:
        self.scroll_target().scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.scroll_target().scroll_end(animate=False)
