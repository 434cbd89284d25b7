"""Entities: the gazetteer links every spelling; recognition finds them in
the seeds; search expands a name to all its spellings (issue #3)."""

import csv
import io
import json
from pathlib import Path

import pytest

from wartui.cli import main
from wartui.entities.gazetteer import TYPES, load_gazetteer
from wartui.entities.normalize import name_key
from wartui.entities.recognizer import default_recognizer
from wartui.ingest.clean import clean
from wartui.ingest.decode import decode_bytes
from wartui.ingest.sources import read_path

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

SPELLING_GROUPS = [
    ["Deir ez-Zor", "Deir Ezzor", "Deir al-Zour", "Deir al-Zor", "Dayr az-Zawr"],
    ["al-Mayadeen", "al-Mayadin"],
    ["Qalamoun", "Qalamun"],
    ["Jaish al-Islam", "Jaysh al-Islam"],
    ["al-Tanf", "al-Tanaf"],
    ["al-Bukamal", "al-Bu Kamal", "Abu Kamal"],
    ["Hayat Tahrir al-Sham", "Hay'at Tahrir al-Sham", "HTS"],
]


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def seed_spans(stem: str):
    (path,) = SEEDS.glob(f"{stem}_*.txt")
    article = clean(next(read_path(path)))
    return default_recognizer().find_in_article(article)


def test_normalisation_folds_transliterations():
    assert len({name_key(s) for s in ["Deir ez-Zor", "Deir al-Zour", "Dayr az-Zawr",
                                      "DEIR EL-ZOR", "Dáyr az-Zawr"]}) == 1
    assert name_key("Hay’at Tahrir al-Sham") == name_key("Hayat Tahrir al-Sham")
    assert name_key("al-Mayadeen") == name_key("al-Mayadin")
    assert name_key("Jaish al-Islam") == name_key("Jaysh al-Islam")
    assert name_key("al-Bukamal") == name_key("al-Bu Kamal")


@pytest.mark.parametrize("group", SPELLING_GROUPS, ids=lambda g: g[0])
def test_every_spelling_links_to_one_entity(gazetteer, group):
    ids = set()
    for spelling in group:
        found = gazetteer.lookup(spelling)
        assert len(found) == 1, (spelling, found)
        ids.add(found[0].id)
    assert len(ids) == 1, ids


def test_predecessors_are_relations_not_aliases(gazetteer):
    (hts,) = gazetteer.lookup("Hayat Tahrir al-Sham")
    (nusra,) = gazetteer.lookup("Jabhat al-Nusra")
    assert hts.type == nusra.type == "armed-group"
    assert nusra.id != hts.id
    assert nusra.id in hts.predecessors


def test_gazetteer_is_well_formed(gazetteer):
    assert len(gazetteer.entities) >= 300
    assert {e.type for e in gazetteer.entities.values()} <= set(TYPES)
    for entity in gazetteer.entities.values():
        for predecessor in entity.predecessors:
            assert predecessor in gazetteer.entities


def test_every_fakes_location_label_is_a_place(gazetteer, fakes_csv):
    text = decode_bytes(fakes_csv.read_bytes()).text
    labels = {row["location"] for row in csv.DictReader(io.StringIO(text))}
    assert len(labels) == 12
    for label in labels:
        assert any(e.type == "place" for e in gazetteer.lookup(label)), label


def test_longest_match_wins_tahrir_al_sham_army():
    spans = {s.text: s for s in seed_spans("003")}
    army = spans["Tahrir al-Sham Army"]
    hts = spans["Hay’at Tahrir al-Sham"]
    assert army.type == hts.type == "armed-group"
    assert army.id != hts.id
    assert hts.id == load_gazetteer().lookup("HTS")[0].id


@pytest.mark.parametrize("stem, expected", [
    ("001", {"Taqsis": "place", "Jamaqiliya": "place", "Rastan pocket": "place", "Homs": "place",
             "Eastern Ghouta": "place", "Douma": "place", "Jarabulus": "place",
             "al-Bukamal": "place", "Euphrates River": "place", "Jaish al-Islam": "armed-group",
             "SAA": "armed-group", "ISIS": "armed-group", "Syrian Democratic Forces": "armed-group",
             "SDF": "armed-group", "SANA": "organisation", "Haider Abadi": "person",
             "Syria": "country", "Iraq": "country"}),
    ("002", {"Deir Ezzor": "place", "al-Mayadeen": "place", "al-Mayadin": "place",
             "Damascus": "place", "Hayat Tahrir al-Sham": "armed-group",
             "Jabhat al-Nusra": "armed-group", "Amaq": "organisation", "Syrian Arab Army": "armed-group"}),
    ("003", {"Deir ez-Zor": "place", "Palmyra": "place", "Jayrud": "place", "Afrin": "place",
             "Enab Baladi": "organisation", "Eastern Qalamun": "place", "Aleppo": "place"}),
    ("004", {"Al-Tanf": "place", "Idlib": "place", "Ahrar al-Sham": "armed-group",
             "al-Qaeda": "armed-group", "Palmyra": "place", "Tehran": "place", "Geneva": "place"}),
])
def test_seed_entities_have_their_type(stem, expected):
    found = {}
    for span in seed_spans(stem):
        if span.type != "within":  # (a place inside a longer name: not shown)
            found.setdefault(span.text, span)
    for text, kind in expected.items():
        assert text in found, (text, sorted(found))
        assert found[text].type == kind, (text, found[text])
        assert found[text].id, text


