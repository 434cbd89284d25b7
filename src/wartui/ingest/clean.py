"""Raw page -> clean Article: title, date, source, author, paragraphs, and
every dropped line (or part of a line) with its reason.

Three signals decide what is article, and none of them is a list of one
site's phrases:

1. **Site furniture, learned from the collection** (furniture.py): a line
   seen on several otherwise different pages of a source is its furniture.
2. **Shapes** (shapes.py, regions.py): a line's length, function words,
   capitals, digits and sentence end; the runs that comment threads,
   donation widgets and related-links lists make; resolved in context, as
   jusText does (a short line between two article paragraphs is article; a
   short line among short lines before or after the article is not).
3. **The end of the article**: once a comment thread, a related list, a
   donation block or an author box starts after the body, the rest of the
   page is boilerplate (the page's "tail").

What is truly phrase-shaped ("Share this:", "Leave a Reply", "Tags:") is
data, in `rules.toml`. The steps:

1. split the page into blocks (blank-line paragraphs, or lines when the page
   has no blank lines at all) and lines;
2. mark lines: rules, comment threads, donation and related-list runs, site
   furniture (whole lines, and furniture glued to the ends of a long line);
3. resolve the rest in context: the head (before the first article
   paragraph), the body, the tail;
4. choose the title among the head's lines, and the date from the head;
5. join the kept lines of each block into a paragraph; drop repeated
   captions and the repeated title, strip a leading dateline.

An article is never left empty: if every line would be dropped, the text is
kept and the article says so (`metadata["cleaning"]`).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..model import Article, Dropped, RawRecord
from . import regions, shapes
from .dates import date_in_path, find_date, is_date_line, parse_date
from .furniture import ONE_LINE_PAGE, UNIT_WORDS, Furniture, edge_sentences, scope_of

RULES_PATH = Path(__file__).with_name("rules.toml")
PROSE_WORDS = 20  # a kept line this long means the article body has started
LIST_ITEM = re.compile(r"^\s*(\d{1,2}[.)]|[-•*●▪◦])\s+")
HEADING_END = tuple(".!:;,\"”’'…")  # a subheading may be a question, not a sentence
KEPT_WHOLE_NOTE = "every line looked like boilerplate; the text is kept whole"


def _other_script(line: str, latin_page: bool) -> bool:
    """A line mostly in a non-Latin script on a Latin-script page
    (the 'read this in Arabic' link under an English article)."""
    if not latin_page:
        return False
    return _latin_share(line) < 0.4


def _latin_share(text: str) -> float:
    """The share of the letters of `text` that are Latin (1.0 without letters)."""
    if text.isascii():  # most lines: every letter in it is Latin
        return 1.0
    letters = sum(map(str.isalpha, text))
    if not letters:
        return 1.0
    other = sum(map(str.isalpha, _NOT_LATIN.findall(text)))
    return (letters - other) / letters


_NOT_LATIN = re.compile("[^\x00-\u024f\u1e00-\u1eff]")


PREDICATES: dict[str, Callable[[str, bool], bool]] = {"other_script": _other_script}


@dataclass(frozen=True)
class Rule:
    reason: str
    action: str = "drop"
    where: str = "anywhere"
    max_words: int = 15
    capture: str | None = None
    pattern: re.Pattern | None = None
    predicate: str | None = None

    def matches(self, line: str, latin_page: bool,
                words: int | None = None) -> re.Match | bool | None:
        """Whether the rule holds for `line` (of `words` words, if counted)."""
        if (len(line.split()) if words is None else words) > self.max_words:
            return None
        if self.predicate:
            return PREDICATES[self.predicate](line, latin_page)
        return self.pattern.search(line)


@dataclass(frozen=True)
class Rules:
    version: int
    rules: tuple[Rule, ...]
    comment_name: re.Pattern
    comment_max_chars: int
    comment_min_names: int
    comment_min_body: int
    comment_reason: str
    dateline: re.Pattern
    caption_max_chars: int
    not_title: re.Pattern


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_PATH) -> Rules:
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    rules = []
    for item in data["rule"]:
        flags = re.IGNORECASE if item.get("ignorecase", True) else 0
        rules.append(Rule(
            reason=item["reason"],
            action=item.get("action", "drop"),
            where=item.get("where", "anywhere"),
            max_words=item.get("max_words", 15),
            capture=item.get("capture"),
            pattern=re.compile(item["pattern"], flags) if "pattern" in item else None,
            predicate=item.get("predicate"),
        ))
    comments = data["comments"]
    return Rules(
        version=data["version"],
        rules=tuple(rules),
        comment_name=re.compile(comments["name_pattern"]),
        comment_max_chars=comments["max_name_chars"],
        comment_min_names=comments["min_names"],
        comment_min_body=comments["min_body_paragraphs"],
        comment_reason=comments["reason"],
        dateline=re.compile(data["prefix"]["dateline"], re.IGNORECASE),
        caption_max_chars=data["repeats"]["caption_max_chars"],
        not_title=re.compile(data["titles"]["not_title"], re.IGNORECASE),
    )


@dataclass
class _Line:
    number: int  # 1-based, in the text being cleaned
    raw: str  # as on the page
    text: str  # normalised: NBSP -> space, whitespace runs collapsed, stripped
    reason: str | None = None
    explicit: bool = False  # dropped by its own rule, not only for being in the tail
    detail: str = ""
    soft: bool = False  # dropped for where it is (head or tail), not for what it is
    title: bool = False  # chosen as the article's title
    kept_once: bool = False  # a caption written several times: kept where it first is
    cuts: list[Dropped] = field(default_factory=list)  # parts cut from its ends
    _shape: shapes.Shape | None = None

    @property
    def kept(self) -> bool:
        return self.reason is None and not self.title

    @property
    def shape(self) -> shapes.Shape:
        if self._shape is None:
            self._shape = shapes.shape(self.text)
        return self._shape

    def drop(self, reason: str, explicit: bool = True, detail: str = "",
             soft: bool = False) -> None:
        self.reason, self.explicit, self.detail, self.soft = reason, explicit, detail, soft

    def cut(self, part: str, reason: str, at_end: bool, detail: str = "") -> None:
        """Drop `part` from the start (or the end) of the line's text."""
        text = self.text
        if at_end:
            self.text = text[:len(text) - len(part)].rstrip()
        else:
            self.text = text[len(part):].lstrip(" .:;,-–—|")
        start, end = locate(self.raw, part, at_end)
        self.cuts.append(Dropped(part.strip(), reason, self.number, start, end, detail))
        self._shape = None


