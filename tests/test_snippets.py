"""search/snippets.py finds the same hits as scanning every token would."""

import csv

from hypothesis import example, given, settings, strategies as st

from conftest import FAKES
from wartui.search.schema import text_analyzer
from wartui.search.snippets import Snippets

SNIPPETS = Snippets(text_analyzer())


def _every_token(body: str, words: set[str]):
    """The reference: every token of the text, analysed, kept if it hits."""
    term = SNIPPETS.terms.term
    return [(m.start(), m.end(), t) for m in SNIPPETS.terms.token.finditer(body)
            if (t := term(m.group())) in words]


def _fakes_bodies() -> list[str]:
    with open(FAKES, encoding="utf-8", errors="replace", newline="") as f:
        return [row["article_content"] for row in csv.DictReader(f)]


def test_hits_equal_a_scan_of_every_token_on_fakes():
    bodies = _fakes_bodies()
    assert len(bodies) > 800
    compared = 0
    for number, body in enumerate(bodies):
        tokens = SNIPPETS.terms.terms(body)
        if not tokens:
            continue
        # a few of the article's own words, and words it lacks
        words = {tokens[number % len(tokens)], tokens[-1], tokens[len(tokens) // 2],
                 "aleppo", "chemic", "u.s", "zzzz"}
        expected = _every_token(body, words)
        assert SNIPPETS.hits(body, words) == expected, number
        compared += len(expected)
    assert compared > 5000


# Texts of word pieces joined by dots, stars, dashes and spaces, where the
# tokenizer's cuts are easiest to get wrong ("U.S.", "a..b", "x.y", "*al*").
_PIECES = st.sampled_from(["U", "S", "us", "Aleppo", "aleppo", "Alep", "al", "*", "Idlib",
                           "idlib's", "2016", "é", "Déir", "ez", "Zor", "the", "x"])
_JOINS = st.sampled_from([" ", ".", "..", "-", ". ", "*", "", "\n", "’"])


@settings(max_examples=300, deadline=None)
# a searched form with a dot ("u.u.u") whose start ("u.") is followed, in the
# text, by a dot that ends the token ("U..U"): found by hypothesis in CI
@example(parts=[("U", ".."), ("U", "."), ("U", "."), ("U", " ")], picked={"U"})
@given(st.lists(st.tuples(_PIECES, _JOINS), min_size=1, max_size=30),
       st.sets(_PIECES, min_size=1, max_size=4))
def test_hits_equal_a_scan_of_every_token_where_tokens_are_cut(parts, picked):
    body = "".join(piece + join for piece, join in parts)
    words = {t for word in picked for t in SNIPPETS.terms.terms(word)}
    words |= {t for t in SNIPPETS.terms.terms(body)[:2]}
    assert SNIPPETS.hits(body, words) == _every_token(body, words)


def test_hits_equal_a_scan_when_the_words_were_never_seen():
    """A fresh process (each `wartui search`) learns only the words that may
    have a searched form (analysis.Terms.learn): the hits are the same."""
    from wartui.search.analysis import Terms, stem_rewrites

    fresh = Snippets(text_analyzer())
    fresh.terms = Terms(text_analyzer(), rewrites=stem_rewrites)
    compared = 0
    for number, body in enumerate(_fakes_bodies()):
        tokens = SNIPPETS.terms.terms(body)
        if not tokens:
            continue
        words = {tokens[number % len(tokens)], tokens[len(tokens) // 3], "kill", "citi"}
        expected = _every_token(body, words)
        assert fresh.hits(body, words) == expected, number
        compared += len(expected)
    assert compared > 5000
    assert len(fresh.terms._known) < len(SNIPPETS.terms._known) / 2
