"""The reader's workbench on the command line: tags and notes (`tag`,
`note`, `tags`), results handed on (`export`), and the corpus kept true to
its files (`sources`, `remove`). Presentation only: the work is in
`Library`; the program around them (options, exit statuses, pipes) is
the package's (__init__.py).

    wartui tag ID... +disputed -todo        notmuch's habit: + adds, - removes
    wartui tag --query "Douma chemical" +x  every result of a query
    wartui tag - +x                         the ids on stdin, one a line
    wartui note ID [TEXT | -]               print, set (- reads stdin), "" removes
    wartui tags [--export F | --import F | --orphaned]
    wartui export QUERY --format csv|jsonl|md [--all-versions] [--out FILE]
    wartui sources
    wartui remove ID... | PATH...
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ..textsafe import dumps_json, printable
from . import (EXIT_NONE_FOUND, EXIT_OK, EXIT_USAGE,  # (the program's: __init__.py)
               print_error, print_json)
from .output import Output

_REMOVED_TAG = re.compile(r"-\w[\w.\-/]*")


def add_parsers(commands) -> None:
    tag = commands.add_parser(
        "tag", help="add (+tag) and remove (-tag) tags of articles",
        description="Tags of articles, as notmuch writes them: `wartui tag ID... +disputed "
                    "-todo`; `--query QUERY` tags every article the query finds (every "
                    "version); `-` reads ids from stdin, one a line. Tags are kept beside the "
                    "index (annotations.sqlite): no re-index or rebuild touches them.")
    tag.add_argument("items", nargs="*", metavar="ID|+TAG|-TAG",
                     help="article ids (as search prints them), - for ids on stdin, +tag to "
                          "add, -tag to remove")
    tag.add_argument("--query", help="tag every article this query finds")
    tag.add_argument("--json", action="store_true", help="print JSON")

    note = commands.add_parser(
        "note", help="print or set an article's note",
        description="Without TEXT, print the article's note (exit status 1: none); with "
                    "TEXT, set it (- reads it from stdin; \"\" removes it).")
    note.add_argument("doc_id", help="document id")
    note.add_argument("text", nargs="?", help="the note, - for stdin, \"\" to remove it")

    tags = commands.add_parser(
        "tags", help="the tags in use, with their articles",
        description="Every tag with the number of articles carrying it; notes and orphaned "
                    "annotations (of articles no longer in the index: kept, theirs again when "
                    "they come back) counted. --export writes every tag and note as JSON "
                    "lines, --import adds such a file's to these (nothing is lost: tags are "
                    "added, a different note is added below the one here).")
    what = tags.add_mutually_exclusive_group()
    what.add_argument("--export", type=Path, metavar="FILE.jsonl",
                      help="write every annotation to FILE (- for stdout)")
    what.add_argument("--import", dest="import_", type=Path, metavar="FILE.jsonl",
                      help="add the annotations of FILE")
    what.add_argument("--orphaned", action="store_true",
                      help="list the annotations of articles no longer in the index")
    tags.add_argument("--json", action="store_true", help="print JSON")

    export = commands.add_parser(
        "export", help="write every result of a query to a file: csv, jsonl or md",
        description="Every result (not a page): id, title, source, date, URL when known, the "
                    "day it was indexed, tags, note, the spellings of the names searched; md "
                    "adds a citation line and the snippet for each. To stdout without --out.")
    export.add_argument("query", help="as for search (\"\" or * for every article)")
    export.add_argument("--format", choices=("csv", "jsonl", "md"), default="csv",
                        help="csv (default), jsonl or md")
    export.add_argument("--out", type=Path, metavar="FILE", help="write to FILE (replaced)")
    export.add_argument("--all-versions", action="store_true",
                        help="every version of a report, not only the best-ranked")
    export.add_argument("--sort", choices=("relevance", "newest", "oldest"),
                        default="relevance")

    sources = commands.add_parser(
        "sources", help="the files and folders the index was built from",
        description="The paths given to `wartui index`, with their articles; `wartui index` "
                    "without a path indexes them again.")
    sources.add_argument("--json", action="store_true", help="print JSON")

    remove = commands.add_parser(
        "remove", help="take articles out of the index: by id, file or folder",
        description="Removes the articles named (by id), or those read from a file or "
                    "folder (and forgets it as a source). Their tags and notes stay, "
                    "orphaned, and are theirs again if they come back.")
    remove.add_argument("items", nargs="+", metavar="ID|PATH")
    remove.add_argument("--json", action="store_true", help="print JSON")


def take_removed_tags(args: argparse.Namespace, extra: list[str]) -> bool:
    """`wartui tag ID -todo +read`: argparse takes `-todo` for an unknown
    option (and what follows it for more of the unknown); it is a tag to
    remove. False when `extra` holds an option that is not one."""
    if args.command != "tag" or any(item.startswith("-") and item != "-"
                                    and not _REMOVED_TAG.fullmatch(item) for item in extra):
        return False
    args.items = list(args.items) + extra
    return True


# -- tags and notes ---------------------------------------------------------------------

def cmd_tag(library, args, con: Output) -> int:
    ids, add, remove = [], [], []
    for item in args.items:
        if item == "-":
            ids.extend(line.strip().split("\t")[0] for line in sys.stdin if line.strip())
        elif item.startswith("+") and len(item) > 1:
            add.append(item[1:])
        elif item.startswith("-") and len(item) > 1:
            remove.append(item[1:])
        else:
            ids.append(item)
    if not add and not remove:
        return _usage(con, "wartui tag: say what to do with +TAG (add) or -TAG (remove), "
                           "e.g. wartui tag ID +disputed -todo")
    from ..annotations import check_tag

    add, remove = [check_tag(t) for t in add], [check_tag(t) for t in remove]
    if args.query is not None and ids:
        return _usage(con, "wartui tag: give article ids or --query, not both")
    if args.query is None and not ids:
        return _usage(con, "wartui tag: give article ids (or - to read them from stdin), or "
                           "--query QUERY")
    said = " ".join([f"+{t}" for t in add] + [f"-{t}" for t in remove])
    if args.query is not None:
        changed, found = library.tag_results(args.query, add, remove)
        missing: list[str] = []
    else:
        changed, missing = library.tag(ids, add, remove)
        found = len(ids) - len(missing)
    status = EXIT_OK if found and not missing else EXIT_NONE_FOUND
    if args.json:
        print_json({"tags": said.split(), "found": found, "changed": changed, "missing": missing})
        return status
    for doc_id in missing:
        _error(con, f"no article with id {doc_id!r}: its tags are left as they are")
    what = f"{found:,} article{'s' if found != 1 else ''}"
    con.out.print(_text(f"{said}: {changed:,} of {what} changed"
                        + ("" if found else " (the query found nothing)" if args.query else "")))
    return status


def cmd_note(library, args, con: Output) -> int:
    if args.text is None:
        note = library.note(args.doc_id)
        if note is None:
            if library.article(args.doc_id) is None:
                _error(con, f"no article with id {args.doc_id!r}")
            return EXIT_NONE_FOUND
        sys.stdout.write(printable(note).rstrip("\n") + "\n")
        return EXIT_OK
    text = sys.stdin.read() if args.text == "-" else args.text
    if not library.set_note(args.doc_id, text):
        _error(con, f"no article with id {args.doc_id!r}")
        return EXIT_NONE_FOUND
    con.out.print(_text(f"note of {args.doc_id} " + ("saved" if text.strip() else "removed")))
    return EXIT_OK


def cmd_tags(library, args, con: Output) -> int:
    if args.export is not None:
        rows = library.export_annotations()
        if str(args.export) == "-":
            count = _write_rows(rows, sys.stdout)
        else:
            from .. import export

            count = export.write_whole(args.export, lambda out: _write_rows(rows, out))
            con.out.print(_text(f"{count:,} annotated articles written to {args.export}"))
        return EXIT_OK
    if args.import_ is not None:
        from ..annotations import read_export

        added = library.import_annotations(read_export(args.import_))
        if args.json:
            print_json(added)
        else:
            con.out.print(_text(f"from {args.import_}: {added['tags']:,} tags and "
                                f"{added['notes']:,} notes added, on {added['articles']:,} "
                                "articles"))
        return EXIT_OK
    orphaned = library.orphaned()
    if args.orphaned:
        if args.json:
            print_json({"orphaned": orphaned})
        for row in ([] if args.json else orphaned):
            marks = " ".join("+" + t for t in row["tags"]) + (" (note)" if row["note"] else "")
            sys.stdout.write(f"{printable(row['id'], False)}\t{printable(marks, False)}\n")
        return EXIT_OK if orphaned else EXIT_NONE_FOUND
    counts = library.tag_counts()
    if args.json:
        print_json({"tags": counts, "orphaned": len(orphaned)})
        return EXIT_OK if counts else EXIT_NONE_FOUND
    for tag, count in counts.items():
        sys.stdout.write(f"{count:>7}  {printable(tag, False)}\n")
    if orphaned:
        con.err.print(_text(f"{len(orphaned):,} annotated articles are no longer in the index "
                            "(orphaned: kept, theirs again when they come back; wartui tags "
                            "--orphaned lists them)", "dim"), soft_wrap=True)
    return EXIT_OK if counts else EXIT_NONE_FOUND


def _write_rows(rows, out) -> int:
    count = 0
    for count, row in enumerate(rows, 1):
        out.write(dumps_json(row, indent=None) + "\n")
    return count


# -- export -----------------------------------------------------------------------------

def cmd_export(library, args, con: Output) -> int:
    from .. import export

    sort = {"newest": "date"}.get(args.sort, args.sort)
    if args.out is not None:
        count = library.export(args.query, args.format, args.out, sort=sort,
                               all_versions=args.all_versions)
        con.err.print(_text(f"{count:,} result{'s' if count != 1 else ''} written to "
                            f"{args.out}"), soft_wrap=True)
        return EXIT_OK if count else EXIT_NONE_FOUND
    hits = library.every_hit(args.query, sort=sort, all_versions=args.all_versions)
    count = export.write(hits, args.format, sys.stdout,
                         f"wartui: {args.query.strip() or 'every report'}")
    return EXIT_OK if count else EXIT_NONE_FOUND


# -- the corpus -------------------------------------------------------------------------

def cmd_sources(library, args, con: Output) -> int:
    sources = library.sources()
    if args.json:
        print_json({"sources": [{"path": s.path, "articles": s.articles, "exists": s.exists}
                           for s in sources]})
        return EXIT_OK if sources else EXIT_NONE_FOUND
    if not sources:
        _error(con, f"the index in {library.index_dir} does not say what it was built from "
                    "(made before wartui remembered it): `wartui index PATH...` once names "
                    "its sources")
        return EXIT_NONE_FOUND
    for source in sources:
        state = "" if source.exists else "\t(missing: its articles are kept)"
        sys.stdout.write(f"{source.articles:>7}  {printable(source.path, False)}{state}\n")
    return EXIT_OK


def cmd_remove(library, args, con: Output) -> int:
    found = library.remove(args.items)
    if args.json:
        print_json(found)
        return EXIT_OK if found["removed"] and not found["unknown"] else EXIT_NONE_FOUND
    for item in found["unknown"]:
        _error(con, f"{item!r} is no article id, nor a file or folder of the index")
    for source in found["forgotten"]:
        con.out.print(_text(f"forgot the source {source}"))
    removed = len(found["removed"])
    con.out.print(_text(f"{removed:,} article{'s' if removed != 1 else ''} removed "
                        "(their tags and notes are kept)", "bold"))
    if found["returning"]:
        count = len(found["returning"])
        con.out.print(_text(f"{count:,} of them come back at the next `wartui index`: their "
                            "files are still in its sources (remove the files, or the "
                            "source)", "yellow"))
    return EXIT_OK if removed and not found["unknown"] else EXIT_NONE_FOUND


COMMANDS = {"tag": cmd_tag, "note": cmd_note, "tags": cmd_tags, "export": cmd_export,
            "sources": cmd_sources, "remove": cmd_remove}


# -- printing ---------------------------------------------------------------------------

def _text(message: str, style: str = ""):
    from rich.text import Text

    return Text(printable(message, keep_newlines=False), style=style)


def _error(con: Output, message: str) -> None:
    print_error(message, con.err)


def _usage(con: Output, message: str) -> int:
    con.err.print(_text(message, "red"), soft_wrap=True)
    return EXIT_USAGE
