"""The reader's tags and notes (annotations.py): from the command line, in
queries, and kept through everything that writes the index."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys

import pytest

from wartui.annotations import ANNOTATIONS_FILE, LAYOUT_VERSION, Annotations
from wartui.cli import main
from wartui.library import Library

SEED_000, SEED_001, SEED_003 = ("000_1d8dfec3ee535e83", "001_cddafe3289ae453d",
                                "003_84e21071b25684eb")


@pytest.fixture
def index_dir(tmp_path, seeds_dir):
    directory = tmp_path / "index"
    assert main(["--index-dir", str(directory), "index", str(seeds_dir)]) == 0
    return directory


def run(capsys, index_dir, *args) -> tuple[int, str, str]:
    status = main(["--index-dir", str(index_dir), *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def found(capsys, index_dir, query: str) -> list[str]:
    status, out, _ = run(capsys, index_dir, "search", "--all-versions", "--json",
                         "--limit", "50", "--", query)
    assert status in (0, 1)
    return sorted(hit["id"] for hit in json.loads(out)["results"])


def test_tags_are_added_and_removed_as_notmuch_writes_them(index_dir, capsys):
    status, out, err = run(capsys, index_dir, "tag", SEED_000, SEED_003, "+disputed", "+todo")
    assert (status, err) == (0, "")
    assert "+disputed +todo: 2 of 2 articles changed" in out
    status, out, _ = run(capsys, index_dir, "tag", SEED_003, "-todo", "+read")
    assert status == 0 and "-todo" in out
    status, out, _ = run(capsys, index_dir, "tags")
    assert status == 0
    assert out.splitlines() == ["      2  disputed", "      1  read", "      1  todo"]
    assert found(capsys, index_dir, "tag:disputed") == [SEED_000, SEED_003]
    assert found(capsys, index_dir, "tag:disputed -tag:read") == [SEED_000]
    assert found(capsys, index_dir, "-tag:todo") == sorted(
        ["001_cddafe3289ae453d", "002_193f624956799aae", SEED_003, "004_e0530f7fd10296e1"])
    assert found(capsys, index_dir, "Basilia tag:disputed") == [SEED_003]
    assert found(capsys, index_dir, "Basilia tag:todo") == []
    assert found(capsys, index_dir, "tag:dis*") == [SEED_000, SEED_003]
    assert found(capsys, index_dir, "has:tag") == [SEED_000, SEED_003]
    _, out, _ = run(capsys, index_dir, "search", "tag:disputed", "--json")
    hit = next(h for h in json.loads(out)["results"] if h["id"] == SEED_003)
    assert hit["tags"] == ["disputed", "read"]


def test_tag_statuses_and_messages(index_dir, capsys):
    status, out, err = run(capsys, index_dir, "tag", SEED_000, "nope", "+x")
    assert status == 1 and "1 of 1 article changed" in out
    assert err.strip() == "wartui: no article with id 'nope': its tags are left as they are"
    status, _, err = run(capsys, index_dir, "tag", SEED_000, "+two words")
    assert status == 2 and "is not a tag" in err and len(err.strip().splitlines()) == 1
    status, _, err = run(capsys, index_dir, "tag", SEED_000)
    assert status == 2 and "+TAG" in err
    with pytest.raises(SystemExit) as stopped:  # an option that is no tag: argparse's usage
        main(["--index-dir", str(index_dir), "tag", SEED_000, "--nope"])
    assert stopped.value.code == 2
    capsys.readouterr()


def test_tagging_every_result_of_a_query_and_ids_from_stdin(index_dir, capsys, monkeypatch):
    # the two captures of one report (000, 001) are one story: both are tagged
    status, out, _ = run(capsys, index_dir, "tag", "--query", "Taqsis", "+rastan")
    assert status == 0 and "2 of 2 articles changed" in out
    assert found(capsys, index_dir, "tag:rastan") == [SEED_000, SEED_001]
    status, out, _ = run(capsys, index_dir, "tag", "--query", "zzxqq", "+none")
    assert status == 1 and "the query found nothing" in out
    # `wartui search ... --format tsv | cut -f1 | wartui tag - +x`
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{SEED_003}\tmore\n\n{SEED_000}\n"))
    assert run(capsys, index_dir, "tag", "-", "+piped")[0] == 0
    assert found(capsys, index_dir, "tag:piped") == [SEED_000, SEED_003]


def test_notes_are_printed_set_searched_and_removed(index_dir, capsys, monkeypatch):
    assert run(capsys, index_dir, "note", SEED_003)[0] == 1  # none yet: grep's 1
    status, out, _ = run(capsys, index_dir, "note", SEED_003, "Check the Évacuation toll\n"
                                                              "against SANA")
    assert status == 0 and "saved" in out
    status, out, _ = run(capsys, index_dir, "note", SEED_003)
    assert (status, out) == (0, "Check the Évacuation toll\nagainst SANA\n")
    assert found(capsys, index_dir, "has:note") == [SEED_003]
    assert found(capsys, index_dir, "note:evacuation") == [SEED_003]  # case and accents aside
    assert found(capsys, index_dir, "note:evac*") == [SEED_003]
    assert found(capsys, index_dir, "note:toll -has:tag") == [SEED_003]
    assert found(capsys, index_dir, "note:nothere") == []
    monkeypatch.setattr(sys, "stdin", io.StringIO("from stdin\n"))
    assert run(capsys, index_dir, "note", SEED_003, "-")[0] == 0
    assert run(capsys, index_dir, "note", SEED_003)[1] == "from stdin\n"
    assert run(capsys, index_dir, "note", SEED_003, "")[0] == 0  # removed
    assert run(capsys, index_dir, "note", SEED_003)[0] == 1
    status, _, err = run(capsys, index_dir, "note", "nope", "text")
    assert status == 1 and "no article with id 'nope'" in err


def test_an_annotation_query_that_cannot_mean_anything_is_one_line(index_dir, capsys):
    for query, says in (("has:foo", "has: is followed by note or tag"),
                        ("tag:a*b", "tag: takes a whole word")):
        status, out, err = run(capsys, index_dir, "search", query)
        assert status == 2 and out == ""
        assert err.strip().splitlines() == [err.strip()] and says in err


def test_tags_survive_index_rebuild_and_a_schema_change(index_dir, seeds_dir, capsys):
    run(capsys, index_dir, "tag", SEED_000, "+disputed")
    run(capsys, index_dir, "note", SEED_000, "why")
    assert run(capsys, index_dir, "index", str(seeds_dir))[0] == 0
    assert run(capsys, index_dir, "index", "--rebuild", str(seeds_dir))[0] == 0
    assert found(capsys, index_dir, "tag:disputed") == [SEED_000]
    # an index of another schema is refused until rebuilt; the tags stay through that too
    meta = index_dir / "wartui.json"
    meta.write_text(json.dumps({"schema": 1, "created_by": "wartui"}))
    status, _, err = run(capsys, index_dir, "search", "Taqsis")
    assert status == 2 and "rebuild" in err
    assert run(capsys, index_dir, "index", "--rebuild")[0] == 0  # its own sources: the seeds
    assert found(capsys, index_dir, "tag:disputed has:note") == [SEED_000]
    assert (index_dir / ANNOTATIONS_FILE).is_file()


def test_a_killed_writer_leaves_the_annotations_as_they_were(index_dir, capsys):
    run(capsys, index_dir, "tag", SEED_000, "+kept")
    code = f"""
