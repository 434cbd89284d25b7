"""The reader's memory of an index (wartui/state.py): query history and
saved searches, in $XDG_STATE_HOME/wartui, one file each per index."""

from __future__ import annotations

import os

from wartui.library import Library
from wartui.state import HISTORY_KEPT, QueryHistory, SavedSearches, index_key, state_dir
from wartui.model import SavedSearch


def test_history_keeps_each_query_once_newest_last(tmp_path):
    history = QueryHistory(tmp_path / "ix", root=tmp_path / "state")
    for query in ("Douma", "Aleppo", "Douma", "  ", "Deir ez-Zor"):
        history.add(query)
    assert history.load() == ["Aleppo", "Douma", "Deir ez-Zor"]
    # one file per index, named after it
    assert history.path.parent == tmp_path / "state" / "history"
    assert history.path.name.startswith("ix-")
    other = QueryHistory(tmp_path / "other" / "ix", root=tmp_path / "state")
    assert other.path != history.path and other.load() == []


def test_history_survives_a_cut_line_and_stays_bounded(tmp_path):
    history = QueryHistory(tmp_path / "ix", root=tmp_path)
    history.add("first")
    with open(history.path, "a", encoding="utf-8") as file:
        file.write('"half a li')  # a write cut short
    history.add("second\nwith a newline")
    assert history.load() == ["first", "second\nwith a newline"]
    for number in range(3 * HISTORY_KEPT):
        history.add(f"q{number}")
    assert len(history.load()) == HISTORY_KEPT
    assert history.load()[-1] == f"q{3 * HISTORY_KEPT - 1}"
    assert len(history.path.read_text().splitlines()) <= 2 * HISTORY_KEPT + 1


def test_history_on_a_disk_that_cannot_be_written_is_no_error(tmp_path):
    root = tmp_path / "ro"
    root.mkdir()
    os.chmod(root, 0o500)
    try:
        history = QueryHistory(tmp_path / "ix", root=root / "state")
        history.add("Douma")  # (root writes anyway: then it is simply kept)
        assert history.load() in ([], ["Douma"])
    finally:
        os.chmod(root, 0o700)


def test_saved_searches_replace_by_name_and_forget(tmp_path):
    saved = SavedSearches(tmp_path / "ix", root=tmp_path)
    saved.save(SavedSearch("deir", "Deir ez-Zor", ('source:"sana"',), "date", 3))
    saved.save(SavedSearch("douma", "Douma"))
    saved.save(SavedSearch("deir", "Deir ez-Zor -Raqqa"))
    assert [(s.name, s.query) for s in saved.load()] == [("douma", "Douma"),
                                                         ("deir", "Deir ez-Zor -Raqqa")]
    saved.opened("douma", 12)
    assert saved.load()[0].seen == 12 and saved.load()[0].opened > 0
    saved.remove("douma")
    assert [s.name for s in saved.load()] == ["deir"]
    saved.path.write_text("{not json")
    assert saved.load() == []


def test_state_dir_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert state_dir() == tmp_path / "wartui"
    monkeypatch.delenv("XDG_STATE_HOME")
    assert state_dir().parts[-3:] == (".local", "state", "wartui")
    assert index_key(tmp_path / "my index") .startswith("my_index-")


def test_the_library_counts_what_is_new_for_a_saved_search(tmp_path, seeds_dir, monkeypatch):
    import shutil

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    pages = tmp_path / "pages"
    shutil.copytree(seeds_dir, pages)
    with Library(tmp_path / "ix") as library:
        library.add_paths([pages])
        library.remember("Deir ez-Zor")
        saved = library.save_search("deir", "Deir ez-Zor", ['-source:"nobody"'])
        assert saved.seen == 3
        (pages / "new.txt").write_text("Deir ez-Zor again\n\nShelling in Deir ez-Zor.\n")
        library.add_paths([pages])
        [(found, total)] = library.saved_searches()
        assert (found.name, found.seen, total) == ("deir", 3, 4)  # one new
        library.open_saved("deir", total)
        assert library.saved_searches()[0][0].seen == 4
        assert library.history() == ["Deir ez-Zor"]
