"""Building the index, with progress: of the bundled seeds on the first
run; of the index's own sources (the files and folders it was built from,
`Library.reindex`) from the command palette's "Re-index". Dismissed with
the report's summary, or with an error message."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import ProgressBar, Static

from ...errors import WartuiError
from .base import WartuiScreen


class IndexingScreen(WartuiScreen):
    HELP_TITLE = "Indexing"

    class Progress(Message):
        def __init__(self, files_done: int, files_total: int, records: int) -> None:
            super().__init__()
            self.files_done, self.files_total, self.records = files_done, files_total, records

    def __init__(self, gate, first_run: bool = True) -> None:
        super().__init__(gate)
        self.first_run = first_run

    def compose_body(self) -> ComposeResult:
        with Vertical(id="indexing"):
            yield Static(Text("Welcome to wartui" if self.first_run else "Re-indexing",
                              style="bold"), id="indexing-title")
            yield Static("There is no index yet: building one from the bundled seed reports…"
                         if self.first_run else "Indexing the files and folders this index "
                         "was built from again (only what changed; what is gone from them "
                         "is removed)…", id="indexing-what")
            yield ProgressBar(total=None, show_eta=False, id="indexing-bar")
            yield Static("", id="indexing-count")

    def on_mount(self) -> None:
        self.run_job(self._build, group="index")

    async def _build(self) -> None:
        post = self.post_message  # thread-safe: the progress comes from the library thread

        def progress(files_done: int, files_total: int, records: int) -> None:
            post(self.Progress(files_done, files_total, records))

        if self.first_run:
            try:
                report = await self.gate.write(lambda lib: lib.add_seeds(progress=progress))
            except WartuiError as error:
                self.dismiss(f"Could not build the index: {error}")
                return
            self.dismiss(f"Indexed the seeds: {report.summary()}.")
            return
        # its own sources, never the seeds (but for an index still empty: reindex's rule)
        try:
            report = await self.gate.write(lambda lib: lib.reindex(progress=progress))
        except WartuiError as error:
            self.dismiss(f"Could not re-index: {error}")
            return
        self.dismiss(f"Re-indexed the sources: {report.summary()}.")

    def on_indexing_screen_progress(self, event: Progress) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=event.files_total, progress=event.files_done)
        self.query_one("#indexing-count", Static).update(
            f"{event.files_done} of {event.files_total} files · {event.records} reports read")
