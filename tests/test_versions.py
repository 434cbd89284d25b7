"""Versions: near-duplicate detection at index time, clusters, grouping (issue #4)."""

import json

from wartui.cli import main

SEED_000 = "000_1d8dfec3ee535e83"
SEED_001 = "001_cddafe3289ae453d"


def test_seeds_have_exactly_one_cluster(library, seeds_dir):
    report = library.add_paths([seeds_dir])
    assert report.version_pairs == 1
    clusters = library.clusters()
    assert [c.ids for c in clusters] == [[SEED_000, SEED_001]]
    assert clusters[0].similarity >= 0.95  # 001's body is all inside 000


def test_versions_of_a_report(library, seeds_dir):
    library.add_paths([seeds_dir])
    (version,) = library.versions(SEED_000)
    assert version.id == SEED_001
    assert version.title.startswith("Syrian War Report – April 3, 2018")
    assert version.containment >= 0.95 and 0.5 < version.resemblance < 1
    assert [v.id for v in library.versions(SEED_001)] == [SEED_000]
    assert library.versions("004_e0530f7fd10296e1") == []


def test_search_shows_one_entry_per_story(library, seeds_dir):
    library.add_paths([seeds_dir])
    grouped = library.search("Taqsis")
    assert len(grouped.hits) == 1 and grouped.hits[0].versions == 1
    every = library.search("Taqsis", all_versions=True)
    assert {h.id for h in every.hits} == {SEED_000, SEED_001}
    assert all(h.versions == 1 for h in every.hits)
    assert grouped.total == every.total == 2


def test_clusters_update_incrementally(library, seeds_dir, tmp_path):
    library.add_paths([seeds_dir])
    copy = tmp_path / "republished.txt"
    page = (seeds_dir / "002_193f624956799aae.txt").read_text(encoding="utf-8")
    copy.write_text(page.replace("al-Mayadeen", "al-Mayadin") + "\nRelated Articles\n")
    report = library.add_paths([copy])
    assert (report.new, report.version_pairs) == (1, 1)
    assert sorted(c.ids for c in library.clusters()) == [
        [SEED_000, SEED_001], ["002_193f624956799aae", "republished"]]
    # the copy changes into another story: its pair goes away
    copy.write_text("Another story\n\nNothing in common with the seeds at all, about the "
                    "weather in a faraway city and its markets and its many bakeries.\n")
    library.add_paths([copy])
    assert [c.ids for c in library.clusters()] == [[SEED_000, SEED_001]]


def test_fakes_repeated_stories_are_found(corpus_library):
    clusters = corpus_library.clusters()
    ids = {i for c in clusters for i in c.ids}
    # FA-KES repeats unit 1926479049 four times and 1926479313 three times
    assert {"fakes:1926479049", "fakes:1926479049~2", "fakes:1926479049~3",
            "fakes:1926479049~4"} <= ids
    together = [c for c in clusters if "fakes:1926479313" in c.ids][0]
    assert {"fakes:1926479313~2", "fakes:1926479313~3"} <= set(together.ids)
    assert [SEED_000, SEED_001] in [c.ids for c in clusters]
    assert 30 <= len(clusters) <= 120


