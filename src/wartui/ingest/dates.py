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
# Day first with dots, as European sites write it: "09.04.2018", "9.4.2018 14:22"
DOTTED = re.compile(r"(?<![\d.])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>(?:19|20)\d\d)\b")
# A date in a URL or a file name: /2018/04/03/, 2018-04-03-slug, 20180403_report
PATH_DATE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)([/_-]?)(?P<month>[01]\d)\2(?P<day>[0-3]\d)(?!\d)")
# "18/06/2017": read only when the day cannot be the month (or both are equal)
SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\b")
_TIME = (r"\d{1,2}[:.h]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:gmt|utc|bst|cet|cest|eet|eest|est|"
         r"edt|pst|pdt|ast|msk|ist|local time|[+-]\d{1,2}(?::?\d{2})?)?")
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
# What may stand around a date on a line that holds nothing else.
_DATE_LINE_REST = re.compile(r"^(?:\W|" + _WEEKDAY + r"|at|on|" + _TIME + r"|\s)*$", re.I)


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
    """The first full written date in running text ("April 3, 2018",
    "3 April 2018", "2018-04-03", "03.04.2018")."""
    for pattern in (MONTH_DAY_YEAR, DAY_MONTH_YEAR, ISO, DOTTED):
        match = pattern.search(text)
        if match:
            found = _from_match(match)
            if found:
                return found
    for match in SLASHED.finditer(text):
        first, second = int(match.group(1)), int(match.group(2))
        if first == second or first > 12 or second > 12:  # (else: month first, or day?)
            day, month = (second, first) if second > 12 else (first, second)
            found = _iso(int(match.group(3)), month, day)
            if found:
                return found
    return None


def date_in_path(path: str) -> str | None:
    """A date written in a URL or a file name ("/2018/04/03/", "20180403")."""
    for match in PATH_DATE.finditer(path):
        found = _from_match(match)
        if found:
            return found
    return None


def is_date_line(text: str) -> bool:
    """A line that holds a date (and maybe a weekday and a time) and
    nothing else: "Tuesday, April 3, 2018", "09.09.2018 11:05"."""
    for pattern in (MONTH_DAY_YEAR, DAY_MONTH_YEAR, ISO, DOTTED, SLASHED):
        match = pattern.search(text)
        if match:
            rest = text[:match.start()] + " " + text[match.end():]
            return bool(_DATE_LINE_REST.match(rest))
    return False
