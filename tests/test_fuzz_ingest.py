"""Fuzzing the ingester: `Library.add_paths` on folders of bad files mixed with
good ones.

Bad inputs: random bytes under every supported suffix, truncated UTF-8,
Windows-1252 and Latin-1 mixed into UTF-8, UTF-16, lines over the 100,000
character limit, NUL bytes, empty and whitespace-only files, CR-only line
ends, CSVs with ragged rows, rows without text, stray and unterminated quotes,
JSONL with invalid lines, non-objects, deep nesting and lone surrogate escapes.
Known-good items (pages, CSV rows, JSONL lines, each with a unique marker word)
are mixed in, also inside the bad CSV and JSONL files.

Invariants: no exception; every file is accounted for (indexed, or in
`report.skipped`/`report.notes` with a one-line reason); the specific bad
inputs get the reason they should; every good item is indexed and found by
searching its marker.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from wartui.ingest.sources import MAX_LINE_CHARS, shown_path
from wartui.library import Library

TRIED = {"examples": 0, "files": 0, "good items": 0, "bad items": 0}
FUZZ = settings(max_examples=int(os.environ.get("WARTUI_FUZZ_EXAMPLES", 150)), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def marker(number: int) -> str:
    """A word no other item holds (letters only: the analyser keeps it whole)."""
    word = ""
    number += 26 * 27
    while number:
        number, digit = divmod(number, 26)
        word += LETTERS[digit]
    return "fuzzmark" + word


@dataclass
class Plan:
    """What was written, and what the report and the index must say about it."""

    root: Path
    good: dict[str, str] = field(default_factory=dict)  # id -> marker
    files: list[Path] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # where -> reason (a part)
    noted: dict[str, str] = field(default_factory=dict)  # where -> note (a part)
    next_marker: int = 0
    bad: int = 0

    def new_marker(self) -> str:
        self.next_marker += 1
        return marker(self.next_marker)

    def write(self, name: str, data: bytes) -> Path:
        path = self.root / name
        path.write_bytes(data)
        self.files.append(path)
        return path


def page_text(word: str) -> str:
    return (f"A report on {word}\n\nShelling was reported near the town on Tuesday, and the "
            f"{word} committee counted the damage to the market.\n\nNegotiators met again.\n")


# -- strategies: one file each ---------------------------------------------------------

SUFFIXES = [".txt", ".md", ".html", ".csv", ".jsonl"]
prose = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                max_size=300)


@st.composite
def bad_page(draw, plan: Plan, number: int) -> None:
    """One bad (or odd) page file and what the report must say about it."""
    kind = draw(st.sampled_from(["random", "empty", "blank", "nul", "truncated", "cp1252",
                                 "utf16", "long-line", "cr-only", "control-text",
                                 "odd-name"]))
    plan.bad += 1
    if kind in ("random", "empty", "blank"):
        name = f"bad{number}{draw(st.sampled_from(SUFFIXES))}"
        where = str(plan.root / name)
        if kind == "random":  # indexed, or skipped (binary, blank, no rows): accounted for
            plan.write(name, draw(st.binary(max_size=3000)))
        elif kind == "empty":
            plan.write(name, b"")
            plan.skipped[where] = "empty file"
        else:
            plan.write(name, draw(st.text(" \t\r\n\f\v", min_size=1, max_size=50)).encode())
            if name.endswith((".csv", ".jsonl")):
                plan.skipped[where] = "no rows"
            else:
                plan.skipped[where] = "no text (whitespace only)"
        return
    name = f"bad{number}{draw(st.sampled_from(['.txt', '.md']))}"
    stem = name.rsplit(".", 1)[0]
    word = plan.new_marker()
    text = page_text(word) + draw(prose)
    if kind == "nul":
        data = text.encode()
        at = draw(st.integers(0, len(data)))
        plan.write(name, data[:at] + b"\0" * draw(st.integers(1, 5)) + data[at:])
        plan.noted[stem] = "NUL byte(s) removed"
    elif kind == "truncated":  # a multibyte character cut short, mid-text and at the end
        plan.write(name, text.encode() + "é".encode()[:1] + b" tail " + "€".encode()[:2])
        plan.noted[stem] = "not valid UTF-8"
    elif kind == "cp1252":
        latin = draw(st.sampled_from(["café “quoted” – dash", "naïve Ünïcode", "£5 • bullet"]))
        plan.write(name, text.encode() + b"\n" + latin.encode("cp1252") + b"\n"
                   + "ünïcode".encode())
        plan.noted[stem] = "not valid UTF-8"
    elif kind == "utf16":
        plan.write(name, text.encode("utf-16"))
    elif kind == "long-line":
        extra = draw(st.integers(1, 50_000))
        plan.write(name, (text + "x" * (MAX_LINE_CHARS + extra) + "\nend\n").encode())
        plan.noted[stem] = "truncated"
    elif kind == "cr-only":
        plan.write(name, text.replace("\n", "\r").encode())
    elif kind == "control-text":
        plan.write(name, (text + "\x1b]52;c;ZXZpbA==\x07 \x9b31m \u202e x").encode())
    elif kind == "odd-name":  # a file name that is not UTF-8: its byte shows as %FF
        plan.write(os.fsdecode(f"odd{number}".encode() + b"\xff.txt"), text.encode())
        stem = f"odd{number}%FF"
        plan.noted[str(plan.root / f"{stem}.txt")] = "not valid UTF-8"
    plan.good[stem] = word


@st.composite
def good_page(draw, plan: Plan, number: int) -> None:
    suffix = draw(st.sampled_from([".txt", ".md", ".html"]))
    word = plan.new_marker()
    text = page_text(word)
    if suffix == ".html":
        text = (f"<html><head><title>A report on {word}</title></head><body><article>"
                f"<h1>A report on {word}</h1><p>Shelling was reported near the town, and the "
                f"{word} committee counted the damage to the market on Tuesday.</p>"
                "<p>Negotiators met again in the afternoon.</p></article></body></html>")
    plan.write(f"good{number}{suffix}", text.encode())
    plan.good[f"good{number}"] = word


def _csv_line(values: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue().encode()


@st.composite
def csv_file(draw, plan: Plan, number: int) -> None:
    """A CSV of good rows among ragged, textless, broken and random rows."""
    stem = f"rows{number}"
    where = str(plan.root / f"{stem}.csv")
    lines = [_csv_line(["id", "title", "text", "source"])]
    promised: list[tuple[int, str, str]] = []  # (line, id, marker)
    broken_at = None
    for row in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["good", "good", "ragged-long", "ragged-short",
                                     "no-text", "stray-quote", "unterminated", "random",
                                     "nul", "multiline", "cp1252"]))
        row_id = f"r{row}"
        word = plan.new_marker()
        body = f"row text about {word} and the town"
        if kind == "good":
            lines.append(_csv_line([row_id, f"Title {row}", body, "site"]))
        elif kind == "ragged-long":
            lines.append(_csv_line([row_id, "T", body, "site", "extra", "more"]))
        elif kind == "ragged-short":  # no source: the missing field is empty
            lines.append(_csv_line([row_id, "T", body]))
        elif kind == "no-text":
            lines.append(_csv_line([row_id, "only a title", "", "site"]))
            plan.bad += 1
            continue
        elif kind == "stray-quote":  # a quote inside an unquoted field: read literally
            lines.append(f'{row_id},Ti"tle,{body} said "x,site\n'.encode())
        elif kind == "multiline":
            lines.append(_csv_line([row_id, "T", body + "\nsecond line\n\nthird", "site"]))
        elif kind == "nul":
            lines.append(f"{row_id},T\0,{body}\0,site\n".encode())
            plan.noted[where] = "NUL byte(s) removed"
        elif kind == "cp1252":
            lines.append(f"{row_id},Café,{body} “quoted”,site\n".encode("cp1252"))
            plan.noted[where] = "not valid UTF-8"
        elif kind == "unterminated":
            if broken_at is not None:  # a second one would close the first: undecidable
                continue
            broken_at = len(lines)
            lines.append(f'{row_id},"never closed,{body},site\n'.encode())
            plan.bad += 1
            continue
        elif kind == "random":
            lines.append(draw(st.binary(max_size=200)).replace(b'"', b"") + b"\n")
            plan.bad += 1
            continue  # a row, a textless row or an unreadable one: accounted for
        promised.append((len(lines) - 1, f"{stem}:{row_id}", word))
    if broken_at is not None:
        # The quote is closed by the next quote in the file, if any: the rows in
        # between are one field, and what follows is undecidable. Without one,
        # the row is reported and the rest read again.
        quoted_later = any(b'"' in line for line in lines[broken_at + 1:])
        if quoted_later:
            promised = [p for p in promised if p[0] < broken_at]
        elif broken_at + 1 < len(lines):
            plan.skipped[where + ":"] = "a quote opened in this row is never closed"
        else:  # the last line: nothing swallowed, the row is read as it is (no text)
            plan.skipped[where + ":"] = "empty 'text'"
    for _, doc_id, word in promised:
        plan.good[doc_id] = word
    data = b"".join(lines)
    ending = draw(st.sampled_from([b"\n", b"\r\n", b"\r"]))
    plan.write(f"{stem}.csv", data.replace(b"\n", ending))


@st.composite
def jsonl_file(draw, plan: Plan, number: int) -> None:
    """A JSONL file of good objects among bad lines."""
    stem = f"lines{number}"
    where = str(plan.root / f"{stem}.jsonl")
    lines: list[str] = []
    for row in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["good", "good", "invalid", "array", "scalar", "deep",
                                     "deep-value", "surrogate", "no-text", "blank",
                                     "long", "random", "nested-text", "no-text-key"]))
        row_id = f"j{row}"
        word = plan.new_marker()
        obj = {"id": row_id, "title": f"Line {row}", "text": f"line text about {word}"}
        bad = f"{where}:{len(lines) + 1}"
        if kind == "good":
            lines.append(json.dumps(obj))
        elif kind == "invalid":
            lines.append(json.dumps(obj)[: draw(st.integers(1, 20))])
            plan.skipped[bad] = "invalid JSON"
        elif kind == "array":
            lines.append(json.dumps([obj]))
            plan.skipped[bad] = "expected a JSON object, got list"
        elif kind == "scalar":
            lines.append(draw(st.sampled_from(["1", '"text"', "null", "true", "1e999"])))
            plan.skipped[bad] = "expected a JSON object"
        elif kind == "deep":
            depth = draw(st.integers(2_000, 50_000))
            lines.append("[" * depth + "]" * depth)
            plan.skipped[bad] = "invalid JSON"
        elif kind == "deep-value":  # a good object with a deeply nested extra column
            depth = draw(st.integers(100, 500))
            lines.append(json.dumps(obj)[:-1] + ', "deep": ' + "[" * depth + '"x"'
                         + "]" * depth + "}")
        elif kind == "surrogate":  # lone surrogate escapes: U+FFFD, with a note
            lines.append(json.dumps(obj).replace("line text", "line \\udc80 text")[:-1]
                         + ', "note": "\\ud800"}')
            plan.noted[f"{stem}:{row_id}"] = "surrogate"
        elif kind == "no-text":
            lines.append(json.dumps({"id": row_id, "title": "t", "text": "   "}))
            plan.skipped[bad] = "empty 'text'"
        elif kind == "no-text-key":
            lines.append(json.dumps({"id": row_id, "title": "t"}))
            plan.skipped[bad] = "no text column"
        elif kind == "blank":
            lines.append(draw(st.sampled_from(["", "   ", "\t"])))
        elif kind == "long":
            obj["text"] += " " + "y" * (MAX_LINE_CHARS + draw(st.integers(1, 20_000)))
            lines.append(json.dumps(obj))
            plan.noted[f"{stem}:{row_id}"] = "truncated"
        elif kind == "random":  # invalid JSON, or by chance a value: accounted for
            junk = draw(st.binary(max_size=200)).replace(b"\n", b"").replace(b"\r", b"")
            lines.append(junk.decode("latin-1"))
        elif kind == "nested-text":
            obj["text"] = [f"line text about {word}", ["and", ["more", None, 3]]]
            lines.append(json.dumps(obj))
        if kind in ("good", "deep-value", "surrogate", "long", "nested-text"):
            plan.good[f"{stem}:{row_id}"] = word
        elif kind != "blank":
            plan.bad += 1
    plan.write(f"{stem}.jsonl", ("\n".join(lines) + "\n").encode())


WRITERS = {"bad-page": bad_page, "good-page": good_page, "csv": csv_file, "jsonl": jsonl_file}


# -- checking a run ---------------------------------------------------------------------

def check(plan: Plan, library: Library, report) -> None:
    indexed_paths = {}
    for doc_id in library.ids():
        article = library.article(doc_id)
        indexed_paths.setdefault(article.path, []).append(doc_id)
    reported = report.skipped + report.notes
    for item in reported:  # every reason is one readable line
        assert item.reason and "\n" not in item.reason and "Traceback" not in item.reason
    wheres = [item.where for item in reported]
    # every file is accounted for: indexed, or reported with a reason
    for path in plan.files:
        name = shown_path(path)
        assert name in indexed_paths or any(w == name or w.startswith(name + ":")
                                            for w in wheres), (name, report)
    binary = {s.where for s in report.skipped if s.reason == "binary file, not text"}
    for where, reason in plan.skipped.items():
        matches = [s for s in report.skipped if (s.where == where or where.endswith(":")
                                                 and s.where.startswith(where))]
        if where.rpartition(":")[0] in binary:  # junk lines and no row of text: a binary
            continue  # file (its good rows, if any, would fail the check below)
        assert any(reason in s.reason for s in matches), (where, reason, report.skipped)
    for where, note in plan.noted.items():
        matches = [n for n in report.notes if n.where == where or n.where.endswith(where)
                   or where in n.where]
        assert any(note in n.reason or note == "surrogate" and "surrogate" in n.reason
                   for n in matches), (where, note, report.notes)
    # every good item is indexed and found by its marker
    for doc_id, word in plan.good.items():
        assert library.article(doc_id) is not None, (doc_id, report)
        found = [hit.id for hit in library.search(word, limit=20, all_versions=True).hits]
        assert doc_id in found, (doc_id, word, found)


@pytest.fixture(scope="module", autouse=True)
def figures():
    yield
    print(f"\ningest fuzz: {TRIED}")


@FUZZ
@given(st.data())
def test_ingest_never_crashes_and_accounts_for_every_input(data):
    kinds = data.draw(st.lists(st.sampled_from(sorted(WRITERS)), min_size=1, max_size=6))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "in"
        root.mkdir()
        plan = Plan(root)
        for number, kind in enumerate(kinds):
            data.draw(WRITERS[kind](plan, number))
        if not plan.good:
            data.draw(good_page(plan, len(kinds)))
        TRIED["examples"] += 1
        TRIED["files"] += len(plan.files)
        TRIED["good items"] += len(plan.good)
        TRIED["bad items"] += plan.bad
        with Library(Path(tmp) / "index") as library:
            report = library.add_paths([root])
            check(plan, library, report)
            # indexing again changes nothing and reports the same problems
            again = library.add_paths([root])
            assert again.new == again.changed == 0
            assert sorted(s.where for s in again.skipped) == sorted(
                s.where for s in report.skipped)


# -- the bugs the fuzzer found, one by one ------------------------------------------------

def test_unterminated_csv_quote_loses_only_its_row(tmp_path, library):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.csv").write_text(
        'id,title,text\n1,ok,The first row names fuzzmarkone.\n2,"never closed,body two\n'
        "3,ok,The third row names fuzzmarkthree.\n4,ok,The fourth row names fuzzmarkfour.\n")
    report = library.add_paths([tmp_path / "in"])
    assert report.new == 3
    assert [(s.where.rsplit("/", 1)[1], s.reason) for s in report.skipped] == [
        ("a.csv:2", "unreadable CSV: a quote opened in this row is never closed")]
    assert [h.id for h in library.search("fuzzmarkfour").hits] == ["a:4"]


def test_csv_with_cr_only_line_ends(tmp_path, library):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "mac.csv").write_bytes(
        b"id,title,text\r1,one,The first row names fuzzmarkone.\r"
        b"2,two,\"The second\rline names fuzzmarktwo.\"\r")
    report = library.add_paths([tmp_path / "in"])
    assert report.new == 2 and not report.skipped
    assert library.article("mac:2").body == "The second line names fuzzmarktwo."


def test_deep_json_is_a_bad_line_not_a_crash(tmp_path, library):
    (tmp_path / "in").mkdir()
    good = json.dumps({"id": "g", "text": "A good line names fuzzmarkgood."})
    deep_value = json.dumps({"id": "d", "text": "A deep line names fuzzmarkdeep."})[:-1] + \
        ', "x": ' + "[" * 800 + "1" + "]" * 800 + "}"
    (tmp_path / "in" / "a.jsonl").write_text(
        "[" * 100_000 + "\n" + good + "\n" + deep_value + "\n")
    report = library.add_paths([tmp_path / "in"])
    assert report.new == 2
    assert [s.reason for s in report.skipped] == ["invalid JSON: nested too deeply"]
    assert [h.id for h in library.search("fuzzmarkdeep").hits] == ["a:d"]
