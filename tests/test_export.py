"""`wartui export`: every result of a query, not a page of them, in files a
colleague's tools read back (CSV, JSON lines) or a reader reads (Markdown),
with the citation `y` copies too."""

from __future__ import annotations

import csv
import io
import json

import pytest

from wartui.cli import main
from wartui.errors import WartuiError
from wartui.export import CSV_COLUMNS, cite
from wartui.library import Library
from wartui.tui.reading import citation

SYRIA_AT_LEAST = 300  # FA-KES articles naming Syria: many pages of 20


@pytest.fixture(scope="module")
def fakes_index(tmp_path_factory, fakes_csv):
    index = tmp_path_factory.mktemp("export") / "ix"
    with Library(index) as library:
        library.add_paths([fakes_csv])
        library.tag(["fakes:1965511224"], add=["disputed", "sana"])
        library.set_note("fakes:1965511224", "SANA's claim;\ncheck against the OPCW")
    return index


def run(capsys, index, *args) -> tuple[int, str, str]:
    status = main(["--index-dir", str(index), *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_csv_and_jsonl_hold_every_result_and_read_back(fakes_index, capsys):
    _, out, _ = run(capsys, fakes_index, "search", "Syria", "--json")
    total = json.loads(out)["total"]
    assert total > SYRIA_AT_LEAST
    status, out, _ = run(capsys, fakes_index, "export", "Syria", "--format", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == CSV_COLUMNS
    ids = [row["id"] for row in rows]
    listed = _listed(fakes_index, "Syria", capsys)  # one per story, as search lists them
    assert ids == listed and len(ids) > 10 * 20
    status, out, _ = run(capsys, fakes_index, "export", "Syria", "--format", "jsonl",
                         "--all-versions")
    lines = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and len(lines) == total  # every version too
    tagged = next(line for line in lines if line["id"] == "fakes:1965511224")
    assert tagged["tags"] == ["disputed", "sana"]
    assert tagged["note"] == "SANA's claim;\ncheck against the OPCW"
    assert tagged["indexed"] and tagged["url"] is None
    row = next(row for row in rows if row["id"] == "fakes:1965511224")
    assert row["tags"] == "disputed sana" and row["note"].startswith("SANA's claim;\ncheck")
    assert row["source"] == "manar" and row["date"] == "2016-08-03"


def _listed(index, query, capsys) -> list[str]:
    """The ids `wartui search` lists, all of them."""
    _, out, _ = run(capsys, index, "search", query, "--json", "--limit", "5000")
    return [hit["id"] for hit in json.loads(out)["results"]]


def test_the_names_searched_are_exported_with_their_spellings(fakes_index, capsys):
    status, out, _ = run(capsys, fakes_index, "export", "Deir ez-Zor", "--format", "jsonl")
    lines = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and lines
    spellings = {s for line in lines for m in line["matched"] for s in m["spellings"]}
    assert len(spellings) > 1  # Deir ez-Zor, Deir Ezzor, ...


def test_markdown_has_a_citation_line_and_the_snippet(fakes_index, tmp_path, capsys):
    out_file = tmp_path / "chemical.md"
    status, out, err = run(capsys, fakes_index, "export", "chemical attack Aleppo",
                           "--format", "md", "--out", str(out_file))
    assert status == 0 and out == ""
    assert err.strip().endswith(f"results written to {out_file}")
    text = out_file.read_text()
    assert text.startswith("# wartui: chemical attack Aleppo\n\n1. “")
    entry = text.split("\n1. ", 1)[1].split("\n2. ", 1)[0]
    assert "(indexed " in entry and "; wartui id fakes:" in entry
    assert "\n   > " in entry and "**" in entry  # the snippet, hits in bold
    assert "Tags: `disputed` `sana`" in text and "Note: SANA's claim; check against" in text
    assert not list(tmp_path.glob(".*.tmp"))  # written whole: nothing left beside it


def test_an_export_of_nothing_exits_1(fakes_index, capsys):
    status, out, _ = run(capsys, fakes_index, "export", "zzqxqz", "--format", "csv")
    assert status == 1 and out.splitlines() == [",".join(CSV_COLUMNS)]


def test_the_citation_has_the_url_and_the_day_indexed(tmp_path, capsys):
    rows = tmp_path / "wire.jsonl"
    rows.write_text(json.dumps({
        "id": "7", "title": "Shelling in Hama", "source": "Wire", "date": "2018-04-03",
        "url": "https://example.org/hama", "text": "Shelling hit the outskirts of Hama on "
        "Monday, residents said."}) + "\n")
    index = tmp_path / "ix"
    assert main(["--index-dir", str(index), "index", str(rows)]) == 0
    capsys.readouterr()
    with Library(index) as library:
        article = library.article("wire:7")
        indexed = article.metadata["indexed"]
        copied = citation(article)  # what `y` copies
    line = (f"“Shelling in Hama” — Wire, 2018-04-03. https://example.org/hama (indexed "
            f"{indexed}; wartui id wire:7)")
    assert copied.splitlines()[0] == line
    _, out, _ = run(capsys, index, "export", "Hama", "--format", "md")
    assert f"1. {line}" in out.replace("\\", "")
    assert cite("T", "", None, "x") == "“T” — unknown source, undated. (wartui id x)"


def test_export_ids_writes_the_articles_chosen_whatever_the_query(fakes_index, tmp_path):
    """The app's `x` with results marked: those articles (every version
    apart, ids of no article left out), newest first, tags and notes too."""
    chosen = ["fakes:1965511224", "fakes:1926479049~2", "fakes:no-such-article"]
    out = tmp_path / "marked.csv"
    with Library(fakes_index) as library:
        written = library.export_ids(chosen, "csv", out)
        dates = {hit.id: hit.date for hit in library.every_hit("", all_versions=True)
                 if hit.id in chosen}
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert written == len(rows) == 2
    assert {row["id"] for row in rows} == set(chosen[:2])
    assert [row["date"] for row in rows] == sorted(dates.values(), reverse=True)
    tagged = next(row for row in rows if row["id"] == "fakes:1965511224")
    assert tagged["tags"] == "disputed sana" and "OPCW" in tagged["note"]
    with Library(fakes_index) as library:
        assert library.export_ids([], "jsonl", tmp_path / "none.jsonl") == 0
        with pytest.raises(WartuiError):
            library.export_ids(chosen, "csv", out, replace=False)
