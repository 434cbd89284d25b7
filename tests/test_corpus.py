"""An index that stays true to its sources (corpus.py): it remembers what it
was built from, indexes that again, and removes what is gone from it,
keeping the version tables, the site-furniture counts and the reader's
annotations consistent."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from wartui.cli import main
from wartui.library import Library

SEED_000, SEED_001, SEED_003 = ("000_1d8dfec3ee535e83", "001_cddafe3289ae453d",
                                "003_84e21071b25684eb")


def run(capsys, index_dir, *args) -> tuple[int, str, str]:
    status = main(["--index-dir", str(index_dir), *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def pages(tmp_path, seeds_dir):
    folder = tmp_path / "pages"
    shutil.copytree(seeds_dir, folder)
    return folder


def rows_file(path, rows: list[tuple[str, str, str]]) -> None:
    path.write_text("\n".join(json.dumps({"id": i, "title": t, "text": text, "source": "wire"})
                              for i, t, text in rows) + "\n")


def test_the_index_remembers_its_sources_and_indexes_them_again(tmp_path, pages, capsys,
                                                                monkeypatch):
    rows = tmp_path / "rows.jsonl"
    rows_file(rows, [("1", "Shelling in Hama", "Shelling hit the outskirts of Hama on Monday, "
                                               "residents said."),
                     ("2", "Talks in Astana", "Delegations met in Astana to discuss a "
                                              "ceasefire in Idlib.")])
    index = tmp_path / "ix"
    monkeypatch.chdir(tmp_path)  # (relative paths are remembered as absolute ones)
    assert run(capsys, index, "index", "pages", "rows.jsonl")[0] == 0
    status, out, _ = run(capsys, index, "sources")
    assert status == 0
    assert out.splitlines() == [f"      5  {pages}", f"      2  {rows}"]
    status, out, _ = run(capsys, index, "sources", "--json")
    assert json.loads(out)["sources"][1] == {"path": str(rows), "articles": 2, "exists": True}
    # `wartui index` without a path: its own sources, not the bundled seeds
    monkeypatch.chdir("/")
    status, out, _ = run(capsys, index, "index")
    assert status == 0 and "0 new, 0 changed, 7 unchanged" in out
    # a folder holding a source takes its place; a file inside one adds nothing
    assert run(capsys, index, "index", str(pages / f"{SEED_000}.txt"))[0] == 0
    assert len(run(capsys, index, "sources")[1].splitlines()) == 2
    # a new index gets the seeds; an index without sources remembered is refused
    status, out, _ = run(capsys, tmp_path / "new", "index")
    assert status == 0 and "5 new" in out
    db = sqlite3.connect(index / "articles.sqlite")
    db.execute("DROP TABLE sources")
    db.commit()
    db.close()
    status, out, err = run(capsys, index, "index")
    assert status == 2 and "does not say what it was built from" in err
    assert run(capsys, index, "sources")[0] == 1


def test_a_file_gone_from_a_folder_is_removed_and_reported(tmp_path, pages, capsys):
    index = tmp_path / "ix"
    assert run(capsys, index, "index", str(pages))[0] == 0
    with Library(index) as library:
        assert {v.id for v in library.versions(SEED_000)} == {SEED_001}
    (pages / f"{SEED_001}.txt").unlink()
    status, out, _ = run(capsys, index, "index", "--json")
    report = json.loads(out)
    assert status == 0 and (report["removed"], report["removed_ids"]) == (1, [SEED_001])
    assert report["unchanged"] == 4
    status, out, _ = run(capsys, index, "search", "Taqsis", "--all-versions", "--json")
    assert [hit["id"] for hit in json.loads(out)["results"]] == [SEED_000]
    assert json.loads(out)["results"][0]["versions"] == 0
    with Library(index) as library:
        assert library.versions(SEED_000) == []
        assert library.article(SEED_001) is None
        assert library.check().whole
        db = library._store.db
        assert db.execute("SELECT COUNT(*) FROM version_pairs").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM version_clusters").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM furniture_pages WHERE id = ?",
                          (SEED_001,)).fetchone()[0] == 0
    status, out, _ = run(capsys, index, "sources")
    assert out.split() == ["4", str(pages)]
    # the plain report says so
    (pages / f"{SEED_003}.txt").unlink()
    assert "0 new, 0 changed, 3 unchanged, 1 removed" in run(capsys, index, "index")[1]


def test_furniture_counts_are_taken_back_with_a_removed_page(tmp_path, capsys):
    """A line on three pages of a source is its furniture; a page removed
    takes its count back."""
    menu = "Home | World | Syria | Subscribe to our newsletter"
    folder = tmp_path / "site"
    folder.mkdir()
    stories = ["Shelling hit the outskirts of Hama on Monday, killing four civilians.",
               "Delegations met in Astana on Tuesday to discuss a ceasefire in Idlib.",
               "A convoy of aid reached the besieged town of Madaya after months of waiting."]
    for number, story in enumerate(stories):
        (folder / f"p{number}.txt").write_text(f"Headline {number}\n{menu}\n\n{story}\n")
    index = tmp_path / "ix"
    assert run(capsys, index, "index", str(folder))[0] == 0

    def pages_of_menu() -> int:
        from wartui.ingest.furniture import unit_key

        db = sqlite3.connect(index / "articles.sqlite")
        row = db.execute("SELECT pages, stories FROM furniture_units WHERE key = ?",
                         (unit_key("", menu),)).fetchone()
        db.close()
        return row

    assert pages_of_menu() == (3, 3)
    (folder / "p2.txt").unlink()
    assert "1 removed" in run(capsys, index, "index")[1]
    assert pages_of_menu() == (2, 2)


def test_rows_gone_from_a_collection_are_removed_unless_rows_were_unreadable(tmp_path,
                                                                           capsys):
    rows = tmp_path / "rows.jsonl"
    texts = {str(n): f"Report {n}: shelling near Aleppo left {n} people wounded, a monitor "
                     "said." for n in range(1, 5)}
    rows_file(rows, [(i, f"Report {i}", t) for i, t in texts.items()])
    index = tmp_path / "ix"
    assert run(capsys, index, "index", str(rows))[0] == 0
    rows_file(rows, [(i, f"Report {i}", t) for i, t in texts.items() if i != "2"])
    status, out, _ = run(capsys, index, "index")
    assert status == 0 and "3 unchanged, 1 removed" in out
    # a row that cannot be read now: whose article it held is unknown, so
    # the articles not found are kept (and said to be)
    lines = rows.read_text().splitlines()
    rows.write_text(lines[0] + "\n{not json\n")
    status, out, _ = run(capsys, index, "index")
    assert status == 1 and "removed" not in out.splitlines()[0]
    assert "2 of its articles were not found in it and are kept" in out
    assert run(capsys, index, "search", "Report")[1].startswith("3 results")


def test_remove_by_id_and_by_path(tmp_path, pages, capsys):
    index = tmp_path / "ix"
    assert run(capsys, index, "index", str(pages))[0] == 0
    run(capsys, index, "tag", SEED_003, "+disputed")
    status, out, _ = run(capsys, index, "remove", SEED_003)
    assert status == 0 and "1 article removed (their tags and notes are kept)" in out
    assert "come back at the next `wartui index`" in out  # its file is still in a source
    assert run(capsys, index, "show", SEED_003)[0] == 1
    status, _, err = run(capsys, index, "remove", "nope")
    assert status == 1 and "'nope' is no article id, nor a file or folder" in err
    status, out, _ = run(capsys, index, "remove", str(pages), "--json")
    removed = json.loads(out)
    assert status == 0 and len(removed["removed"]) == 4
    assert removed["forgotten"] == [str(pages)]
    assert run(capsys, index, "sources")[0] == 1  # no source left
    assert run(capsys, index, "search", "*")[1].startswith("0 results")
    assert run(capsys, index, "tags", "--orphaned")[1] == f"{SEED_003}\t+disputed\n"
    with Library(index) as library:
        assert library.check().whole


def test_a_fifo_in_a_folder_is_skipped_not_waited_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.txt").write_text("A page\n\nShelling near Hama, residents said.\n")
    os.mkfifo(folder / "pipe.txt")
    (folder / "a.pdf").write_bytes(b"%PDF")
    (folder / "b.docx").write_bytes(b"PK")
    (folder / "c.pdf").write_bytes(b"%PDF")
    done = subprocess.run([sys.executable, "-m", "wartui", "--index-dir", str(tmp_path / "ix"),
                           "index", str(folder)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr  # something skipped
    assert done.stdout.splitlines() == [
        "1 new, 0 changed, 0 unchanged, 2 skipped",
        f"  skipped {folder / 'pipe.txt'}: not a file but a named pipe (FIFO): reading it "
        "would wait for a writer; not read",
        f"  skipped {folder}: 3 files of unsupported types: .pdf .docx (wartui reads .txt "
        ".md .html .htm .jsonl .csv)"]
    assert not (tmp_path / "ix" / "write.pending").exists()


def test_a_csv_row_with_more_fields_than_the_header_is_reported_with_its_line(tmp_path,
                                                                             capsys):
    rows = tmp_path / "rows.csv"
    rows.write_text('id,title,text\n'
                    '1,Hama,"Shelling near Hama,\nresidents said."\n'
                    '2,Idlib,"A stray " quote, here",and,more\n'
                    '3,Homs,"Fine row about Homs"\n')
    status, out, _ = run(capsys, tmp_path / "ix", "index", str(rows))
    assert status == 0
    assert ("note rows:2: line 4: 6 fields where the header has 3 (a stray quote may have "
            "joined rows)") in out
