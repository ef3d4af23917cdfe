"""Dates as the facts write them: ISO 8601 with the precision the source gives.

A fact dated ``2017`` or ``2022-02`` is never padded to a day in the data. To place it on a time
line we read it as in force from the first day of its period: "established 2022-05" counts as
established on any date in May 2022 or later. Scenario dates are chosen so that no shipped view
depends on where inside such a period an event fell.
"""

import calendar
import datetime as dt
import re

from geo.errors import InputError

#: The North Atlantic Treaty was signed on this day; nothing in the project is older.
EARLIEST = dt.date(1949, 4, 4)

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def today() -> dt.date:
    """Return today's date (a function, so tests can rely on it being evaluated late)."""
    return dt.date.today()


def period_start(value: str) -> dt.date:
    """Return the first day of an ISO date of year, month or day precision.

    Examples
    --------
    >>> period_start("2017")
    datetime.date(2017, 1, 1)
    >>> period_start("2022-05")
    datetime.date(2022, 5, 1)
    >>> period_start("2022-03-24")
    datetime.date(2022, 3, 24)
    """
    match = _PARTIAL.match(str(value).strip())
    if not match:
        raise InputError(f"bad date {value!r}; use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError as err:
        raise InputError(f"bad date {value!r}: {err}") from None


def period_end(value: str) -> dt.date:
    """Return the last day of an ISO date of year, month or day precision.

    Examples
    --------
    >>> period_end("2017"), period_end("2024-02"), period_end("2022-03-24")
    (datetime.date(2017, 12, 31), datetime.date(2024, 2, 29), datetime.date(2022, 3, 24))
    """
    start = period_start(value)
    precision = len(str(value).strip())
    if precision == len("YYYY"):
        return start.replace(month=12, day=31)
    if precision == len("YYYY-MM"):
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return start


def span_words(first: dt.date, last: dt.date) -> str:
    """Say when ``first`` … ``last`` was, as a legend does: the part of the year, or the years.

    A year's parts are its thirds: early (January-April), mid (May-August), late
    (September-December); a span over two of them is the year.

    Examples
    --------
    >>> span_words(dt.date(2022, 1, 19), dt.date(2022, 2, 22))
    'early 2022'
    >>> span_words(dt.date(2024, 6, 1), dt.date(2024, 7, 3))
    'mid-2024'
    >>> span_words(dt.date(2024, 9, 1), dt.date(2024, 12, 31))
    'late 2024'
    >>> span_words(dt.date(2022, 3, 1), dt.date(2022, 6, 1))
    '2022'
    >>> span_words(dt.date(2021, 11, 1), dt.date(2022, 2, 5))
    '2021-2022'
    """
    if first.year != last.year:
        return f"{first.year}-{last.year}"
    third = (first.month - 1) // 4
    if third != (last.month - 1) // 4:
        return str(first.year)
    return ("early {}", "mid-{}", "late {}")[third].format(first.year)


def parse_as_of(value: str | dt.date | None) -> dt.date:
    """Parse a user's as-of date (YYYY-MM-DD) and check it lies in 1949-04-04 … today.

    ``None`` means today.

    Examples
    --------
    >>> parse_as_of("2022-02-23")
    datetime.date(2022, 2, 23)
    >>> parse_as_of("1900-01-01")
    Traceback (most recent call last):
    ...
    geo.errors.InputError: date 1900-01-01 is out of range; allowed: 1949-04-04 to ...
    """
    if value is None:
        return today()
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    else:
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise InputError(f"bad date {value!r}; use YYYY-MM-DD between {EARLIEST} and {today()}")
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise InputError(
                f"bad date {value!r}; use YYYY-MM-DD between {EARLIEST} and {today()}"
            ) from None
    if not EARLIEST <= day <= today():
        raise InputError(f"date {day} is out of range; allowed: {EARLIEST} to {today()}")
    return day
