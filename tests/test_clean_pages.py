"""The cleaner on real page shapes (issue #18): labelled fixture pages, one
shape at a time, and what it never does (empty an article, lose a line).

The fixture pages (tests/data/cleaning, and an independent validation set in
tests/data/cleaning-validation written without seeing the cleaner) are
invented text reproducing the structure of real war-report pages; each line
is labelled article or junk. bench/cleaning.py prints the same figures.
"""

import json
import sys
from pathlib import Path

import pytest

from wartui import Library
from wartui.ingest.clean import KEPT_WHOLE_NOTE, clean
from wartui.ingest.furniture import learn
from wartui.model import RawRecord, dropped_spans

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.cleaning import clean_fixtures, load_fixtures, score  # noqa: E402

DEVELOPMENT = ROOT / "tests" / "data" / "cleaning"
VALIDATION = ROOT / "tests" / "data" / "cleaning-validation"


def _scores(directory: Path) -> dict:
    fixtures = load_fixtures(directory)
    return score(fixtures, clean_fixtures(fixtures))


@pytest.mark.parametrize("directory,least_dropped", [(DEVELOPMENT, 0.9), (VALIDATION, 0.85)])
def test_labelled_pages_keep_the_article_and_drop_the_junk(directory, least_dropped):
    found = _scores(directory)
    assert found["pages"] >= 26 and found["sites"] >= 14
    assert found["kept"]["share"] >= 0.95, found["per_page"]
    assert found["kept_fragments"]["share"] >= 0.95
    assert found["dropped"]["share"] >= least_dropped
    assert found["dropped_fragments"]["share"] >= least_dropped
    assert found["title_date"]["share"] >= 0.7


def test_the_fixture_set_is_large_and_varied_enough():
    fixtures = load_fixtures(DEVELOPMENT)
    assert len(fixtures) >= 30
    sites = {}
    for fixture in fixtures:
        sites.setdefault(fixture.site, []).append(fixture)
    assert sum(len(pages) >= 3 for pages in sites.values()) >= 3  # furniture to learn


def page(text: str, **given) -> RawRecord:
    return RawRecord(id="p", path="p.txt", text=text.strip("\n"), given=given)


def dropped(article) -> dict[str, str]:
    return {d.text: d.reason for d in article.dropped}


BODY = """\
Government forces recaptured the town of Kafr Nabudah on Sunday after three days of fighting, a war monitor and state media said.

The town sits on the road between Hama and Idlib and had changed hands twice in the past month, according to residents who fled to camps near the border.

"We could hear the shelling all night, and in the morning the drones came," said a teacher who left with his family on Saturday.
"""


def test_a_donation_widget_is_dropped_as_one_block():
    article = clean(page(BODY + """
Keep our reporters in the field
March 2019
$640 raised of $2,000
32% of monthly goal
$10
$25
BTC: 1BoatSLRHtKNngkdXEeobR76b53LETtpyT
If you value this reporting, chip in today.
"""))
    reasons = dropped(article)
    for line in ("$640 raised of $2,000", "32% of monthly goal", "$25", "March 2019",
                 "Keep our reporters in the field", "If you value this reporting, chip in today."):
        assert reasons.get(line) == "donation", line
    assert article.paragraphs[-1].startswith('"We could hear the shelling')


def test_comment_threads_in_other_shapes_are_found():
    article = clean(page(BODY + """
Nadia R. says:
March 4, 2019 at 9:12 pm
The monitor counted more strikes than that. Nobody talks about the villages to the west.
Reply

hamid_78 says:
March 4, 2019 at 10:40 pm
Agreed.
Reply
"""))
    reasons = dropped(article)
    assert reasons["Nadia R. says:"] == "comments"
    assert reasons["Agreed."] == "comments"
    assert "Nobody talks about the villages" not in article.body


