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


# Every suffix the Porter stemmer removes or rewrites, and a few chains of them
_SUFFIXES = ["", "s", "ss", "sses", "ies", "ed", "ing", "eed", "ly", "y", "e", "at", "bl", "iz",
             "ational", "tional", "enci", "anci", "izer", "bli", "abli", "alli", "entli", "eli",
             "ousli", "ization", "ation", "ator", "alism", "iveness", "fulness", "ousness",
             "aliti", "iviti", "biliti", "logi", "icate", "ative", "alize", "iciti", "ical",
             "ful", "ness", "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement",
             "ment", "ent", "ion", "ou", "ism", "ate", "iti", "ous", "ive", "ize", "ll",
             "izations", "ationally", "fulnesses", "icated", "alizing", "bilities"]


def test_the_stemmer_writes_only_the_last_letters_stem_rewrites_names(fakes_csv):
    """What Terms.learn and snippets rely on to skip words: an ASCII word
    starts with its indexed form, lower-cased, but for the last letters
    that stem_rewrites names (an "e", an "i", "-ble")."""
    import re

    from wartui.search.analysis import stem_rewrites

    terms = Terms(text_analyzer())
    text = open(fakes_csv, encoding="utf-8", errors="replace").read()
    stems = sorted({w.lower() for w in re.findall(r"[A-Za-z]+", text)})[::4]
    checked = rewritten = 0
    for stem in stems:
        for suffix in _SUFFIXES:
            word = (stem + suffix).capitalize()
            form = terms.term(word)
            if form is None:
                continue
            assert word.lower().startswith(form[:max(1, len(form) - stem_rewrites(form))]), \
                (word, form)
            checked += 1
            rewritten += not word.lower().startswith(form)
    assert checked > 100_000
    assert rewritten > 1000  # (the stemmer's own letters were met)


def test_learning_for_some_forms_learns_every_word_that_has_them(fakes_csv):
    from wartui.search.analysis import stem_rewrites

    with open(fakes_csv, encoding="utf-8", errors="replace", newline="") as f:
        body = " ".join(row["article_content"] for row in list(csv.DictReader(f))[:50])
    everything = Terms(text_analyzer())
    words = {m.group() for m in everything.token.finditer(body)} | {"Évacuated", "ÉVACUATION"}
    for forms in ({"kill", "aleppo"}, {"civilian", "bomb", "attack"}, {"evacu", "state"}):
        learnt = Terms(text_analyzer(), rewrites=stem_rewrites)
        assert learnt.learn(words, forms)
        having = {word for word in words if everything.term(word) in forms}
        assert having and having <= set(learnt._known)
        assert len(learnt._known) < len(words) / 3  # and few others
