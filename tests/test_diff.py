"""wartui.versions.diff: paragraph alignment, word diff, figure changes."""

import json

import pytest
from hypothesis import given, settings, strategies as st

from wartui.ingest.clean import clean
from wartui.ingest.sources import read_path
from wartui.versions.diff import (
    COMMENT_LABEL, Block, Diff, FigureChange, WordOp, diff_articles, diff_paragraphs, word_diff)

PARAGRAPHS = [
    "On April 2, government forces established control of the town of Taqsis and the "
    "villages of Zour Abu Zayd after clashes with local militants.",
    "In Eastern Ghouta, 1,065 militants and their family members were evacuated from the "
    "Douma district under the agreement reached with the Russian military police.",
    "According to SANA, these people were evacuated using 20 buses. Their destination is "
    "the town of Jarabulus in northern Aleppo province.",
    "The Iraqi military has plans to launch a cross-border military operation to combat "
    "terrorists in Syria, the country's foreign minister said on Monday.",
    "Currently, the main area of ISIS activity is the Syrian-Iraqi border. Thus, according "
    "to some experts, the operation could be launched within weeks.",
    "However, the area north of al-Bukamal is the cause of serious concern. This part of "
    "the Euphrates valley is still held by ISIS cells hiding among the population.",
    "Turkish-backed groups shelled positions of the Kurdish YPG near Tell Rifaat, killing "
    "5 civilians and wounding a dozen others, a monitoring group reported.",
]


def ops(diff: Diff) -> list[str]:
    return [block.op for block in diff.blocks]


def side(words, which: str) -> str:
    return " ".join(getattr(w, which) for w in words if getattr(w, which))


# -- the real seeds ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_articles(seeds_dir):
    (path_000,) = seeds_dir.glob("000_*.txt")
    (path_001,) = seeds_dir.glob("001_*.txt")
    return clean(next(read_path(path_000))), clean(next(read_path(path_001)))


def test_seed_captures_differ_by_the_comment_section(seed_articles):
    a000, a001 = seed_articles
    assert len(a001.paragraphs) == 11
    diff = diff_articles(a000, a001)
    assert (diff.a_id, diff.b_id) == (a000.id, a001.id)
    assert set(ops(diff)) == {"equal", "only-a"}
    equal_a = [i for block in diff.blocks if block.op == "equal" for i in block.a_index]
    equal_b = [j for block in diff.blocks if block.op == "equal" for j in block.b_index]
    assert equal_a == equal_b == list(range(11))
    last = diff.blocks[-1]
    assert diff.blocks[-2].op == "equal"
    assert last.op == "only-a" and last.label == COMMENT_LABEL
    assert last.a_index == tuple(range(11, len(a000.paragraphs))) and len(last.a) == 8
    assert last.a[0].startswith("By looking on the military map of Syria")
    assert not diff.figures
    # the one figure of the pair: all of 001 is in 000 (dupes and versions say so too)
    assert diff.similarity == 1.0


# -- synthetic cases -----------------------------------------------------------------------

def test_changed_casualty_figure():
    b = list(PARAGRAPHS)
    b[1] = b[1].replace("1,065 militants", "1,056 militants")
    diff = diff_paragraphs(PARAGRAPHS, b)
    assert ops(diff) == ["equal", "changed", "equal"]
    changed = diff.blocks[1]
    assert changed.a_index == changed.b_index == (1,)
    assert WordOp("replace", "1,065", "1,056") in changed.words
    assert [w.op for w in changed.words] == ["equal", "replace", "equal"]
    assert 0.9 < changed.similarity < 1
    assert diff.figures == (FigureChange("militants", "1,065", "1,056", 1),)
    assert diff.figures[0].text == "1,065 -> 1,056 militants"


def test_figures_percentages_dates_and_bare_numbers():
    a = ["On April 2, 70% of the 12 buses left; 5 civilians were killed.", PARAGRAPHS[3]]
    b = ["On April 3, 75% of the 14 buses left; 7 civilians were killed.", PARAGRAPHS[3]]
    diff = diff_paragraphs(a, b)
    texts = {f.text for f in diff.figures}
    assert texts == {"date: April 2 -> April 3", "70% -> 75%", "12 -> 14 buses",
                     "5 -> 7 civilians"}
    # a number with no noun after it is still reported
    a = [PARAGRAPHS[1].replace("the Russian military police", "a total of 300")]
    b = [PARAGRAPHS[1].replace("the Russian military police", "a total of 350")]
    diff = diff_paragraphs(a, b)
    assert [(f.noun, f.a, f.b) for f in diff.figures] == [("", "300", "350")]
    # but numbers of a rewritten sentence are not paired blindly
    a = [PARAGRAPHS[3] + " The talks began in 1998 and ended after 3 rounds."]
    b = [PARAGRAPHS[3] + " Observers counted dozens of convoys heading towards 2 checkpoints."]
    assert not diff_paragraphs(a, b).figures


