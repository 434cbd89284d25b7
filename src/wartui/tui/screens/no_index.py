"""An index directory given by name (--index-dir, $WARTUI_INDEX) that holds
no index: a mistyped path is said to be one, and the seed index is built
there only if the reader says so (the first run in ./index asks nothing)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from ..reading import safe
from ..widgets.footer import KeyFooter
from .base import WartuiScreen


class NoIndexScreen(WartuiScreen):
    """Dismissed with True (build the seed index there) or False (quit)."""

    HELP_TITLE = "No index"
    BINDINGS = [
        Binding("enter,y", "build", "Build the seed index here", id="no_index.build"),
        Binding("escape,q,n", "leave", "Quit", show=False, id="no_index.quit"),
    ]

    def __init__(self, gate, index_dir, folder_exists: bool) -> None:
        super().__init__(gate)
        self.index_dir = index_dir
        self.folder_exists = folder_exists

    def compose_body(self) -> ComposeResult:
        where = safe(str(self.index_dir), keep_newlines=False)
        with Vertical(id="no-index"):
            yield Static(Text("No index there", style="bold"), id="no-index-title")
            if self.folder_exists:
                yield Static(Text(f"{where} holds no wartui index. Was it mistyped?"))
            else:
                yield Static(Text(f"There is no folder {where}. Was it mistyped?"))
            yield Static(Text("enter: build the index of the bundled seed reports there · "
                              "q: quit (then: wartui --index-dir DIR index PATH... for "
                              "your own files)"), id="no-index-choices")
        yield KeyFooter()

    def action_build(self) -> None:
        self.dismiss(True)

    def action_leave(self) -> None:
        self.dismiss(False)
