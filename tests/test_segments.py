"""A small re-index must not rewrite the index: only small segments merge."""

from wartui import Library, library as library_module
from wartui.search import writer


def _segments(library: Library) -> dict[str, int]:
    return {s.segment_id(): s.doc_count_all() for s in library._ix._segments()}


def _pages(folder, start: int, count: int):
    folder.mkdir(exist_ok=True)
    for n in range(start, start + count):
        (folder / f"p{n:03d}.txt").write_text(f"Report {n}\n\nShelling hit Jarabulus, day {n}.\n")


def test_adding_a_few_articles_leaves_the_big_segments_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(library_module, "BATCH_SIZE", 30)
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


def test_articles_changed_in_segments_left_alone_come_back_once(tmp_path, monkeypatch):
    """Their old versions are deleted in segments that are not rewritten: the
    open library must see those deletions (Whoosh's own refresh kept its
    readers of the old segments, deletions and all)."""
    monkeypatch.setattr(library_module, "BATCH_SIZE", 30)
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