@dataclass
class _Paragraph:
    text: str
    line: int
    single_line: bool
    raw: str = ""  # the raw line, when the paragraph is one line


@dataclass
class _State:
    metadata: dict[str, str] = field(default_factory=dict)
    author: str = ""


def normalise_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line).replace("\u00a0", " ").replace("\u200b", "")
    return " ".join(line.split())


def locate(raw: str, part: str, at_end: bool = False) -> tuple[int, int]:
    """[start, end) of `part` (as normalised) in the raw line: its words in
    order, whatever the spacing between them (the last such place when
    `at_end`)."""
    words = part.split()
    if not words:
        return (len(raw), len(raw)) if at_end else (0, 0)
    exact = raw.rfind(part) if at_end else raw.find(part)
    if exact >= 0:  # (most pages: single spaces, no NBSP)
        return exact, exact + len(part)
    pattern = re.compile(r"\s+".join(re.escape(unicodedata.normalize("NFC", w)) for w in words))
    text = unicodedata.normalize("NFC", raw).replace("\u00a0", " ").replace("\u200b", " ")
    found = list(pattern.finditer(text)) if len(text) == len(raw) else []
    if not found:  # normalising changed the line's length: fall back to the whole line
        return 0, len(raw)
    match = found[-1] if at_end else found[0]
    return match.start(), match.end()


