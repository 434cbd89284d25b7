"""The Whoosh schema: one document per cleaned article."""

from __future__ import annotations

from whoosh.analysis import (CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter,
                             StopFilter)
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.support.charset import accent_map

# Bump when fields or analysis change: an index of another version is refused
# with the command that rebuilds it.
SCHEMA_VERSION = 2


def text_analyzer():
    """English stemming with accent folding: 'Dayr' ~ 'Dáyr', 'reports' ~ 'report'."""
    return (RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter() | StemFilter())


def name_analyzer():
    """Names (sources, authors): lower case and accent folding, no stemming."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


def build_schema() -> Schema:
    analyzer = text_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, stored=True, field_boost=2.0),
        body=TEXT(analyzer=analyzer, stored=False),
        source=TEXT(analyzer=name_analyzer(), stored=True),
        # The source as written, for the facet counts by source.
        source_facet=ID(sortable=True),
        author=TEXT(analyzer=name_analyzer(), stored=False),
        date=DATETIME(stored=True, sortable=True),
        # YYYYMMDD, 0 when undated: newest-first sorting puts undated pages last.
        sortdate=NUMERIC(numtype=int, bits=32, sortable=True, signed=False),
        path=ID(stored=True),
        content_hash=ID(stored=True),
        # Canonical entity ids, filled by the entity recogniser (`entity:ID`).
        entity=KEYWORD(commas=True, lowercase=True, scorable=True),
    )
