"""The scriptable command line. Presentation only: all work is in `Library`.

Rich is imported only by what prints with it: a command that prints JSON
(`wartui search --json`, for scripts calling it in a loop) does not pay its
~65 ms of import.

Exit status, as grep's: 0 something found (or done); 1 nothing found (a
search without results, an id that is no article), or, for `index`,
something skipped; 2 bad usage or a query/index problem (with a one-line
message on stderr); 3 the index is being written by another process (try
again later); 4 the disk is full (free space and run the same command
again); 130 Ctrl-C, 143 SIGTERM (the same one line). A reader that closes
the pipe early (`| head`) ends the command quietly, with the status of what
it found (output.py).
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..config import INDEX_ENV, default_index_dir
from ..errors import DiskFull, IndexBusy, WartuiError
from ..model import Article, IngestReport, Repaired, SearchResults, by_file, share_text
from ..textsafe import dumps_json, printable
from .output import COLOR_CHOICES, Output, quiet_when_closed, stop_writing

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from .termtext import Terminal

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_BUSY, EXIT_DISK_FULL = 0, 1, 2, 3, 4
EXIT_NONE_FOUND = EXIT_PARTIAL  # (grep's 1)
ENTITY_TYPES = ("place", "armed-group", "person", "organisation", "country")
# Entity types differ by more than colour, so they read in monochrome too.
ENTITY_STYLES = {
    "place": "bold green", "armed-group": "bold red underline", "person": "bold magenta",
    "organisation": "bold cyan", "country": "green underline", "other": "italic",
    "date": "yellow", "figure": "bold yellow",
}
MAX_REPORT_LINES = 30


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wartui",
        description="A terminal browser for war reporting: clean, index, search and compare "
                    "scraped reports.",
        epilog="Without a command, wartui opens the app (on a terminal; it indexes the bundled "
               "seeds first if there is no index yet). "
               "Query syntax: words (AND by default), OR, NOT, -word (without it), \"phrases\", "
               "title:word, source:name, date:2018-04, date:[2018-04-01 to 2018-04-30], "
               "entity:ID, wildcards (bomb*).",
    )
    parser.add_argument("--index-dir", type=Path, default=None,
                        help=f"index directory (default: ${INDEX_ENV}, else ./index)")
    parser.add_argument("--version", action="version", version=f"wartui {__version__}")
    add_output_options(parser, None)
    # (before or after the command: `wartui search x --color=always` too)
    common = argparse.ArgumentParser(add_help=False)
    add_output_options(common, argparse.SUPPRESS)
    commands = _Commands(parser.add_subparsers(dest="command", metavar="COMMAND"), common)

    index = commands.add_parser("index", help="clean and index files or folders",
                                description="Clean and index .txt/.md, .html/.htm, .jsonl and "
                                            ".csv files; only what changed is re-indexed, "
                                            "and what is gone from a folder or file indexed "
                                            "again is removed.")
    index.add_argument("paths", nargs="*", type=Path,
                       help="files or folders (default: the index's own sources, as `wartui "
                            "sources` lists them; the bundled seeds for a new index)")
    index.add_argument("--rebuild", action="store_true",
                       help="delete the index first and build it anew")
    index.add_argument("--json", action="store_true", help="print the report as JSON")
    index.add_argument("--wait", type=float, default=None, metavar="SECONDS",
                       help="while another process writes the index, wait this long for "
                            "it (default 10), then exit with status 3")
    index.add_argument("--compact", action="store_true",
                       help="give back the room of deleted documents (after indexing PATHs, "
                            "if any: without a PATH, only this)")

    check = commands.add_parser(
        "check", help="verify the index: every segment, the store, their ids",
        description="Every search segment against the checksums written when it was "
                    "committed (read through when it has none), SQLite's integrity_check of "
                    "the article store, and the search index's ids against the store's; a "
                    "verdict, and the command that repairs what is found. Exit status 0 "
                    "whole, 1 a run was cut short, 2 damaged.")
    check.add_argument("--repair", action="store_true",
                       help="make the search index whole again from the article store "
                            "(damaged segments dropped, their articles written again)")
    check.add_argument("--json", action="store_true", help="print JSON")

    stats = commands.add_parser("stats", help="what the index holds and the room it takes",
                                description="Articles, the search index's live and deleted "
                                            "documents, sizes, and the room `wartui index "
                                            "--compact` would give back.")
    stats.add_argument("--json", action="store_true", help="print JSON")

    search = commands.add_parser("search", help="search the index")
    search.add_argument("query", help="Whoosh query syntax (see wartui --help); a query that "
                        "starts with - comes after --: wartui search -- -word")
    search.add_argument("--limit", type=int, default=10, help="results to show (default 10)")
    search.add_argument("--sort", choices=("relevance", "date", "newest", "oldest"),
                        default="relevance", help="relevance, or by date: newest (or date) "
                        "or oldest first")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument("--format", choices=("text", "tsv", "json"), default=None,
                        help="text (default), tsv (one line a result: id, date, source, "
                             "title, tags, snippet) or json (as --json)")
    search.add_argument("--all-versions", action="store_true",
                        help="list every version of a report, not only the best-ranked")

    show = commands.add_parser("show", help="print one cleaned article")
    show.add_argument("doc_id", help="document id, as search prints it")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.add_argument("--raw", action="store_true", help="print the raw page")
    show.add_argument("--dropped", action="store_true",
                      help="list the lines the cleaner dropped, and why")
    dupes = commands.add_parser("dupes", help="groups of versions of the same report")
    dupes.add_argument("--threshold", type=float, default=None,
                       help="the least share of the shorter of a pair in the longer, 0-1 "
                            "(default: as indexed, 0.5)")
    dupes.add_argument("--json", action="store_true", help="print JSON")

    diff = commands.add_parser("diff", help="compare two versions side by side",
                               description="Aligned paragraphs, changed words, moved blocks "
                                           "and changed figures; side by side on a terminal "
                                           "of 100 columns or more, stacked when narrower. "
                                           "To a pipe or a file, the changes are marked in "
                                           "the text: [-removed-]{+added+}, as git's word "
                                           "diff (--format word), or as a unified diff of "
                                           "paragraphs (--format unified).")
    diff.add_argument("doc_a")
    diff.add_argument("doc_b")
    diff.add_argument("--json", action="store_true", help="print JSON")
    diff.add_argument("--format", choices=("view", "word", "unified"), default=None,
                      help="view (side by side or stacked: the default on a terminal), word "
                           "(the default to a pipe) or unified")

    entities = commands.add_parser(
        "entities", help="the entities of one article, or the most named in the index",
        description="Places, armed groups, people, organisations, countries, other names, "
                    "dates and figures: in one article (DOC_ID), or counted over the index "
                    "(--top: articles naming each gazetteer entity).")
    entities.add_argument("doc_id", nargs="?", help="document id")
    entities.add_argument("--top", action="store_true", help="corpus-wide counts")
    entities.add_argument("--type", dest="entity_type", choices=(*ENTITY_TYPES, "other"),
                          help="only this type (with --top); other: the names no "
                               "gazetteer entry links")
    entities.add_argument("--limit", type=int, default=20, help="rows with --top (default 20)")
    entities.add_argument("--json", action="store_true", help="print JSON")
    from .workbench import add_parsers

    add_parsers(commands)
    return parser


def add_output_options(parser: argparse.ArgumentParser, default) -> None:
    """--color and --width: on the program (with their defaults) and on each
    command (SUPPRESS: when not given there, the program's stand)."""
    parser.add_argument("--color", "--colour", choices=COLOR_CHOICES,
                        default="auto" if default is None else default,
                        help="colour and styles: auto (on a terminal; no colour when NO_COLOR "
                             "is set), always, never")
    parser.add_argument("--width", type=_width, default=default, metavar="N",
                        help="wrap text at N columns (default: the terminal's width; output "
                             "to a pipe or a file is not wrapped)")


def _width(text: str) -> int:
    if not text.isdigit() or not 20 <= int(text) <= 10_000:
        raise argparse.ArgumentTypeError("a width is a number of columns, 20 or more")
    return int(text)


class _Commands:
    """The subcommands' parsers, each with the output options."""

    def __init__(self, subparsers, common: argparse.ArgumentParser):
        self.subparsers, self.common = subparsers, common

    def add_parser(self, name: str, **options) -> argparse.ArgumentParser:
        return self.subparsers.add_parser(name, parents=[self.common], **options)


def parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """The command line; also `wartui tag ID... +a -b`, whose `-b` is a tag
    to remove, not an option."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        from .workbench import take_removed_tags

        if not take_removed_tags(args, extra):
            parser.error("unrecognized arguments: " + " ".join(extra))
    return args


# Commands that read, print and end: short processes (over SSH, every search is one).
SHORT_COMMANDS = frozenset({"search", "show", "dupes", "diff", "entities", "sources", "tags",
                            "export"})


def run() -> None:
    """The `wartui` program (its console script and `python -m wartui`).

    A short command runs without Python's cyclic garbage collector, which
    its imports alone made walk every live object several times, and ends
    without Python's teardown, which freed every object and module one by
    one (~50 ms of a cold search at 100k): its output is flushed and the
    process exits. The app and `index` end as any Python program does.

    wartui calls no BLAS routine, but numpy's OpenBLAS starts a pool of
    threads when numpy is imported: ~40 ms of a cold search on this
    project's two busy cores. One thread, unless the user says otherwise
    (the ingest workers, one per core, inherit it)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    parser = build_parser()
    with quiet_when_closed():  # (`wartui --help | head`)
        args = parse(parser, None)
    if args.command not in SHORT_COMMANDS:
        status = stoppable(parser, args)
        with quiet_when_closed():  # (else Python's own flush at exit would fail again)
            sys.stdout.flush()
        sys.exit(status)
    gc.disable()
    status = stoppable(parser, args)
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left: what is left goes nowhere, quietly
        stop_writing()
    except BaseException:  # (another failure: Python's own exit reports it, as before)
        sys.exit(status)
    try:
        sys.stderr.flush()
    except BaseException:
        pass
    os._exit(status)


def main(argv: list[str] | None = None) -> int:
    """Run one command line (in this process: tests and scripts call this)."""
    parser = build_parser()
    return stoppable(parser, parse(parser, argv))


def stoppable(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """The command, with Ctrl-C and SIGTERM taken as one line and a status
    (Stops), except in the app, which handles its own (tui/terminal.py)."""
    if not args.command or threading.current_thread() is not threading.main_thread():
        return dispatch(parser, args)
    with STOPS.handled():
        try:
            return dispatch(parser, args)
        except KeyboardInterrupt as exc:  # (before the command began: its imports)
            return interrupted(exc)


def interrupted(exc: KeyboardInterrupt) -> int:
    """The one line for Ctrl-C or SIGTERM, and the status: 128 + the signal."""
    sys.stderr.write("wartui: interrupted; the index keeps every batch committed so far\n")
    sys.stderr.flush()
    return 128 + (exc.signum if isinstance(exc, Terminated) else signal.SIGINT)


def dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    for name in ("doc_id", "doc_a", "doc_b"):  # bytes of argv that are not UTF-8: as in ids
        if isinstance(getattr(args, name, None), str):
            from ..ingest.sources import shown_path  # (not for a search: the ingest modules)

            setattr(args, name, shown_path(getattr(args, name)))
    con = Output(args.color, args.width)
    from ..library import Library

    library = Library(args.index_dir or default_index_dir())
    if args.command in ("search", "index"):
        slower = library.slower_search()  # (an untested Whoosh installed: search/engine/)
        if slower:
            sys.stderr.write(f"wartui: warning: {slower}\n")
    try:
        return run_command(library, parser, args, con)
    except BrokenPipeError:  # the reader left (`| head`): quietly, with what was found
        stop_writing()
        return con.status
    except WartuiError as exc:
        print_error(str(exc), con.err)
        return (EXIT_BUSY if isinstance(exc, IndexBusy)
                else EXIT_DISK_FULL if isinstance(exc, DiskFull) else EXIT_USAGE)
    except (OSError, sqlite3.DatabaseError) as exc:
        from .. import space

        if space.is_full(exc, library.index_dir):  # never advise a rebuild: room is all it needs
            print_error(str(space.disk_full(library.index_dir, exc)), con.err)
            return EXIT_DISK_FULL
        if isinstance(exc, OSError):
            raise
        from ..library import damaged  # a store damaged where opening it did not look

        print_error(str(damaged(library.index_dir, f"articles.sqlite: {exc}")), con.err)
        return EXIT_USAGE
    except KeyboardInterrupt as exc:
        return interrupted(exc)
    finally:
        STOPS.live = False  # closing: a signal now stops nothing, and is let be
        library.close()


def run_command(library, parser: argparse.ArgumentParser, args: argparse.Namespace,
                con: Output) -> int:
    """The command's function, from one table of every command (the
    reader's are cli/workbench.py's, imported only when one of them runs)."""
    command = COMMANDS.get(args.command)
    if command is None and args.command:
        from .workbench import COMMANDS as workbench

        command = workbench.get(args.command)
    if command is not None:
        return command(library, args, con)
    named = args.index_dir is not None or bool(os.environ.get(INDEX_ENV))
    return cmd_default(library, parser, con.out, named)


class Terminated(KeyboardInterrupt):
    """SIGTERM, taken as Ctrl-C is: the run stops where it is, what it had
    not committed is undone, the same one line is printed (status 143)."""

    signum = signal.SIGTERM


class Stops:
    """Ctrl-C and SIGTERM while a command runs, raised where it is
    (KeyboardInterrupt; Terminated for SIGTERM), so that what it had not
    committed is undone; but not inside a finalizer (`__del__`: Python
    prints what is raised there, "Exception ignored in ...", and the run
    went on), where it is sent again 50 ms later; and not once the command
    is closing (`live` False). A signal the shell had ignored (a background
    job) stays ignored."""

    def __init__(self):
        self.live = False

    @contextmanager
    def handled(self) -> Iterator[None]:
        previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
        for signum, handler in previous.items():
            if handler is not signal.SIG_IGN:
                signal.signal(signum, self._stop)
        self.live = True
        try:
            yield
        finally:
            self.live = False
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _stop(self, signum, frame) -> None:
        if not self.live:
            return
        if _in_finalizer(frame):
            again = threading.Timer(0.05, os.kill, (os.getpid(), signum))
            again.daemon = True
            again.start()
            return
        raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


STOPS = Stops()


def _in_finalizer(frame) -> bool:
    for _ in range(32):
        if frame is None:
            return False
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


# -- commands ------------------------------------------------------------------

def cmd_default(library, parser: argparse.ArgumentParser, out: Console,
                named: bool = False) -> int:
    """No command: open the app on a terminal (it builds the seed index first
    if there is none; in a directory the user named, `named`, it asks
    first: the name may be mistyped). Without a terminal (a pipe, CI), build
    the seed index if needed and print the help."""
    from rich.text import Text

    if sys.stdin.isatty() and sys.stdout.isatty():
        from ..tui.app import run_app

        library.close()
        return run_app(library.index_dir, ask_before_building=named)
    status = EXIT_OK
    if not library.exists():
        out.print(Text(f"No index in {printable(str(library.index_dir), False)}: "
                       "indexing the bundled seeds …"))
        report = run_with_progress(out, lambda progress: library.add_seeds(progress=progress))
        print_report(report, out)
        status = EXIT_PARTIAL if report.skipped else EXIT_OK
    out.print(Text(f"Index: {printable(str(library.index_dir), False)} "
                   f"({library.count()} articles)\n"))
    parser.print_help()
    return status


def cmd_index(library, args, con: Output) -> int:
    from ..library import WRITE_WAIT

    wait = WRITE_WAIT if args.wait is None else args.wait

    def warn(message: str) -> None:  # (on stderr, above a progress bar)
        from rich.text import Text

        con.err.print(Text("wartui: warning: " + printable(message, False), style="yellow"),
                      soft_wrap=True)

    def work(progress):
        if args.paths:
            return library.add_paths(args.paths, progress=progress, rebuild=args.rebuild,
                                     wait=wait, warn=warn)
        # the index's own sources (the seeds for a new index: corpus.py)
        return library.reindex(progress=progress, rebuild=args.rebuild, wait=wait, warn=warn)

    if args.compact and not args.paths and not args.rebuild:
        return print_compacted(library.compact(wait=wait), args.json, con)
    report = work(None) if args.json else run_with_progress(con.out, work)
    compacted = library.compact(wait=wait) if args.compact else None
    if args.json:
        print_json({**report_json(report), **({"compacted": compacted} if compacted else {})})
    else:
        print_report(report, con.out)
        if compacted:
            print_compacted(compacted, False, con)
    return EXIT_PARTIAL if report.skipped else EXIT_OK


def print_compacted(compacted: dict, as_json: bool, con: Output) -> int:
    if as_json:
        print_json(compacted)
        return EXIT_OK
    from rich.text import Text

    for note in compacted["repairs"]:
        con.out.print(Text(f"  repaired: {printable(note, False)}", style="dim"))
    vacuumed = "; the article store's unused pages given back" if compacted["vacuumed"] else ""
    con.out.print(Text(f"compacted: {compacted['removed']:,} deleted documents removed"
                       f"{vacuumed}; {compacted['bytes_before'] / 1e6:,.1f} MB -> "
                       f"{compacted['bytes_after'] / 1e6:,.1f} MB", style="bold"))
    return EXIT_OK


def cmd_check(library, args, con: Output) -> int:
    """The verdict on one line (on stdout when whole, else as the error
    line on stderr), each finding before it."""
    from rich.text import Text

    from ..library import rebuild_hint, repair_hint

    repaired = library.repair() if args.repair else []
    findings = library.check()
    where = printable(str(library.index_dir), False)
    counted = (f"{findings.articles:,} articles; {findings.segments} "
               f"segment{'s' if findings.segments != 1 else ''} "
               f"({findings.by_checksum} checked against their checksums, "
               f"{findings.read_through} read through)")
    if findings.store:
        verdict, status = f"the index in {where} is damaged; {rebuild_hint(where)}", EXIT_USAGE
    elif findings.search:
        verdict, status = f"the index in {where} is damaged; {repair_hint(where)}", EXIT_USAGE
    elif findings.unfinished:
        verdict = (f"the index in {where} is not finished: a run was cut short; finish it with: "
                   f"wartui --index-dir {where} check --repair (or the next `wartui index`)")
        status = EXIT_PARTIAL
    else:
        verdict, status = (f"the index in {where} is whole: {counted}, the article store's "
                           "integrity check passed, the search index and the store hold the "
                           "same articles"), EXIT_OK
    if args.json:
        print_json({"whole": findings.whole, "repaired": repaired, "search": findings.search,
                    "store": findings.store, "unfinished": findings.unfinished,
                    "articles": findings.articles, "segments": findings.segments,
                    "by_checksum": findings.by_checksum,
                    "read_through": findings.read_through, "verdict": verdict})
        return status
    for note in repaired:
        con.out.print(Text(f"  repaired: {printable(note, False)}", style="dim"), soft_wrap=True)
    for label, items in (("damaged", findings.store + findings.search),
                         ("unfinished", findings.unfinished)):
        for item in items:
            con.out.print(Text(f"  {label}: {printable(item, False)}", style="yellow"),
                          soft_wrap=True)
    if status == EXIT_OK:
        con.out.print(Text(verdict, style="bold"), soft_wrap=True)
    else:
        print_error(verdict, con.err)
    return status


def cmd_stats(library, args, con: Output) -> int:
    stats = library.stats()
    if args.json:
        print_json(stats)
        return EXIT_OK
    from rich.text import Text

    def mb(count: int | None) -> str:
        return "?" if count is None else f"{count / 1e6:,.1f} MB"

    share = stats["deleted"] / max(1, stats["documents"] + stats["deleted"])
    lines = [
        f"{printable(str(library.index_dir), False)}: {stats['articles']:,} articles",
        f"  search index: {stats['documents']:,} documents, {stats['deleted']:,} deleted "
        f"({share:.0%}), {stats['segments']} segments, {mb(stats['search_bytes'])}",
        f"  article store: {mb(stats['store_bytes'])} ({mb(stats['store_unused_bytes'])} unused)",
        f"  `wartui index --compact` would give back about {mb(stats['reclaimable_bytes'])}; "
        f"{mb(stats['free_bytes'])} free on the disk",
    ]
    for line in lines:
        con.out.print(Text(line))
    return EXIT_OK


def cmd_search(library, args, con: Output) -> int:
    if args.limit < 1:
        raise SystemExit("wartui search: --limit must be at least 1")
    sort = "date" if args.sort == "newest" else args.sort
    results = library.search(args.query, limit=args.limit, sort=sort,
                             all_versions=args.all_versions)
    con.status = EXIT_OK if results.total else EXIT_NONE_FOUND  # (grep's)
    form = "json" if args.json else args.format or "text"
    if form == "json":
        print_json(results.to_json())
    elif form == "tsv":
        from ..export import tsv_line

        sys.stdout.write("".join(tsv_line(hit) + "\n" for hit in results.hits))
    else:
        print_results(results, con.text_terminal())
    return con.status


def cmd_show(library, args, con: Output) -> int:
    article = library.article(args.doc_id)
    if article is None:
        message = f"no article with id {printable(args.doc_id, False)!r}"
        guesses = suggest_ids(library, args.doc_id)
        if guesses:
            message += "; did you mean: " + ", ".join(printable(g) for g in guesses)
        print_error(message, con.err)
        return EXIT_PARTIAL
    if args.json:
        data = article.to_json()
        data.pop("content_hash", None)
        if args.raw:
            data["raw"] = library.raw(article.id)
        print_json(data)
    elif args.raw:
        print_raw(library.raw(article.id) or "", article if args.dropped else None, con.out)
    else:
        print_article(article, con.out, with_dropped=args.dropped)
    return EXIT_OK


def cmd_dupes(library, args, con: Output) -> int:
    if args.threshold is not None and not 0 <= args.threshold <= 1:
        raise SystemExit("wartui dupes: --threshold is a share between 0 and 1")
    clusters = library.clusters(args.threshold)
    if args.json:
        print_json({"clusters": [c.to_json() for c in clusters]})
        return EXIT_OK
    from rich.text import Text

    out = con.out
    out.print(Text(f"{len(clusters)} groups of versions, "
                   f"{sum(len(c.ids) for c in clusters)} articles", style="bold"))
    for cluster in clusters:
        out.print()
        out.print(Text(f"{len(cluster.ids)} versions: {cluster_share(cluster)}", style="cyan"))
        for doc_id, title, source in zip(cluster.ids, cluster.titles, cluster.sources):
            out.print(Text(f"  {printable(doc_id, False)}", style="dim")
                      + Text(f"  {printable(title, False)}")
                      + Text(f"  {printable(source, False)}" if source else "", style="cyan"))
    return EXIT_OK


def cluster_share(cluster) -> str:
    """The versions' figure: the pair's, or the weakest of the pairs that
    join a larger group."""
    if len(cluster.ids) == 2:
        return share_text(cluster.similarity)
    return f"{share_text(cluster.similarity)} (the pair of them joined least)"


def cmd_diff(library, args, con: Output) -> int:
    result = library.diff(args.doc_a, args.doc_b)
    if args.json:
        print_json(result.to_json())
        return EXIT_OK
    form = args.format or ("view" if con.terminal else "word")
    if form == "view":
        from .diffview import render_diff

        con.out.print(render_diff(result, con.out.width))
        return EXIT_OK
    from .diffview import unified_lines, word_lines

    lines = (word_lines if form == "word" else unified_lines)(result, colour=con.colour)
    sys.stdout.write("".join(line + "\n" for line in lines))
    return EXIT_OK


def cmd_entities(library, args, con: Output) -> int:
    if args.top:
        ranked = library.top_entities(args.entity_type, limit=max(1, args.limit))
        if args.json:
            print_json({"entities": [
                {"id": e.id or None, "name": e.name, "type": e.type, "count": n}
                for e, n in ranked]})
        else:
            from rich.text import Text

            for entity, count in ranked:
                con.out.print(Text(f"{count:>7}  ") + Text(printable(entity.name, False),
                                                       style=ENTITY_STYLES[entity.type])
                          + Text(f"  {entity.type}" + (f" · {entity.id}" if entity.id else ""),
                                 style="dim"))
        return EXIT_OK
    if not args.doc_id:
        con.err.print("wartui entities: give a DOC_ID, or --top for corpus-wide counts")
        return EXIT_USAGE
    found = library.entities(args.doc_id)
    if found is None:
        print_error(f"no article with id {printable(args.doc_id, False)!r}", con.err)
        return EXIT_PARTIAL
    if args.json:
        print_json({"id": args.doc_id, "entities": [
            {"text": s.text, "start": s.start, "end": s.end, "paragraph": s.paragraph,
             "type": s.type, "id": s.id or None, "name": e.name if e else s.text}
            for s, e in found]})
        return EXIT_OK
    print_entity_groups(found, con.out)
    return EXIT_OK


COMMANDS = {"index": cmd_index, "search": cmd_search, "show": cmd_show, "dupes": cmd_dupes,
            "diff": cmd_diff, "entities": cmd_entities, "stats": cmd_stats, "check": cmd_check}


def print_entity_groups(found, out: Console) -> None:
    """Entities by type, each with its count and the spellings used."""
    from rich.text import Text

    groups: dict[str, dict[str, list[str]]] = {}
    for span, entity in found:
        key = entity.name if entity else span.text
        groups.setdefault(span.type, {}).setdefault(key, []).append(span.text)
    for kind in (*ENTITY_TYPES, "other", "date", "figure"):
        if kind not in groups:
            continue
        names = groups[kind]
        out.print(Text(f"{kind} ({len(names)})", style="bold"))
        for name, texts in sorted(names.items(), key=lambda item: (-len(item[1]), item[0])):
            line = Text("  ") + Text(printable(name, False), style=ENTITY_STYLES[kind])
            line.append(f" ×{len(texts)}" if len(texts) > 1 else "", style="dim")
            spellings = sorted(set(texts) - {name})
            if spellings:
                line.append("  as " + ", ".join(printable(s, False) for s in spellings), style="dim")
            out.print(line)


def suggest_ids(library, doc_id: str) -> list[str]:
    from rapidfuzz import process

    return [match for match, _, _ in process.extract(doc_id, library.ids(), limit=3,
                                                       score_cutoff=60)]


# -- presentation ----------------------------------------------------------------

def print_error(message: str, err: Console) -> None:
    """`wartui: message` in red, on one line however long (scripts read it)."""
    from rich.text import Text

    err.print(Text("wartui: " + printable(message, keep_newlines=False), style="red"),
              soft_wrap=True)

def print_json(data) -> None:
    """JSON as it is: no markup, no highlighting, no ":emoji:" codes replaced
    (so not through Rich, whose import it saves; dumps_json escapes every
    control character)."""
    sys.stdout.write(dumps_json(data) + "\n")


def run_with_progress(out: Console, work):
    """Run `work(progress)` with a Rich progress bar on a terminal."""
    if not out.is_terminal:
        return work(None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("files, {task.fields[records]} articles read"),
                  console=out, transient=True) as bar:
        task = bar.add_task("index", total=None, records=0)

        def progress(done: int, total: int, records: int) -> None:
            bar.update(task, completed=done, total=total, records=records)

        return work(progress)


def report_json(report: IngestReport) -> dict:
    return {
        "new": report.new, "changed": report.changed, "unchanged": report.unchanged,
        "removed": len(report.removed), "removed_ids": list(report.removed),
        "skipped": [{"where": s.where, "reason": s.reason} for s in report.skipped],
        "notes": [{"where": s.where, "reason": s.reason} for s in report.notes],
        "warnings": report.warnings,
    }


def print_report(report: IngestReport, out: Console) -> None:
    from rich.text import Text

    out.print(Text(report.summary(), style="bold"))
    for label, items, style in (("skipped", by_file(report.skipped), "yellow"),
                                ("repaired", by_file(report.notes), "dim")):
        for item in items[:MAX_REPORT_LINES]:
            said = label if label == "skipped" or isinstance(item, Repaired) else "note"
            out.print(Text(f"  {said} {printable(item.where, False)}: "
                           f"{printable(item.reason, False)}", style=style))
        if len(items) > MAX_REPORT_LINES:
            out.print(Text(f"  … and {len(items) - MAX_REPORT_LINES} more {label} "
                           "(see `wartui index --json`)", style=style))


def print_results(results: SearchResults, out: Terminal) -> None:
    """Printed as lines of runs (termtext.py): as Rich printed them, without
    its Console's import and layout (~20 ms of a cold search)."""
    from .termtext import BOLD, CYAN, DIM, REVERSE, style

    dim, dim_bold, hit = style(DIM), style(DIM, BOLD), style(BOLD, REVERSE)
    shown = len(results.hits)
    lines = [[(f"{results.total_text()}"
               f"{f', showing {shown}' if shown < results.total else ''} for ", dim),
              (printable(results.query, keep_newlines=False), dim_bold)]]
    if results.searched and results.searched != results.query:
        lines[0].append((f" (searched as {printable(results.searched, keep_newlines=False)})",
                         dim))
    for number, hit_ in enumerate(results.hits, 1):
        lines.append([])
        lines.append([(f"{number:>2}. ", dim),
                      (printable(hit_.title, keep_newlines=False) or "(untitled)", dim_bold)])
        meta = " · ".join(part for part in (hit_.source, hit_.date, f"score {hit_.score:.2f}")
                          if part)
        lines.append([("    " + printable(meta, False), style(CYAN)),
                      ("  " + printable(hit_.id, False), style(CYAN, DIM))])
        lines.append([("    ", ()), *((printable(segment.text, keep_newlines=False),
                                       hit if segment.hit else ()) for segment in hit_.snippet)])
        for match in hit_.matched:
            written = ", ".join(printable(s, False) for s in match.spellings)
            lines.append([(f"    {printable(match.name, False)} written as: ", dim),
                          (written, dim_bold)])
        if hit_.tags or hit_.note:  # the reader's own (annotations.py)
            marks = " ".join("#" + printable(tag, False) for tag in hit_.tags)
            lines.append([("    " + marks + ("  " if marks else ""), style(BOLD)),
                          ("(note) " + printable(hit_.note, keep_newlines=False)[:120]
                           if hit_.note else "", dim)])
    out.print(lines)


def print_article(article: Article, out: Console, with_dropped: bool = False) -> None:
    from rich.text import Text

    out.print(Text(printable(article.display_title, False), style="bold"))
    meta = " · ".join(p for p in (article.source, article.date, article.author and
                                  f"by {article.author}") if p)
    if meta:
        out.print(Text(printable(meta, False), style="cyan"))
    out.print(Text(printable(article.id, False), style="dim"))
    headings = set(article.headings)
    for number, paragraph in enumerate(article.paragraphs):
        out.print()
        out.print(Text(printable(paragraph), style="bold underline" if number in headings else ""))
    if with_dropped:
        print_dropped(article, out)


def print_dropped(article: Article, out: Console) -> None:
    from rich.text import Text

    out.print()
    out.print(Text(f"Dropped ({len(article.dropped)})", style="bold"))
    for item in article.dropped:
        where = f"L{item.line}" if item.line else "  "
        why = f"[{item.reason}{': ' + item.detail if item.detail else ''}] "
        out.print(Text(f"  {where:>5} ", style="dim") + Text(why, style="yellow")
                  + Text(printable(item.text, keep_newlines=False)))


def print_raw(raw: str, article: Article | None, out: Console) -> None:
    """The raw page; with an article, its dropped lines (or the dropped parts
    of a line) struck through and marked with their reasons."""
    from rich.text import Text

    from ..model import dropped_spans

    spans = dropped_spans(raw, article.dropped) if article else {}
    for number, line in enumerate(raw.split("\n"), 1):
        marks = spans.get(number)
        if not marks:
            text = Text(printable(line, keep_newlines=False))
            if spans:
                text = Text(" " * 18 + " │ ", style="dim") + text
            out.print(text)
            continue
        text = Text()
        position = 0
        for start, end, _ in marks:
            text.append(printable(line[position:start], keep_newlines=False))
            text.append(printable(line[start:end], keep_newlines=False), style="strike dim")
            position = end
        text.append(printable(line[position:], keep_newlines=False))
        reasons = ", ".join(dict.fromkeys(reason for _, _, reason in marks))
        label = reasons if len(reasons) <= 18 else reasons[:17] + "…"
        out.print(Text(f"{label:>18} │ ", style="yellow") + text)


if __name__ == "__main__":
    run()