def split_blocks(text: str) -> list[list[_Line]]:
    """Blank-line blocks; or one block per line when the page has no blank lines."""
    lines = [_Line(n, raw, normalise_line(raw)) for n, raw in enumerate(text.split("\n"), 1)]
    body = [line for line in lines if line.text]
    if not body:
        return []
    first, last = body[0].number, body[-1].number
    has_blank_lines = any(not line.text for line in lines[first - 1 : last])
    if not has_blank_lines:
        return [[line] for line in body]
    blocks, current = [], []
    for line in lines:
        if line.text:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _comment_thread_start(blocks: list[list[_Line]], rules: Rules) -> int | None:
    """Index of the block where a reader-comment thread begins, or None.

    A thread is a run of short name lines ("Ryan Glantz"), each followed by a
    comment. Subheadings look alike, so the names must repeat, or be close
    together (at most two blocks apart on average), after enough article."""

    def is_name(block: list[_Line]) -> bool:
        return (len(block) == 1 and len(block[0].text) <= rules.comment_max_chars
                and bool(rules.comment_name.match(block[0].text))
                and not any(rule.matches(block[0].text, True) for rule in rules.rules))

    names = [i for i, block in enumerate(blocks) if is_name(block)]
    for position, start in enumerate(names):
        following = names[position:]
        if len(following) < rules.comment_min_names:
            return None
        prose_before = sum(1 for block in blocks[:start]
                           if sum(len(line.text.split()) for line in block) >= PROSE_WORDS)
        if prose_before < rules.comment_min_body:
            continue
        texts = [blocks[i][0].text for i in following]
        repeated = len(set(texts)) < len(texts)
        gaps = [b - a for a, b in zip(following, following[1:])]
        close = sum(gaps) / len(gaps) <= 3.0  # a name, a comment, maybe a blank reply
        if repeated or close:
            return start
    return None


def _mark_lines(blocks: list[list[_Line]], rules: Rules, state: _State) -> None:
    """Give each line that a rule or a thread names its reason, and open the
    page's tail where one begins (step 2 of the module docstring)."""
    page_text = " ".join(line.text for block in blocks for line in block)
    latin_page = _latin_share(page_text) >= 0.8
    lines = [line for block in blocks for line in block]
    thread_block = _comment_thread_start(blocks, rules)
    thread_line = lines.index(blocks[thread_block][0]) if thread_block is not None else None
    marked = regions.thread_start(lines, PROSE_WORDS)
    if marked is not None and (thread_line is None or marked < thread_line):
        thread_line = marked
    tail: str | None = None
    tail_detail = ""
    prose_seen = False
    for index, line in enumerate(lines):
        if index == thread_line:
            tail = rules.comment_reason
            tail_detail = f"the comment thread from line {line.number} on"
            line.drop(tail)
            continue
        words = len(line.text.split())
        rule, match = _first_rule(line.text, rules, latin_page, not prose_seen, words)
        if rule is not None:
            line.drop(rule.reason)
            if rule.action == "tail" and prose_seen:
                tail = rule.reason
                tail_detail = f"after line {line.number}, where the page's {tail} begin"
            if rule.capture and isinstance(match, re.Match) and match.group("value"):
                value = match.group("value").strip().rstrip(".;,")
                if rule.capture == "author":
                    state.author = state.author or value
                else:
                    state.metadata[rule.capture] = value
        elif tail:
            line.drop(tail, explicit=False, detail=tail_detail)
        elif words >= PROSE_WORDS:
            prose_seen = True
    _extend_donation_lead_in(blocks)


def _first_rule(text: str, rules: Rules, latin_page: bool, top: bool, words: int):
    # (each rule counted the line's words again: a third of cleaning's time)
    for rule in rules.rules:
        if rule.where == "after" or rule.where == "top" and not top:
            continue
        match = rule.matches(text, latin_page, words)
        if match:
            return rule, match
    return None, None


def _extend_donation_lead_in(blocks: list[list[_Line]]) -> None:
    """An appeal often opens with a slogan ("Propaganda distorts the truth..")
    that no rule names; short tail lines right before it belong to it."""
    for index, block in enumerate(blocks):
        if not any(line.explicit and line.reason == "donation" for line in block):
            continue
        back = index - 1
        while back >= 0:
            lines = blocks[back]
            if not all(line.reason and not line.explicit and len(line.text) < 100
                       and not LIST_ITEM.match(line.text) for line in lines):
                break
            for line in lines:
                line.reason = "donation"
            back -= 1