def test_share_bars_counters_and_prompts_are_dropped_between_paragraphs():
    text = BODY.replace("\n\nThe town sits", """
Share this:
Twitter
Facebook
2,341
ADVERTISEMENT
Read also: Turkish convoy reaches Morek observation post

The town sits""")
    article = clean(page(text))
    reasons = dropped(article)
    assert reasons["Share this:"] == "share" and reasons["Twitter"] == "share"
    assert reasons["2,341"] == "counter"
    assert reasons["ADVERTISEMENT"] == "widget"
    assert reasons["Read also: Turkish convoy reaches Morek observation post"] == "read-more"
    assert len(article.paragraphs) == 3  # no article line lost among them


def test_captions_credits_and_map_prompts_are_dropped():
    text = """\
Click to enlarge the map

Residents inspect a damaged building in Douma, April 8, 2018.

""" + BODY + """
FILE PHOTO: Smoke rises over the eastern countryside of Hama.
Photo: Rami Haddad/AFP
"""
    reasons = dropped(clean(page(text)))
    assert reasons["Click to enlarge the map"] == "caption"
    assert reasons["Residents inspect a damaged building in Douma, April 8, 2018."] == "caption"
    assert reasons["FILE PHOTO: Smoke rises over the eastern countryside of Hama."] == "caption"
    assert reasons["Photo: Rami Haddad/AFP"] == "caption"


def test_an_author_box_and_a_one_line_bio_after_the_article_are_dropped():
    article = clean(page(BODY + """
Author: Lena Bergström
Lena Bergström is a freelance journalist based in Gaziantep who has covered northern Syria since 2013.
This article was provided by the Orontes Policy Group for The Conflict Review.
"""))
    reasons = dropped(article)
    assert reasons["Author: Lena Bergström"] == "author-bio"
    assert reasons["This article was provided by the Orontes Policy Group for The Conflict Review."]
    assert "freelance journalist" not in article.body


def test_a_bio_right_after_the_last_paragraph_is_not_article():
    article = clean(page(BODY + "\nTarek Mansour is the Herald's Beirut correspondent and covers "
                                "Syria and Lebanon.\n"))
    assert dropped(article)["Tarek Mansour is the Herald's Beirut correspondent and covers "
                            "Syria and Lebanon."] == "author-bio"


def test_a_list_of_related_headlines_without_a_heading_ends_the_article():
    article = clean(page(BODY + """
Russian Jets Pound Khan Sheikhoun as Thousands Flee North
Turkey Sends Reinforcements to Its Observation Post at Morek
HTS Rejects Calls to Dissolve as Idlib Talks Stall
"""))
    assert dropped(article)["HTS Rejects Calls to Dissolve as Idlib Talks Stall"] == "related-links"
    assert len(article.paragraphs) == 3


def test_an_article_list_and_short_lines_between_paragraphs_stay():
    text = """\
Government forces and the rebels of Kafr Nabudah signed an agreement on Sunday, a war monitor and the town's council said.

The agreement has three terms:

1. Fighters leave with light weapons.

2. Civilians may stay.

3. Captives are released.

Government forces recaptured the town of Kafr Nabudah on Sunday after three days of fighting, a war monitor and state media said.

Nobody was hurt.
"""
    article = clean(page(text))
    assert article.paragraphs[2:5] == ["1. Fighters leave with light weapons.",
                                       "2. Civilians may stay.", "3. Captives are released."]
    assert article.paragraphs[-1] == "Nobody was hurt."
    assert not article.dropped


@pytest.mark.parametrize("head,title,date", [
    ("Middle East\nArchives: Syria\nApril 2018\n\nArmy Retakes Villages North of Hama\n"
     "By Rami Nasser | April 3, 2018", "Army Retakes Villages North of Hama", "2018-04-03"),
    ("BREAKING: Red Crescent convoy enters Douma\n\nArmy Retakes Villages North of Hama\n"
     "Levant Monitor, April 3, 2018", "Army Retakes Villages North of Hama", "2018-04-03"),
    ("03.04.2018 14:22\nArmy Retakes Villages North of Hama", "Army Retakes Villages North of Hama",
     "2018-04-03"),
    ("Army Retakes Villages North of Hama\nTuesday, April 3, 2018",
     "Army Retakes Villages North of Hama", "2018-04-03"),
    ("Army Retakes Villages North of Hama\nPublished: 3 April 2018 14:22",
     "Army Retakes Villages North of Hama", "2018-04-03"),
])
def test_title_and_date_from_the_head_of_a_page(head, title, date):
    article = clean(page(head + "\n\n" + BODY))
    assert (article.title, article.date) == (title, date)


