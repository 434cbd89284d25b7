"""Untrusted text on its way to a terminal.

Scraped text can hold escape sequences (an OSC 52 that rewrites the
clipboard, a title change, cursor moves) and bidi overrides that reorder what
the reader sees. Every string from an article passes through `printable`
before it is shown: C0/C1 controls other than newline and tab become their
visible Unicode "control picture" (ESC -> ␛), bidi controls become "⟦U+202E⟧".
Markup is never parsed from article text: callers build `rich.text.Text`
objects, which print characters literally.
"""

from __future__ import annotations

import json
import re

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
# Lone surrogates (from a JSON "\\ud800" escape, or undecodable argv bytes) are not
# text: no terminal or UTF-8 stream can take them, so they are shown as code points.
SURROGATES = "\ud800-\udfff"
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + BIDI_CONTROLS + SURROGATES + "]")


def _visible(match: re.Match) -> str:
    char = match.group(0)
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ ... ␟ (ESC is ␛)
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"⟦U+{code:04X}⟧"


def printable(text: str | None, keep_newlines: bool = True) -> str:
    """`text` with every control and bidi character made visible."""
    if not text:
        return ""
    safe = _UNSAFE.sub(_visible, text)
    if not keep_newlines:
        safe = safe.replace("\n", " ").replace("\t", " ")
    return safe


def dumps_json(data, indent: int | None = 2) -> str:
    """JSON whose strings cannot carry a raw control or bidi character
    (json escapes C0 itself; C1 and bidi controls and lone surrogates are
    escaped here, so the output is also always encodable as UTF-8)."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return re.sub("[\x7f-\x9f" + BIDI_CONTROLS + SURROGATES + "]",
                  lambda m: f"\\u{ord(m.group(0)):04x}", text)