def _mark_furniture(blocks: list[list[_Line]], furniture: Furniture | None, scope: str,
                    rules: Rules) -> None:
    """Drop the lines that are the site's furniture, and the furniture glued
    to the ends of the page's first and last lines. A prose sentence shared
    with other pages is dropped only beside other furniture: a story's
    sentences shared by a few unrelated pages (a background paragraph, a
    recombined corpus) are article."""
    lines = [line for block in blocks for line in block]
    if not lines:
        return
    if len(lines) <= ONE_LINE_PAGE:
        _trim_edges(lines[0], furniture, scope, rules, at_end=False)
        _trim_edges(lines[-1], furniture, scope, rules, at_end=True)
    if not furniture:
        return
    prose_candidates = []
    for line in lines:
        if line.reason and line.explicit or line.text.count(" ") >= UNIT_WORDS:
            continue
        seen = furniture.seen(scope, line.text)
        if not seen:
            continue
        if shapes.is_prose(line.shape):
            if furniture.everywhere(scope, seen):
                prose_candidates.append((line, seen))
        else:
            line.drop("site-furniture", detail=_seen_detail(seen, scope))
    # prose furniture: only next to other dropped lines (repeat until settled)
    changed = True
    while changed and prose_candidates:
        changed = False
        for item in list(prose_candidates):
            line, seen = item
            index = lines.index(line)
            neighbours = [lines[i] for i in (index - 1, index + 1) if 0 <= i < len(lines)]
            if any(n.reason and n.explicit for n in neighbours):
                line.drop("site-furniture", detail=_seen_detail(seen, scope))
                prose_candidates.remove(item)
                changed = True


def _seen_detail(seen: int, scope: str) -> str:
    where = "this source" if scope else "this collection"
    return f"seen on {seen} pages of {where}"


def _trim_edges(line: _Line, furniture: Furniture | None, scope: str, rules: Rules,
                at_end: bool) -> None:
    """Cut the furniture glued to one end of a long line (a whole article on
    one line, as CSV collections keep them): the longest learned run of
    sentences or words at that end, then again, while some is left."""
    anchored = False  # a first cut made: prose-like furniture next to it goes too
    for _ in range(6):
        text = line.text
        if len(text.split()) < 8:
            return
        known = _rule_end(text, rules, at_end)  # (a known shape first: it cuts where it ends)
        if known is not None:
            reason, part = known
            line.cut(part, reason, at_end)
            anchored = True
            continue
        found = _furniture_end(text, furniture, scope, at_end, anchored) if furniture else None
        if found is None:
            return
        seen, part = found
        line.cut(part, "site-furniture", at_end, _seen_detail(seen, scope))
        anchored = True


def _prose_like(text: str) -> bool:
    """Reads like an article's sentence: shared by other pages, it may still
    be the story's (a background paragraph an outlet repeats)."""
    found = shapes.shape(text)
    return found.words >= 8 and found.sentence_end and found.stop_share >= 0.3


def _furniture_end(text: str, furniture: Furniture, scope: str, at_end: bool,
                   anchored: bool = False) -> tuple[int, str] | None:
    """The longest learned furniture at one end of `text`: whole sentences,
    or a run of words that ends (starts) where a sentence does; never the
    whole text, and prose-like only next to furniture cut already
    (`anchored`)."""
    from .furniture import EDGE_WORDS

    best: tuple[int, str] | None = None
    parts, more = edge_sentences(text, at_end)
    if more or len(parts) >= 2:
        for count in range(1, min(3, len(parts) - (0 if more else 1)) + 1):
            chosen = parts[-count:] if at_end else parts[:count]
            if not all(furniture.seen(scope, p) for p in chosen):
                break
            seen = min(furniture.seen(scope, p) for p in chosen)
            if not any(map(_prose_like, chosen)) or anchored and furniture.everywhere(scope, seen):
                best = (seen, " ".join(chosen))
    words = text.split()
    for count in EDGE_WORDS:
        if count >= len(words):
            break
        chosen_words = words[-count:] if at_end else words[:count]
        part = " ".join(chosen_words)
        seen = furniture.seen(scope, part)
        if not seen or (best and len(best[1]) >= len(part)):
            continue
        # a run of words is cut only where a sentence ends: never the end
        # (or the start) of an article sentence that other pages share
        if at_end:
            boundary = words[-count - 1].endswith(_CLAUSE_END) or part[:1] in "(-–—|"
        else:
            following = words[count]
            boundary = part.endswith(_CLAUSE_END) and (following[:1].isupper()
                                                       or following[:1].isdigit())
        # (or, in a known source, where the run is on a large share of its
        # pages: "... Damascus Community standards Comment via Facebook")
        common = (bool(scope) and furniture.everywhere(scope, seen)
                  and (part[:1].isupper() or part[:1] in "(-–—|"))
        if (boundary or common) and (not _prose_like(part) or anchored and common):
            best = (seen, part)
    return best


