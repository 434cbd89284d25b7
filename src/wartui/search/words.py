"""The index's words and the gazetteer's ids, as reading a query asks for
them (search/syntax.py's `Words`): which fields there are, which entity ids,
which stems a word being typed may be indexed under, and whether a prefix
stands for more words than a search may read (search/limits.py)."""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache

from whoosh import query as wq
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map

from ..entities.gazetteer import Gazetteer
from ..errors import KeepTyping, QueryError
from . import limits
from .expand import expand_query

# Endings of English words that the Porter stemmer takes off: a prefix that
# runs into one ("chemica", "evacuatio") has words indexed under a stem
# shorter than itself (chemic, evacu). What is left to type of an ending is
# any of its tails ("evacuati" + "on").
_ENDINGS = ("", "s", "e", "es", "ed", "d", "ing", "ings", "n", "ns", "l", "ls", "al", "als",
           "ally", "ly", "y", "ies", "ied", "er", "ers", "or", "ors", "ion", "ions", "tion",
           "ation", "ations", "ational", "ment", "ments", "ness", "ity", "ities", "ive",
           "ives", "ist", "ists", "ism", "ize", "ized", "ise", "ised", "ic", "ics", "ical",
           "ous", "ful", "able", "ible", "ance", "ence", "ant", "ants", "ent", "ents", "ate",
           "ated", "ates", "ating")
ENDINGS = tuple(sorted({ending[start:] for ending in _ENDINGS
                        for start in range(len(ending) + 1)}))
SEARCHED = ("title", "body")  # the fields a word without a field is searched in


@lru_cache(maxsize=8192)
def _stem(word: str) -> str:
    return stem(word)


def fold(word: str) -> str:
    """Lower case, accents off: as the index's analyser reads a word."""
    return word.lower().translate(accent_map)


class IndexWords:
    """`Words` over one open Searcher and the gazetteer."""

    def __init__(self, searcher, gazetteer: Gazetteer):
        self.searcher = searcher
        self.gazetteer = gazetteer
        self._fields = frozenset(searcher.schema.names())
        self._entity_ids: list[str] | None = None

    # -- fields and entities -----------------------------------------------------------

    def fields(self) -> frozenset[str]:
        return self._fields

    def entity_exists(self, entity_id: str) -> bool:
        return entity_id in self.gazetteer.entities

    def _ids(self) -> list[str]:
        if self._entity_ids is None:
            self._entity_ids = sorted(self.gazetteer.entities)
        return self._entity_ids

    def entity_prefix_exists(self, prefix: str) -> bool:
        ids = self._ids()
        at = bisect_left(ids, prefix)
        return at < len(ids) and ids[at].startswith(prefix)

    def close_entities(self, entity_id: str, most: int = 3) -> list[str]:
        """The gazetteer's ids closest to `entity_id` (spelling, or its name's)."""
        from rapidfuzz import fuzz, process

        wanted = entity_id.replace(" ", "-")
        found = process.extract(wanted, self._ids(), scorer=fuzz.ratio, limit=most,
                                score_cutoff=60)
        by_name = [e.id for e in self.gazetteer.lookup(entity_id)] if entity_id else []
        return list(dict.fromkeys([*by_name, *(match for match, _, _ in found)]))[:most]

    def ends_with_name(self, text: str) -> bool:
        """Does `text` end with a name of the gazetteer (which the search
        expands to every spelling, so its last word is not a prefix)?"""
        _, expansions = expand_query(text, self.gazetteer)
        if not expansions:
            return False
        return text.rstrip().rstrip('"').rstrip().endswith(expansions[-1].text)

    # -- words being typed ----------------------------------------------------------------

    def _indexed(self, word: str) -> bool:
        fast = self.searcher.fast
        return any(fast.doc_frequency(field, word) for field in SEARCHED)

    def forms(self, prefix: str) -> list[str]:
        """Stems of words that start with `prefix` which the prefix's own
        wildcard misses (it matches the words starting with its stem), and
        which the index holds: "chemica" -> ["chemic"]."""
        typed = fold(prefix)
        own = _stem(typed)
        found = []
        for ending in ENDINGS:
            form = _stem(typed + ending)
            if (not form.startswith(own) and len(form) >= 3 and _stem(form) == form
                    and form not in found and self._indexed(form)):
                found.append(form)
        return found

    def check_prefix(self, prefix: str) -> None:
        """Raises KeepTyping when `prefix` stands for more words (or uses of
        them) than a wildcard may (search/limits.py's bounds, per field).

        Counted segment by segment, each listing its words with their uses,
        and stopped at the first bound crossed: the search's own check lists
        the words of the whole index first, then looks up each one's uses in
        every segment, which for a first letter took 80-150 ms at 100k (21
        segments) before it could refuse; this takes 15-30 ms."""
        fast = self.searcher.fast
        own = _stem(fold(prefix))
        for field in SEARCHED:
            words: set[bytes] = set()
            uses = 0
            for leaf, _ in fast.leaves:
                for btext, info in leaf.reader().iter_prefix(field, own):
                    words.add(btext)
                    uses += info.doc_frequency()
                    if len(words) > limits.MAX_EXPANSION or \
                            uses > limits.MAX_EXPANSION_POSTINGS:
                        raise keep_typing(prefix)

    def completions(self, prefix: str, most: int) -> list[str]:
        """The `most` most used words of the index that a word starting with
        `prefix` is indexed as, most used first."""
        self.check_prefix(prefix)
        fast = self.searcher.fast
        own = _stem(fold(prefix))
        field = self.searcher.schema["body"]
        words = {field.from_bytes(b) for b in fast.expansion(wq.Prefix("body", own))}
        words.update(self.forms(prefix))
        words = {w for w in words if _stem(w) == w}  # read back as written
        return sorted(words, key=lambda w: (-fast.doc_frequency("body", w), w))[:most]


def keep_typing(prefix: str) -> KeepTyping:
    return KeepTyping(f"keep typing: {prefix!r} stands for too many words to search yet")
