"""Raw page -> clean Article: title, date, source, author, paragraphs, and
every dropped line with its reason.

The rules live in `rules.toml` (data); this module only applies them:

1. split the page into blocks (blank-line paragraphs, or lines when the page
   has no blank lines at all) and lines;
2. test each line against the rules: a `drop` rule removes the line, a `tail`
   rule also opens the page's tail, where everything after is boilerplate;
   a comment thread is found by its shape (commenter names between comments);
3. join the kept lines of each block into a paragraph; take the title, drop
   repeated captions and the repeated title, strip a leading dateline.
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
from .dates import find_date, parse_date

RULES_PATH = Path(__file__).with_name("rules.toml")
PROSE_WORDS = 20  # a kept line this long means the article body has started
LIST_ITEM = re.compile(r"^\s*(\d{1,2}[.)]|[-•*●▪◦])\s+")
HEADING_END = tuple(".!:;,\"”’'…")  # a subheading may be a question, not a sentence


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
    )


@dataclass
class _Line:
    number: int  # 1-based, in the text being cleaned
    text: str  # normalised: NBSP -> space, whitespace runs collapsed, stripped
    reason: str | None = None
    explicit: bool = False  # dropped by its own rule, not only for being in the tail

    @property
    def kept(self) -> bool:
        return self.reason is None


@dataclass
class _Paragraph:
    text: str
    line: int
    single_line: bool


@dataclass
class _State:
    metadata: dict[str, str] = field(default_factory=dict)
    author: str = ""


def normalise_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line).replace("\u00a0", " ").replace("\u200b", "")
    return " ".join(line.split())


def split_blocks(text: str) -> list[list[_Line]]:
    """Blank-line blocks; or one block per line when the page has no blank lines."""
    lines = [_Line(n, normalise_line(raw)) for n, raw in enumerate(text.split("\n"), 1)]
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
    """Give each boilerplate line its reason (pass 2 of the module docstring)."""
    page_text = " ".join(line.text for block in blocks for line in block)
    latin_page = _latin_share(page_text) >= 0.8
    thread_start = _comment_thread_start(blocks, rules)
    tail: str | None = None
    prose_seen = False
    for index, block in enumerate(blocks):
        if index == thread_start:
            tail = rules.comment_reason
            block[0].reason, block[0].explicit = tail, True
            continue
        for line in block:
            words = len(line.text.split())
            rule, match = _first_rule(line.text, rules, latin_page, not prose_seen, words)
            if rule is not None:
                line.reason, line.explicit = rule.reason, True
                if rule.action == "tail" and prose_seen:
                    tail = rule.reason
                if rule.capture and isinstance(match, re.Match) and match.group("value"):
                    value = match.group("value").strip().rstrip(".;,")
                    if rule.capture == "author":
                        state.author = state.author or value
                    else:
                        state.metadata[rule.capture] = value
            elif tail:
                line.reason = tail
            elif words >= PROSE_WORDS:
                prose_seen = True
    _extend_donation_lead_in(blocks)


def _first_rule(text: str, rules: Rules, latin_page: bool, top: bool, words: int):
    # (each rule counted the line's words again: a third of cleaning's time)
    for rule in rules.rules:
        if rule.where == "top" and not top:
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


def _paragraphs(blocks: list[list[_Line]]) -> tuple[list[_Paragraph], list[Dropped]]:
    paragraphs, dropped = [], []
    for block in blocks:
        kept = [line for line in block if line.kept]
        dropped.extend(Dropped(line.text, line.reason, line.number)
                       for line in block if not line.kept)
        if kept:
            paragraphs.append(_Paragraph(" ".join(line.text for line in kept), kept[0].number,
                                         single_line=len(kept) == 1))
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
        dropped.append(Dropped(dateline, "dateline", first.line))
        first.text = first.text[match.end():]
    if title:
        title_key = _key(title)
        words = first.text.split()
        # find the shortest prefix of the paragraph that spells the title
        for count in range(1, min(len(words), len(title.split()) + 3) + 1):
            prefix_key = _key(" ".join(words[:count]))
            if prefix_key == title_key:
                prefix = " ".join(words[:count])
                dropped.append(Dropped(prefix, "repeated-title", first.line))
                first.text = " ".join(words[count:]).lstrip(" .:-–—")
                break
            if not title_key.startswith(prefix_key):
                break
    if not first.text:
        paragraphs.pop(0)
    return dateline


def clean(record: RawRecord, rules: Rules | None = None) -> Article:
    """Clean one raw page into an Article."""
    rules = rules or load_rules()
    text, given, dropped = record.text, dict(record.given), []
    if record.kind == "html":
        from .html import extract_html

        page = extract_html(text)
        text = page.text
        dropped.extend(page.dropped)
        for key, value in page.given.items():
            given.setdefault(key, value)

    state = _State()
    blocks = split_blocks(text)
    _mark_lines(blocks, rules, state)
    paragraphs, line_drops = _paragraphs(blocks)
    dropped.extend(line_drops)

    title = normalise_line(given.get("title", ""))
    if not title and paragraphs and _is_title_like(paragraphs[0]):
        title = paragraphs.pop(0).text

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
    headings = [i for i, p in enumerate(kept)
                if _is_heading(p, kept[i + 1] if i + 1 < len(kept) else None)]

    date = (parse_date(given.get("date", "")) or find_date(title)
            or (parse_date(dateline) if dateline else None))
    metadata = {k: v for k, v in record.extra.items() if v}
    metadata.update(state.metadata)
    for key in ("url", "description"):
        if given.get(key):
            metadata[key] = given[key]
    dropped.sort(key=lambda d: d.line)
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
