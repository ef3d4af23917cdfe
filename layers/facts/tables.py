"""Read the sourced fact tables in ``data/`` and check them against ``layers.facts.schema``.

Every problem is a :class:`~geo.errors.DataError` with one line naming the file, the row (its
1-based data row and key) and what is allowed, so a bad edit is found without a traceback.
Parsed tables are cached per file; callers always get a copy, or read-only rows
(:func:`records`).

Examples
--------
>>> members = load_table("members")
>>> len(members), list(members.columns[:3])
(32, ['iso3', 'name', 'accession_date'])
>>> load_table("nope")
Traceback (most recent call last):
...
geo.errors.DataError: unknown fact table 'nope'; choose one of: members, border_states, ...
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from geo.boundaries import known_iso3
from geo.dates import period_start, today
from geo.errors import DataError, InputError
from geo.paths import data_path
from layers.facts.schema import ISO_SEP, TABLES, URL_SEP, Column, Table

#: One row of a fact table as :func:`records` gives it: column name to value, read-only.
Row = Mapping[str, Any]

_ISO3 = re.compile(r"^[A-Z]{3}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT = re.compile(r"^\d+$")
_URL = re.compile(r"^https?://\S+$")


def load_table(name: str) -> pd.DataFrame:
    """Return the validated fact table ``name`` (``data/facts/<name>.csv``) as a new DataFrame.

    Text columns are strings (empty string when a cell is empty), ``int`` columns are pandas
    ``Int64`` and coordinate columns ``float64`` (``NaN`` when not sourced). Dates stay ISO
    strings with the precision the source gives.

    Parameters
    ----------
    name : str
        A key of ``layers.facts.schema.TABLES``, e.g. ``"members"`` or ``"battlegroup_events"``.

    Returns
    -------
    pandas.DataFrame
        A copy: changing it never changes what the next call returns.

    Raises
    ------
    geo.errors.DataError
        Unknown table, or the file is missing, empty, unreadable or breaks its schema.

    Examples
    --------
    >>> events = load_table("battlegroup_events")
    >>> sorted(events["status"].unique())
    ['brigade', 'considered', 'established', 'offered_lead', 'proposed']
    """
    if name not in TABLES:
        raise DataError(f"unknown fact table {name!r}; choose one of: {', '.join(TABLES)}")
    path = data_path(TABLES[name].path)
    return _load(name, str(path)).copy()


def records(name: str) -> tuple[Row, ...]:
    """Return the table :func:`load_table` gives as read-only rows, in file order.

    The same rows on every call, with the same values (``pd.NA`` for an empty ``int`` cell):
    a caller that walks a few dozen rows per view does so without copying a frame first, and
    cannot change what the next caller reads.

    Examples
    --------
    >>> rows = records("members")
    >>> rows[0]["iso3"], len(rows) == len(load_table("members"))
    ('BEL', True)
    >>> rows[0]["iso3"] = "XXX"
    Traceback (most recent call last):
    ...
    TypeError: 'mappingproxy' object does not support item assignment
    """
    if name not in TABLES:
        raise DataError(f"unknown fact table {name!r}; choose one of: {', '.join(TABLES)}")
    return _records(name, str(data_path(TABLES[name].path)))


def clear_cache() -> None:
    """Forget every parsed table (after the files or ``FLANKMAP_DATA_DIR`` changed)."""
    _records.cache_clear()
    _load.cache_clear()


def event_dates() -> list[str]:
    """Return the sorted distinct days on which a dated fact takes effect, as ISO strings.

    Partial dates count from the first day of their period (``geo.dates.period_start``); a
    battle-group event counts from its ``in_effect_from`` day; an observation range from its
    start. Days after today are left out, so every value is a valid as-of date.

    Examples
    --------
    >>> days = event_dates()
    >>> days[0]
    '1949-08-24'
    >>> "2014-03-18" in days and "2022-06-28" in days
    True
    """
    values = [
        *load_table("members")["accession_date"],
        *load_table("battlegroup_events")["in_effect_from"],
        *load_table("crimea")["date"],
        *load_table("reinforcements")["announced_date"],
        *(v.split("/")[0] for v in load_table("buildup_areas")["observed"]),
        *load_table("buildup_estimates")["date"],
    ]
    days = {period_start(v) for v in values}
    return sorted(d.isoformat() for d in days if d <= today())


# -- reading and checking ---------------------------------------------------------------------


@functools.lru_cache(maxsize=32)
def _records(name: str, path: str) -> tuple[Row, ...]:
    return tuple(MappingProxyType(row) for row in _load(name, path).to_dict("records"))


@functools.lru_cache(maxsize=32)
def _load(name: str, path: str) -> pd.DataFrame:
    table = TABLES[name]
    where = f"{Path(path).parent.name}/{Path(path).name}"
    header, rows = _read_rows(Path(path), where, table.made_by)
    missing = [c.name for c in table.columns if c.name not in header]
    if missing:
        expected = ", ".join(c.name for c in table.columns)
        raise DataError(f"{where}: missing column {missing[0]!r}; the columns are: {expected}")
    known = None if name == "members" else _known_iso3()
    records = [dict(zip(header, row, strict=True)) for row in rows]
    for number, record in enumerate(records, start=1):
        label = _label(table, number, record)
        for col in table.columns:
            _check_cell(col, record[col.name].strip(), known, f"{where}: {label}")
        _check_row(table, record, f"{where}: {label}")
    _check_unique(table, records, where)
    frame = pd.DataFrame(records, columns=header, dtype=str)
    frame = frame.apply(lambda s: s.str.strip())
    for col in table.columns:
        if col.kind == "int":
            frame[col.name] = pd.array(
                [int(v) if v else None for v in frame[col.name]], dtype="Int64"
            )
        elif col.kind in ("lat", "lon"):
            frame[col.name] = [float(v) if v else float("nan") for v in frame[col.name]]
    _check_refs(table, frame, where)
    return frame


def _read_rows(path: Path, where: str, made_by: str) -> tuple[list[str], list[list[str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{where}: file is missing; {made_by}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"{where}: cannot read the file ({err}); expected UTF-8 CSV") from None
    if not text.strip():
        raise DataError(f"{where}: file is empty; expected a header row and data rows")
    try:
        # A file object, not lines: a quoted field may hold a newline.
        lines = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as err:
        raise DataError(f"{where}: not a readable CSV file ({err})") from None
    header = [h.strip() for h in lines[0]]
    rows = [row for row in lines[1:] if any(cell.strip() for cell in row)]
    if not rows:
        raise DataError(f"{where}: no data rows; expected at least one row under the header")
    for number, row in enumerate(rows, start=1):
        if len(row) != len(header):
            raise DataError(
                f"{where}: row {number} has {len(row)} fields but the header has {len(header)}; "
                "quote fields that contain commas"
            )
    if len(set(header)) != len(header):
        raise DataError(f"{where}: duplicate column names in the header; each column once")
    return header, rows


def _label(table: Table, number: int, record: dict[str, str]) -> str:
    key = table.key[0]
    return f"row {number} ({key} {record.get(key, '').strip()!r})"


def _check_cell(col: Column, value: str, known: frozenset[str] | None, where: str) -> None:
    def bad(problem: str) -> DataError:
        return DataError(f"{where}: {col.name} {problem}; allowed: {col.rule()}")

    if not value:
        if col.required:
            raise bad("is empty")
        return
    kind = col.kind
    if kind == "choice" and value not in col.allowed:
        raise bad(f"{value!r} is not allowed")
    if kind == "verified" and value not in ("yes", "partial"):
        raise bad(f"{value!r} is not allowed")
    if kind in ("iso3", "iso3_list"):
        codes = value.split(ISO_SEP) if kind == "iso3_list" else [value]
        for code in codes:
            if not _ISO3.match(code):
                raise bad(f"{code!r} is not an ISO alpha-3 code")
            if known is not None and code not in known:
                raise bad(f"{code!r} is an unknown ISO code")
    if kind in ("date", "date_range", "day"):
        parts = value.split("/") if kind == "date_range" else [value]
        if len(parts) > 2 or (kind == "day" and not _DAY.match(value)):
            raise bad(f"{value!r} is not a valid date")
        try:
            days = [period_start(p) for p in parts]
        except InputError:
            raise bad(f"{value!r} is not a valid date") from None
        if len(days) == 2 and days[1] < days[0]:
            raise bad(f"{value!r} ends before it starts")
    if kind == "int" and not _INT.match(value):
        raise bad(f"{value!r} is not a whole number")
    if kind in ("lat", "lon"):
        limit = 90 if kind == "lat" else 180
        try:
            number = float(value)
        except ValueError:
            raise bad(f"{value!r} is not a number") from None
        if not -limit <= number <= limit:
            raise bad(f"{value!r} is out of range")
    if kind == "urls":
        for url in value.split(URL_SEP):
            if not _URL.match(url.strip()):
                raise bad(f"{url.strip()!r} is not an http(s) URL")


def _check_row(table: Table, record: dict[str, str], where: str) -> None:
    """Apply the table's checks across the cells of a row (see ``layers.facts.schema.Table``)."""
    row = {k: v.strip() for k, v in record.items()}
    if table.point:
        lat, lon = table.point
        if bool(row[lat]) != bool(row[lon]):
            raise DataError(
                f"{where}: only one of {lat}/{lon} is given; allowed: both (a sourced point) or "
                "neither (not located)"
            )
    for rule in table.rows:
        problem = rule(row)
        if problem:
            raise DataError(f"{where}: {problem}")