import os, sqlite3
db = sqlite3.connect({str(index_dir / ANNOTATIONS_FILE)!r})
db.execute("BEGIN IMMEDIATE")
db.execute("DELETE FROM tags")
db.execute("INSERT INTO tags VALUES ('x', 'half', 0)")
os.kill(os.getpid(), 9)
"""
    killed = subprocess.run([sys.executable, "-c", code])
    assert killed.returncode == -9
    assert found(capsys, index_dir, "tag:kept") == [SEED_000]
    assert run(capsys, index_dir, "tag", SEED_003, "+after")[0] == 0  # and it is writable
    assert run(capsys, index_dir, "tags")[1].split() == ["1", "after", "1", "kept"]


def test_the_layout_is_upgraded_in_place_and_a_later_one_is_not_written(tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    db = sqlite3.connect(old / ANNOTATIONS_FILE)  # a file before any layout: user_version 0
    db.execute("CREATE TABLE kept_by_someone (x)")
    db.commit()
    db.close()
    annotations = Annotations(old)
    assert annotations.tagged("x") == set()  # read: nothing of this layout yet
    annotations.change_tags(["a"], add=["x"])
    assert annotations.tagged("x") == {"a"}
    annotations.close()
    db = sqlite3.connect(old / ANNOTATIONS_FILE)
    assert db.execute("PRAGMA user_version").fetchone()[0] == LAYOUT_VERSION
    assert db.execute("SELECT COUNT(*) FROM kept_by_someone").fetchone()[0] == 0  # untouched
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    later = Annotations(old)
    assert later.tagged("x") == {"a"}  # still read
    with pytest.raises(Exception, match="written by a later wartui"):
        later.change_tags(["a"], add=["y"])
    later.close()


def test_export_and_import_lose_nothing(index_dir, tmp_path, seeds_dir, capsys):
    run(capsys, index_dir, "tag", SEED_000, "+disputed")
    run(capsys, index_dir, "note", SEED_000, "mine")
    exported = tmp_path / "team.jsonl"
    status, out, _ = run(capsys, index_dir, "tags", "--export", str(exported))
    assert status == 0 and "1 annotated articles written" in out
    (row,) = [json.loads(line) for line in exported.read_text().splitlines()]
    assert row == {"id": SEED_000, "tags": ["disputed"], "note": "mine",
                   "title": row["title"]} and row["title"]
    # a colleague's index, with a note of their own on the same article
    other = tmp_path / "other"
    assert main(["--index-dir", str(other), "index", str(seeds_dir)]) == 0
    run(capsys, other, "note", SEED_000, "theirs")
    run(capsys, other, "tag", SEED_000, "+todo")
    status, out, _ = run(capsys, other, "tags", "--import", str(exported))
    assert status == 0 and "1 tags and 1 notes added" in out
    assert run(capsys, other, "note", SEED_000)[1] == "theirs\n\nmine\n"
    assert found(capsys, other, "tag:disputed tag:todo") == [SEED_000]
    assert run(capsys, other, "tags", "--import", str(exported))[1].startswith(
        f"from {exported}: 0 tags and 0 notes added")  # twice: nothing doubled
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "tags": ["ok"]}\nnot json\n')
    status, _, err = run(capsys, other, "tags", "--import", str(bad))
    assert status == 2 and f"{bad}:2: not a line of exported annotations" in err
    status, out, _ = run(capsys, other, "tags", "--export", "-")
    assert status == 0 and json.loads(out.splitlines()[0])["id"] == SEED_000


def test_a_removed_articles_tags_are_orphaned_then_restored(tmp_path, seeds_dir, capsys):
    import shutil

    pages = tmp_path / "pages"
    shutil.copytree(seeds_dir, pages)
    index_dir = tmp_path / "ix"
    assert main(["--index-dir", str(index_dir), "index", str(pages)]) == 0
    run(capsys, index_dir, "tag", SEED_003, "+disputed")
    page = pages / f"{SEED_003}.txt"
    kept = page.read_bytes()
    page.unlink()
    status, out, _ = run(capsys, index_dir, "index")
    assert status == 0 and "1 removed" in out
    assert found(capsys, index_dir, "tag:disputed") == []
    status, out, err = run(capsys, index_dir, "tags")
    assert "1  disputed" in out and "1 annotated articles are no longer in the index" in err
    status, out, _ = run(capsys, index_dir, "tags", "--orphaned")
    assert (status, out) == (0, f"{SEED_003}\t+disputed\n")
    page.write_bytes(kept)
    assert "1 new" in run(capsys, index_dir, "index")[1]
    assert found(capsys, index_dir, "tag:disputed") == [SEED_003]
    assert run(capsys, index_dir, "tags", "--orphaned")[0] == 1


def test_the_facets_count_the_tags_of_the_hits(index_dir):
    """The app's facet line offers the reader's tags: each with the hits
    of the query that carry it (none when nothing is tagged)."""
    with Library(index_dir) as library:
        assert library.facets("").tags == {}
        every = library.ids()
        library.tag(every[:3], add=["todo"])
        library.tag(every[:1], add=["disputed"])
        assert library.tags_of(every[0]) == ["disputed", "todo"]
        assert library.tags_of(every[4]) == []
        assert library.facets("").tags == {"todo": 3, "disputed": 1}
        assert library.facets("-tag:disputed").tags == {"todo": 2}
        assert library.facets("tag:nothing").tags == {}
