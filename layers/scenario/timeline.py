"""Steps through time: the dated records that the play control and the animation visit.

A step is a day on which a dated fact takes effect (``layers.facts.tables.event_dates``): an
accession, a battle-group change, a deployment. Between two steps the map does not change, so a
frame per step shows every change once and nothing twice.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence

from geo.errors import InputError


def next_step(steps: Sequence[dt.date], current: dt.date) -> dt.date | None:
    """Return the first step after ``current``, or ``None`` when ``current`` is past the last.

    Examples
    --------
    >>> days = [dt.date(2014, 3, 18), dt.date(2017, 6, 19), dt.date(2022, 2, 1)]
    >>> next_step(days, dt.date(2014, 3, 18))
    datetime.date(2017, 6, 19)
    >>> next_step(days, dt.date(2015, 1, 1))
    datetime.date(2017, 6, 19)
    >>> next_step(days, dt.date(2022, 2, 1)) is None
    True
    """
    at = bisect.bisect_right(list(steps), current)
    return steps[at] if at < len(steps) else None


def play_start(steps: Sequence[dt.date], current: dt.date) -> dt.date:
    """Where play begins: the date on screen, or the first step when it is already past the last.

    Examples
    --------
    >>> days = [dt.date(2014, 3, 18), dt.date(2022, 2, 1)]
    >>> play_start(days, dt.date(2020, 1, 1))
    datetime.date(2020, 1, 1)
    >>> play_start(days, dt.date(2023, 1, 1))
    datetime.date(2014, 3, 18)
    """
    return current if next_step(steps, current) is not None else steps[0]


def frame_dates(
    steps: Sequence[dt.date], start: dt.date, end: dt.date, every: int = 1
) -> list[dt.date]:
    """Return the dates of an animation from ``start`` to ``end``: both ends, each step between.

    ``every`` keeps one step in ``every`` (the ends always stay), for a shorter animation.

    Raises
    ------
    geo.errors.InputError
        ``end`` is before ``start``, or ``every`` is below 1.

    Examples
    --------
    >>> days = [dt.date(2014, 3, 18), dt.date(2017, 6, 19), dt.date(2022, 2, 1)]
    >>> frame_dates(days, dt.date(2014, 1, 1), dt.date(2023, 1, 1))
    [datetime.date(2014, 1, 1), datetime.date(2014, 3, 18), datetime.date(2017, 6, 19), \
datetime.date(2022, 2, 1), datetime.date(2023, 1, 1)]
    >>> frame_dates(days, dt.date(2014, 3, 18), dt.date(2022, 2, 1), every=2)
    [datetime.date(2014, 3, 18), datetime.date(2022, 2, 1)]
    """
    if end < start:
        raise InputError(f"--to {end.isoformat()} is before --from {start.isoformat()}")
    if every < 1:
        raise InputError(f"--step must be a whole number of 1 or more, not {every}")
    between = [d for d in steps if start < d < end]
    return sorted({start, *between[every - 1 :: every], end})
