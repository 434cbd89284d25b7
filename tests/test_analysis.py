"""analysis.Terms gives exactly what the Whoosh analyzer gives, so that the
index built from its term lists is the index the analyzer would build."""

import csv

from hypothesis import given, settings, strategies as st

from wartui.search.analysis import Terms
from wartui.search.schema import text_analyzer


def whoosh_terms(text: str) -> list[str]:
    return [t.text for t in text_analyzer()(text)]


def test_same_terms_as_the_analyzer_on_fakes(fakes_csv):
    terms = Terms(text_analyzer())
    with open(fakes_csv, encoding="utf-8", errors="replace", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) > 800
    for row in rows:
        text = f"{row['article_title']}\n\n{row['article_content']}"
        assert terms.terms(text) == whoosh_terms(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_same_terms_on_any_text(text):
    assert Terms(text_analyzer()).terms(text) == whoosh_terms(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Deir", "ez-Zor", "al-Bāb", "the", "of", "reports", "a.b.c",
                                 "ÆON", "ﬁre", "İdlib", "straße", "1,000", "x", "Ma'arat",
                                 "killed", "...", "\u0663\u0664", "\n\n", " "]), max_size=40))
def test_same_terms_on_tricky_words(words):
    text = " ".join(words)
    assert Terms(text_analyzer()).terms(text) == whoosh_terms(text)