END_SEARCHED = 1500  # characters at a line's end where glued furniture is looked for
_CLAUSE_END = (".", "!", "?", "…", ":", "|", "»", ")", "\"", "”")


def _rule_end(text: str, rules: Rules, at_end: bool) -> tuple[str, str] | None:
    """Furniture of a known shape glued to an end of a long line: a list of
    tags at its end ("... Tags Syria Aleppo Damascus"), a date or a
    "Published on" at its start (regions.py)."""
    if at_end:
        # (searched in the line's end only: the patterns end with $, and a
        # search from every place of a 2 KB line costs ~0.5 ms)
        offset = max(0, len(text) - END_SEARCHED)
        end = text[offset:]
        folded = end.casefold()
        for reason, pattern, hints in (
                ("tag", regions.TRAILING_TAGS, ("tag", "topic", "keyword")),
                ("sign-off", regions.TRAILING_SIGNOFF, (" by ",)),
                ("related-links", regions.TRAILING_RELATED, ("|", "•", "·")),
                ("related-links", regions.TRAILING_RELATED_RUN, ("related", "read ", "more ",
                                                                 "see also"))):
            if not any(hint in folded for hint in hints):
                continue  # (a substring test is ~100 times cheaper than the search)
            match = pattern.search(text, offset)
            if match and match.start() > 0:
                part = text[match.start():].strip()
                if pattern is regions.TRAILING_RELATED_RUN:
                    part = part.lstrip(".!?…”\" ")  # (the story's last sentence ends it)
                    part = part[part.index(part.split()[0]):] if part else part
                return reason, part
        return None
    match = regions.LEADING_DATE.match(text)
    if match and match.end() < len(text) and text[match.end():].strip()[:1].isupper():
        return "dateline", text[:match.end()].strip()
    match = regions.LEADING_SHARE.match(text)
    if match:
        return "share", text[:match.end()].strip()
    return None


def _mark_regions(blocks: list[list[_Line]], rules: Rules) -> None:
    """Runs of lines that make one widget: a donation block, a list of
    related headlines, captions and photo credits (regions.py)."""
    lines = [line for block in blocks for line in block]
    regions.mark_donations(blocks, lines)
    regions.mark_forms(blocks)
    regions.mark_embeds(lines, " ".join(line.text for line in lines))
    regions.mark_captions(lines)
    regions.mark_related(lines)


def _resolve_in_context(blocks: list[list[_Line]], rules: Rules) -> None:
    """Step 3: the lines no rule, region or furniture named, by their shape
    and their neighbours (jusText's context-sensitive pass, on lines).

    The body runs from the first to the last good line (article-like prose);
    before it is the head (menus, labels, the title, a byline), after it the
    tail. A short line inside the body is article (a subheading, a one-line
    paragraph, a list item), unless it holds only a number, a date or a
    link; a near-good line that touches the body is article too (a last
    short sentence). Everything else outside the body is dropped for where
    it is (`soft`), so that the title can still be chosen from the head."""
    lines = [line for block in blocks for line in block]
    open_lines = [line for line in lines if line.reason is None]
    if not open_lines:
        return
    kinds = {id(line): shapes.kind(line.shape) for line in open_lines}
    good = [i for i, line in enumerate(lines)
            if line.reason is None and kinds[id(line)] == shapes.GOOD]
    if not good:
        good = [i for i, line in enumerate(lines)
                if line.reason is None and kinds[id(line)] == shapes.NEAR]
    # prose after the article that is not article: the site's "about us",
    # an appeal, the writer's bio (rules with where = "after")
    while len(good) > 1:
        rule = _after_rule(lines[good[-1]].text, rules)
        if rule is None:
            break
        lines[good.pop()].drop(rule.reason)
    if not good:
        return  # nothing article-like: keep what is left (never an empty article)
    first, last = good[0], good[-1]
    # near-good lines touching the body belong to it, across a caption or an
    # advertisement line
    while first > 0 and _joins_body(lines[first - 1], kinds):
        first -= 1
    step = last + 1
    while step < len(lines):
        if _joins_body(lines[step], kinds):
            rule = _after_rule(lines[step].text, rules)
            if rule is not None:  # a short bio or appeal right after the article
                lines[step].drop(rule.reason)
                break
            last = step
        elif not (lines[step].explicit and lines[step].reason in INLINE_REASONS):
            break
        step += 1
    for i, line in enumerate(lines):
        if line.reason is not None or line.kept_once:
            continue
        if i < first:
            line.drop("page-header", explicit=False, soft=True,
                      detail=f"above the article, which begins at line {lines[first].number}")
        elif i > last:
            line.drop("after-article", explicit=False, soft=True,
                      detail=f"below the article, which ends at line {lines[last].number}")
        else:
            reason = regions.junk_inside(line.text, line.shape)
            if reason:
                line.drop(reason)