def test_moved_paragraph():
    b = PARAGRAPHS[:2] + PARAGRAPHS[3:6] + [PARAGRAPHS[2]] + PARAGRAPHS[6:]
    diff = diff_paragraphs(PARAGRAPHS, b)
    moved = [block for block in diff.blocks if block.op == "moved"]
    assert len(moved) == 1
    assert moved[0].a_index == (2,) and moved[0].b_index == (5,)
    assert moved[0].a == moved[0].b == (PARAGRAPHS[2],) and not moved[0].words
    assert set(ops(diff)) == {"equal", "moved"}
    # placed at its position in b: after b's paragraphs 0-4
    before = [j for block in diff.blocks[:diff.blocks.index(moved[0])] for j in block.b_index]
    assert before == [0, 1, 2, 3, 4]
    # every word is in the other version; only the 5-word shingles across the
    # moved paragraph's edges are not
    assert 0.9 < diff.similarity < 1.0


def test_moved_and_edited_paragraph_has_words():
    edited = PARAGRAPHS[2].replace("20 buses", "25 buses")
    b = PARAGRAPHS[:2] + PARAGRAPHS[3:6] + [edited] + PARAGRAPHS[6:]
    diff = diff_paragraphs(PARAGRAPHS, b)
    (moved,) = [block for block in diff.blocks if block.op == "moved"]
    assert WordOp("replace", "20", "25") in moved.words
    assert [f.text for f in diff.figures] == ["20 -> 25 buses"]


def test_split_paragraph_aligns_as_one_block():
    first, second = PARAGRAPHS[2].split(". ", 1)
    b = PARAGRAPHS[:2] + [first + ".", second] + PARAGRAPHS[3:]
    diff = diff_paragraphs(PARAGRAPHS, b)
    assert set(ops(diff)) == {"equal"}
    (split,) = [block for block in diff.blocks if len(block.a) != len(block.b)]
    assert split.a_index == (2,) and split.b_index == (2, 3)
    # and the other way round, re-wrapped with an edit
    diff = diff_paragraphs(b, [p.replace("20 buses", "21 buses") for p in PARAGRAPHS])
    (joined,) = [block for block in diff.blocks if len(block.a) != len(block.b)]
    assert joined.op == "changed" and joined.a_index == (2, 3) and joined.b_index == (2,)
    assert [f.text for f in diff.figures] == ["20 -> 21 buses"]
    # three paragraphs joined into one
    b = [PARAGRAPHS[0], " ".join(PARAGRAPHS[1:4])] + PARAGRAPHS[4:]
    diff = diff_paragraphs(PARAGRAPHS, b)
    assert ops(diff) == ["equal", "equal", "equal"]
    assert diff.blocks[1].a_index == (1, 2, 3) and diff.blocks[1].b_index == (1,)


def test_inserted_paragraph_in_the_middle_is_not_a_comment_section():
    inserted = "Residents said the water supply had been cut for three days in a row."
    b = PARAGRAPHS[:3] + [inserted] + PARAGRAPHS[3:]
    diff = diff_paragraphs(PARAGRAPHS, b)
    assert ops(diff) == ["equal", "only-b", "equal"]
    assert diff.blocks[1].b == (inserted,) and diff.blocks[1].b_index == (3,)
    assert diff.blocks[1].label == ""


def test_trailing_comments_grouped_and_labelled():
    comments = ["Great article, thanks!", "I think the west outplayed Russia here.",
                "Who pays for all this?"]
    diff = diff_paragraphs(PARAGRAPHS, PARAGRAPHS + comments)
    assert ops(diff) == ["equal", "only-b"]
    assert diff.blocks[-1].b == tuple(comments)
    assert diff.blocks[-1].label == COMMENT_LABEL


def test_identical_and_whitespace_quote_case_variants_are_equal():
    diff = diff_paragraphs(PARAGRAPHS, list(PARAGRAPHS))
    assert ops(diff) == ["equal"] and diff.similarity == 1.0 and not diff.figures
    variant = [" ".join(p.replace("'", "’").split()).replace(" ", "  ") for p in PARAGRAPHS]
    variant[0] = variant[0].upper()
    diff = diff_paragraphs(PARAGRAPHS, variant)
    assert ops(diff) == ["equal"] and diff.similarity == 1.0