def test_a_lone_date_or_a_section_label_is_never_the_title():
    article = clean(page("World\n\nApril 2018\n\n" + BODY))
    assert article.title == ""
    assert article.paragraphs[0].startswith("Government forces recaptured")


def test_a_date_in_the_file_name_or_the_url():
    record = RawRecord(id="p", path="scrapes/2018-04-03-hama.txt", text=BODY)
    assert clean(record).date == "2018-04-03"
    record = RawRecord(id="p", path="p.txt", text=BODY,
                       given={"url": "https://example.org/2019/05/09/idlib-offensive/"})
    assert clean(record).date == "2019-05-09"


@pytest.mark.parametrize("text", ["syria", "Tags: Idlib", "Read more", "12 Comments",
                                  "Share this:"])
def test_a_row_whose_whole_text_is_one_short_line_is_kept(text):
    """Cleaning never leaves an article empty: the text is kept, and the
    article says why."""
    article = clean(RawRecord(id="r", path="rows.jsonl", text=text, given={"title": "Good"}))
    assert article.paragraphs == [text]
    assert article.metadata["cleaning"] == KEPT_WHOLE_NOTE
    assert not article.dropped


def test_a_row_whose_text_is_its_title_keeps_it():
    """A FA-KES row can hold only a date and its title: both would be
    dropped as a dateline and a repeated title."""
    title = "35 cases of suffocation in chemical attack on al-Hamadaniyeh in Aleppo city"
    article = clean(RawRecord(id="r", path="rows.csv", text=f"30 October 2016 {title}",
                              given={"title": title}))
    assert article.paragraphs == [f"30 October 2016 {title}"]
    assert article.metadata["cleaning"] == KEPT_WHOLE_NOTE


def test_a_repeated_title_at_the_start_of_a_row_is_a_span_not_the_whole_row():
    title = "Car bomb kills seven at checkpoint near Tikrit"
    raw = f"Posted on May 30 2018 by Karwan Aziz {title} A car bomb exploded at a checkpoint " \
          "of the Popular Mobilisation Forces south of Tikrit on Wednesday, killing seven."
    article = clean(RawRecord(id="r", path="rows.csv", text=raw, given={"title": title}))
    spans = dropped_spans(raw, article.dropped)[1]
    reasons = [reason for _, _, reason in spans]
    assert "repeated-title" in reasons and len(spans) == 2  # the byline and the title
    assert raw[spans[-1][0]:spans[-1][1]] == title
    assert spans[-1][1] < len(raw)  # the article's text is not marked
    assert article.paragraphs[0].startswith("A car bomb exploded")


# -- site furniture -----------------------------------------------------------------

SITE_HEAD = "Frontline Dispatch\nDaily reports from the wars the world stopped watching\n\n"
SITE_TAIL = ("\nFrontline Dispatch is an independent newsroom of reporters and translators who "
             "follow the fighting in Syria, Iraq and Yemen village by village.\nSupport us\n")
STORIES = [
    "Shelling hit the town of Ariha on Monday, killing a mother and two children, rescuers said.",
    "The army said its air defences shot down two drones over the Hmeimim base on Tuesday night.",
    "Aid trucks crossed Bab al-Hawa on Wednesday after a week in which the crossing was closed.",
    "A car bomb killed seven people at a checkpoint near Azaz on Thursday, local medics said.",
]


HEADLINES = ["Rescuers Pull Family From Rubble in Ariha", "Drones Downed Over Hmeimim Air Base",
             "Aid Convoy Crosses Bab al-Hawa After Week of Closure",
             "Car Bomb Kills Seven at Azaz Checkpoint"]


def _site_pages(count: int) -> list[RawRecord]:
    return [RawRecord(id=f"s{n}", path=f"s{n}.txt",
                      text=SITE_HEAD + f"{HEADLINES[n]}\n\n"
                      + (STORIES[n] + " ") * 2 + "\n\n" + STORIES[(n + 1) % 4] + SITE_TAIL)
            for n in range(count)]


