"""The terminal the app runs in: refusing one that cannot show it, ending
cleanly when it goes away.

- TERM=dumb (Emacs' M-x shell, some IDE consoles) has no cursor movement:
  the app would be a stream of escape codes, so `check_terminal` refuses it
  with one sentence pointing at the commands, which work anywhere.
- SIGHUP (the terminal closed, the SSH link dropped) and SIGTERM (`kill`)
  end the app as `q` does: the terminal restored (alt screen left, cursor
  shown, mouse reporting off), the library closed, the index's write lock
  released. The exit status is 128 + the signal's number, as a shell shows
  it. If the clean exit does not finish within EXIT_GRACE seconds (a library
  call still running, a terminal that no longer takes output), the process
  ends there and then: a hung-up app must never linger holding the index.
- When the terminal is gone, writing to it fails (EIO, EPIPE): Textual's
  output thread dies of it, and its queue then fills and blocks the exit.
  `SafeDriver` writes through `TerminalOutput`, which drops everything after
  the first failed write; and it draws on the terminal even when stderr,
  Textual's choice, is redirected to a file.
"""

from __future__ import annotations

import asyncio
import os
import select
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from ..errors import WartuiError

DUMB_TERMS = frozenset({"dumb"})
EXIT_SIGNALS = tuple(getattr(signal, name) for name in ("SIGHUP", "SIGTERM")
                     if hasattr(signal, name))
EXIT_GRACE = 5.0  # seconds for the clean exit after a signal


class TerminalUnsupported(WartuiError):
    """The terminal cannot show the app (the message says what to do)."""


def check_terminal(environ: dict[str, str] | os._Environ = os.environ) -> None:
    """Raise TerminalUnsupported for a terminal without cursor movement."""
    term = environ.get("TERM", "")
    if term.strip().lower() in DUMB_TERMS:
        raise TerminalUnsupported(
            f"the app needs a terminal with cursor movement, and TERM={term} has none; "
            "use the commands (wartui search QUERY, wartui show ID; see wartui --help) "
            "or set TERM (for instance TERM=xterm-256color)")


# -- output that survives the terminal going away ---------------------------------------

class TerminalOutput:
    """A file-like writer to the terminal's file descriptor, unbuffered (so
    nothing is left to flush when Python exits), that turns quiet once a
    write fails: the terminal is gone and nobody can see the rest."""

    def __init__(self, file: IO[str]) -> None:
        try:
            file.flush()
        except (OSError, ValueError):
            pass
        self._fd = file.fileno()
        self.encoding = getattr(file, "encoding", None) or "utf-8"
        self.gone = False

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.gone:
            return len(text)
        data = memoryview(text.encode(self.encoding, "replace"))
        try:
            while data:
                try:
                    written = os.write(self._fd, data)
                except BlockingIOError:  # a non-blocking descriptor: wait until it takes more
                    select.select([], [self._fd], [], 1.0)
                    continue
                data = data[written:]
        except OSError:  # EIO, EPIPE, ENXIO, EBADF: the terminal went away
            self.gone = True
        return len(text)

    def flush(self) -> None:
        return


def terminal_stream(stream: IO[str]) -> IO[str]:
    """Where the app is drawn: Textual draws on stderr, but with stderr
    redirected (`wartui 2>errors.log`) that is a file, and the terminal stays
    blank while the log fills with escape codes: then stdout, if it is the
    terminal."""
    if not _isatty(stream) and _isatty(sys.__stdout__):
        return sys.__stdout__
    return stream


def _isatty(stream) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):
        return False


def safe_driver_class(driver_class: type) -> type:
    """`driver_class` writing through TerminalOutput (POSIX terminals only)."""
    try:
        from textual.drivers.linux_driver import LinuxDriver
    except ImportError:  # Windows
        return driver_class
    if not (isinstance(driver_class, type) and issubclass(driver_class, LinuxDriver)):
        return driver_class

    class SafeDriver(driver_class):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._file = TerminalOutput(terminal_stream(self._file))

    SafeDriver.__name__ = SafeDriver.__qualname__ = f"Safe{driver_class.__name__}"
    return SafeDriver


# -- signals ---------------------------------------------------------------------------

@contextmanager
def exit_on_signals(app, grace: float = EXIT_GRACE) -> Iterator[None]:
    """While in the block (around `app.run()`), SIGHUP and SIGTERM make `app`
    exit cleanly with status 128 + signal, and the process ends within `grace`
    seconds whatever happens. A repeated signal changes nothing (a hang-up
    sends SIGHUP from the kernel and again from the shell)."""
    received: list[int] = []

    def on_signal(signum: int, frame) -> None:
        if received:
            return
        received.append(signum)
        code = 128 + signum
        watchdog = threading.Timer(grace, _exit_now, (code,))
        watchdog.daemon = True
        watchdog.start()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # the app is not running (yet, or any more)
            raise SystemExit(code) from None
        loop.call_soon_threadsafe(app.exit, None, code)

    previous = {}
    try:
        for number in EXIT_SIGNALS:
            previous[number] = signal.signal(number, on_signal)
    except ValueError:  # not the main thread: leave the signals alone
        pass
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _exit_now(code: int) -> None:
    """The clean exit took too long: end the process (the OS releases the
    index's lock and files). Nothing is flushed: the terminal may be stuck."""
    os._exit(code)
