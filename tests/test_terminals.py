"""Small and strange terminals, for real: the `wartui` command on a
pseudo-terminal of a given size and TERM, quit with `q`, with SIGHUP and
SIGTERM, and with the terminal closed under it (an SSH link dropping); and
the too-small notice and a very large terminal, with Pilot.

Each real run starts `python -m wartui --index-dir IX` as the controlling
process of a new pty (as a login shell's job is, so that closing the pty
hangs up as a dropped SSH link does), waits for the screen to show the search
box, acts, and checks how the process ended and what it last wrote: the
terminal restored (alt screen left, cursor shown, mouse reporting and
bracketed paste off) and no traceback.

Matrix: each size (40x12, 80x24, 300x80) with TERM=xterm-256color; at 80x24
TERM=vt100, TERM=linux and NO_COLOR=1; TERM=dumb (refused with one message);
SIGHUP, SIGTERM and a hang-up at 80x24, one hang-up during the first-run
indexing; stderr redirected to a file.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest
from textual.drivers._writer_thread import WriterThread
from textual.widgets import Input

from test_tui import run, screen_text, seed_index, settle  # noqa: F401  (a fixture, helpers)
from wartui.library import Library
from wartui.tui.app import WartuiApp
from wartui.tui.terminal import TerminalOutput, TerminalUnsupported, check_terminal
from wartui.tui.widgets.passage_view import PassageView
from wartui.tui.widgets.results import ResultList
from wartui.tui.widgets.too_small import TooSmall

STARTUP = 60.0  # seconds until the first screen: generous, the machine may be busy
EXIT = 10.0  # seconds to exit: well within the app's own grace after a signal (5 s)
# Makes the pty the child's controlling terminal (setsid is done by Popen), then
# becomes wartui: the same process, so signals and the hang-up reach wartui itself.
LAUNCH = ("import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
          "os.execv(sys.executable, [sys.executable, '-m', 'wartui', *sys.argv[1:]])")
ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
# The modes Textual turns on (h) and must turn off (l) on the way out.
MODES = ("?1049", "?25", "?1000", "?1003", "?1006", "?2004")
RESTORED = {"?1049": "l", "?25": "h", "?1000": "l", "?1003": "l", "?1006": "l", "?2004": "l"}
SEARCH_BOX = "Search reports"
READY = "one per story"  # the status line once the first results show
DROPPED_ENV = {"COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "COLORTERM", "WARTUI_INDEX",
               "TERM", "TMUX", "STY"}

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminals")


class Terminal:
    """A pseudo-terminal of `size` (columns, rows) with wartui running in it."""

    def __init__(self, index_dir: Path, size: tuple[int, int], env: dict[str, str],
                 stderr=None) -> None:
        columns, rows = size
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, "--index-dir", str(index_dir)],
            stdin=slave, stdout=slave, stderr=slave if stderr is None else stderr,
            env=env, start_new_session=True)
        os.close(slave)
        self.output = bytearray()

    @property
    def text(self) -> str:
        """What was written, without escape sequences."""
        return ESCAPES.sub("", self.output.decode("utf-8", "replace"))

    def _read(self, timeout: float) -> bool:
        """Read what is there within `timeout`; False at the end (the child gone)."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the child closed its end
            return False
        self.output += data
        return bool(data)

    def wait_for(self, text: str, since: int = 0, timeout: float = STARTUP) -> None:
        deadline = time.monotonic() + timeout
        while text not in ESCAPES.sub("", self.output[since:].decode("utf-8", "replace")):
            if time.monotonic() > deadline or not self._read(0.2):
                raise AssertionError(f"{text!r} not shown (exit {self.process.poll()}); "
                                     f"the screen ended with:\n{self.text[-2000:]}")

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def press_and_wait(self, keys: str, shown: str) -> None:
        mark = len(self.output)
        self.send(keys)
        self.wait_for(shown, since=mark, timeout=EXIT)

    def hang_up(self) -> None:
        """Close the terminal, as sshd does when the link drops."""
        os.close(self.master)
        self.master = None

    def finish(self, timeout: float = EXIT) -> int:
        """Read to the end and wait for the exit status (None: still running)."""
        deadline = time.monotonic() + timeout
        while self.master is not None and time.monotonic() < deadline and self._read(0.1):
            pass
        try:
            return self.process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            return None

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.master is not None:
            os.close(self.master)
            self.master = None


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("terminals") / "ix"
    with Library(index) as library:
        library.add_seeds()
    return index


