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


def test_results_printed_at_once_read_as_printed_line_by_line(corpus_library):
    """print_results makes one Rich print of all its lines (each print call
    cost ~0.3 ms): in a terminal with colours or through a pipe, at any
    width, the output is what printing each line on its own gave."""
    import io

    from rich.console import Console
    from rich.text import Text

    from wartui.cli import print_results, snippet_text
    from wartui.textsafe import printable

    def line_by_line(results, out):  # (as print_results printed before)
        shown = len(results.hits)
        out.print(Text(f"{results.total_text()}"
                       f"{f', showing {shown}' if shown < results.total else ''} for ",
                       style="dim") + Text(printable(results.query, False), style="bold"))
        for number, hit in enumerate(results.hits, 1):
            out.print()
            line = Text(f"{number:>2}. ", style="dim")
            line.append(printable(hit.title, False) or "(untitled)", style="bold")
            out.print(line)
            meta = " · ".join(p for p in (hit.source, hit.date, f"score {hit.score:.2f}") if p)
            out.print(Text("    " + printable(meta, False), style="cyan")
                      + Text("  " + printable(hit.id, False), style="dim"))
            out.print(Text("    ") + snippet_text(hit.snippet))
            for match in hit.matched:
                written = ", ".join(printable(s, False) for s in match.spellings)
                out.print(Text(f"    {printable(match.name, False)} written as: ", style="dim")
                          + Text(written, style="bold"))

    for query in ("Deir ez-Zor", "chemical attack", "Taqsis", "nothing-like-this-anywhere"):
        results = corpus_library.search(query, limit=15)
        for width in (40, 80, 131):
            for terminal in (True, False):
                printed = []
                for how in (print_results, line_by_line):
                    buffer = io.StringIO()
                    how(results, Console(file=buffer, width=width, force_terminal=terminal,
                                         color_system="256" if terminal else None,
                                         highlight=False, soft_wrap=False))
                    printed.append(buffer.getvalue())
                assert printed[0] == printed[1]
