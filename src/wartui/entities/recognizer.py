"""Find entities in text: gazetteer names (any spelling), other capitalised
names, dates and figures, as non-overlapping spans.

1. One regular expression finds the runs of capitalised words (with the
   article, "of", "for" ... inside): only those can be names, so the rest of
   the text costs nothing but the scan.
2. In each run, from each word, the folded key is extended word by word while
   it is a prefix of some gazetteer name; the longest name wins ("Tahrir
   al-Sham Army" beats "Tahrir al-Sham").
3. Words of a run that matched no name are resolved against the gazetteer
   keys with rapidfuzz (a high cutoff keeps precision); the rest become
   type `other`.
4. Dates ("April 2", "March 31", "2018") and figures with their noun
   ("1,065 militants", "20 buses", "70%") come from two regular expressions.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from rapidfuzz import fuzz, process

from ..ingest.dates import MONTHS
from ..model import Article, EntitySpan as Span
from .gazetteer import Gazetteer, gazetteer_path, load_gazetteer
from .normalize import fold_token, is_article, tokens_with_spans

# Changed when what is recognised changes: the next `wartui index` then finds
# the names of every page again (it is part of each page's content hash).
RECOGNIZER_VERSION = 2
FUZZY_CUTOFF = 90  # rapidfuzz ratio on folded keys; below this, names stay `other`
FUZZY_CUTOFF_SHORT = 95  # keys under 10 letters: one wrong letter is another place
FUZZY_MIN_KEY = 6  # short keys are too easy to confuse
SHORT_KEY = 3  # a one-word name this short ("Tal", "Bab") directly followed by
               # another capitalised word is part of a longer, unknown name
SENTENCE_END = frozenset(".!?:;\"“”(")
TITLE = -1  # the paragraph number of spans in the article's title
# A place named at the start of a longer name ("Deir ez-Zor" of "Deir ez-Zor
# Airbase"): a span not shown, that makes the article one naming it for search.
WITHIN = "within"
# Acronyms of web pages, not of anything in the war ("Get short URL").
PAGE_ACRONYMS = frozenset({"URL", "GMT", "HTML", "RSS", "PDF", "HTTP", "HTTPS", "WWW", "FAQ"})
# Words of headlines and of pages' furniture that FA-KES glues into its text
# in title case ("Suicide Bomber Kills 4", "Print Tweet Views", "Related"),
# beside the words an article also writes in lower case (see _named).
HEADLINE_WORDS = frozenset("""
kill kills killed rise rises advance advances update updated related read more get photo photos
image images video print tweet views category agencies airstrike airstrikes strike strikes
death deaths clash clashes attack attacks terrorist terrorists around northeastern northwestern
southeastern southwestern
""".split())
_NEXT_WORD = re.compile(r"([ \-‐–])([a-z][\w'’]*)")  # a lower-case word after a run
_LOWER_WORD = re.compile(r"(?<![\w'’])[a-z]+(?:-[a-z]+)*")
INITIAL_BEFORE = re.compile(r"(?<![\w.])[A-Z]\.\s?$")  # "H. " before a name

_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
_WORD = rf"[{_UPPER}][\w'’]*"
_ARTICLE = r"(?:[Aa]l|[Ee]l|[Aa][sdzrtn]|[Aa][st]h|[Aa]dh|[Ee][sdzrtn])"
_JOIN = (rf"(?:[ ]?[-‐–][ ]?|[ ]|[ ]{_ARTICLE}[-‐–]|[-‐–]{_ARTICLE}[-‐–]|[ ](?:al|el)[ ]"
         r"|[ ](?:of|for|de|bin|ibn|bint)[ ](?:the[ ])?)")
# A run of capitalised words: "Deir ez-Zor", "Syrian Observatory for Human Rights".
# (The lookahead for a possible first letter first: ~30% faster a scan.)
RUN = re.compile(rf"(?=[AaEe{_UPPER}])(?<![\w'’])"
                 rf"(?:{_ARTICLE}[-‐–])?{_WORD}(?:{_JOIN}{_WORD})*")

# Capitalised words that open sentences or headlines but name nothing.
NOT_NAMES = frozenset("""
a an the this that these those there their they it its he she his her we our you your i
in on at by for from with to of and or but nor so yet as if when while after before since
until during about against between into through over under above below near across
according however meanwhile also although though because despite thus therefore moreover
furthermore yesterday today tomorrow earlier later last next first second third
monday tuesday wednesday thursday friday saturday sunday mr mrs ms dr gen sheikh
president minister prime general colonel spokesman commander source sources officials
local state government forces army police security military report reports news agency
some many several other others all both each every no not one two three four five
what who which where why how will would could should may might must can did do does
is are was were be been being has have had said says say told added noted de bin ibn
""".split()) | frozenset(MONTHS)

# Words before a person's name: what follows them is not a place.
TITLES = frozenset("""
mr mrs ms dr president minister prime general gen colonel col captain capt major lieutenant
lt sergeant sheikh shaikh imam king prince emir commander brigadier spokesman spokeswoman
envoy ambassador secretary senator judge mayor governor chief
""".split())

# Adjectives of nationality, faith and direction: capitalised, but not names
# on their own ("Syrian", "Iraqi-Syrian"); inside a name they stay ("Syrian Desert").
ADJECTIVES = frozenset("""
syrian iraqi iranian russian turkish kurdish american british french israeli lebanese
jordanian saudi qatari emirati arab arabic islamic islamist western eastern northern
southern shiite shia sunni alawite european egyptian chinese german afghan pakistani
palestinian yemeni libyan gulf christian muslim jihadist salafist
takfiri kurd druze yazidi turk turkmen assyrian armenian chechen
""".split())

# Months as reports write them (capitalised): a case-sensitive pattern is
# several times faster than IGNORECASE over the whole text.
_MONTH_NAMES = "|".join(sorted((m.capitalize() for m in MONTHS if len(m) > 3 or m == "may"),
                               key=len, reverse=True))
# Dates and figures all hold a digit: a text without one is not scanned. A
# match opens with a month's initial or a digit, and a lookahead for one
# first lets re skip the other positions faster (~20-40% of each scan).
_DIGIT = re.compile(r"\d")
_MONTH_INITIALS = "".join(sorted({name[0] for name in _MONTH_NAMES.split("|")}))
DATE = re.compile(
    r"(?=[" + _MONTH_INITIALS + r"\d])\b"
    r"(?:(?:" + _MONTH_NAMES + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:[,.]?\s+(?:19|20)\d\d)?"
    r"|\d{1,2}\s+(?:" + _MONTH_NAMES + r")\.?(?:,?\s+(?:19|20)\d\d)?"
    r"|(?:" + _MONTH_NAMES + r")\s+(?:19|20)\d\d"
    r"|(?:19|20)\d\d(?![\d,]))\b")
_NOT_A_NOUN = ("and|or|of|to|in|on|at|the|a|from|for|by|with|as|is|are|was|were|had|has|have|"
               "per|than|that|which|who|after|before|but|out|into|over|since|until|while")
FIGURE = re.compile(
    r"(?=\d)(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s*(?:%|percent\b|per\s+cent\b)"
    r"|(?:\s+(?:more|other|new|civilian|armed|local|foreign|[a-z]+-[a-z]+|\w+ly))?"
    r"\s+(?!(?:" + _NOT_A_NOUN + r")\b)[a-z][a-z-]{1,30})")


def _at_sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 3):start].rstrip()
    if not before:
        return not text[:start].strip()
    return before[-1] in SENTENCE_END


class Recognizer:
    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gazetteer = gazetteer or load_gazetteer()
        # one recogniser per gazetteer: its caches are only valid for that gazetteer
        # Fuzzy candidates by length: a ratio >= 90 needs |len a - len b| <= 10% of
        # the sum, so each lookup only scores keys of about the same length.
        self._keys_by_length: dict[int, list[str]] = {}
        # ... and of those, by first letter, and (the others) by last letter
        self._keys_by_end: dict[tuple[int, str, str], list[str]] = {}
        for key in self.gazetteer.keys:
            if len(key) >= FUZZY_MIN_KEY:
                self._keys_by_length.setdefault(len(key), []).append(key)
                self._keys_by_end.setdefault((len(key), key[0], ""), []).append(key)
                self._keys_by_end.setdefault((len(key), "", key[-1]), []).append(key)
        self._fuzzy = lru_cache(maxsize=50_000)(self._fuzzy_uncached)
        # the words, as written, after the first of the gazetteer's spellings
        self._inner_words = frozenset(
            token.casefold() for entity in self.gazetteer.entities.values()
            for spelling in entity.spellings for token, *_ in tokens_with_spans(spelling)[1:])
        self._run_cache = lru_cache(maxsize=200_000)(self._analyse_run)

    # -- public -------------------------------------------------------------------

    def find(self, text: str, paragraph: int = 0, names_only: bool = False) -> list[Span]:
        """All entity, date and figure spans in `text` (paragraph number
        `paragraph` of its article), sorted, not overlapping; `names_only`:
        only the gazetteer's names (no fuzzy match, no `other`), as in a
        title-case title."""
        spans: list[Span] = []
        within: list[Span] = []  # (kept apart: they overlap the names they are in)
        size = len(text)
        for run in RUN.finditer(text):
            start, end = run.span()
            after_initial = bool(INITIAL_BEFORE.search(text, max(0, start - 4), start))
            opens = _at_sentence_start(text, start)
            found, tails = self._run_cache(run.group(0), opens, after_initial, names_only)
            if tails and end + 1 < size and text[end + 1].islower() and text[end] in " -‐–" \
                    and self._goes_on(text, end):
                longer = self._continued(text, end, tails)  # "Deir ezzor"
                if longer > end:
                    found, _ = self._run_cache(text[start:longer], opens, after_initial,
                                               names_only)
            for s, e, kind, entity_id in found:
                span = Span(start + s, start + e, kind, entity_id, text[start + s:start + e],
                            paragraph)
                (within if kind == WITHIN else spans).append(span)
        starts = [s.start for s in spans]
        ends = [s.end for s in spans]
        for span in self._dates_and_figures(text, paragraph):
            # spans are sorted and disjoint: only the neighbour to the left can overlap
            at = bisect.bisect_left(starts, span.end)
            if at and ends[at - 1] > span.start:
                continue
            spans.append(span)
        spans.sort(key=lambda s: s.start)
        return spans + within

    def find_in_article(self, article: Article) -> list[Span]:
        """Spans of the title (paragraph TITLE) and of every paragraph. The
        title and headings are in title case, so there only gazetteer names
        count, not every capitalised word. Other names made only of words
        the article also writes in lower case are headline words ("Civilians
        Killed", "Kills"), not names."""
        found = self.find(article.title, TITLE, names_only=True) if article.title else []
        headings = set(article.headings)
        lower = None
        for number, paragraph in enumerate(article.paragraphs):
            spans = self.find(paragraph, number)
            if number in headings:
                spans = [s for s in spans if s.type != "other"]
            elif any(s.type == "other" for s in spans):
                if lower is None:
                    lower = set(_LOWER_WORD.findall(article.body))
                spans = [s for s in spans if s.type != "other" or _named(s.text, lower)]
            found.extend(spans)
        return found

    # -- names -----------------------------------------------------------------------

    def _goes_on(self, text: str, end: int) -> bool:
        """Whether the lower-case word after a run is one that goes on some
        gazetteer name after its first word ("ezzor", "city", "countryside"):
        most are not ("Aleppo on Monday"), and are not looked at further."""
        word = _NEXT_WORD.match(text, end)
        return word is not None and word.group(2).casefold() in self._inner_words

    def _continued(self, text: str, end: int, tails: tuple[str, ...]) -> int:
        """Where a run ending at `end` ends once continued into the lower-case
        words that finish a gazetteer name ("Deir ezzor", "Deir ez-zor
        city"): `tails` are the keys of the run's last words (from a
        capitalised one) that a name goes on from (see _analyse_run)."""
        gaz = self.gazetteer
        best = end
        for key in tails:
            at = end
            for _ in range(4):  # a name goes on for a few lower-case words at most
                word = _NEXT_WORD.match(text, at)
                if word is None:
                    break
                at = word.end()
                token = word.group(2)
                if is_article(token, text[at:at + 1] in "-‐–"):
                    continue
                key += fold_token(token)
                if key not in gaz.prefixes:
                    break
                if key in gaz.keys and key not in gaz.caps_only:
                    best = max(best, at)
        return best

    def _analyse_run(self, run: str, opens_sentence: bool, after_initial: bool,
                     names_only: bool = False) -> tuple:
        """(((start, end, type, id), ...) relative to the run, the keys of its
        last words that a gazetteer name goes on from). After an initial
        ("H. Zain") the run is a person's name, whatever places it spells."""
        tokens = tokens_with_spans(run)
        tails, key = [], ""
        for i in range(len(tokens) - 1, max(-1, len(tokens) - 4), -1):
            token, _, _, hyphen = tokens[i]
            if not is_article(token, hyphen):
                key = fold_token(token) + key
            if token[:1].isupper() and key in self.gazetteer.prefixes:
                tails.append(key)
        found: list[tuple] = []
        unmatched_from = 0
        i = 0
        while i < len(tokens):
            match = self._longest_name(run, tokens, i)
            if match is not None and not self._plausible(tokens, i, match, after_initial):
                match = None
            if match is None:
                i += 1
                continue
            last, entity_id, inner = match
            if not names_only:
                found.extend(self._leftover(run, tokens, unmatched_from, i, opens_sentence))
            entity = self.gazetteer.entities[entity_id]
            found.append((tokens[i][1], tokens[last][2], entity.type, entity.id))
            if inner is not None:  # "Deir ez-Zor" in "Deir ez-Zor Airbase": for search only
                found.append((tokens[i][1], tokens[inner[0]][2], WITHIN, inner[1]))
            i = unmatched_from = last + 1
        if not names_only:
            found.extend(self._leftover(run, tokens, unmatched_from, len(tokens), opens_sentence))
        return tuple(found), tuple(tails)

    def _plausible(self, tokens, i: int, match, after_initial: bool = False) -> bool:
        """Reject matches that the words around them contradict."""
        last, entity_id, _ = match
        entity = self.gazetteer.entities[entity_id]
        previous = tokens[i - 1][0].casefold().rstrip(".") if i else ""
        person_context = previous in TITLES or (i == 0 and after_initial)
        if person_context and entity.type in ("place", "country"):
            return False  # "Colonel Soheil" is a man, not al-Shuhail
        following = tokens[last + 1] if last + 1 < len(tokens) else None
        if last == i and following and not is_article(following[0], following[3]):
            token = tokens[i][0]
            if len(token) <= SHORT_KEY and not _all_caps(token):
                return False  # "Tal" of "Tal Ghazal", an unknown village
        return True

    def _longest_name(self, run: str, tokens, i: int):
        """(last token index, entity id, inner) of the longest name starting
        at token i; `inner` is (last token, id) of a place or country named
        by a shorter name at its start ("Deir ez-Zor" in "Deir ez-Zor
        Airbase"), else None."""
        gaz = self.gazetteer
        first = tokens[i][0]
        if not first[0].isupper() and not is_article(first, tokens[i][3]):
            return None
        key, found = "", []
        for j in range(i, len(tokens)):
            token, _, end, hyphen = tokens[j]
            if is_article(token, hyphen) and j + 1 < len(tokens):
                continue
            previous = key
            key += fold_token(token)
            ids = gaz.keys.get(key)
            if ids and (key not in gaz.caps_only or _all_caps(run[tokens[i][1]:end])):
                found.append((j, ids[0]))
            elif len(token) > 3 and token[-1] in "sS" and not _all_caps(token):
                # "Assads", "Aleppos", "ISILs": a possessive whose apostrophe was lost
                stripped = previous + fold_token(token[:-1])
                ids = gaz.keys.get(stripped)
                if ids and (stripped not in gaz.caps_only or _all_caps(token[:-1])):
                    found.append((j, ids[0]))
            if key not in gaz.prefixes:
                break
        if not found:
            return None
        last, entity_id = found[-1]
        if last == i and first.casefold() in NOT_NAMES:
            return None  # "May", "Gen": a one-word match on a common word
        inner = None
        for j, other in reversed(found[:-1]):
            if other != entity_id and gaz.entities[other].type in ("place", "country"):
                inner = (j, other)
                break
        return last, entity_id, inner

    def _leftover(self, run: str, tokens, a: int, b: int, opens_sentence: bool) -> list[tuple]:
        """Tokens a..b of a run matched no gazetteer name: a fuzzy link or `other`."""
        while a < b and (tokens[a][0].casefold() in NOT_NAMES or is_article(tokens[a][0], True)):
            a += 1
        while b > a and (tokens[b - 1][0].casefold() in NOT_NAMES
                         or is_article(tokens[b - 1][0], True)):
            b -= 1
        if a >= b:
            return []
        start, end = tokens[a][1], tokens[b - 1][2]
        if b - a == 1 and (end - start < 3 or (a == 0 and opens_sentence)):
            return []  # one capitalised word opening a sentence is no evidence of a name
        words = tokens[a:b]
        if all(t[0].casefold() in ADJECTIVES or is_article(t[0], True) for t in words):
            return []
        key = "".join(fold_token(t[0]) for t in words if not is_article(t[0], t[3]))
        entity_id = self._fuzzy(key)
        if entity_id:
            return [(start, end, self.gazetteer.entities[entity_id].type, entity_id)]
        return [(start, end, "other", "")]

    @lru_cache(maxsize=4096)  # (a lookup's choices, made once)
    def _keys_between(self, low: int, high: int, first: str = "", last: str = "") -> list[str]:
        """The gazetteer's keys of a length in [low, high]; with `first` and
        `last`, only those that begin with one or end with the other. Keys
        within FUZZY_CUTOFF of each other differ by an edit or two: both
        ends changed takes two substitutions, past the cutoff for keys
        under 20 letters. A twentieth of the choices: recognition's cold
        pass over FA-KES was a third slower with every key of the length."""
        if not (first or last):
            return [k for n in range(low, high + 1) for k in self._keys_by_length.get(n, ())]
        found = []
        for n in range(low, high + 1):
            found += self._keys_by_end.get((n, first, ""), ())
            found += [k for k in self._keys_by_end.get((n, "", last), ()) if k[0] != first]
        return found

    def _fuzzy_uncached(self, key: str) -> str | None:
        if len(key) < FUZZY_MIN_KEY:
            return None
        slack = (100 - FUZZY_CUTOFF) / 100
        low = int(len(key) * (1 - slack) / (1 + slack))
        high = int(len(key) * (1 + slack) / (1 - slack)) + 1
        choices = (self._keys_between(low, high, key[0], key[-1]) if len(key) < 20
                   else self._keys_between(low, high))
        cutoff = FUZZY_CUTOFF_SHORT if len(key) < 10 else FUZZY_CUTOFF
        found = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        return self.gazetteer.keys[found[0]][0] if found else None

    # -- dates and figures ----------------------------------------------------------

    @staticmethod
    def _dates_and_figures(text: str, paragraph: int = 0) -> list[Span]:
        if not _DIGIT.search(text):
            return []
        spans = [Span(m.start(), m.end(), "date", "", m.group(0), paragraph)
                 for m in DATE.finditer(text)]
        date_ends = [s.end for s in spans]
        for m in FIGURE.finditer(text):
            at = bisect.bisect_right(date_ends, m.start())
            if at < len(spans) and spans[at].start < m.end():
                continue  # the number is part of a date
            spans.append(Span(m.start(), m.end(), "figure", "", m.group(0), paragraph))
        return spans


def _named(text: str, lower: set[str]) -> bool:
    """Whether an `other` span is a name: not a page's acronym, and not made
    only of words the article also writes in lower case (a headline's words,
    a title glued to the text) or of common words and adjectives."""
    if text in PAGE_ACRONYMS:
        return False
    words = [w for w in re.split(r"[\s\-‐–]+", text) if w]
    common = 0
    for word in words:
        folded = word.casefold().strip("'’")
        bare = folded[:-1] if folded.endswith("s") and len(folded) > 3 else folded
        if any(form in lower or form in NOT_NAMES or form in ADJECTIVES or form in HEADLINE_WORDS
               for form in (folded, bare)):
            common += 1
    return common < len(words)


def _all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def default_recognizer() -> Recognizer:
    """The recogniser of the current gazetteer (bundled, or $WARTUI_GAZETTEER)."""
    return _recognizer_for(gazetteer_path())


@lru_cache(maxsize=2)
def _recognizer_for(path) -> Recognizer:
    return Recognizer(load_gazetteer(path))
