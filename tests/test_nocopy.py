"""search/nocopy.py: segments read from one shared map, never copied."""

from wartui import Library
from wartui.search.engine import nocopy


def _segment_files(index_dir) -> set:
    return {p.stat().st_ino for p in (index_dir / "whoosh").glob("*.seg")}


def test_two_libraries_on_one_index_share_one_map_per_segment(tmp_path, seeds_dir):
    index_dir = tmp_path / "index"
    with Library(index_dir) as writer:
        writer.add_paths([seeds_dir])
    before = dict(nocopy._maps)
    first, second = Library(index_dir), Library(index_dir)  # the app's two lines
    try:
        expected = first.search("Aleppo").total
        assert second.search("Aleppo").total == expected > 0
        ours = {key: entry for key, entry in nocopy._maps.items() if key not in before}
        assert {key[1] for key in ours} == _segment_files(index_dir)
        assert all(users == 2 for _, users in ours.values())  # one map, both libraries
        first.close()
        assert all(entry[1] == 1 for entry in ours.values())
        assert second.search("Damascus").total > 0  # the map stays for the other
    finally:
        first.close()
        second.close()
    assert not any(key in nocopy._maps for key in ours)  # the last one closed it


def test_warm_reads_ahead_the_term_dictionary_and_flat_postings(tmp_path, seeds_dir,
                                                                monkeypatch):
    """Library.warm asks the kernel to read ahead each segment's files that a
    search reads (when the page cache has dropped them, the first words
    typed otherwise wait for the disk), and only those."""
    index_dir = tmp_path / "index"
    with Library(index_dir) as writer:
        writer.add_paths([seeds_dir])
    asked = []
    original = nocopy.prefetch

    def prefetch(reader, extensions):
        asked.append((extensions, original(reader, extensions)))
        return asked[-1][1]

    monkeypatch.setattr(nocopy, "prefetch", prefetch)
    with Library(index_dir) as library:
        library.count()
        (leaf, _), = library._search.fast.leaves
        compound = leaf.reader()._storage.a
        sizes = {name.rsplit(".", 1)[1]: compound.range(name)[1] for name in compound._dir}
        assert library.warm()
        assert library.search("Aleppo").total
    ((extensions, read_ahead),) = asked
    assert set(extensions) == {".trm", ".fpo"}
    assert read_ahead == sizes["trm"] + sizes["fpo"] < sum(sizes.values()) / 2