# Furniture that sits between two article paragraphs without ending the article.
INLINE_REASONS = frozenset({"caption", "widget", "read-more", "counter", "date-label"})


def _after_rule(text: str, rules: Rules) -> Rule | None:
    words = len(text.split())
    for rule in rules.rules:
        if rule.where == "after" and rule.matches(text, True, words):
            return rule
    return None


def _joins_body(line: _Line, kinds: dict[int, str]) -> bool:
    if line.reason is not None:
        return False
    kind = kinds.get(id(line))
    if kind not in (shapes.NEAR, shapes.SHORT):
        return False
    if line.text.endswith(":"):  # a line that opens a list or a quote
        return line.shape.words >= 4 and line.shape.stop_share >= 0.2
    return shapes.is_sentence_like(line.shape)


def _choose_title(blocks: list[list[_Line]], rules: Rules, given: str) -> str:
    """The headline: given by the source, or the best headline-shaped line
    of the page's head (regions.title_score), never a label, a date, a
    section name or a ticker."""
    if given:
        return given
    lines = [line for block in blocks for line in block]
    page_text = " ".join(line.text for line in lines)
    candidates = []
    for index, line in enumerate(lines):
        if line.reason is None:
            break  # the body
        if line.soft and _is_title_text(line.text, rules):
            candidates.append(index)
    if not candidates:
        return ""
    score, _, chosen = max(((regions.title_score(lines, index, candidates, page_text), -index,
                             lines[index]) for index in candidates), key=lambda c: (c[0], c[1]))
    if score <= 1:  # (a line with nothing of a headline: the page has none)
        return ""
    chosen.reason, chosen.soft, chosen.title = None, False, True
    _keep_standfirst(lines, lines.index(chosen), rules)
    return chosen.text


def _keep_standfirst(lines: list[_Line], title: int, rules: Rules) -> None:
    """A line between the headline and the body that reads as a summary of
    the story (the standfirst, or a subtitle) is article, not page furniture:
    six words or more, not a label, a date or a menu."""
    for line in lines[title + 1:]:
        if line.reason is None:
            return  # the body
        if (line.soft and len(line.text.split()) >= 6 and _is_title_text(line.text, rules)
                and regions.reads_as_text(line)):
            line.reason, line.soft, line.explicit = None, False, False


# "Join Date: Mar 2011", "Posts: 1,204", "Location: Idlib"
_LABEL_VALUE = re.compile(r"^[\w ]{1,24}:\s*(\S+(\s+\S+)?|.{0,30}\d.{0,30})$")


def _is_title_text(text: str, rules: Rules) -> bool:
    words = text.split()
    return (1 <= len(words) <= 30 and len(text) <= 250
            and not text.endswith((".", ",", ";", ":"))
            and not is_date_line(text) and not rules.not_title.search(text)
            and not _LABEL_VALUE.match(text)
            and not (len(words) <= 6 and find_date(text)))  # "16.08.2017 19:40, Horlivka"


