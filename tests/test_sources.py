"""Reading files into records: ids, columns, encodings and bad input."""

import json
import random
from pathlib import Path

from wartui.ingest.clean import clean
from wartui.ingest.sources import MAX_LINE_CHARS, MAX_PAGE_BYTES, discover, read_path
from wartui.model import RawRecord, Repaired, Skipped


def records(path: Path):
    return [r for r in read_path(path) if isinstance(r, RawRecord)]


def problems(path: Path):
    return [r for r in read_path(path) if isinstance(r, Skipped) and not isinstance(r, Repaired)]


def test_fakes_imports_every_row_with_stable_ids(fakes_csv):
    rows = records(fakes_csv)
    assert len(rows) == 804
    assert rows[0].id == "fakes:1914947530"
    ids = [r.id for r in rows]
    assert len(set(ids)) == 804
    # FA-KES repeats some unit ids: later rows get ~2, ~3 ... in file order.
    assert ids.count("fakes:1926479049") == 1
    assert "fakes:1926479049~2" in ids and "fakes:1926479049~4" in ids
    assert ids.index("fakes:1926479049") < ids.index("fakes:1926479049~2") < ids.index(
        "fakes:1926479049~3")
    assert rows[0].given == {"title": "Syria attack symptoms consistent with nerve agent use WHO",
                             "date": "4/5/17", "source": "nna"}
    assert rows[0].extra["location"] == "idlib"  # unknown columns are kept


def test_fakes_stray_cp1252_bytes_are_read_not_lost(fakes_csv):
    notes = [r for r in read_path(fakes_csv) if isinstance(r, Repaired)]
    assert len(notes) == 1 and "read as Windows-1252" in notes[0].reason
    text = "".join(r.text + r.given["title"] for r in records(fakes_csv))
    # Only the 49 bytes Windows-1252 itself leaves undefined (0x81) become U+FFFD.
    raw = fakes_csv.read_bytes()
    assert text.count("\ufffd") == raw.count(b"\x81") == 49
    assert text.count("•") >= raw.count(b"\x95") - raw.count("•".encode())


def test_fakes_article_date_source_and_dateline(fakes_csv):
    first = clean(records(fakes_csv)[0])
    assert first.date == "2017-04-05"
    assert first.source == "nna"
    assert first.title == "Syria attack symptoms consistent with nerve agent use WHO"
    # "Wed 05 Apr 2017 <title>. Victims ..." loses its dateline and repeated title.
    assert first.paragraphs[0].startswith("Victims of a suspected chemical attack")
    assert {d.reason for d in first.dropped} == {"dateline", "repeated-title"}
    assert first.metadata["location"] == "idlib"


def test_row_number_is_the_id_without_an_id_column(tmp_path):
    path = tmp_path / "reports.csv"
    path.write_text("headline,body,site,published\nA,First body,SANA,2018-04-02\n"
                    "B,Second body,Enab Baladi,2018-04-03\n", encoding="utf-8")
    rows = records(path)
    assert [r.id for r in rows] == ["reports:1", "reports:2"]
    assert rows[1].given == {"title": "B", "source": "Enab Baladi", "date": "2018-04-03"}


def test_jsonl_bad_lines_are_reported_good_lines_kept(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join([
        json.dumps({"id": "a", "title": "T", "text": "Body one", "tags": ["x", "y"]}),
        "{not json",
        "[1, 2]",
        json.dumps({"id": "b", "content": "Body two"}),
        json.dumps({"id": "c", "text": ""}),
    ]), encoding="utf-8")
    assert [r.id for r in records(path)] == ["feed:a", "feed:b"]
    assert records(path)[0].extra == {"tags": "x, y"}
    reasons = {p.where: p.reason for p in problems(path)}
    assert reasons[f"{path}:2"].startswith("invalid JSON")
    assert reasons[f"{path}:3"] == "expected a JSON object, got list"
    assert reasons[f"{path}:5"] == "empty 'text'"


def test_csv_with_broken_quoting_and_ragged_rows(tmp_path):
    path = tmp_path / "messy.csv"
    path.write_text('id,title,text\n1,Ok,"fine body"\n2,Ragged,body,extra,fields\n'
                    '3,Short\n4,Quote,"unterminated body\n', encoding="utf-8")
    rows = {r.id: r for r in records(path)}
    assert rows["messy:1"].text == "fine body"
    assert rows["messy:2"].extra["_extra_fields"] == "extra | fields"
    assert rows["messy:4"].text == "unterminated body\n"  # closed at the end: kept, not lost
    assert any("empty" in p.reason for p in problems(path))  # row 3 has no text