def test_a_line_on_several_different_pages_of_a_site_is_its_furniture():
    pages = _site_pages(4)
    furniture = learn(pages)
    article = clean(pages[0], furniture=furniture)
    found = {d.text: d for d in article.dropped}
    tagline = found["Daily reports from the wars the world stopped watching"]
    assert tagline.reason == "site-furniture" and tagline.detail == "seen on 4 pages of this collection"
    blurb = SITE_TAIL.strip().split("\n")[0]
    assert found[blurb].reason in ("site-furniture", "about-site")
    assert article.title == HEADLINES[0]


def test_two_pages_are_not_enough_to_call_a_line_furniture():
    pages = _site_pages(2)
    article = clean(pages[0], furniture=learn(pages))
    assert not any(d.reason == "site-furniture" for d in article.dropped)


def test_sentences_shared_by_versions_of_one_story_are_article():
    """Four captures of one report (other comments under each) share its
    sentences: they count as one story, not as four pages."""
    story = "\n\n".join([STORIES[0], STORIES[1], STORIES[2]])
    pages = [RawRecord(id=f"v{n}", path=f"v{n}.txt",
                       text=f"Shelling in Ariha\n\n{story}\n\nComments\n\nreader{n}\n\nFirst {n}")
             for n in range(4)]
    article = clean(pages[0], furniture=learn(pages))
    assert article.paragraphs == [STORIES[0], STORIES[1], STORIES[2]]


FAKES_FURNITURE = {
    "sputnik": "Community standardsDiscussion Comment via FacebookComment via Sputnik News",
    "trt": "Source TRTWorld and agencies",
    "etilaf": "(Source: Syrian Coalition)",
}


@pytest.fixture(scope="module")
def fakes_cleaned(fakes_csv):
    from wartui.ingest.sources import read_path

    records = [r for r in read_path(fakes_csv) if isinstance(r, RawRecord)]
    furniture = learn(records)
    return [(record, clean(record, furniture=furniture)) for record in records]


def test_the_in_body_furniture_of_fakes_rows_is_removed(fakes_cleaned):
    """Furniture glued to the end of a row is cut; what stays is glued to the
    middle of one (TRT's "Source ... agencies" with its related headlines
    after it, on 6 of 35 rows)."""
    for source, furniture in FAKES_FURNITURE.items():
        rows = [(r, a) for r, a in fakes_cleaned if r.given.get("source") == source
                and furniture in r.text]
        assert len(rows) >= 5, source
        left = [record.id for record, article in rows if furniture in article.body]
        assert len(left) <= 0.2 * len(rows), (source, left)


def test_no_fakes_article_is_emptied_and_its_sentences_stay(fakes_cleaned):
    """No FA-KES row loses a sentence of its story: every prose sentence of
    a row that no other row of its source has is in the cleaned body; and a
    sentence an outlet repeats as background stays too (it is the story's)."""
    from collections import Counter

    from wartui.ingest import shapes
    from wartui.ingest.furniture import sentences

    def prose(text):
        return [part for part in sentences(text) if len(part.split()) >= 12
                and shapes.is_prose(shapes.shape(part)) and shapes.shape(part).stop_share >= 0.35]

    per_source = Counter((r.given.get("source"), part) for r, _ in fakes_cleaned
                         for part in set(prose(r.text)))
    checked = 0
    for record, article in fakes_cleaned:
        assert article.paragraphs, record.id
        body = " ".join(article.body.split())
        title = " ".join(record.given.get("title", "").casefold().split()).rstrip(".")
        for part in prose(record.text):
            if title and title in " ".join(part.casefold().split()):
                continue  # the title, written again at the row's start
            if per_source[(record.given.get("source"), part)] == 1:
                assert " ".join(part.split()[-10:]) in body, (record.id, part)  # (a date glued before it goes)
                checked += 1
    assert checked > 5000
    background = ("The brutal tactics pursued mainly by the regime which have included the use "
                  "of chemical weapons")
    assert sum(background in article.body for _, article in fakes_cleaned) >= 5


