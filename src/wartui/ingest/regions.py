"""Widgets found by the shape of a run of lines, not by one line's words:
comment threads, donation blocks, related-headline lists, captions and
photo credits; and the title among the lines of a page's head.

Each finder marks lines of `clean._Line` (`line.drop(reason)`); none reads a
site's own phrases (those are in rules.toml).
"""

from __future__ import annotations

import re

from . import shapes
from .dates import find_date, is_date_line

# -- comment threads -------------------------------------------------------------

# "Marwan B. says:", "peter wrote:", "Ketil on May 9, 2019 at 8:02 pm said:"
_SAYS = re.compile(r"^(?P<name>[^\s:][^:]{0,40}?)\s+(says|said|wrote|writes|commented|replied|"
                   r"responded)\b[^:]{0,40}:?$", re.I)
_TIME_AGO = re.compile(r"^(about\s+)?(\d+|an?|one|few)\s+(sec(ond)?|min(ute)?|h(ou)?r|day|"
                       r"week|month|year)s?\s+ago\b", re.I)
_REPLY_WORD = re.compile(r"\b(reply|replies|report|like|likes|dislike|upvote|downvote|vote|"
                         r"flag|permalink)\b", re.I)
# A bar of comment controls: only control words, numbers, arrows and separators.
_BAR = re.compile(r"^(?:reply|replies|report|like|likes|dislike|upvote|downvote|vote|votes|flag|"
                  r"permalink|edit|delete|share|hide|\d+|[↑↓▲▼△▽•·|/()+\-−–—›»]|\s)+$", re.I)
_BADGE = re.compile(r"^(moderator|mod|admin|author|editor|staff|verified( (reader|user|account))?|"
                    r"top (commenter|contributor|fan)|guest|member|subscriber|supporter|"
                    r"(\d+\s+)?(points?|karma|posts?))$", re.I)
_HANDLE = re.compile(r"^@?[\w.'’-]+( [\w.'’-]+){0,3}$")


def _is_timestamp(text: str) -> bool:
    return bool(_TIME_AGO.match(text)) or is_date_line(text) or bool(
        re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2,4}( \d{1,2}:\d{2}( ?[ap]m)?)?", text, re.I))


def comment_marker(lines, index: int) -> bool:
    """Whether the line opens one reader comment: "NAME says:", a handle over
    a timestamp or a badge, or a bar of comment controls."""
    text = lines[index].text
    words = text.split()
    if not words or len(words) > 10:
        return False
    if _SAYS.match(text) and text.endswith(":"):
        return True
    if _BAR.match(text) and _REPLY_WORD.search(text):
        return True
    if len(words) <= 4 and len(text) <= 40 and _HANDLE.match(text) and not text.endswith("."):
        following = _next_texts(lines, index, 2)
        if following and (_is_timestamp(following[0]) or _BADGE.match(following[0])):
            return True
    return False


def _next_texts(lines, index: int, count: int) -> list[str]:
    return [line.text for line in lines[index + 1:index + 1 + count]]


def thread_start(lines, prose_words: int) -> int | None:
    """The index of the line where a reader-comment thread starts: the first
    comment marker after some article prose with at least one more marker
    after it; or None."""
    prose = 0
    markers = [i for i in range(len(lines)) if comment_marker(lines, i)]
    for position, index in enumerate(markers):
        prose = sum(1 for line in lines[:index] if len(line.text.split()) >= prose_words)
        if prose < 1:
            continue
        if len(markers) - position >= 2:
            return index
    return None


# -- donation blocks ---------------------------------------------------------------

_MONEY = re.compile(
    r"([$€£¥₽₺]\s?\d|\d[\d,.]*\s?(usd|eur|gbp|dollars?|euros?|btc|eth|usdt)\b|"
    r"\b(paypal|patreon|bitcoin|btc|ethereum|eth|litecoin|monero|xmr|usdt|tether|liberapay|"
    r"ko-?fi|buymeacoffee|western union|iban|swift|bank transfer)\b|"
    r"\d+\s?%\s*(of|funded|raised|reached)?|\b(raised|goal|funded|donors?|backers)\b)", re.I)
_WALLET = re.compile(r"^(\S+:\s*)?(bc1[a-z0-9]{20,60}|[13][a-km-zA-HJ-NP-Z1-9]{25,39}|"
                     r"0x[0-9a-fA-F]{40}|T[1-9A-HJ-NP-Za-km-z]{33})$")
_MONTH_LABEL = re.compile(r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
                          r"( \d{4})?$", re.I)
_APPEAL = re.compile(r"\b(donat\w*|support|readers?|contribut\w*|gift|chip in|independent|"
                     r"fund\w*|paid for|subscri\w+|patron\w*)\b", re.I)