def test_spellings_in_the_seeds_share_an_id():
    spans = seed_spans("002")
    ids = {s.text: s.id for s in spans}
    assert ids["al-Mayadeen"] == ids["al-Mayadin"]
    deir = {s.id for s in seed_spans("003") if s.text == "Deir ez-Zor"}
    assert deir == {ids["Deir Ezzor"]}


def test_dates_and_figures():
    spans = seed_spans("001")
    dates = {s.text for s in spans if s.type == "date"}
    figures = {s.text for s in spans if s.type == "figure"}
    assert {"April 2", "April 1"} <= dates
    assert {"1,065 militants", "20 buses"} <= figures
    spans = seed_spans("003")
    assert {"2500 fighters", "70%"} <= {s.text for s in spans if s.type == "figure"}
    assert "2018" in " ".join(s.text for s in spans if s.type == "date")


def test_unlinked_names_are_other_not_sentence_openers():
    spans = seed_spans("003")
    others = {s.text for s in spans if s.type == "other"}
    assert "Feras Bitar" in " ".join(others) or any(
        s.type == "person" and "Bitar" in s.text for s in spans)
    assert not others & {"However", "According", "The", "Syrian", "On"}


def test_search_by_one_spelling_finds_the_others(corpus_library):
    results = corpus_library.search("Deir ez-Zor", limit=200)
    ids = {hit.id for hit in results.hits}
    assert "002_193f624956799aae" in ids  # writes "Deir Ezzor"
    assert "004_e0530f7fd10296e1" in ids  # writes "Deir al-Zor"
    spellings = {s for hit in results.hits for m in hit.matched for s in m.spellings}
    assert {"Deir Ezzor", "Deir al-Zor", "Deir ez-Zor"} <= spellings
    seed = next(hit for hit in results.hits if hit.id == "002_193f624956799aae")
    assert seed.matched[0].spellings == ["Deir Ezzor"]
    marked = [seed.snippet_text[a:b] for a, b in seed.snippet_marks()]
    assert "Deir Ezzor" in marked
    literal = corpus_library.search('"Deir ez-Zor"', limit=200)
    assert literal.total == results.total


def test_search_by_entity_id(corpus_library):
    (hts,) = load_gazetteer().lookup("HTS")
    by_id = corpus_library.search(f"entity:{hts.id}", limit=50)
    assert "002_193f624956799aae" in {h.id for h in by_id.hits}
    seed = next(hit for hit in by_id.hits if hit.id == "002_193f624956799aae")
    assert seed.matched[0].spellings == ["Hayat Tahrir al-Sham"]
    assert "Hayat Tahrir al-Sham" in [seed.snippet_text[a:b] for a, b in seed.snippet_marks()]
    assert by_id.total == corpus_library.search("HTS", limit=1).total