def test_empty_sides():
    assert diff_paragraphs([], []).similarity == 1.0
    assert diff_paragraphs([], []).blocks == ()
    diff = diff_paragraphs([], PARAGRAPHS[:2])
    assert ops(diff) == ["only-b"] and diff.blocks[0].b_index == (0, 1)
    assert diff.blocks[0].label == ""  # nothing shared: no basis for a trailer
    assert diff.similarity == 0.0
    assert ops(diff_paragraphs(PARAGRAPHS[:2], [])) == ["only-a"]


def test_swapping_sides_swaps_ops_and_figures():
    b = list(PARAGRAPHS)
    b[1] = b[1].replace("1,065", "1,056")
    b.insert(4, "Residents said the water supply had been cut for three days in a row.")
    del b[6]
    b.append("Great article, thanks!")
    forward, backward = diff_paragraphs(PARAGRAPHS, b, "x", "y"), diff_paragraphs(b, PARAGRAPHS)
    swap = {"only-a": "only-b", "only-b": "only-a"}
    assert sorted((swap.get(x.op, x.op), x.b, x.a, x.label) for x in backward.blocks) == \
        sorted((x.op, x.a, x.b, x.label) for x in forward.blocks)
    assert [(f.noun, f.b, f.a) for f in backward.figures] == \
        [(f.noun, f.a, f.b) for f in forward.figures] == [("militants", "1,065", "1,056")]
    assert backward.similarity == pytest.approx(forward.similarity)


def test_to_json_shape():
    b = list(PARAGRAPHS)
    b[1] = b[1].replace("1,065 militants", "1,056 militants")
    data = diff_paragraphs(PARAGRAPHS, b + ["Nice one."], "first", "second").to_json()
    json.dumps(data)
    assert set(data) == {"a", "b", "similarity", "blocks", "figures"}
    assert (data["a"], data["b"]) == ("first", "second")
    assert isinstance(data["similarity"], float) and 0 <= data["similarity"] <= 1
    assert data["similarity"] == round(data["similarity"], 4)
    for block in data["blocks"]:
        assert set(block) == {"op", "a", "b", "words", "label", "similarity"}
        assert block["op"] in {"equal", "changed", "only-a", "only-b", "moved"}
        assert isinstance(block["a"], list) and isinstance(block["b"], list)
        for word in block["words"]:
            assert set(word) == {"op", "a", "b"}
    assert data["blocks"][1]["words"][1] == {"op": "replace", "a": "1,065", "b": "1,056"}
    assert data["blocks"][-1]["label"] == COMMENT_LABEL
    assert data["figures"] == [{"noun": "militants", "a": "1,065", "b": "1,056", "block": 1,
                                "text": "1,065 -> 1,056 militants"}]


# -- the word diff ---------------------------------------------------------------------------

def test_word_diff_runs():
    words = word_diff("killing 5 civilians in Idlib", "killing 7 civilians near Idlib today")
    assert words == (WordOp("equal", "killing", "killing"), WordOp("replace", "5", "7"),
                     WordOp("equal", "civilians", "civilians"), WordOp("replace", "in", "near"),
                     WordOp("equal", "Idlib", "Idlib"), WordOp("insert", "", "today"))
    assert word_diff("", "") == ()


WORDS = st.lists(st.sampled_from(["the", "The", "5", "1,065", "militants", "militants,",
                                  "“killed”", "Idlib", "70%", "a", "of"]), max_size=30)


@settings(max_examples=300, deadline=None)
@given(WORDS, WORDS, st.sampled_from([" ", "  ", "\n", " \t "]))
def test_word_diff_rebuilds_both_sides(words_a, words_b, space):
    a, b = space.join(words_a), space.join(words_b)
    words = word_diff(a, b)
    assert side(words, "a") == " ".join(a.split())
    assert side(words, "b") == " ".join(b.split())
    for word in words:
        assert word.op in {"equal", "delete", "insert", "replace"}
        assert (word.op in {"equal", "delete", "replace"}) == bool(word.a)
        assert (word.op in {"equal", "insert", "replace"}) == bool(word.b)
    # runs alternate: two equal (or two edit) runs never touch
    kinds = [word.op == "equal" for word in words]
    assert all(x != y for x, y in zip(kinds, kinds[1:]))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, len(PARAGRAPHS) - 1), max_size=10),
       st.lists(st.integers(0, len(PARAGRAPHS) - 1), max_size=10))