def _check_unique(table: Table, records: list[dict[str, str]], where: str) -> None:
    seen: dict[tuple[str, ...], int] = {}
    for number, record in enumerate(records, start=1):
        key = tuple(record[k].strip() for k in table.key)
        if key in seen:
            raise DataError(
                f"{where}: {_label(table, number, record)} duplicates row {seen[key]} "
                f"({', '.join(table.key)}); allowed: each once"
            )
        seen[key] = number


def _check_refs(table: Table, frame: pd.DataFrame, where: str) -> None:
    for ref in table.refs:
        ids = set(load_table(ref.table)[ref.key])
        for number, value in enumerate(frame[ref.column], start=1):
            if value not in ids:
                raise DataError(
                    f"{where}: row {number} ({ref.column} {value!r}): unknown {ref.noun}; "
                    f"allowed: {', '.join(sorted(ids))}"
                )


def _known_iso3() -> frozenset[str]:
    """ISO codes on the map, plus member states outside it (USA, CAN) from the members table."""
    return frozenset(known_iso3()) | frozenset(load_table("members")["iso3"])


def in_effect(value: str, as_of: dt.date) -> bool:
    """Tell whether a dated fact (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or a range) counts.

    A fact counts from the first day of its period (of a range: of its start).

    Examples
    --------
    >>> in_effect("2022-05", dt.date(2022, 5, 1)), in_effect("2022-05", dt.date(2022, 4, 30))
    (True, False)
    """
    return bool(value) and period_start(str(value).split("/")[0]) <= as_of