def test_cli_entities_json(corpus_library, capsys):
    index = str(corpus_library.index_dir)
    assert main(["--index-dir", index, "entities", "002_193f624956799aae", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == "002_193f624956799aae"
    first = data["entities"][0]
    assert set(first) == {"text", "start", "end", "paragraph", "type", "id", "name"}
    deir = [e for e in data["entities"] if e["text"] == "Deir Ezzor"]
    assert deir and deir[0]["name"] == "Deir ez-Zor" and deir[0]["type"] == "place"
    assert main(["--index-dir", index, "entities", "--top", "--type", "place", "--limit", "5",
                 "--json"]) == 0
    top = json.loads(capsys.readouterr().out)["entities"]
    assert len(top) == 5 and all(e["type"] == "place" for e in top)
    assert top[0]["count"] >= top[-1]["count"] > 0
    assert "aleppo" in {e["id"] for e in top}


# -- real text: case, titles, names inside names, lost apostrophes, noise (issue 20) ----

def find(text: str):
    return [(s.text, s.type, s.id) for s in default_recognizer().find(text)]


def test_a_name_written_in_lower_case_after_its_first_word():
    """Outlets write "Deir ezzor", "Deir ez-zor city": a name whose first word
    is capitalised and whose whole is a spelling of the name is linked."""
    assert find("Shelling hit Deir ezzor on Monday.") == [("Deir ezzor", "place", "deir-ez-zor")]
    assert find("Clashes in Deir ez-zor city went on.") == [
        ("Deir ez-zor", "place", "deir-ez-zor")]
    assert ("Eastern ghouta", "place", "eastern-ghouta") in find("Raids on Eastern ghouta.")
    # the first word must be capitalised, and a common word stays unlinked
    assert find("the eastern ghouta was shelled") == []
    assert find("In May the talks failed.") == []


def test_lost_apostrophes_link_the_name():
    found = find("Raids on Syrias north as Assads forces advanced on Aleppos east.")
    assert found == [("Syrias", "country", "syria"), ("Assads", "person", "bashar-al-assad"),
                     ("Aleppos", "place", "aleppo")]
    assert find("The ISILs fighters fled.") == [("ISILs", "armed-group", "isis")]


def test_a_place_inside_a_longer_name_counts_for_search_without_a_mark(corpus_library):
    spans = default_recognizer().find("Planes hit the Deir ez-Zor Airbase overnight.")
    shown = [s for s in spans if s.type != "within"]
    assert [(s.text, s.id) for s in shown] == [("Deir ez-Zor Airbase", "deir-ez-zor-airport")]
    assert [(s.text, s.type, s.id) for s in spans if s.type == "within"] == [
        ("Deir ez-Zor", "within", "deir-ez-zor")]


def test_names_in_the_title_are_the_articles(corpus_library):
    """Seed 004 names Deir al-Zor only in its title."""
    article = corpus_library.article("004_e0530f7fd10296e1")
    title = [s for s in article.entities if s.paragraph == -1]
    assert ("Deir al-Zor", "deir-ez-zor") in {(s.text, s.id) for s in title}
    assert all(article.title[s.start:s.end] == s.text for s in title)
    ids = {h.id for h in corpus_library.search("entity:deir-ez-zor", limit=300).hits}
    assert "004_e0530f7fd10296e1" in ids
    from wartui.tui.reading import article_passages

    passages, _ = article_passages(article)
    assert any(span.style == "place" for span in passages[0].spans)  # marked in the title


def test_deir_ez_zor_is_found_in_every_fakes_report_that_spells_it(corpus_library, fakes_csv):
    """As many FA-KES reports as a case-insensitive pattern of its spellings
    finds over the CSV (111; 108 before: "Deir ezzor", "Deir az-zor", titles)."""
    import re

    text = decode_bytes(fakes_csv.read_bytes()).text
    spelled = re.compile(r"\b(?:deir|dayr|der)[\s-]*(?:e[zl]|a[zl])?[\s-]*"
                         r"(?:zor|zour|zur|zawr|zzor|zzour|zzur|ezzor|ezor|ezzour|ezour)\b"
                         r"|\bdeirezzor\b", re.I)
    rows = sum(1 for row in csv.DictReader(io.StringIO(text))
               if spelled.search(row["article_title"] + " " + row["article_content"]))
    hits = corpus_library.search("entity:deir-ez-zor", limit=1000, all_versions=True).hits
    assert rows == 111
    # one row names it only in the list of other stories' headlines glued
    # after its text, which cleaning drops ("87 Related ... Near Deir ez-Zor
    # Airbase ...")
    assert len([h for h in hits if h.id.startswith("fakes:")]) == rows - 1
    only_dropped = corpus_library.article("fakes:1965495375")
    assert not spelled.search(only_dropped.title + " " + only_dropped.body)


def test_other_names_are_names(corpus_library):
    """Headline words, a page's acronyms and lost possessives are no `other`
    names: under 16% of FA-KES's name spans are `other` (22% before)."""
    spans = [s for a in corpus_library._store.get_many(corpus_library.ids()).values()
             for s in a.entities if s.type not in ("date", "figure", "within")]
    others = {s.text for s in spans if s.type == "other"}
    assert not others & {"URL", "Kills", "Syrias", "Assads", "Aleppos", "Get", "Related",
                         "Civilians Killed", "Terrorist Attacks", "Takfiri", "Syrians"}
    assert sum(s.type == "other" for s in spans) / len(spans) < 0.16


def test_cli_top_other_names(corpus_library, capsys):
    index = str(corpus_library.index_dir)
    assert main(["--index-dir", index, "entities", "--top", "--type", "other", "--limit", "5",
                 "--json"]) == 0
    top = json.loads(capsys.readouterr().out)["entities"]
    assert len(top) == 5 and all(e["type"] == "other" and e["id"] is None for e in top)
    assert top[0]["count"] >= top[-1]["count"] > 1
    assert main(["--index-dir", index, "entities", "--top", "--type", "other"]) == 0
    assert "other" in capsys.readouterr().out


def test_the_panel_heading_says_countries():
    from wartui.tui.reading import ENTITY_PLURALS

    assert ENTITY_PLURALS["country"] == "countries"
    assert ENTITY_PLURALS["armed-group"] == "armed groups"
