"""What a line of a page looks like, measured: the signals the cleaner
reads to tell article text from site furniture by shape, not by phrase.

In the spirit of jusText (Pomikálek, 2011): article text is long, full of
function words ("the", "of", "and") and made of sentences; furniture is
short, made of names, numbers, labels and links. A line's `Shape` holds
those measures, and `kind` sorts it into four classes that the cleaner then
resolves with the lines around it (a short line between two article
paragraphs is article; a short line in a run of short lines after the
article is not).
"""

from __future__ import annotations

import importlib.util
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# jusText's thresholds (characters and stopword shares), for plain text.
LENGTH_LOW = 70
LENGTH_HIGH = 200
STOPWORDS_LOW = 0.30
STOPWORDS_HIGH = 0.32

GOOD, NEAR, SHORT, BAD = "good", "near-good", "short", "bad"

_SENTENCE_END = re.compile(r"""[.!?…]["'”’»)\]]*$""")
_URL = re.compile(r"(https?://|www\.)\S+|\S+\.(com|org|net|info|ru|uk|news)(/\S*)?\b", re.I)

# A few function words of the commonest languages of war reporting, for a
# page whose language jusText's lists do not cover (or when jusText is
# missing): enough to tell a sentence from a label.
_FALLBACK_STOPWORDS = frozenset("""
a an and are as at be been but by for from had has have he her his in into is it its
not of on or said she that the their there they this to was were which while who will
with would after against also over than under were we you our your i me my can could
""".split())


@lru_cache(maxsize=1)
def english_stopwords() -> frozenset[str]:
    """jusText's English stoplist, read from its package data without
    importing jusText (which imports lxml: ~60 ms a worker)."""
    try:
        spec = importlib.util.find_spec("justext")
        if spec is not None and spec.submodule_search_locations:
            path = Path(list(spec.submodule_search_locations)[0]) / "stoplists" / "English.txt"
            words = path.read_text(encoding="utf-8").split()
            if words:
                return frozenset(w.casefold() for w in words)
    except (OSError, ImportError, ValueError):
        pass
    return _FALLBACK_STOPWORDS


@dataclass(frozen=True, slots=True)
class Shape:
    """Measures of one line of text."""
    chars: int
    words: int
    stopwords: int  # words in the stoplist
    capitalised: int  # words starting with a capital letter
    digits: int  # digit characters
    letters: int  # letter characters
    sentence_end: bool  # ends like a sentence (. ! ? …, maybe before a quote)
    has_url: bool

    @property
    def stop_share(self) -> float:
        return self.stopwords / self.words if self.words else 0.0

    @property
    def capital_share(self) -> float:
        return self.capitalised / self.words if self.words else 0.0

    @property
    def digit_share(self) -> float:
        return self.digits / self.chars if self.chars else 0.0


SAMPLED = 320  # characters of a long line that are measured: its two ends


def shape(text: str, stopwords: frozenset[str] | None = None) -> Shape:
    """A line's measures. A line longer than SAMPLED characters (a whole
    article on one line, as CSV collections keep them) is measured on its
    start and its end, and its counts scaled: what it is shows there, and a
    2 KB line costs as much as a short one. (Words are split with str
    methods, not a regex: this runs for every line of every page.)"""
    stopwords = english_stopwords() if stopwords is None else stopwords
    sample, scale = text, 1.0
    if len(text) > SAMPLED:
        half = SAMPLED // 2
        sample, scale = text[:half] + " " + text[-half:], len(text) / SAMPLED
    words = sample.translate(_PUNCTUATION_TO_SPACE).split()
    stops = sum(map(stopwords.__contains__, sample.casefold().translate(
        _PUNCTUATION_TO_SPACE).split()))
    digits = len(_DIGIT.findall(sample))
    return Shape(
        chars=len(text),
        words=round(len(words) * scale),
        stopwords=round(stops * scale),
        capitalised=round(sum(1 for w in words if w[0].isupper()) * scale),
        digits=round(digits * scale),
        letters=round(max(0, sum(map(len, words)) - digits) * scale),
        sentence_end=bool(_SENTENCE_END.search(text[-8:])),
        has_url=_has_url(sample),
    )


_PUNCTUATION_TO_SPACE = str.maketrans({ord(c): " " for c in string.punctuation
                                       + "“”‘’„‚–—…«»·•|›‹©®°€£¥"})
_DIGIT = re.compile(r"\d")
_URL_HINTS = ("://", "www.", ".com", ".org", ".net", ".info", ".ru", ".uk", ".news")


def _has_url(text: str) -> bool:
    return any(hint in text for hint in _URL_HINTS) and bool(_URL.search(text))


def kind(s: Shape) -> str:
    """jusText's context-free class of a line: GOOD (article-like prose),
    NEAR (prose, but too short to be sure), SHORT (too short to tell) or
    BAD (a label, a number, a link, a list of names)."""
    if not s.letters:
        return BAD
    if s.has_url and s.words <= 12:
        return BAD
    if s.chars < LENGTH_LOW:
        return SHORT
    if s.stop_share >= STOPWORDS_HIGH:
        # (jusText wants 200 characters of an HTML paragraph; in plain text a
        # news paragraph is often one sentence of 100)
        return GOOD if s.chars > LENGTH_HIGH or s.sentence_end else NEAR
    if s.stop_share >= STOPWORDS_LOW:
        return NEAR
    return BAD


def is_prose(s: Shape) -> bool:
    """A sentence of running text (not a label, a name or a headline)."""
    return s.words >= 8 and s.sentence_end and s.stop_share >= 0.2


def is_headline(s: Shape, text: str) -> bool:
    """Shaped like a headline: a few capitalised words, not a sentence
    (a question mark is allowed), not a number or a date."""
    if not 3 <= s.words <= 25 or s.chars > 200 or s.digit_share > 0.3:
        return False
    if s.sentence_end and not text.rstrip("\"'”’»").endswith("?"):
        return False
    return s.capital_share >= 0.5 or (text[:1].isupper() and s.stop_share < 0.4)


def is_sentence_like(s: Shape) -> bool:
    """A short line that still reads as a sentence: a final sentence of an
    article ("The fighting continues."), not a label."""
    return s.sentence_end and s.words >= 3 and s.stop_share >= 0.15 and s.capital_share < 0.7
