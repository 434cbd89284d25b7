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
    assert clusters[0].similarity == 1.0  # 001's body is all inside 000


def test_versions_of_a_report(library, seeds_dir):
    library.add_paths([seeds_dir])
    (version,) = library.versions(SEED_000)
    assert version.id == SEED_001
    assert version.title.startswith("Syrian War Report – April 3, 2018")
    assert version.containment == 1.0 and 0.5 < version.resemblance < 1
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


def test_judged_pairs_of_fakes(corpus_library):
    """Pairs of FA-KES read and judged by hand (tests/data/version_pairs.csv):
    the same report carried by two outlets, one shortened or re-edited, and
    look-alikes (different events in one outlet's template). Before the
    containment candidates, 66 of the 109 same-report pairs were found."""
    import csv

    from conftest import ROOT

    clusters = corpus_library._version_index.clusters()
    with open(ROOT / "tests" / "data" / "version_pairs.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    together = {"same": [], "different": []}
    for row in rows:
        cluster = clusters.get(row["a"])
        together[row["verdict"]].append(cluster is not None and cluster == clusters.get(row["b"]))
    assert (len(together["same"]), len(together["different"])) == (109, 37)
    assert sum(together["same"]) >= 96
    assert not any(together["different"])


def test_a_short_story_inside_a_long_article_and_look_alikes(tmp_path):
    """Found: a wire story inside an article three times its length, one of
    its sentences edited. Apart: two reports of different events that share
    only an outlet's background paragraph at their end, or only a lead."""
    import sqlite3

    from wartui.model import Article
    from wartui.versions.detect import VersionIndex

    story = ("A US-led coalition air strike killed at least 18 civilians on Tuesday in the "
             "former stronghold of Raqqa, the Syrian Observatory for Human Rights said. "
             "Coalition planes targeted water wells where a group of civilians were gathered "
             "in the north of the city, the monitor's director said. The Britain-based group "
             "said four children were among the dead.")
    own = ("Activists say strikes in support of the operation have killed hundreds of "
           "civilians and caused enormous damage across the province. The coalition's "
           "spokesman said it does everything within its power to limit harm to civilians. "
           "In late September the coalition acknowledged the deaths of 735 civilians in its "
           "strikes on Syria and Iraq since 2014, but activists say the toll is much higher. "
           "Raqqa has faced water shortages for months because of damage to pipelines. Even "
           "in the early days of the assault residents said they feared being caught in air "
           "strikes when they ventured to wells or to the Euphrates River that runs south of "
           "the city to draw water for their families.")
    background = ("Syria has been locked in a vicious civil war since early 2011 when the regime "
                  "cracked down on pro-democracy protests, which erupted as part of the Arab "
                  "Spring uprisings, with unexpected ferocity and disproportionate force. Since "
                  "then more than a quarter of a million people have been killed and more than "
                  "10 million displaced throughout the war-battered country according to the "
                  "UN. A research centre has put the death toll from the conflict at as high as "
                  "470000.")
    first = ("At least 16 civilians including women and children were killed on Friday in an "
             "air raid on the opposition-held neighbourhood of Tareeq al-Bab in Aleppo, a civil "
             "defence source said. The missiles fired from a warplane also wounded 25 others, "
             "he told the agency. Rescuers were still searching the rubble of two buildings "
             "near the market in the evening.")
    second = ("Two medics were among at least 31 people killed on Saturday in the shelling of "
              "an opposition-held town northeast of the capital, a monitor said. The "
              "bombardment struck the town of Jayrud, where the army says a pilot was killed "
              "after he ejected on Friday. It was the first bombardment of the town in at "
              "least two years.")
    texts = {
        "short": story,
        "long": "BEIRUT " + story.replace("four children", "four young children") + " " + own,
        "event-1": first + " " + background,
        "event-2": second + " " + background,
        "lead-1": story + " " + own,
        "lead-2": story + " " + first + " " + second,
    }
    index = VersionIndex(sqlite3.connect(":memory:"), lambda ids: {i: texts[i] for i in ids})
    index.update([Article(i, "", None, "", "", [text]) for i, text in texts.items()])
    pairs = {(p.a, p.b) for p in index.pairs()}
    assert ("long", "short") in pairs and ("lead-1", "short") in pairs
    # more than half of the shorter is the background, but none of its first half
    assert ("event-1", "event-2") not in pairs
    assert ("lead-1", "lead-2") not in pairs  # half of the shorter is the same lead


def test_an_index_of_an_older_wartui_gets_its_version_tables_anew(library, seeds_dir):
    """Signatures of another scheme (32 bands of 4 rows kept in a band table)
    cannot meet the new ones: the next `index` makes the tables again from the
    stored articles, and reading goes on meanwhile."""
    library.add_paths([seeds_dir])
    db = library._store.db
    with db:
        db.execute("DROP TABLE version_docs")
        db.execute("CREATE TABLE version_docs (num INTEGER PRIMARY KEY AUTOINCREMENT, "
                   "id TEXT UNIQUE NOT NULL, keys BLOB NOT NULL)")
        db.execute("CREATE TABLE version_bands (key INTEGER NOT NULL, num INTEGER NOT NULL, "
                   "PRIMARY KEY (key, num)) WITHOUT ROWID")
        db.execute("INSERT INTO version_docs (id, keys) VALUES (?, ?)", (SEED_000, b"x" * 256))
    library.close()
    assert [c.ids for c in library.clusters()] == [[SEED_000, SEED_001]]  # read as it is
    report = library.add_paths([seeds_dir])
    assert any("5 articles added to the version tables" in note.reason for note in report.notes)
    assert library._version_index.count() == 5
    assert library._store.db.execute(
        "SELECT name FROM sqlite_master WHERE name = 'version_bands'").fetchone() is None
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


def test_one_figure_for_a_pair_in_dupes_versions_and_diff(corpus_library, capsys):
    """dupes, the versions list and the diff show the same number for the
    same pair, with its name (before: >= 1.00 in dupes, 84% in the diff)."""
    index = str(corpus_library.index_dir)
    for a, b in ((SEED_000, SEED_001), ("fakes:1923848260", "fakes:1924058069"),
                 ("fakes:1914947533", "fakes:1923848127")):
        (cluster,) = [c for c in corpus_library.clusters() if a in c.ids]
        version = next(v for v in corpus_library.versions(a) if v.id == b)
        diff = corpus_library.diff(a, b)
        assert round(diff.similarity, 4) == version.containment
        if len(cluster.ids) == 2:
            assert cluster.similarity == version.containment
        share = f"{version.containment:.0%} of the shorter is in the longer"
        assert main(["--index-dir", index, "diff", a, b]) == 0
        assert share in " ".join(capsys.readouterr().out.split())
        assert main(["--index-dir", index, "diff", a, b, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["similarity"] == version.containment
    assert main(["--index-dir", index, "dupes"]) == 0
    assert "2 versions: 100% of the shorter is in the longer" in capsys.readouterr().out


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
    """(The view of a terminal, 80 columns wide: to a pipe, the diff is
    marked in the text, unwrapped.)"""
    index = str(corpus_library.index_dir)
    assert main(["--index-dir", index, "diff", SEED_000, SEED_001, "--format", "view",
                 "--width", "80"]) == 0
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
    """MinHash values are kept in the index's store: a faster computation of
    them must give the very same values, or an article added later would no
    longer meet its versions indexed before (values of the scheme of 2026-11,
    detect.SCHEME 2; the shingle hashes are those of scheme 1)."""
    import hashlib

    from wartui.versions.detect import band_keys, signature

    text = ("Syrian government forces backed by Russian air strikes pushed into the last "
            "rebel-held districts of eastern Aleppo on Tuesday, the Syrian Observatory for "
            "Human Rights said, as thousands of civilians fled towards the west of the city.")
    hashes, minhash = signature(text)
    assert len(hashes) == 34 and [int(h) for h in hashes[:4]] == [
        29328853, 79704655, 202657313, 472522426]
    assert minhash[:4].tolist() == [84154500, 271223197, 39425289, 253979370]
    assert band_keys(minhash[None, :])[0, :3].tolist() == [12192392, 107035611, 185055687]
    everything = repr(([int(h) for h in hashes], minhash.tolist())).encode()
    assert hashlib.sha256(everything).hexdigest()[:16] == "25024a623f050b72"
