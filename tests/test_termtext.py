"""Search results printed without Rich's Console (termtext.py) are what
Rich's Console printed, byte for byte: on a terminal or not, whatever TERM,
NO_COLOR, FORCE_COLOR, TTY_COMPATIBLE, COLUMNS and LINES say, at any width,
with wide characters, combining marks and words longer than a line."""

import io
import itertools

import pytest
from rich.console import Console
from rich.text import Text

from wartui.cli import print_results
from wartui.model import MatchedEntity, SearchHit, SearchResults, Segment
from wartui.cli.termtext import Terminal
from wartui.textsafe import printable


class TerminalFile(io.StringIO):
    def isatty(self) -> bool:
        return True


def printed_by_rich(results, out: Console) -> None:
    """How `wartui search` printed its results with Rich, line by line."""
    def snippet_text(segments) -> Text:
        text = Text()
        for segment in segments:
            text.append(printable(segment.text, keep_newlines=False),
                        style="bold reverse" if segment.hit else "")
        return text

    shown = len(results.hits)
    out.print(Text(f"{results.total_text()}"
                   f"{f', showing {shown}' if shown < results.total else ''} for ", style="dim")
              + Text(printable(results.query, keep_newlines=False), style="bold"))
    for number, hit in enumerate(results.hits, 1):
        out.print()
        line = Text(f"{number:>2}. ", style="dim")
        line.append(printable(hit.title, keep_newlines=False) or "(untitled)", style="bold")
        out.print(line)
        meta = " · ".join(part for part in (hit.source, hit.date, f"score {hit.score:.2f}") if part)
        out.print(Text("    " + printable(meta, False), style="cyan")
                  + Text("  " + printable(hit.id, False), style="dim"))
        out.print(Text("    ") + snippet_text(hit.snippet))
        for match in hit.matched:
            written = ", ".join(printable(s, False) for s in match.spellings)
            out.print(Text(f"    {printable(match.name, False)} written as: ", style="dim")
                      + Text(written, style="bold"))


def both(results, environ: dict, terminal: bool) -> tuple[str, str]:
    ours, theirs = (TerminalFile() if terminal else io.StringIO() for _ in range(2))
    print_results(results, Terminal(ours, environ))
    printed_by_rich(results, Console(file=theirs, highlight=False, soft_wrap=False,
                                     _environ=environ))
    return ours.getvalue(), theirs.getvalue()


# Hand-made hits: what scraped text holds that wrapping has to measure.
ODD = SearchResults(query="Deir ez-Zor  حلب 阿勒颇", total=4, hits=[
    SearchHit(id="odd:1", title="阿勒颇的围城：联合国说 " * 3, source="weibo", date="2016-12-13",
              score=12.5, snippet=[Segment("Fighting in "), Segment("Deir ez-Zor", True),
                                   Segment(" — https://example.org/a/very/long/path/that/never/"
                                           "ends/and/is/longer/than/any/line/of/a/terminal "),
                                   Segment("Deir", True), Segment(" ", False),
                                   Segment("Ezzor", True), Segment("   trailing   ")],
              matched=[MatchedEntity("deir-ez-zor", "Deir ez-Zor", ["Deir ez-Zor", "Deir Ezzor"])]),
    SearchHit(id="odd:2", title="", source="", date=None, score=0.0,
              snippet=[Segment("Ṣalāḥ ad-Dīn e\u0301 é 👩‍👩‍👧 "), Segment("ħ", True),
                       Segment(" " + "x" * 300)]),
    SearchHit(id="odd:3", title="  leading and  double  spaces  ", source="a", date="2018",
              score=1.0, snippet=[Segment("\x1b[31mred\x1b[0m \u202eevil", True)]),
])


@pytest.fixture(scope="module")
def found(corpus_library):
    return [corpus_library.search(q, limit=12) for q in
            ("Deir ez-Zor", "chemical attack", "Taqsis", "nothing-like-this-anywhere")] + [ODD]


def test_every_environment(found):
    for (terminal, term, no_colour, force, compatible, size) in itertools.product(
            (True, False), ("xterm-256color", "dumb", "unknown", "linux", None),
            (None, "1", ""), (None, "1", ""), (None, "0", "1"),
            ((), (("COLUMNS", "57"),), (("COLUMNS", "63"), ("LINES", "20")),
             (("COLUMNS", "wide"),))):
        environ = {name: value for name, value in (
            ("TERM", term), ("NO_COLOR", no_colour), ("FORCE_COLOR", force),
            ("TTY_COMPATIBLE", compatible), *size) if value is not None}
        for results in (found[0], ODD):
            ours, theirs = both(results, environ, terminal)
            assert ours == theirs, environ


def test_every_width(found):
    for width in range(10, 150, 7):
        for results in found:
            for terminal in (True, False):
                ours, theirs = both(results, {"TERM": "xterm-256color",
                                              "COLUMNS": str(width)}, terminal)
                assert ours == theirs, (width, results.query)


def test_elsewhere_the_lines_go_through_rich(found, monkeypatch):
    """(On Windows, whose console Rich knows, the same lines are Rich's Texts.)"""
    monkeypatch.setattr("sys.platform", "win32")
    for results in found:
        for terminal in (True, False):
            ours, theirs = both(results, {"TERM": "xterm-256color", "COLUMNS": "70"}, terminal)
            assert ours == theirs