@pytest.fixture
def terminal(tmp_path):
    """terminal(index_dir, size, TERM=..., NO_COLOR=...): a started Terminal."""
    started = []

    def start(index_dir: Path, size=(80, 24), stderr=None, **env) -> Terminal:
        environ = {key: value for key, value in os.environ.items()
                   if key not in DROPPED_ENV and not key.startswith("TEXTUAL")}
        environ.update(TERM="xterm-256color", XDG_CONFIG_HOME=str(tmp_path / "config"))
        environ.update(env)
        started.append(Terminal(index_dir, size, environ, stderr))
        return started[-1]

    yield start
    for term in started:
        term.close()


def assert_restored(term: Terminal) -> None:
    """The output ends by restoring every mode the app set, and no traceback."""
    output = term.output.decode("utf-8", "replace")
    for mode in MODES:
        last = max(output.rfind(f"\x1b[{mode}h"), output.rfind(f"\x1b[{mode}l"))
        assert last >= 0 and output[last + len(mode) + 2] == RESTORED[mode], (
            f"mode {mode} left {'on' if RESTORED[mode] == 'l' else 'off'}: "
            f"{output[-300:]!r}")
    after = output[output.rfind("\x1b[?1049l"):]
    assert not ESCAPES.sub("", after).strip(), f"written after leaving the app: {after!r}"
    assert "Traceback" not in term.text and "Exception" not in term.text, term.text[-2000:]


def start_and_show(terminal, index_dir, size, **env) -> Terminal:
    term = terminal(index_dir, size, **env)
    columns, rows = size
    if columns >= 60 and rows >= 16:
        term.wait_for(SEARCH_BOX)
        term.wait_for(READY)
    else:
        term.wait_for(f"Terminal too small: {columns}×{rows}")
        term.wait_for("at least 60×16")
    return term


def quit_with_q(term: Terminal, size) -> None:
    columns, rows = size
    if columns >= 60 and rows >= 16:
        # The box has the focus (a q there is text): down into the results, then q.
        term.press_and_wait("\x1b[B", "Open the result")
    term.send("q")


# -- sizes, TERM and NO_COLOR: start, show, quit with q -----------------------------------

@pytest.mark.parametrize("size", [(40, 12), (80, 24), (300, 80)],
                         ids=lambda size: f"{size[0]}x{size[1]}")
def test_each_size_starts_and_quits_with_q(terminal, index_dir, size):
    term = start_and_show(terminal, index_dir, size)
    quit_with_q(term, size)
    assert term.finish() == 0
    assert_restored(term)


@pytest.mark.parametrize("env", [{"TERM": "vt100"}, {"TERM": "linux"}, {"NO_COLOR": "1"}],
                         ids=lambda env: "-".join(f"{k}={v}" for k, v in env.items()))
def test_each_terminal_type_starts_and_quits_with_q(terminal, index_dir, env):
    term = start_and_show(terminal, index_dir, (80, 24), **env)
    quit_with_q(term, (80, 24))
    assert term.finish() == 0
    assert_restored(term)
    colours = sgr_colours(term.output.decode("utf-8", "replace"))
    assert colours
    if "NO_COLOR" in env:  # greys only
        assert all(grey(colour) for colour in colours), sorted(colours)[:20]
    else:  # 16 colours: what a Linux console or a vt100 emulator can show
        assert all(len(colour) == 1 for colour in colours), sorted(colours)[:20]