def is_money_line(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 10 and (bool(_WALLET.match(text)) or bool(_MONEY.search(text)))


def mark_donations(blocks, lines) -> None:
    """A block (or a run of lines) with two money lines or more (amounts,
    goals, wallets) is a donation widget, its appeal and month label with it;
    after the article it opens the tail."""
    for block in blocks:
        if len(block) >= 3 and sum(is_money_line(line.text) for line in block) >= 2:
            if any(line.reason is None and shapes.kind(line.shape) == shapes.GOOD
                   and not _APPEAL.search(line.text) for line in block):
                continue  # an article paragraph with figures in it
            for line in block:
                if line.reason is None or not line.explicit:
                    line.drop("donation")
    # pages without blank lines: a window of short lines
    for index, line in enumerate(lines):
        if line.reason is not None or not is_money_line(line.text):
            continue
        window = lines[index:index + 6]
        if sum(is_money_line(other.text) for other in window) < 2:
            continue
        start = index
        while start > 0 and _donation_lead(lines[start - 1]):
            start -= 1
        end = index
        while end + 1 < len(lines) and (is_money_line(lines[end + 1].text)
                                        or _donation_lead(lines[end + 1])
                                        or _MONTH_LABEL.match(lines[end + 1].text)):
            end += 1
        for other in lines[start:end + 1]:
            if other.reason is None:
                other.drop("donation")


def _donation_lead(line) -> bool:
    """A line of a donation widget around its amounts: a month label, a
    short appeal, a short label ("Other")."""
    if line.reason is not None and line.reason != "donation":
        return False
    text = line.text
    return bool(_MONTH_LABEL.match(text)) or (len(text.split()) <= 30 and bool(
        _APPEAL.search(text))) or len(text.split()) <= 2


# -- captions and credits ------------------------------------------------------------

_CREDIT = re.compile(r"((?:^|[.(|/]\s*)(photo|photograph|image|picture|graphic|illustration|map|"
                     r"chart|infographic)s?( credit| by| source)?\s*[:©]\s*[^.]{1,80}$|©|\(c\)\s|\bfile (photo|picture|image)\b|"
                     r"\b(photo|image|picture)\s*/|/\s*(afp|reuters|ap|epa|getty images|anadolu)\b|"
                     r"\((afp|reuters|ap|epa|getty images|anadolu)\)$|"
                     r"(?<=\S\s)(map|video|graphic|source)\s*:\s*[^.:]{1,40}$)", re.I)
# a caption ends with the place's date: "..., April 8, 2018." / "– April 21. 2018 (Livemap)"
_CAPTION_DATE = re.compile(r"[,–—-]\s*(\w+\.?\s+)?(\d{1,2}\s+\w+|\w+\s+\d{1,2})[,.]?\s+"
                           r"(19|20)\d\d\.?(\s*\([^)]{1,40}\))?$")


# an embedded post captured as text: "— Name (@handle) June 1, 2022"
_POST_SIGNATURE = re.compile(r"^[—–-]+\s*[^()]{1,60}\(@\w{1,30}\)\s*.{0,30}\d{4}$")
_GALLERY_COUNT = re.compile(r"^\d{1,3}\s*(of|/)\s*\d{1,3}$", re.I)
_QUOTED = re.compile(r"^[\"“”'‘’«](.{10,240})[\"“”'‘’»]$")


def mark_embeds(lines, page_text: str) -> None:
    """An embedded post (a tweet captured as text: its text, then "— Name
    (@handle) date"); a gallery's "3 of 9" counters and the caption under
    each; a pull quote (a quoted line that repeats a sentence of the page)."""
    counters = [i for i, line in enumerate(lines) if _GALLERY_COUNT.match(line.text)]
    for index, line in enumerate(lines):
        if line.reason is not None:
            continue
        if _POST_SIGNATURE.match(line.text):
            line.drop("embedded-post")
            before = lines[index - 1] if index else None
            if before is not None and before.reason is None and before.text.count(" ") < 60:
                before.drop("embedded-post")
    if len(counters) >= 2:
        for index in counters:
            lines[index].drop("gallery")
            following = lines[index + 1] if index + 1 < len(lines) else None
            if following is not None and following.reason is None \
                    and following.text.count(" ") < 45:
                following.drop("gallery")
    for line in lines:
        if line.reason is None:
            quoted = _QUOTED.match(line.text)
            if quoted and page_text.count(quoted.group(1).rstrip(".,")) >= 2:
                line.drop("pull-quote")


def mark_forms(blocks) -> None:
    """A block holding an e-mail field or a sign-up button is a newsletter or
    comment form: all of its short lines go."""
    for block in blocks:
        if len(block) < 2 or not any(_FORM_FIELD.match(line.text) for line in block):
            continue
        for line in block:
            if line.text.count(" ") < 30 and (line.reason is None or not line.explicit):
                line.drop("widget")


_FORM_FIELD = re.compile(r"^((your|enter( your)?|type( your)?)\s+)?(e-?mail|email address|name)"
                         r"( address)?\s*\*?\s*(\(required\))?$|^(sign up|subscribe|join|"
                         r"send|submit)( now| free)?$", re.I)


def mark_captions(lines) -> None:
    """Photo credits ("Photo: NAME/AFP", "FILE PHOTO"), and captions that end
    with the place's date ("Residents inspect the damage in Douma, April 8,
    2018."). A caption written several times on the page (under each copy of
    a map) is left to the repeated-caption rule, which keeps it once, as the
    map's label."""
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.text] = counts.get(line.text, 0) + 1
    for line in lines:
        if line.reason is not None:
            continue
        text = line.text
        words = len(text.split())
        if words > 45:
            continue
        if _CREDIT.search(text) and (words <= 30 or text.lower().startswith(("photo", "file"))):
            line.drop("caption")
        elif words <= 35 and _CAPTION_DATE.search(text) and find_date(text):
            if counts[text] == 1:
                line.drop("caption")
            else:
                line.kept_once = True