def test_csv_without_text_column_says_which_names_it_looked_for(tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    (problem,) = problems(path)
    assert "no text column" in problem.reason and "article_content" in problem.reason


def test_bad_files_are_skipped_with_a_reason(tmp_path, monkeypatch):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\t\n")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 64)
    huge = tmp_path / "huge.html"
    with open(huge, "wb") as handle:
        handle.truncate(MAX_PAGE_BYTES + 1)  # sparse: 10 MB of nothing, instantly
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    expected = {"empty.txt": "empty file", "blank.txt": "no text (whitespace only)",
                "binary.txt": "binary file, not text", "huge.html": "too large"}
    for name, reason in expected.items():
        (problem,) = problems(tmp_path / name)
        assert problem.reason.startswith(reason), (name, problem.reason)
    # An unsupported file named explicitly is reported; inside a folder, the
    # folder's files of other types are counted in one entry (issue 21).
    (skipped,) = [i for i in discover([tmp_path / "image.png"]) if isinstance(i, Skipped)]
    assert "unsupported file type" in skipped.reason
    (tmp_path / "b.png").write_bytes(b"\x89PNG")
    (tmp_path / "report.pdf").write_bytes(b"%PDF")
    found = list(discover([tmp_path]))
    assert all(i.suffix != ".png" for i in found if isinstance(i, Path))
    (other,) = [i for i in found if isinstance(i, Skipped)]
    assert other.where == str(tmp_path)
    assert other.reason.startswith("3 files of unsupported types: .png .pdf (wartui reads ")
    (missing,) = discover([tmp_path / "nope.txt"])
    assert missing.reason == "no such file or directory"


JUNK = bytes(range(32)).replace(b"\n", b"").replace(b"\r", b"") * 4  # control bytes only


def test_a_binary_line_does_not_cost_a_collection_its_good_rows(tmp_path):
    """A JSONL or CSV file whose start is mostly control bytes, because one
    row is junk, keeps its good rows; only the junk is a bad line. (Found by
    the ingest fuzz test: the whole file was skipped as binary.)"""
    good = {"id": "a", "title": "T", "text": "line text about Manbij"}
    jsonl = tmp_path / "rows.jsonl"
    jsonl.write_bytes(json.dumps(good).encode() + b"\n" + JUNK + b"\n")
    assert [r.id for r in records(jsonl)] == ["rows:a"]
    (bad,) = problems(jsonl)
    assert bad.where.endswith("rows.jsonl:2") and bad.reason.startswith("invalid JSON")
    csv_file = tmp_path / "rows.csv"
    csv_file.write_bytes(b"id,title,text\na,T,line text about Manbij\nb,U," + JUNK + b"\n")
    assert [r.id for r in records(csv_file)][:1] == ["rows:a"]
    # a binary file with a collection's name is still one binary file
    (tmp_path / "archive.jsonl").write_bytes(b"\x1f\x8b\x08" + JUNK * 20 + b"\n1\n")
    (skipped,) = problems(tmp_path / "archive.jsonl")
    assert skipped.reason == "binary file, not text"
    # random bytes with a line that opens like an object are one binary file
    # too, not hundreds of bad rows
    noise = random.Random(22).randbytes(6000)
    (tmp_path / "noise.jsonl").write_bytes(noise[:3000] + b"\n{1\n" + noise[3000:])
    (skipped,) = problems(tmp_path / "noise.jsonl")
    assert skipped.reason == "binary file, not text"


def test_unreadable_file_is_reported(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("text")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    (problem,) = problems(path)
    assert problem.reason == "cannot read: Permission denied"


def test_huge_line_is_truncated_and_nul_bytes_removed(tmp_path):
    path = tmp_path / "long.txt"
    path.write_bytes(b"Title line\n\n" + b"word " * 220_000 + b"\n\nLast para with a \x00 NUL.\n")
    (record,) = records(path)
    assert max(len(line) for line in record.text.split("\n")) == MAX_LINE_CHARS
    assert "\x00" not in record.text
    assert any("truncated from 1,100,000" in note for note in record.notes)
    assert any("NUL" in note for note in record.notes)


def test_folders_are_walked_in_a_stable_order(seeds_dir):
    files = list(discover([seeds_dir]))
    assert [f.stem[:3] for f in files] == ["000", "001", "002", "003", "004"]
