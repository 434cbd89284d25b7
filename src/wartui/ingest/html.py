"""HTML pages: the main text and metadata by trafilatura, then the text cleaner.

trafilatura decides what the article is. To let the user see what it threw
away, the page's other text blocks are listed as dropped, with a reason taken
from where they sat (nav, aside, footer, a "comments" container ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Dropped

BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd",
              "blockquote", "figcaption", "caption", "pre", "address", "div", "nav", "aside",
              "footer", "header", "section", "article", "main", "form", "ul", "ol"}
# The first match on an element or its ancestors names the reason.
CONTAINER_REASONS = [
    ("comment", "comments"),
    ("related", "related-links"),
    ("share", "share"),
    ("social", "share"),
    ("donat", "donation"),
    ("subscribe", "widget"),
    ("newsletter", "widget"),
    ("author", "author-bio"),
    ("bio", "author-bio"),
    ("breadcrumb", "breadcrumb"),
    ("tag", "tag"),
    ("sidebar", "sidebar"),
    ("widget", "widget"),
    ("advert", "advertisement"),
    ("footer", "footer"),
    ("header", "header"),
    ("menu", "navigation"),
]
TAG_REASONS = {"nav": "navigation", "aside": "sidebar", "footer": "footer", "header": "header",
               "form": "form"}


@dataclass
class ExtractedPage:
    text: str
    given: dict[str, str] = field(default_factory=dict)
    dropped: list[Dropped] = field(default_factory=list)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _reason_for(element) -> str:
    node = element
    while node is not None:
        tag = node.tag if isinstance(node.tag, str) else ""
        marker = f"{node.get('class', '')} {node.get('id', '')}".lower()
        for needle, reason in CONTAINER_REASONS:
            if needle in marker:
                return reason
        if tag in TAG_REASONS:
            return TAG_REASONS[tag]
        node = node.getparent()
    return "page-chrome"


def _page_blocks(html: str):
    """(text, element) for each innermost text block of the page body."""
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except Exception:  # lxml raises several types on garbage; nothing to list then
        return
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag not in BLOCK_TAGS:
            continue
        if any(isinstance(child.tag, str) and child.tag in BLOCK_TAGS
               for child in element.iterdescendants()):
            continue
        text = _norm(element.text_content())
        if text:
            yield text, element


def extract_html(html: str) -> ExtractedPage:
    import trafilatura  # heavy: imported only when an HTML page is read

    document = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                           include_tables=True)
    data = document.as_dict() if hasattr(document, "as_dict") else (document or {})
    text = data.get("text") or ""
    given = {key: str(data[name]) for key, name in
             (("title", "title"), ("author", "author"), ("date", "date"),
              ("source", "sitename"), ("url", "url"), ("description", "description"))
             if data.get(name)}
    kept = {_norm(line) for line in text.split("\n") if line.strip()}
    kept_text = _norm(text)
    dropped, seen = [], set()
    for block, element in _page_blocks(html):
        if block in seen or block in kept or block in kept_text or block == given.get("title"):
            continue
        seen.add(block)
        dropped.append(Dropped(text=block, reason=_reason_for(element)))
    return ExtractedPage(text=text, given=given, dropped=dropped)
