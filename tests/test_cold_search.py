"""What a fresh `wartui search` process does once and no more: the index's
segments are opened once, for both checking the index and searching it."""

from wartui import Library


def test_the_reader_that_checked_the_index_searches_it(library, seeds_dir, monkeypatch):
    library.add_paths([seeds_dir])
    library.close()
    from whoosh.reading import SegmentReader

    opened = []
    real_init = SegmentReader.__init__

    def counting(self, *args, **kwargs):
        opened.append(1)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(SegmentReader, "__init__", counting)
    with Library(library.index_dir) as reader:
        assert reader.search("Taqsis").total == 2
        reader.search("Manbij")
        segments = len(list(reader._search._searcher.reader().leaf_readers()))
        assert len(opened) == segments >= 1  # each opened once (it was twice: 11 ms at 100k)


def test_a_reader_opened_before_a_commit_does_not_search_the_old_index(tmp_path, seeds_dir):
    """A library opened (to show an article) before another process adds
    articles searches what is there when it first searches."""
    index = tmp_path / "index"
    with Library(index) as writer:
        writer.add_paths([seeds_dir / "000_1d8dfec3ee535e83.txt"])
    with Library(index) as reader:
        assert reader.article("000_1d8dfec3ee535e83") is not None  # (opens the index)
        with Library(index) as writer:
            writer.add_paths([seeds_dir])
        assert {h.id for h in reader.search("Taqsis", all_versions=True).hits} == {
            "000_1d8dfec3ee535e83", "001_cddafe3289ae453d"}