def _head_date(blocks: list[list[_Line]]) -> str | None:
    """The first date written on a line of the page's head (a byline, a
    "Published:" line, "SITE, April 3, 2018", a lone date)."""
    for block in blocks:
        for line in block:
            if line.reason is None and not line.title:
                return None  # the body
            if line.reason in ("comments", "related-links", "donation"):
                continue
            if len(line.text.split()) <= 16:
                found = find_date(line.text)
                if found:
                    return found
    return None


def _paragraphs(blocks: list[list[_Line]]) -> tuple[list[_Paragraph], list[Dropped]]:
    paragraphs, dropped = [], []
    for block in blocks:
        kept = [line for line in block if line.kept]
        for line in block:
            dropped.extend(line.cuts)
            if line.reason is not None:
                dropped.append(Dropped(line.text, line.reason, line.number,
                                       detail=line.detail)
                               if not line.cuts else
                               Dropped(line.text, line.reason, line.number,
                                       *locate(line.raw, line.text), line.detail))
        if kept:
            paragraphs.append(_Paragraph(" ".join(line.text for line in kept), kept[0].number,
                                         single_line=len(kept) == 1,
                                         raw=kept[0].raw if len(kept) == 1 else ""))
    return paragraphs, dropped


_WORD_RUN = re.compile(r"\w+")


def _key(text: str) -> str:
    """Comparison key: case, punctuation and spacing do not matter (its runs
    of word characters, one space apart)."""
    return " ".join(_WORD_RUN.findall(text.casefold()))


def _is_title_like(paragraph: _Paragraph) -> bool:
    words = paragraph.text.split()
    return (paragraph.single_line and 2 <= len(words) <= 30 and len(paragraph.text) <= 250
            and not paragraph.text.endswith((".", "!", "?", ",", ";")))


def _is_heading(paragraph: _Paragraph, following: _Paragraph | None) -> bool:
    return (paragraph.single_line and following is not None
            and len(paragraph.text.split()) <= 12 and len(paragraph.text) <= 100
            and not paragraph.text.endswith(HEADING_END)
            and len(following.text) > len(paragraph.text))


def _strip_prefixes(paragraphs: list[_Paragraph], title: str, rules: Rules,
                    dropped: list[Dropped]) -> str | None:
    """Strip a dateline and a repeated title from the first paragraph.
    Returns the dateline text, which may carry the date."""
    if not paragraphs:
        return None
    first = paragraphs[0]
    dateline = None
    match = rules.dateline.match(first.text)
    if match and match.end() < len(first.text):
        dateline = match.group(0).strip()
        dropped.append(_part_of(first, dateline, "dateline"))
        first.text = first.text[match.end():]
    if title:
        words = first.text.split()
        found = _title_at_start(words, title)
        if found is not None:
            before, count = found
            if before:  # "Posted on April 19 2017 by NAME <title>": what the page showed above it
                lead = " ".join(words[:before])
                dropped.append(_part_of(first, lead, "byline" if " by " in f" {lead.lower()} "
                                        else "metadata"))
            prefix = " ".join(words[before:before + count])
            dropped.append(_part_of(first, prefix, "repeated-title"))
            first.text = " ".join(words[before + count:]).lstrip(" .:-–—")
    if not first.text:
        paragraphs.pop(0)
    return dateline


TITLE_LEAD_WORDS = 15  # a byline or date before a repeated title, at most


def _title_at_start(words: list[str], title: str) -> tuple[int, int] | None:
    """(words before, words of) the title at the start of a paragraph: at
    its very start, or after a short lead holding a date or "by NAME"."""
    title_key = _key(title)
    if not title_key:
        return None
    title_words = len(title.split())
    first_letter = title_key[0]
    for before in range(0, min(TITLE_LEAD_WORDS, len(words)) + 1):
        if before >= len(words) or first_letter not in words[before][:2].casefold():
            continue
        if before:
            lead = " ".join(words[:before])
            if " by " not in f" {lead.lower()} " and not find_date(lead):
                continue
        # the shortest run of words from there that spells the title
        for count in range(1, min(len(words) - before, title_words + 3) + 1):
            run_key = _key(" ".join(words[before:before + count]))
            if run_key == title_key:
                return before, count
            if not title_key.startswith(run_key):
                break
    return None