def test_the_index_learns_furniture_and_cleans_earlier_pages_again(tmp_path):
    """A page indexed alone is cleaned again when its site's furniture
    becomes known in a later run."""
    folder = tmp_path / "pages"
    folder.mkdir()
    pages = _site_pages(4)
    with Library(tmp_path / "index") as library:
        for record in pages[:2]:
            (folder / record.path).write_text(record.text, encoding="utf-8")
        first = library.add_paths([folder])
        assert first.new == 2
        tagline = "Daily reports from the wars the world stopped watching"
        reasons = {d.text: d.reason for d in library.article("s0").dropped}
        assert reasons[tagline] != "site-furniture"  # (two pages: not yet)
        (folder / pages[2].path).write_text(pages[2].text, encoding="utf-8")
        second = library.add_paths([folder])
        assert (second.new, second.recleaned) == (1, 2)
        assert "cleaned again" in second.summary()
        for doc_id in ("s0", "s1", "s2"):
            reasons = {d.text: d.reason for d in library.article(doc_id).dropped}
            assert reasons[tagline] == "site-furniture", doc_id
        third = library.add_paths([folder])  # nothing new: nothing cleaned again
        assert (third.new, third.recleaned, third.unchanged) == (0, 0, 3)


def test_show_dropped_and_raw_name_the_furniture_and_mark_spans(tmp_path, capsys):
    from wartui.cli import main

    folder = tmp_path / "pages"
    folder.mkdir()
    for record in _site_pages(3):
        (folder / record.path).write_text(record.text, encoding="utf-8")
    rows = tmp_path / "rows.jsonl"
    title = "Car bomb kills seven at checkpoint near Tikrit"
    rows.write_text(json.dumps({"id": "r1", "title": title, "text": f"{title} A car bomb exploded "
                                "at a checkpoint south of Tikrit on Wednesday, killing seven."})
                    + "\n", encoding="utf-8")
    index = str(tmp_path / "index")
    assert main(["--index-dir", index, "index", str(folder), str(rows)]) == 0
    capsys.readouterr()
    assert main(["--index-dir", index, "show", "s0", "--dropped"]) == 0
    out = capsys.readouterr().out
    assert "[site-furniture: seen on 3 pages of this collection]" in " ".join(out.split())
    assert main(["--index-dir", index, "show", "rows:r1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (title_drop,) = [d for d in data["dropped"] if d["reason"] == "repeated-title"]
    assert (title_drop["start"], title_drop["end"]) == (0, len(title))


def test_the_raw_view_marks_each_dropped_span_of_a_line_with_its_reason():
    from wartui.tui.reading import raw_passages

    title = "Car bomb kills seven at checkpoint near Tikrit"
    raw = (f"{title} A car bomb exploded at a checkpoint south of Tikrit on Wednesday, killing "
           "seven people, officials said. Tags Tikrit Salahuddin car bomb")
    article = clean(RawRecord(id="r", path="rows.csv", text=raw, given={"title": title}))
    assert {d.reason for d in article.dropped} == {"repeated-title", "tag"}
    passages, marks = raw_passages(raw, article.dropped)
    (passage,) = passages
    dropped_text = [passage.text[span.start:span.end] for span in passage.spans
                    if span.style == "dropped"]
    assert dropped_text == [title, "Tags Tikrit Salahuddin car bomb"]
    assert passage.text.endswith("◂ dropped: repeated-title, tag")
    assert "A car bomb exploded" in passage.text and len(marks) == 1


def test_a_one_line_row_stays_searchable(tmp_path):
    """The row {"title": "Good", "text": "syria"} was dropped whole as a tag
    and could not be found by its text."""
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"id": "g", "title": "Good", "text": "syria"}) + "\n",
                    encoding="utf-8")
    with Library(tmp_path / "index") as library:
        library.add_paths([rows])
        article = library.article("rows:g")
        assert article.paragraphs == ["syria"] and article.metadata["cleaning"]
        assert [hit.id for hit in library.search("syria").hits] == ["rows:g"]