def test_blocks_cover_every_paragraph_once(picks_a, picks_b):
    a = [PARAGRAPHS[k] for k in picks_a]
    b = [PARAGRAPHS[k].replace("5", "6") for k in picks_b]
    diff = diff_paragraphs(a, b)
    assert sorted(i for block in diff.blocks for i in block.a_index) == list(range(len(a)))
    assert sorted(j for block in diff.blocks for j in block.b_index) == list(range(len(b)))
    for block in diff.blocks:
        assert isinstance(block, Block)
        assert block.a == tuple(a[i] for i in block.a_index)
        assert block.b == tuple(b[j] for j in block.b_index)
        if block.words:
            assert side(block.words, "a") == " ".join(" ".join(block.a).split())
            assert side(block.words, "b") == " ".join(" ".join(block.b).split())
    assert 0.0 <= diff.similarity <= 1.0


# -- sentences inside a paragraph ------------------------------------------------------

STORY = ("A bomb killed 18 people in the Damascus suburb of Jaramana on Tuesday, state "
         "television said. The car bomb in the suburb's Siouf square also wounded 56 people. "
         "Children were among the dead, the broadcaster said. The explosion struck at around "
         "7:15 pm when traffic was heavy. A similar bombing in the same square on July 25 "
         "killed at least seven people.")


def test_an_inserted_sentence_in_a_one_paragraph_article_shows_as_such():
    sentences = STORY.split(". ")
    inserted = "Rescuers searched the rubble for survivors through the night"
    edited = ". ".join(sentences[:2] + [inserted] + sentences[2:])
    diff = diff_paragraphs([STORY], [edited])
    (block,) = diff.blocks
    assert block.op == "changed"
    assert [w.op for w in block.words] == ["equal", "insert", "equal"]
    assert block.words[1].b == inserted + "."
    # the sentences after it still meet their counterparts, word for word
    assert block.words[2].a == block.words[2].b and block.words[2].a.endswith("seven people.")
    # and the other way round: a removed sentence is one deletion
    diff = diff_paragraphs([edited], [STORY])
    assert [w.op for w in diff.blocks[0].words] == ["equal", "delete", "equal"]


def test_an_edited_sentence_is_diffed_word_by_word_beside_an_inserted_one():
    edited = STORY.replace("wounded 56 people", "wounded 65 people").replace(
        "Children were", "Rescuers were still at work. Children were")
    diff = diff_paragraphs([STORY], [edited])
    (block,) = diff.blocks
    assert WordOp("replace", "56", "65") in block.words
    assert WordOp("insert", "", "Rescuers were still at work.") in block.words
    assert [f.text for f in diff.figures] == ["56 -> 65 people"]


def test_a_short_story_inside_a_longer_one_paragraph_article_is_aligned():
    """Too unlike as wholes (fuzz.ratio ~40), the two paragraphs still share
    the story's sentences: one changed block, the long article's own
    sentences inserted around them."""
    own = ("Syrian state media reported a blast in the capital's suburbs. Residents said "
           "ambulances rushed to the square for hours. ")
    rest = (" The government blamed the attack on terrorists. The opposition accused the "
            "regime of staging it to justify an offensive. Talks in Geneva were suspended "
            "for a week after the attack. Aid agencies called for calm on both sides.")
    diff = diff_paragraphs([STORY], [own + STORY.replace("18 people", "19 people") + rest])
    (block,) = diff.blocks
    assert block.op == "changed"
    inserted = [w.b for w in block.words if w.op == "insert"]
    assert inserted[0] == own.strip() and inserted[-1] == rest.strip()
    assert [f.text for f in diff.figures] == ["18 -> 19 people"]
    assert diff.similarity > 0.8  # most of the short story is in the long article
    # unrelated paragraphs stay apart
    other = ("Negotiators met in Geneva on Monday to discuss a ceasefire in the north. "
             "The talks ended without an agreement. A new round is planned next month.")
    assert ops(diff_paragraphs([STORY], [other])) == ["only-a", "only-b"]


def test_fakes_wire_story_updated_by_another_outlet(corpus_library):
    """FA-KES rows are one paragraph: the NNA and Ahram versions of one AFP
    story, the later one with two inserted sentences and a new toll."""
    diff = corpus_library.diff("fakes:1914947533", "fakes:1923848127")
    (block,) = diff.blocks
    assert [f.text for f in diff.figures] == ["112 -> 126"]
    inserted = [w.b for w in block.words if w.op == "insert" and len(w.b.split()) > 8]
    assert any(text.startswith("Syrias main armed opposition condemned the bombing")
               for text in inserted)
    equal = [w.a for w in block.words if w.op == "equal"]
    assert any(text.startswith("The convoy was carrying at least 5000 people") for text in equal)