# -- related headlines ---------------------------------------------------------------

def mark_related(lines) -> None:
    """Three headline-shaped lines in a row (or two, after the article has
    ended) are a list of links to other stories."""
    started = next((i for i, line in enumerate(lines) if line.reason is None
                    and shapes.kind(line.shape) == shapes.GOOD), len(lines))
    run: list = []
    for line in lines[started:] + [None]:
        if line is not None and line.reason is None and shapes.is_headline(line.shape, line.text):
            run.append(line)
            continue
        if line is not None and line.reason is not None and run and not line.explicit:
            run.append(line)  # (already in the tail)
            continue
        heads = [item for item in run if item.reason is None]
        if len(heads) >= 3 or (len(heads) >= 2 and _after_article(lines, run[0])):
            for item in heads:
                item.drop("related-links")
        run = []


def _after_article(lines, first) -> bool:
    """No article-like paragraph after this line."""
    index = lines.index(first)
    return not any(line.reason is None and shapes.kind(line.shape) == shapes.GOOD
                   for line in lines[index:])


# -- junk inside the body ------------------------------------------------------------

_COUNTER = re.compile(r"^[\d.,]+\s*[km]?(\s+(views?|reads?|shares?|comments?|likes?|votes?))?$",
                      re.I)


def junk_inside(text: str, shape: shapes.Shape) -> str | None:
    """Furniture that may sit between two article paragraphs and still is not
    article: a bare number, a lone date, a bare link."""
    if shape.words > 12:
        return None
    if _COUNTER.match(text):
        return "counter"
    if is_date_line(text) or _MONTH_LABEL.match(text):
        return "date-label"
    if shape.has_url and shape.words <= 6 and not shape.sentence_end:
        return "link"
    return None


# -- the title ---------------------------------------------------------------------

_SEPARATORS = re.compile(r"\s[|·•›»/]\s|\S\s{2,}\S")
_DATED = ("byline", "metadata", "date-label", "site-furniture")


def title_score(lines, index: int, candidates: list[int], page_text: str) -> float:
    """How much a line of the head looks like the page's headline: a few
    words, headline-cased; the page's first line when long (a capture that
    starts at the headline); written again elsewhere on the page ("3 thoughts
    on “TITLE”", a breadcrumb); next to a byline or a date; the last such line
    above the body. Not a menu (separators), not a site's name or a section
    label (one to three words), not in capitals (a site's name, a ticker)."""
    line = lines[index]
    text, shape = line.text, line.shape
    if _SEPARATORS.search(line.raw.strip()) or _SEPARATORS.search(text):
        return -1.0
    score = 0.0
    if shape.words >= 4:
        score += 2
    elif shape.words <= 2:
        score -= 1
    if shape.words >= 7:  # (a headline says what happened; a tagline is shorter)
        score += 0.5
    if shape.capital_share >= 0.5:
        score += 1
    if text.isupper():
        score -= 1
    if index == 0 and shape.words >= 3 and not text.isupper():
        score += 2.5 if shape.words >= 5 else 1.5  # a capture that starts at its headline
    if shape.words >= 4 and page_text.count(text) >= 2:
        score += 2
    if any(_dated(other) for other in _neighbours(lines, index)):
        score += 1
    if shape.words <= 6 and _MEDIA_NAME.search(text):
        score -= 3  # a site's own name: "Kohsar News Agency", "Marram Forums"
    previous = next((other for other in reversed(lines[:index]) if other.text), None)
    if previous is not None and previous.soft and previous.shape.words >= 4 \
            and previous.shape.stop_share < shape.stop_share and _is_title_shaped(previous):
        score -= 1.5  # the standfirst under a headline
    headline_sized = [i for i in candidates if lines[i].shape.words >= 4]
    if headline_sized and index == headline_sized[-1]:
        score += 1
    return score