def test_cli_dupes_json(corpus_library, capsys):
    index = str(corpus_library.index_dir)
    assert main(["--index-dir", index, "dupes", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    first = data["clusters"][0]
    assert set(first) == {"ids", "titles", "sources", "similarity"}
    assert len(first["ids"]) == len(first["titles"]) == len(first["sources"]) >= 2
    assert main(["--index-dir", index, "dupes", "--threshold", "0.99", "--json"]) == 0
    strict = json.loads(capsys.readouterr().out)["clusters"]
    assert len(strict) < len(data["clusters"])
    assert all(c["similarity"] >= 0.99 for c in strict)


def test_cli_search_all_versions(corpus_library, capsys):
    index = str(corpus_library.index_dir)
    main(["--index-dir", index, "search", "Taqsis", "--json"])
    grouped = json.loads(capsys.readouterr().out)
    assert [r["versions"] for r in grouped["results"]] == [1]
    main(["--index-dir", index, "search", "Taqsis", "--json", "--all-versions"])
    every = json.loads(capsys.readouterr().out)
    assert len(every["results"]) == 2


def test_cli_diff_of_the_two_captures(corpus_library, capsys):
    index = str(corpus_library.index_dir)
    assert main(["--index-dir", index, "diff", SEED_000, SEED_001, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"a", "b", "similarity", "blocks", "figures"} <= set(data)
    assert [b["op"] for b in data["blocks"]] == ["equal", "only-a"]
    assert len(data["blocks"][0]["a"]) == len(data["blocks"][0]["b"]) == 11
    assert data["blocks"][1]["label"] == "likely comment section"
    assert data["blocks"][1]["a"][0].startswith("By looking on the military map of Syria")


def test_cli_diff_shows_changed_figures(corpus_library, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")
    index = str(corpus_library.index_dir)
    assert main(["--index-dir", index, "diff", "fakes:1914947533", "fakes:1923848127"]) == 0
    out = capsys.readouterr().out
    assert "Changed figures: 112 -> 126" in out
    assert "changed (" in out


def test_cli_diff_stacks_when_narrow(corpus_library, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    index = str(corpus_library.index_dir)
    assert main(["--index-dir", index, "diff", SEED_000, SEED_001]) == 0
    out = capsys.readouterr().out
    assert "── likely comment section ──" in out
    assert "A │ By looking on the military map" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_cli_diff_unknown_id(corpus_library, capsys):
    status = main(["--index-dir", str(corpus_library.index_dir), "diff", SEED_000, "nope"])
    assert status == 2
    assert "no article with id 'nope'" in capsys.readouterr().err


def test_signatures_from_the_workers_find_the_pairs_found_without_them(corpus_library):
    """The ingest workers send each article's signature (shingle hashes and
    band keys), not its words: the pairs found from them, in batches whose
    candidates reach back into earlier batches, are the pairs found when the
    version index computes everything itself."""
    import sqlite3

    from wartui.versions.detect import VersionIndex, signature

    articles = list(corpus_library._store.get_many(corpus_library.ids()).values())
    bodies = {a.id: a.body for a in articles}

    def found(with_signatures: bool) -> list:
        versions = VersionIndex(sqlite3.connect(":memory:"),
                                lambda ids: {i: bodies[i] for i in ids})
        for start in range(0, len(articles), 100):
            batch = articles[start:start + 100]
            versions.update(batch, signatures={a.id: signature(a.body) for a in batch}
                            if with_signatures else None)
        return versions.pairs()

    pairs = found(with_signatures=True)
    assert len(pairs) >= 30
    assert pairs == found(with_signatures=False) == corpus_library._version_index.pairs()


def test_signatures_stay_those_stored_in_existing_indexes():
    """Band keys are kept in the index's store: a faster computation of them
    must give the very same values, or an article added later would no longer
    meet its versions indexed before (values from wartui before the change)."""
    import hashlib

    from wartui.versions.detect import signature

    text = ("Syrian government forces backed by Russian air strikes pushed into the last "
            "rebel-held districts of eastern Aleppo on Tuesday, the Syrian Observatory for "
            "Human Rights said, as thousands of civilians fled towards the west of the city.")
    hashes, keys = signature(text)
    assert len(hashes) == 34 and [int(h) for h in hashes[:4]] == [
        29328853, 79704655, 202657313, 472522426]
    assert keys[:3] == [9248064107902007, 110522035583447271, 186382963598674986]
    everything = repr(([int(h) for h in hashes], keys)).encode()
    assert hashlib.sha256(everything).hexdigest()[:16] == "4a23e742aa09dbfb"