def sgr_colours(output: str) -> set[tuple[int, ...]]:
    """The colours of the SGR sequences: (n,) for the 16 colours, (5, n) for
    the 256, (2, r, g, b) for true colour."""
    colours = set()
    for params in re.findall(r"\x1b\[([0-9;]*)m", output):
        numbers = [int(n) for n in params.split(";") if n]
        i = 0
        while i < len(numbers):
            n = numbers[i]
            if n in (38, 48) and i + 1 < len(numbers):
                size = 3 if numbers[i + 1] == 2 else 1
                colours.add(tuple(numbers[i + 1:i + 2 + size]))
                i += 2 + size
                continue
            if 30 <= n <= 37 or 40 <= n <= 47 or 90 <= n <= 97 or 100 <= n <= 107:
                colours.add((n,))
            i += 1
    return colours


def grey(colour: tuple[int, ...]) -> bool:
    if colour[0] == 5:
        return colour[1] in (0, 7, 8, 15, 16, 231) or colour[1] >= 232
    if colour[0] == 2:
        return colour[1] == colour[2] == colour[3]
    return colour[0] % 10 in (0, 7)  # black, white, bright black, bright white


def test_the_colour_check_sees_colours(terminal, index_dir):
    """Without NO_COLOR the same screen has colours (so the check above means something)."""
    term = start_and_show(terminal, index_dir, (80, 24))
    quit_with_q(term, (80, 24))
    assert term.finish() == 0
    assert not all(grey(colour) for colour in
                   sgr_colours(term.output.decode("utf-8", "replace")))


def test_a_dumb_terminal_gets_one_message_and_the_commands(terminal, index_dir):
    term = terminal(index_dir, (80, 24), TERM="dumb")
    assert term.finish() == 2
    message = " ".join(term.text.split())
    assert message.startswith("wartui: the app needs a terminal with cursor movement")
    assert "TERM=dumb" in message and "wartui search QUERY" in message
    assert b"\x1b" not in term.output  # no alt screen, no colour: nothing to undo
    assert "Traceback" not in message


def test_check_terminal():
    check_terminal({"TERM": "xterm-256color"})
    check_terminal({"TERM": "linux"})
    check_terminal({})
    with pytest.raises(TerminalUnsupported, match="TERM=dumb"):
        check_terminal({"TERM": "dumb"})


def test_the_app_draws_on_the_terminal_with_stderr_redirected(terminal, index_dir, tmp_path):
    """`wartui 2>errors.log`: Textual draws on stderr, which is now a file."""
    log = tmp_path / "errors.log"
    with open(log, "wb") as stderr:
        term = terminal(index_dir, (80, 24), stderr=stderr)
        term.wait_for(SEARCH_BOX)
        term.wait_for(READY)
        quit_with_q(term, (80, 24))
        assert term.finish() == 0
    assert_restored(term)
    assert b"\x1b" not in log.read_bytes()


# -- signals and hang-ups ----------------------------------------------------------------

@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_a_signal_ends_the_app_cleanly(terminal, index_dir, signum):
    term = start_and_show(terminal, index_dir, (80, 24))
    term.process.send_signal(signum)
    assert term.finish() == 128 + signum  # as a shell reports a signal, not killed by it
    assert_restored(term)


def test_a_signal_on_the_too_small_notice(terminal, index_dir):
    term = start_and_show(terminal, index_dir, (40, 12))
    term.process.send_signal(signal.SIGHUP)
    assert term.finish() == 128 + signal.SIGHUP
    assert_restored(term)


def test_the_terminal_hanging_up_ends_the_app(terminal, index_dir):
    """The SSH link drops: the pty closes under the app, SIGHUP comes from the
    kernel, and every write to the terminal fails from then on."""
    term = start_and_show(terminal, index_dir, (80, 24))
    term.hang_up()
    assert term.finish() == 128 + signal.SIGHUP


def test_hanging_up_while_indexing_leaves_a_usable_index(terminal, tmp_path):
    """First run: the seeds are being indexed when the terminal goes away.
    The process ends promptly and leaves no write lock: the index can be
    written and read at once."""
    index = tmp_path / "new-index"
    term = terminal(index, (80, 24))
    term.wait_for("No index there")  # a folder named that does not exist: asked first
    term.press_and_wait("\r", "Welcome to wartui")
    term.hang_up()
    assert term.finish() == 128 + signal.SIGHUP
    with Library(index) as library:
        report = library.add_seeds()  # raises IndexBusy if the lock were held
        assert report.new + report.changed + report.unchanged == 5
        assert library.count() == 5
        assert library.search("Rastan").total


