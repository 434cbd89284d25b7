"""The one door into the Library: calls run on a library thread, in order.

`Library` is not thread-safe, and it must never run on the event loop (a
search can take tens of milliseconds, building the index seconds). So the
app owns one `LibraryGate`: a single-thread executor that creates its
Library lazily (no Whoosh import, no index opened before the first screen
shows) and runs the calls one after another.

Workers `await gate.call(...)`. When a newer worker of the same group
replaces an older one (`exclusive=True`), the older one's call is cancelled:
if it has not started it never runs, if it is running its answer is dropped.
So a burst of keystrokes costs at most one search in flight plus the newest.

Secondary work that must not hold up the next search (the facet counts,
which take longer than the search itself on a large index) goes through
`call_aside`: a second thread with its own Library on the same index (a
Library per thread, never shared), reopened after every `write`.

Another process may write the index while the app reads it: the app checks
`Library.stamp()` every few seconds (on the second line: a few stat calls)
and, when it changed, `reopen`s both lines and searches again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from ..library import Library

T = TypeVar("T")


class _Line:
    """One thread and the Library only that thread uses."""

    def __init__(self, index_dir: Path | None, name: str, postings_cache: int | None = None):
        self.index_dir = index_dir
        self.postings_cache = postings_cache
        self.library: Library | None = None
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    async def call(self, job: Callable[[Library], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self._run, job)

    def _run(self, job: Callable[[Library], T]) -> T:
        if self.library is None:
            from ..library import Library

            self.library = Library(self.index_dir, postings_cache=self.postings_cache)
        return job(self.library)

    def _close_library(self) -> None:
        if self.library is not None:
            self.library.close()
            self.library = None

    async def reopen(self) -> None:
        """Close the Library: the next call opens the index as it is now."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self.executor, self._close_library)

    def close(self) -> None:
        """Close the Library on its own thread, after the call in progress."""
        try:
            self.executor.submit(self._close_library)
        except RuntimeError:  # already shut down
            return
        self.executor.shutdown(wait=False)


class LibraryGate:
    """Runs `job(library)` on a library thread and hands back the answer."""

    def __init__(self, index_dir: Path | None = None):
        self.index_dir = index_dir
        self._main = _Line(index_dir, "wartui-library")
        # The aside line counts facets once per query (the screen keeps them):
        # it keeps no decoded postings, the main line's cache is the one that
        # as-you-type reuses.
        self._aside = _Line(index_dir, "wartui-library-aside", postings_cache=0)

    async def call(self, job: Callable[[Library], T]) -> T:
        """On the main line: searches, articles, diffs, in order."""
        return await self._main.call(job)

    async def call_aside(self, job: Callable[[Library], T]) -> T:
        """On the second line, so that a slow read never delays `call`s."""
        return await self._aside.call(job)

    async def write(self, job: Callable[[Library], T]) -> T:
        """A call that changes the index (on the main line); the second line's
        Library is reopened after it, to see the change."""
        try:
            return await self._main.call(job)
        finally:
            await self._aside.reopen()

    async def reopen(self) -> None:
        """Close both lines' Libraries (each on its own thread, after the call
        in progress): the next calls open the index as it is now, with what
        another process wrote to it (or put in its place)."""
        await self._main.reopen()
        await self._aside.reopen()

    def close(self) -> None:
        self._main.close()
        self._aside.close()
