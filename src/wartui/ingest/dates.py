"""Dates as they appear in scraped reports, to ISO 8601 (YYYY-MM-DD)."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"

# "April 3, 2018", "April 21. 2018", "Apr 3 2018"
MONTH_DAY_YEAR = re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?[,.]?\s+(?P<year>(?:19|20)\d\d)\b", re.I)
# "05 Apr 2017", "3 April, 2018"
DAY_MONTH_YEAR = re.compile(r"\b(?P<day>\d{1,2})\s+" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)\b", re.I)
ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b")
# US-style numeric, as FA-KES writes it: M/D/YY or M/D/YYYY
NUMERIC = re.compile(r"^(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{2}|\d{4})$")


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _from_match(match: re.Match) -> str | None:
    month = match.group("month")
    month_number = int(month) if month.isdigit() else MONTHS[month.lower().rstrip(".")]
    year = int(match.group("year"))
    if year < 100:
        year += 2000 if year < 70 else 1900
    return _iso(year, month_number, int(match.group("day")))


def parse_date(value: str) -> str | None:
    """A date given as metadata (a CSV column, an HTML meta tag) to ISO."""
    value = value.strip()
    if not value:
        return None
    for pattern in (ISO, NUMERIC, MONTH_DAY_YEAR, DAY_MONTH_YEAR):
        match = pattern.search(value) if pattern is not NUMERIC else pattern.match(value)
        if match:
            return _from_match(match)
    return None


def find_date(text: str) -> str | None:
    """The first full written date in running text ("April 3, 2018")."""
    for pattern in (MONTH_DAY_YEAR, DAY_MONTH_YEAR, ISO):
        match = pattern.search(text)
        if match:
            found = _from_match(match)
            if found:
                return found
    return None
