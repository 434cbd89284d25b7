"""Where the command line writes, and how: for a reader at a terminal, or
for the next program in a pipe.

- To a terminal, text is wrapped to its width (or `--width N`); to a pipe or
  a file it is never hard-wrapped: a paragraph is one line, so that `grep`
  finds a phrase however long the line (`--width N` wraps there too).
- Colour and styles (`--color`): `auto` styles what goes to a terminal (not
  to a pipe, nor with TERM=dumb) and leaves colours out when NO_COLOR is
  set, bold and underline staying; `always` styles everything, in colour;
  `never` nothing.
- A reader that stops reading (`| head`, a `jq` that dies) is not an error:
  the command stops writing and ends quietly, with the status of what it
  found (`Output.status`), not with a traceback (`quiet_when_closed`).

Rich is imported only by what prints with it (`out`, `err`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from .termtext import Terminal

COLOR_CHOICES = ("auto", "always", "never")


class Output:
    """stdout and stderr for one command, as `--color` and `--width` say."""

    def __init__(self, color: str = "auto", width: int | None = None):
        self.color = color
        self.width = width
        # The exit status of what the command found, set before it prints
        # it: what it ends with when the reader leaves before the end.
        self.status = 0

    @cached_property
    def terminal(self) -> bool:
        """Is stdout a terminal (a reader, not a program)? As Rich decides:
        TTY_COMPATIBLE=1 or FORCE_COLOR say so too."""
        from .termtext import is_terminal

        return is_terminal(sys.stdout, os.environ)

    @property
    def styled(self) -> bool:
        """Are styles (bold, colour) written to stdout?"""
        if self.color != "auto":
            return self.color == "always"
        return self.terminal and os.environ.get("TERM", "").lower() not in ("dumb", "unknown")

    @property
    def colour(self) -> bool:
        """Are colours written (NO_COLOR leaves them out, unless --color=always)?"""
        return self.styled and (self.color == "always" or not os.environ.get("NO_COLOR"))

    @property
    def wraps(self) -> bool:
        """Is text wrapped (to the terminal's width, or --width)?"""
        return self.width is not None or self.terminal

    def text_terminal(self) -> Terminal:
        """Lines of runs (termtext.py) for stdout, as these options say."""
        from .termtext import Terminal

        terminal = Terminal()
        if self.color != "auto":
            terminal.styled = self.styled
            terminal.no_colour = not self.colour
        if self.width is not None:
            terminal.width = self.width
        elif not self.terminal:
            terminal.width = 0  # never wrapped
        return terminal

    @cached_property
    def out(self) -> Console:
        return self._console(stderr=False)

    @cached_property
    def err(self) -> Console:
        return self._console(stderr=True)

    def _console(self, stderr: bool) -> Console:
        from rich.console import Console

        class Quiet(Console):
            def on_broken_pipe(self) -> None:
                # (Rich's own ends the program with status 1: the command's
                # status is what it found, quiet_when_closed / cli.dispatch)
                self.quiet = True
                raise BrokenPipeError

        Console = Quiet  # noqa: N806
        options: dict = {"stderr": stderr, "highlight": False}
        if self.color == "always":
            options.update(force_terminal=True, no_color=False)
        elif self.color == "never":
            options.update(force_terminal=False, no_color=True)
        if stderr:  # (an error is one line however long: scripts read it)
            return Console(**options)
        if self.width is not None:
            return Console(width=self.width, soft_wrap=False, **options)
        return Console(soft_wrap=not self.terminal, **options)


@contextmanager
def quiet_when_closed() -> Iterator[None]:
    """A reader that closed the pipe (BrokenPipeError) ends the writing
    quietly: what is left to write (Python's own flush at exit too) goes to
    /dev/null instead of raising again."""
    try:
        yield
    except BrokenPipeError:
        stop_writing()


def stop_writing() -> None:
    """stdout to /dev/null from here on (its reader is gone)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # (not a real file: a test's capture)
