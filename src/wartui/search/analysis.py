"""The text analyzer's work, done once per distinct word.

Whoosh runs its analyzer (tokenizer, lower case, accent folding, stop words,
Porter stemmer) as a chain of generators over every token: at indexing that
was ~40% of Whoosh's time per article, and the same again for each snippet.
Every step but the tokenizer looks at one token alone, so a word's indexed
form can be remembered: `Terms` tokenizes with the tokenizer's own pattern
and looks each word up. `terms(text)` is exactly what the analyzer yields
(tests/test_analysis.py checks it on FA-KES and on random text), and Whoosh
accepts such a list as a field's value. Positions are then the list order:
the stop filter renumbers kept words the same way, but for where it starts
(the first kept word's own position), which phrases do not look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from itertools import repeat

# Whoosh's RegexTokenizer default (whoosh-reloaded keeps "*" in words)
TOKEN = re.compile(r"[\w\*]+(\.?[\w\*]+)*", re.UNICODE)
# The same words (runs of word characters joined by single dots), without
# its capturing group: `findall` gives them at once (~45% faster than
# `finditer` and a call per match).
WORDS = re.compile(r"[\w*]+(?:\.[\w*]+)*")
_REMEMBERED = 300_000


def stem_rewrites(form: str) -> int:
    """How many last letters of an indexed `form` the Porter stemmer may have
    written itself, rather than kept from the word: a lower-cased ASCII word
    with this form starts with all the form's other letters. The stemmer
    cuts suffixes, and writes only an "e" ("hoping" -> "hope", "-ation" ->
    "-ate", "-enci" -> "-ence"), an "i" for a "y" ("army" -> "armi") and
    "-ble"/"-bl" for "-biliti". So a form ending otherwise starts every word
    it comes from: "sham" is found among the words that start with "sham",
    not with "s" (tests/test_analysis.py checks the rule on FA-KES's words
    with every suffix the stemmer knows)."""
    if form.endswith("ble"):
        return 2
    if form.endswith(("e", "i", "bl")):
        return 1
    return 0


class Terms:
    """Indexed forms of words, by one analyzer, remembered."""

    def __init__(self, analyzer, rewrites: Callable[[str], int] | None = None):
        self.analyzer = analyzer
        # how many last letters of an indexed form the analyzer may have
        # written (a function of the form; None: unknown), so that `learn`
        # and snippets can skip words that cannot have a given form
        self.rewrites = rewrites
        first = analyzer.items[0] if hasattr(analyzer, "items") else analyzer
        self.token = getattr(first, "expression", TOKEN)  # the analyzer's own tokenizer
        # all the words of a text at once, when the tokenizer is Whoosh's
        # default (else None: its own pattern, a match at a time)
        self.findall = WORDS.findall if self.token.pattern == TOKEN.pattern else None
        self._known: dict[str, str | None] = {}
        # the words seen of each indexed form ('report' -> ('Reports', 'reported')):
        # tuples of strings, which the garbage collector stops tracking (100k
        # sets made its full collections ~50 ms pauses in the app)
        self.forms: dict[str, tuple[str, ...]] = {}
        self.generation = 0  # counts the times the memory was cleared

    def term(self, word: str) -> str | None:
        """The indexed form of one token ('Reports' -> 'report'); None for a
        stop word or a token the analyzer drops."""
        try:
            return self._known[word]
        except KeyError:
            pass
        found = next((t.text for t in self.analyzer(word)), None)
        if len(self._known) >= _REMEMBERED:
            self._known.clear()
            self.forms.clear()
            self.generation += 1
        self._known[word] = found
        if found is not None:
            self.forms[found] = (*self.forms.get(found, ()), word)
        return found

    def learn(self, words: set[str], for_forms: set[str] | None = None) -> bool:
        """Analyses the `words` not seen yet, or with `for_forms` only those that
        may have one of these indexed forms (a fresh process, such as each
        `wartui search`, then stems a few words per snippet, not all of
        them); False if the memory was cleared meanwhile (then `forms` may
        lack some of them)."""
        generation = self.generation
        unknown = words.difference(self._known)
        if for_forms and unknown and self.rewrites is not None:
            # the words left unknown are checked again at each call: at C speed
            unknown = _may_start(self.starts(for_forms)).findall("\n".join(unknown))
        for word in unknown:
            self.term(word)
        return generation == self.generation

    def starts(self, forms: set[str]) -> frozenset[str]:
        """How a lower-cased ASCII word with one of these indexed `forms`
        starts: all but the letters of the form that `rewrites` says the
        analyzer may have written, and never less than its first. Only for
        an analyzer whose `rewrites` is known."""
        rewrites = self.rewrites
        return frozenset(form[:max(1, len(form) - rewrites(form))] for form in forms)

    def terms(self, text: str) -> list[str]:
        """The analyzer's terms of `text`, in order (stop words left out)."""
        if self.findall is not None:
            words = self.findall(text)
        else:
            words = list(map(re.Match.group, self.token.finditer(text)))
        # known words looked up at C speed; the others analysed one by one
        found = list(map(self._known.get, words, repeat(_UNKNOWN, len(words))))
        if _UNKNOWN in found:
            found = [self.term(word) if term is _UNKNOWN else term
                     for word, term in zip(words, found)]
        return [term for term in found if term is not None]


@lru_cache(maxsize=256)
def _may_start(starts: frozenset[str]) -> re.Pattern:
    """Lines (words) that start with one of `starts`, in any case, or that
    have a letter outside ASCII (lower-casing or accent folding may change
    their length)."""
    alternatives = "|".join(map(re.escape, sorted(starts)))
    return re.compile(rf"^(?:(?:{alternatives})[^\n]*|[^\n]*[^\x00-\x7f][^\n]*)$",
                      re.IGNORECASE | re.MULTILINE)


_UNKNOWN = object()  # (not None: None is a stop word's form)

_body_terms: Terms | None = None


def body_terms() -> Terms:
    """The shared Terms of the body and title analyzer (schema.text_analyzer)."""
    global _body_terms
    if _body_terms is None:
        from .schema import text_analyzer

        _body_terms = Terms(text_analyzer(), rewrites=stem_rewrites)
    return _body_terms