# -- writing to a terminal that is gone ------------------------------------------------

def dead_pty():
    master, slave = os.openpty()
    os.close(master)
    return slave


def dead_pipe():
    read, write = os.pipe()
    os.close(read)
    return write


@pytest.mark.parametrize("make", [dead_pty, dead_pipe], ids=["EIO", "EPIPE"])
def test_textual_output_to_a_vanished_terminal_neither_fails_nor_blocks(make):
    """Textual's output thread writes through TerminalOutput: after the first
    failed write the rest is dropped, where a plain file would kill the thread
    and then block the app on its full queue (30 writes)."""
    with open(make(), "w", encoding="utf-8") as file:
        output = TerminalOutput(file)
        writer = WriterThread(output)
        writer.start()

        def exit_as_the_app_does():
            for _ in range(100):
                writer.write("\x1b[?1049l\x1b[?25h")
            writer.stop()

        exiting = threading.Thread(target=exit_as_the_app_does, daemon=True)
        exiting.start()
        exiting.join(5)
        assert not exiting.is_alive(), "blocked on a vanished terminal"
        assert output.gone


# -- too small, and very large (Pilot) -----------------------------------------------

def test_too_small_says_what_is_needed_and_gives_the_focus_back(seed_index):
    """At 40x12 the notice names the size needed and how to quit; back at
    80x24 the layout returns with the search box focused, so typing a query
    that starts with q types it (instead of quitting)."""
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        screen = pilot.app.screen
        assert screen.query_one(TooSmall).display
        assert not screen.query_one(Input).display and not screen.query_one(ResultList).display
        text = screen_text(pilot.app)
        assert "Terminal too small: 40×12" in text and "at least 60×16" in text
        assert "ctrl+q quits" in text
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert not screen.query_one(TooSmall).display
        assert screen.query_one(ResultList).display and screen.query_one(ResultList).hits
        assert pilot.app.focused is screen.query_one(Input)
        await pilot.press(*"qalamun")
        await settle(pilot)
        assert pilot.app.is_running
        assert screen.query_one(Input).value == "qalamun"

    run(app, scenario, size=(40, 12))


def test_shrinking_and_growing_keeps_the_document_focused(seed_index):
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        pilot.app.open_document("002_193f624956799aae")
        await settle(pilot)
        view = pilot.app.screen.query_one(PassageView)
        assert pilot.app.focused is view
        await pilot.resize_terminal(40, 12)
        await settle(pilot)
        assert "Terminal too small" in screen_text(pilot.app)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert pilot.app.focused is view
        await pilot.press("j")
        await settle(pilot)
        assert view.scroll_y == 1

    run(app, scenario, size=(80, 24))


def test_a_very_large_terminal(seed_index):
    """300x80: the wide layout, everything inside the screen, nothing stretched
    past the reading width."""
    app = WartuiApp(seed_index)

    async def scenario(pilot):
        screen = pilot.app.screen
        assert screen.has_class("-wide") and not screen.query_one(TooSmall).display
        assert screen.query_one(Input).region.width == 300
        results = screen.query_one(ResultList)
        assert results.hits and results.region.bottom <= 80
        pilot.app.open_document("002_193f624956799aae", "Deir ez-Zor", {"deir-ez-zor"})
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        view = pilot.app.screen.query_one(PassageView)
        assert view.region.width <= 104 and view.region.bottom <= 80
        assert "Deir" in screen_text(pilot.app)

    run(app, scenario, size=(300, 80))


def test_search_at_300x80(snap_compare, seed_index):
    from test_tui_snapshots import keys

    assert snap_compare(WartuiApp(seed_index), terminal_size=(300, 80),
                        run_before=keys("Deir ez-Zor"))