def _part_of(paragraph: _Paragraph, part: str, reason: str) -> Dropped:
    """A part cut from the start of a paragraph: with its place in the raw
    line when the paragraph is one line."""
    if not paragraph.raw:
        return Dropped(part, reason, paragraph.line)
    start, end = locate(paragraph.raw, part)
    if (start, end) == (0, len(paragraph.raw)):
        return Dropped(part, reason, paragraph.line)
    return Dropped(part, reason, paragraph.line, start, end)


def clean(record: RawRecord, rules: Rules | None = None,
          furniture: Furniture | None = None) -> Article:
    """Clean one raw page into an Article. `furniture`: the site furniture
    learned from the collection (furniture.learn, or the index's)."""
    rules = rules or load_rules()
    text, given, dropped = record.text, dict(record.given), []
    if record.kind == "html":
        from .html import extract_html

        page = extract_html(text)
        text = page.text
        dropped.extend(page.dropped)
        for key, value in page.given.items():
            given.setdefault(key, value)
        furniture = None  # (learned from plain-text pages)

    state = _State()
    blocks = split_blocks(text)
    _mark_lines(blocks, rules, state)
    _mark_furniture(blocks, furniture, scope_of(record), rules)
    _mark_regions(blocks, rules)
    _resolve_in_context(blocks, rules)
    given_title = normalise_line(given.get("title", ""))
    title = _choose_title(blocks, rules, given_title)
    head_date = _head_date(blocks) if not given.get("date") else None
    paragraphs, line_drops = _paragraphs(blocks)
    dropped.extend(line_drops)

    metadata = {k: v for k, v in record.extra.items() if v}
    dropped_before_dedup = list(dropped)
    kept: list[_Paragraph] = []
    seen: set[str] = set()
    title_key = _key(title)
    for paragraph in paragraphs:
        key = _key(paragraph.text)
        if title_key and key == title_key:
            dropped.append(Dropped(paragraph.text, "repeated-title", paragraph.line))
        elif key in seen:
            reason = ("repeated-caption" if len(paragraph.text) <= rules.caption_max_chars
                      else "repeated-paragraph")
            dropped.append(Dropped(paragraph.text, reason, paragraph.line))
        else:
            seen.add(key)
            kept.append(paragraph)

    dateline = _strip_prefixes(kept, title, rules, dropped)
    if not kept and text.strip():
        # cleaning would leave no text: keep the page's lines as they are
        # (a row whose text is its title, a page of short lines), and say so
        kept, dropped = _kept_whole(blocks, dropped_before_dedup)
        metadata["cleaning"] = KEPT_WHOLE_NOTE
    headings = [i for i, p in enumerate(kept)
                if _is_heading(p, kept[i + 1] if i + 1 < len(kept) else None)]

    cut_dateline = next((d.text for d in dropped if d.reason == "dateline"), None)
    date = (parse_date(given.get("date", "")) or head_date or find_date(title)
            or (parse_date(dateline) if dateline else None)
            or (find_date(cut_dateline) if cut_dateline else None)
            or date_in_path(given.get("url", "")) or date_in_path(record.path))
    metadata.update(state.metadata)
    for key in ("url", "description"):
        if given.get(key):
            metadata[key] = given[key]
    dropped.sort(key=lambda d: (d.line, d.start or 0))
    return Article(
        id=record.id,
        title=title,
        date=date,
        source=given.get("source", ""),
        author=given.get("author", "") or state.author,
        paragraphs=[p.text for p in kept],
        headings=headings,
        dropped=dropped,
        metadata=metadata,
        path=record.path,
    )


def _kept_whole(blocks: list[list[_Line]],
                dropped: list[Dropped]) -> tuple[list[_Paragraph], list[Dropped]]:
    """Every line would be dropped: keep the page's text as its paragraphs
    (a one-line row, a page of only short lines), cuts undone; the title,
    when it was taken from a line, stays the title."""
    paragraphs = []
    for block in blocks:
        text = " ".join(normalise_line(line.raw) for line in block
                        if normalise_line(line.raw) and not line.title)
        if text:
            paragraphs.append(_Paragraph(text, block[0].number, single_line=len(block) == 1,
                                         raw=block[0].raw if len(block) == 1 else ""))
    lines = {line.number for block in blocks for line in block}
    return paragraphs, [d for d in dropped if d.line not in lines]
