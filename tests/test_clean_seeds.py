"""The seed pages, cleaned as a reader would clean them (issue #2)."""

from pathlib import Path

import pytest

from wartui.ingest.clean import clean
from wartui.ingest.sources import read_path

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def cleaned(stem: str):
    (path,) = SEEDS.glob(f"{stem}_*.txt")
    (record,) = read_path(path)
    return clean(record)


def reasons(article) -> dict[str, list[str]]:
    by_reason: dict[str, list[str]] = {}
    for item in article.dropped:
        by_reason.setdefault(item.reason, []).append(item.text)
    return by_reason


def test_001_title_date_body_and_comment_section():
    article = cleaned("001")
    assert article.id == "001_cddafe3289ae453d"
    assert article.title == ("Syrian War Report – April 3, 2018: Government Forces "
                             "Liberate 5 Settlements In Rastan Pocket")
    assert article.date == "2018-04-03"
    assert len(article.paragraphs) == 11
    assert article.paragraphs[0].startswith("On April 2, government forces established control")
    assert article.paragraphs[-1].endswith("if the cross the Euphrates River.")
    dropped = reasons(article)
    assert set(dropped) == {"comments"}
    comments = dropped["comments"]
    assert comments[0] == "Richard M"
    assert "Ryan Glantz" in comments and "Johnny Canuck" in comments
    assert "Move, Bitch! Get out the way!" in comments
    assert any(line.startswith("https://www.youtube.com/") for line in comments)
    assert comments[-1] == "Would love your thoughts, please comment.x"
    assert not any("Richard M" in p or "youtube" in p for p in article.paragraphs)


def test_000_keeps_every_article_paragraph_without_blank_lines():
    article = cleaned("000")
    body_001 = cleaned("001").paragraphs
    assert article.title == ""
    # Single newlines separate paragraphs: each of 001's eleven is here, whole.
    assert article.paragraphs[:11] == body_001
    # Nothing merged: every paragraph is one line of the page.
    raw = (next(SEEDS.glob("000_*.txt"))).read_text(encoding="utf-8")
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    assert all(p in lines for p in article.paragraphs)


def test_002_breadcrumb_tag_bio_donation_and_check_also():
    article = cleaned("002")
    assert article.title == ("Syrian War Report – April 23, 2018: Militant-Held Pockets "
                             "Crumbling In Western Syria")
    assert article.date == "2018-04-23"
    dropped = reasons(article)
    assert dropped["breadcrumb"][0].startswith("Home / News From Nigeria / ")
    assert dropped["tag"] == ["syria"]
    assert dropped["author-bio"][0] == "About BalogunAdesina"
    assert any(line.startswith("International political activist") for line in dropped["author-bio"])
    donation = dropped["donation"]
    for expected in ("Support Ooduarere", "SUPPORT OODUARERE", "Bitcoin address:",
                     "1FN2hvx5tGG7PisyzzDoypdX37TeWa9uwb", "x"):
        assert expected in donation
    assert any("QR code" in line for line in donation)
    assert dropped["related-links"][0] == "Check Also"
    assert "Key points from Nasrallah’s speech" in dropped["related-links"]
    assert article.paragraphs[0].startswith("Syrian government forces are developing an advance")
    assert article.paragraphs[-1].startswith("The Iraqi government also understands the threat.")
    text = article.body
    for boilerplate in ("BalogunAdesina", "Bitcoin", "Check Also", "Nasrallah", "Viral Video"):
        assert boilerplate not in text


def test_003_headings_caption_once_links_and_appeal_dropped():
    article = cleaned("003")
    assert article.title == "The Factional Rift Finalizes the File of Eastern Qalamun"
    headings = [article.paragraphs[i] for i in article.headings]
    assert headings == [
        "Al-Dumayr, the First Area to Witness Displacement",
        "A factional Rift Ended Qalamun",
        "Weapons Trigger the Anger of Opposition Figures",
        "The Opposition’s Last Stronghold Near Damascus",
        "Does the Shelling Aim to Demolish the Area?",
    ]
    caption = "A map showing the military control over Damascus – April 21. 2018 (Livemap)"
    assert article.paragraphs.count(caption) == 1
    dropped = reasons(article)
    assert dropped["repeated-caption"] == [caption] * 3
    assert dropped["other-script-link"] == ["النسخة العربية من المقال"]
    assert dropped["related-links"][0] == "Related Articles"
    assert len(dropped["related-links"]) == 5  # the heading and its four items
    assert dropped["donation"][0] == "Propaganda distorts the truth and prolongs the war.."
    assert dropped["donation"][-1] == "Click here to support"
    assert article.paragraphs[-1].startswith("By controlling Eastern Qalamun")


def test_004_metadata_byline_and_closed_comments():
    article = cleaned("004")
    assert article.title == ("The Battles of Deir al-Zor and al-Qaem will mark the end "
                             "of the Syrian war")
    assert article.author == "Elijah J. Magnier"
    assert article.metadata["keywords"] == ("Syria, US, Russia, Iran, Damascus, Raqqah, Idlib, "
                                            "al-Tanaf, IRGC")
    dropped = reasons(article)
    assert dropped["metadata"][0].startswith("Published here:")
    assert dropped["metadata"][1].startswith("Key words:")
    assert dropped["byline"] == ["Damascus by Elijah J. Magnier: @EjmAlrai"]
    assert dropped["comments"] == ["Comments are closed."]
    assert article.paragraphs[1].startswith("The Syrian army and its allies reached")
    assert article.paragraphs[-1].startswith("Yes, the war is heading towards its final chapter")


@pytest.mark.parametrize("stem", ["000", "001", "002", "003", "004"])
def test_dropped_lines_point_at_their_raw_lines(stem):
    (path,) = SEEDS.glob(f"{stem}_*.txt")
    raw_lines = path.read_text(encoding="utf-8").split("\n")
    for item in cleaned(stem).dropped:
        assert item.line >= 1
        assert " ".join(raw_lines[item.line - 1].replace("\u00a0", " ").split()) == item.text


@pytest.mark.parametrize("stem", ["000", "001", "002", "003", "004"])
def test_nothing_is_lost_every_line_is_kept_or_dropped(stem):
    """Each non-blank raw line is in the title, a paragraph, or the dropped list."""
    article = cleaned(stem)
    (path,) = SEEDS.glob(f"{stem}_*.txt")
    accounted = " ".join([article.title, *article.paragraphs, *(d.text for d in article.dropped)])
    for line in path.read_text(encoding="utf-8").split("\n"):
        text = " ".join(line.replace("\u00a0", " ").split())
        if text:
            assert text in accounted, text
