"""`wartui check` (issue #22): damage that changes no answer is found, named,
and given the command that mends it; `index` refuses a damaged index before
it writes; `check --repair` makes the search index whole from the store.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wartui import Library
from wartui.cli import main
from wartui.integrity import MANIFEST

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import write_corpus  # noqa: E402
from bench.kill import child_argv, expected_ids  # noqa: E402

QUERIES = ["Taqsis", "Rastan", "Jaish", "evacuation", "Homs", "Damascus", "Qalamun",
           "Tahrir", "fighters", ""]


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory, seeds_dir) -> Path:
    index_dir = tmp_path_factory.mktemp("check") / "ix"
    with Library(index_dir) as library:
        library.add_paths([seeds_dir])
    return index_dir


@pytest.fixture
def index_dir(seed_index, tmp_path) -> Path:
    copy = tmp_path / "ix"
    shutil.copytree(seed_index, copy)
    return copy


def run(capsys, *argv) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def answers(index_dir: Path) -> dict:
    with Library(index_dir) as library:
        return {q: [h.id for h in library.search(q, limit=20, all_versions=True).hits]
                for q in QUERIES}


def overwrite(path: Path, at: float, count: int = 4096) -> None:
    data = bytearray(path.read_bytes())
    start = int(len(data) * at)
    data[start:start + count] = bytes((b ^ 0x5A) for b in data[start:start + count])
    path.write_bytes(bytes(data))


def test_a_whole_index_is_whole(index_dir, capsys):
    status, out, err = run(capsys, "--index-dir", index_dir, "check")
    assert (status, err) == (0, "")
    assert out == (f"the index in {index_dir} is whole: 5 articles; 1 segment (1 checked "
                   "against their checksums, 0 read through), the article store's integrity "
                   "check passed, the search index and the store hold the same articles\n")


def test_bytes_overwritten_in_a_segment_are_found_and_repaired(index_dir, capsys):
    """The issue's case: 4 KB overwritten in the middle of a segment changed
    no answer of 10 queries, and nothing said so."""
    before = answers(index_dir)
    (segment,) = (index_dir / "whoosh").glob("*.seg")
    overwrite(segment, 0.5)
    assert answers(index_dir) == before  # no answer tells
    status, out, err = run(capsys, "--index-dir", index_dir, "check")
    assert status == 2
    assert f"segment {segment.stem}: {segment.name} does not match its checksum" in out
    assert err == (f"wartui: the index in {index_dir} is damaged; repair it with: wartui "
                   f"--index-dir {index_dir} check --repair (the search index is made again "
                   "from the article store: nothing is lost)\n")
    status, out, err = run(capsys, "--index-dir", index_dir, "check", "--repair")
    assert status == 0, err
    assert "repaired: 5 articles put back into the search index" in out and "is whole" in out
    assert answers(index_dir) == before


def test_an_overwritten_end_of_the_store_is_found_and_index_refuses_it(index_dir, capsys,
                                                                        seeds_dir):
    """The issue's case: after this, `index` exited 0 and SQLite's
    integrity_check still said "malformed"."""
    store = index_dir / "articles.sqlite"
    overwrite(store, 0.8, store.stat().st_size)  # its last fifth
    status, out, err = run(capsys, "--index-dir", index_dir, "check")
    assert status == 2 and "articles.sqlite: " in out + err, (out, err)
    assert err.endswith(f"rebuild it with: wartui --index-dir {index_dir} index --rebuild "
                        "PATH...\n")
    status, _, err = run(capsys, "--index-dir", index_dir, "index", seeds_dir)
    assert status == 2 and err.count("\n") == 1
    assert "is damaged (articles.sqlite: " in err and "--rebuild" in err
    status, _, err = run(capsys, "--index-dir", index_dir, "check", "--repair")
    assert status == 2 and "--rebuild" in err  # the store is not made from the search index


def test_index_refuses_a_segment_whose_size_changed(index_dir, capsys, seeds_dir):
    (segment,) = (index_dir / "whoosh").glob("*.seg")
    with segment.open("ab") as handle:
        handle.write(b"\0" * 100)
    status, _, err = run(capsys, "--index-dir", index_dir, "index", seeds_dir)
    assert status == 2 and "check --repair" in err and "when written" in err
    assert run(capsys, "--index-dir", index_dir, "check", "--repair")[0] == 0


def test_segments_without_checksums_are_read_through(index_dir, capsys):
    """A segment committed by Whoosh alone (or before wartui kept checksums)."""
    from wartui.search.writer import document_fields

    with Library(index_dir) as library:
        article = library.article("001_cddafe3289ae453d")  # (opens it)
        writer = library._ix.writer()
        writer.update_document(**document_fields(article))
        writer.commit(merge=False)
    status, out, _ = run(capsys, "--index-dir", index_dir, "check")
    assert status == 0 and "2 segments (1 checked against their checksums, 1 read through)" in out
    (index_dir / "whoosh" / MANIFEST).unlink()
    status, out, _ = run(capsys, "--index-dir", index_dir, "check")
    assert status == 0 and "(0 checked against their checksums, 2 read through)" in out


def test_search_documents_the_store_lacks_are_damage(index_dir, capsys):
    from wartui.search.writer import document_fields

    with Library(index_dir) as library:
        ghost = library.article("003_84e21071b25684eb")  # (opens it)
        ghost.id = "ghost"
        writer = library._ix.writer()
        writer.add_document(**document_fields(ghost))
        writer.commit(merge=False)
    status, out, _ = run(capsys, "--index-dir", index_dir, "check", "--json")
    found = json.loads(out)
    assert status == 2 and found["search"] == [
        "1 search documents have no article in the store (e.g. ghost): a search would list "
        "them, show not open them"]
    status, out, _ = run(capsys, "--index-dir", index_dir, "check", "--repair", "--json")
    assert status == 0 and json.loads(out)["whole"]
    assert Library(index_dir).search("ghost").total == 0


def test_a_run_cut_short_is_unfinished_not_damaged(tmp_path, capsys):
    corpus = tmp_path / "c.jsonl"
    write_corpus(corpus, 120, seed=4, dupes=2)
    index_dir = tmp_path / "ix"
    killed = subprocess.run(child_argv(index_dir, [corpus], batch=40, crash="between-commits:2"),
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -9
    status, out, err = run(capsys, "--index-dir", index_dir, "check")
    assert status == 1, err
    assert "unfinished: 40 articles are not in the search index yet" in out
    assert "a run was cut short; finish it with:" in err
    status, out, _ = run(capsys, "--index-dir", index_dir, "check", "--repair")
    assert status == 0 and "40 articles put back" in out
    with Library(index_dir) as library:
        assert library.search("").total == 80 == library.count()
    assert len(expected_ids(corpus)) == 122
