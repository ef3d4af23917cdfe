"""Dated statements about the border states: a view shows only what held on or before its date.

``data/facts/statements.csv`` splits each border state's note into statements, each with the day
it holds from (``since``; empty for undated geography) and, where it stops holding, its last day
(``until``). A map dated 2017 therefore never speaks of 2022, and no map calls Finland a NATO
member before 2023-04-04.
"""

from __future__ import annotations

import datetime as dt
import re

from geo.dates import parse_as_of, period_start
from layers.facts.schema import join_urls
from layers.facts.tables import records


def statements(feature_id: str, as_of: str | dt.date | None = None) -> list[dict[str, str]]:
    """Return the statements about ``feature_id`` that hold on ``as_of``, in file order.

    Examples
    --------
    >>> [s["text"][:40] for s in statements("UKR", "2017-12-31")]
    ['Crimea annexed by Russia in 2014 (NATO: ', 'Borders POL 498, SVK 97, HUN 128, ROU 60']
    >>> any("Finland" in s["text"] for s in statements("RUS", "2023-04-03"))
    False
    >>> any("Finland" in s["text"] for s in statements("RUS", "2023-04-04"))
    True
    """
    day = parse_as_of(as_of)
    return [
        {"text": r["text"], "source_url": r["source_url"], "since": r["since"]}
        for r in records("statements")
        if r["feature_id"] == feature_id
        and (not r["since"] or period_start(r["since"]) <= day)
        and (not r["until"] or day <= dt.date.fromisoformat(r["until"]))
    ]


def note_on(feature_id: str, as_of: str | dt.date | None = None) -> tuple[str, str]:
    """Return the note and its sources (URLs joined by `` | ``) for ``feature_id`` on ``as_of``.

    Examples
    --------
    >>> note, source = note_on("MDA", "2017-12-31")
    >>> "Factbook, 2025" in note, note.endswith(".")
    (False, True)
    """
    held = statements(feature_id, as_of)
    note = "; ".join(s["text"] for s in held)
    return (f"{note}." if note else ""), join_urls(s["source_url"] for s in held)


_DATE = re.compile(r"(?<![\d,.])((?:19|20)\d{2})(?:-(\d{2})(?:-(\d{2}))?)?(?![\d,])")
_URL = re.compile(r"https?://\S+")
_CLAUSE_END = re.compile(r"(?<=[;.])\s+")


def known_on(text: str, as_of: str | dt.date | None = None) -> str:
    """Drop the clauses of a free-text note that name a date after ``as_of``.

    Notes of the context tables mix what was known on a day with what came later ("arrived
    2022-02-11; replaced 2022-04-29"). A clause (ended by ``;`` or ``.``) that names a later
    year or day is left out; the rest stays word for word. URLs are not read as dates.

    Examples
    --------
    >>> known_on("Arrived 2022-02-11; replaced by Aviano F-16s 2022-04-29.", "2022-02-23")
    'Arrived 2022-02-11.'
    >>> known_on("Up to eight announced; six deployed by 2022-02-24/25.", "2022-03-01")
    'Up to eight announced; six deployed by 2022-02-24/25.'
    """
    if not isinstance(text, str) or not text:
        return text
    day = parse_as_of(as_of)
    kept = [
        clause
        for clause in _CLAUSE_END.split(text)
        if all(
            dt.date(int(y), int(m or 1), int(d or 1)) <= day
            for y, m, d in _DATE.findall(_URL.sub("", clause))
        )
    ]
    note = " ".join(kept)
    return note[:-1] + "." if note.endswith(";") else note