_MEDIA_NAME = re.compile(r"\b(news|agency|times|post|herald|daily|tribune|monitor|review|journal|"
                         r"gazette|forums?|blog|notebook|magazine|press|wire|network|tv|radio|"
                         r"channel|online|today|observer|chronicle|voice|dispatch|bulletin|"
                         r"weekly|quarterly|media|reporter|telegraph|courier|mirror|express|"
                         r"standard|sentinel|ledger|insider|digest)\b", re.I)


def _is_title_shaped(line) -> bool:
    return not line.text.endswith((".", ",", ";", ":")) and len(line.text) <= 250


def reads_as_text(line) -> bool:
    """Words of a sentence (function words among them), not a menu or a list
    of names."""
    if _SEPARATORS.search(line.raw.strip()) or _SEPARATORS.search(line.text):
        return False
    return line.shape.stop_share >= 0.2 and line.shape.digit_share < 0.2


def _neighbours(lines, index: int) -> list:
    return [lines[i] for i in (index - 1, index + 1) if 0 <= i < len(lines)]


def _dated(line) -> bool:
    """A byline or a date line."""
    if line.reason in ("byline",):
        return True
    words = len(line.text.split())
    return words <= 14 and (is_date_line(line.text) or (
        line.reason in _DATED and find_date(line.text) is not None))


# -- tags glued to the end of a line ----------------------------------------------

# "... Tags Syria Aleppo Damascus" (capitalised words, no sentence after)
TRAILING_TAGS = re.compile(r"(?:\s|^)(?:\.\.\.\s+)?(?:[\d\s]+)?\b(Tags?|Topics|Keywords)\b:?"
                           r"(?:\s+[^\s.!?]+){1,30}$")

# "Published on April 19 2017 by NAME", "Date of publication 3 October 2017",
# "Wednesday 07 December 2016", "24.08.2013", "Fri Sep 27 2013": a date glued
# to the start of a one-line article (what the page showed above it)
_D = r"(?:\d{1,2}\.\d{1,2}\.(?:19|20)\d\d|(?:19|20)\d\d-\d\d-\d\d|" \
     r"(?:\w{3,9},?\s+)?(?:\d{1,2}\s+[A-Z][a-z]{2,8}\.?|[A-Z][a-z]{2,8}\.?\s+\d{1,2}),?\s+(?:19|20)\d\d)"
LEADING_DATE = re.compile(r"^(?:(?:published|posted|updated|last updated|date of publication|"
                          r"first published)(?:\s+(?:on|at))?\s*:?\s*)?" + _D +
                          r"(?:\s+(?:at\s+)?\d{1,2}:?\d{2}(?:\s*(?:gmt|utc|am|pm))?)?", re.I)

# "(Reporting by NAME; Editing by NAME)" and what follows it, at a line's end
TRAILING_SIGNOFF = re.compile(r"(?:\s|^)\(?(?:reporting|writing|editing|additional reporting|"
                              r"compiled|translated|edited) by\b[^.]{0,200}?(?:\.[^.]{0,80})?$",
                              re.I)

# "... Related News Headline one | Headline two | ...": a list of links glued
# after a one-line article (capitalised, as a heading is)
TRAILING_RELATED = re.compile(r"(?:\s|^)(?:Related|More|Read More|Read Also|Also Read|Recommended)"
                              r"(?: News| Articles| Stories| Posts| Coverage| Content| on [A-Z]\w+)?"
                              r"\s*:?\s+\S[^.]*(?:\s[|•·]\s[^.]*){2,}$")

# "... 01 Related Headline One Headline Two": a list of links after the
# story's last sentence, with no separators (30 characters or more, no
# sentence end in them)
TRAILING_RELATED_RUN = re.compile(r"(?:[.!?…”\"]|\.\.\.(?:\s+\d+)*)\s+(?:Related(?: News| Articles| Stories)?|"
                                  r"Read (?:More|Also)|Also Read|More (?:News|Stories)|See Also)"
                                  r"\s+[^.!?]{30,}$")
# share furniture written before a one-line article: "Get short URL 0 0 0"
LEADING_SHARE = re.compile(r"^(?:get short url|short url|share this|print|e-?mail|font size|a\+ a-)"
                           r"(?:\s+\d+)*(?=\s+[A-Z])", re.I)
