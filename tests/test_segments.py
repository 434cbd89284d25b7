"""A small re-index must not rewrite the index: only small segments merge."""

import json

from wartui import Library, indexing as indexing_module
from wartui.search import writer


def _segments(library: Library) -> dict[str, int]:
    return {s.segment_id(): s.doc_count_all() for s in library._ix._segments()}


def _pages(folder, start: int, count: int):
    folder.mkdir(exist_ok=True)
    for n in range(start, start + count):
        (folder / f"p{n:03d}.txt").write_text(f"Report {n}\n\nShelling hit Jarabulus, day {n}.\n")


def test_adding_a_few_articles_leaves_the_big_segments_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(indexing_module, "BATCH_SIZE", 30)
    monkeypatch.setattr(writer, "SMALL_SEGMENT", 20)
    pages = tmp_path / "pages"
    _pages(pages, 0, 90)
    with Library(tmp_path / "index") as library:
        library.add_paths([pages])
        big = _segments(library)
        assert sorted(big.values()) == [30, 30, 30]
        for start in (90, 95, 100):  # three small runs: their segments merge together
            _pages(pages, start, 5)
            library.add_paths([pages])
        now = _segments(library)
        assert {k: v for k, v in now.items() if k in big} == big  # not rewritten
        assert sorted(v for k, v in now.items() if k not in big) == [15]
        results = library.search("jarabulus", limit=200)
        assert results.total == 105 and len({h.id for h in results.hits}) == 105


def _dead(library: Library) -> dict[str, int]:
    return {s.segment_id(): s.deleted_count() for s in library._ix._segments()}


def _change(folder, numbers) -> None:
    for n in numbers:
        page = folder / f"p{n:03d}.txt"
        page.write_text(page.read_text() + "\nThe report was updated on Tuesday.\n")


def test_segments_past_a_share_of_deleted_documents_are_rewritten(tmp_path, monkeypatch,
                                                                  capsys):
    """Changed articles leave their older text deleted in its segment. A
    segment with a quarter of its documents deleted (merge_policy's
    DEAD_SHARE) or more is rewritten with its live ones at the next commit;
    the others keep theirs until `wartui index --compact` (issue #22: 30,000
    documents in segments for 20,000 live, before)."""
    from wartui.cli import main

    monkeypatch.setattr(indexing_module, "BATCH_SIZE", 30)
    monkeypatch.setattr(writer, "SMALL_SEGMENT", 20)
    pages = tmp_path / "pages"
    _pages(pages, 0, 90)
    with Library(tmp_path / "index") as library:
        library.add_paths([pages])
        before = _segments(library)  # p000-029, p030-059, p060-089
        _change(pages, range(0, 8))    # 8 of p000-029: 27% of their segment
        _change(pages, range(30, 33))  # 3 of p030-059: 10%
        report = library.add_paths([pages])
        assert (report.changed, report.unchanged) == (11, 79)
        dead = _dead(library)
        assert sorted(dead.values()) == [0, 0, 3]  # the first segment's 8: gone
        assert len(set(dead) & set(before)) == 2  # the other two: kept as they were
        assert sum(_segments(library).values()) == 90 + 3  # 8 dead documents gone already
        assert library.search("jarabulus", limit=200).total == 90
    capsys.readouterr()
    index_dir = str(tmp_path / "index")
    assert main(["--index-dir", index_dir, "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["articles"], stats["documents"], stats["deleted"]) == (90, 90, 3)
    assert stats["reclaimable_bytes"] > 0
    assert main(["--index-dir", index_dir, "index", "--compact", "--json"]) == 0
    compacted = json.loads(capsys.readouterr().out)
    assert compacted["removed"] == 3 and compacted["bytes_after"] < compacted["bytes_before"]
    assert main(["--index-dir", index_dir, "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["articles"], stats["documents"], stats["deleted"]) == (90, 90, 0)
    assert stats["reclaimable_bytes"] == 0
    with Library(index_dir) as library:
        assert library.search("jarabulus", limit=200).total == 90
        assert library.search('"updated on Tuesday"', limit=200).total == 11


def test_a_segment_whose_documents_are_all_deleted_is_dropped_not_copied(tmp_path, seeds_dir,
                                                                         monkeypatch):
    """A batch taken out after a kill (an older wartui's, written to Whoosh
    first) is a segment of deleted documents: it goes at that commit, the
    other segment stays as it is."""
    from wartui.search.writer import document_fields

    monkeypatch.setattr(writer, "SMALL_SEGMENT", 3)  # (two big segments of 5)
    with Library(tmp_path / "index") as library:
        library.add_paths([seeds_dir])
        seeds = _segments(library)
        ghosts = library._ix.writer()
        for article in library._store.get_many(library.ids()).values():
            article.id = "ghost-" + article.id
            ghosts.add_document(**document_fields(article))
        ghosts.commit(merge=False)
        assert len(_segments(library)) == 2
        (library.index_dir / "write.pending").touch()  # as a killed run leaves it
        library.close()
        report = library.add_paths([seeds_dir])
        assert any("5 articles it had only half written" in n.reason for n in report.notes)
        assert _segments(library) == seeds and _dead(library) == {s: 0 for s in seeds}


def test_articles_changed_in_segments_left_alone_come_back_once(tmp_path, monkeypatch):
    """Their old versions are deleted in segments that are not rewritten: the
    open library must see those deletions (Whoosh's own refresh kept its
    readers of the old segments, deletions and all)."""
    monkeypatch.setattr(indexing_module, "BATCH_SIZE", 30)
    monkeypatch.setattr(writer, "SMALL_SEGMENT", 20)
    pages = tmp_path / "pages"
    _pages(pages, 0, 90)
    with Library(tmp_path / "index") as library:
        library.add_paths([pages])
        assert library.search("jarabulus").total == 90  # (the index is open for searching)
        for n in range(0, 90, 9):  # in each of the three segments
            (pages / f"p{n:03d}.txt").write_text(f"Report {n}\n\nShelling hit Manbij, day {n}.\n")
        assert library.add_paths([pages]).changed == 10
        assert sorted(_segments(library).values()) == [10, 30, 30, 30]  # old ones left alone
        results = library.search("shelling", limit=200)
        assert results.total == 90 and len({h.id for h in results.hits}) == 90
        assert library.search("jarabulus", limit=200).total == 80
        assert library.search("*").total == 90
