"""Who contributes to each battle group on a date: the latest sourced roster, as the source gave it.

``data/facts/battlegroup_contributors.csv`` holds dated snapshots (one row per nation per source
and date). On a day, a battle group shows its latest snapshot in effect that is not ``partial``
(one nation's own news, a list "such as"); only where it has none, its latest partial one. A
snapshot counts from the last day of its period (see the table's README), so a map never lists a
nation from a roster published after its date. Host and framework nations are never listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from geo.dates import parse_as_of, period_start
from layers.facts.schema import ISO_SEP
from layers.facts.tables import Row, records
from layers.thematic.battlegroups import battlegroups, country_names

#: Source kinds, best first: the tie-break between snapshots in effect from the same day.
_KIND_RANK = {"nato": 0, "government": 1, "news": 2, "other": 3}

#: How each scope reads in tooltips and tables.
SCOPE_TEXT = {
    "complete": "the source's full list",
    "planned": "planned pledge, not deployed strength",
    "partial": "partial list",
    "none": "no sourced list on this date",
}


@dataclass(frozen=True)
class Roster:
    """One battle group's contributing nations on a date (empty when no snapshot applies)."""

    bg_id: str
    host_iso3: str
    framework_iso3: str
    contributors: tuple[str, ...] = ()
    troops: dict[str, int] = field(default_factory=dict)
    as_of: str = ""
    scope: str = "none"
    source_url: str = ""
    source_title: str = ""
    source_kind: str = ""
    #: ``as_of`` as a view of that day shows it: a range ending after the day is cut to its start.
    as_of_text: str = ""

    @property
    def complete(self) -> bool:
        """Whether the list is the source's full list of a deployed group (not planned, partial)."""
        return self.scope == "complete"

    def text(self, names: dict[str, str]) -> str:
        """Describe the roster for a tooltip: nations (troops), scope, date and source.

        Examples
        --------
        >>> r = Roster("bg_x", "EST", "GBR", ("FRA",), {"FRA": 300}, "2017-03", "planned",
        ...            "https://example.org", "ERR")
        >>> r.text({"FRA": "France"})
        'France (FRA) 300 · planned pledge, not deployed strength · as of 2017-03 · ERR: https://example.org'
        >>> Roster("bg_x", "ROU", "FRA").text({})
        'none: no sourced list on this date'
        """
        if self.scope == "none" and not self.contributors:
            return f"none: {SCOPE_TEXT['none']}"
        nations = ", ".join(
            f"{names.get(c, c)} ({c})" + (f" {self.troops[c]:,}" if c in self.troops else "")
            for c in self.contributors
        )
        where = f"{self.source_title}: {self.source_url}" if self.source_title else self.source_url
        return (
            f"{nations or 'none named'} · {SCOPE_TEXT[self.scope]} · "
            f"as of {self.as_of_text or self.as_of} · {where}"
        )


def rosters(as_of: str | dt.date | None = None) -> dict[str, Roster]:
    """Return each battle group's roster on ``as_of``, keyed by battle-group id.

    Every battle group of ``battlegroups.csv`` has an entry; one with no snapshot on or before
    the date has ``scope == "none"`` and no contributors.

    Examples
    --------
    >>> r = rosters("2017-12-31")
    >>> r["bg_est"].contributors, r["bg_est"].as_of, r["bg_est"].scope
    (('FRA',), '2017-08-28', 'complete')
    >>> rosters("2022-02-23")["bg_rou"].scope
    'none'
    """
    day = parse_as_of(as_of).isoformat()
    snapshots: dict[str, dict[tuple[str, str], list[Row]]] = {}
    for row in records("battlegroup_contributors"):
        if row["in_effect_from"] <= day:
            key = (row["as_of"], row["source_url"])
            snapshots.setdefault(row["bg_id"], {}).setdefault(key, []).append(row)
    return {
        bg["id"]: _pick(bg["id"], bg["host_iso3"], snapshots.get(bg["id"], {}), day)
        for bg in records("battlegroups")
    }


def _pick(bg_id: str, host: str, snapshots: dict[tuple[str, str], list[Row]], day: str) -> Roster:
    if not snapshots:
        return Roster(bg_id, host, "")

    def rank(rows: list[Row]) -> tuple:
        first = rows[0]
        return (
            first["scope"] != "partial",
            first["in_effect_from"],
            -_KIND_RANK.get(first["source_kind"], 9),
            len(rows),
        )

    snap = max(snapshots.values(), key=rank)
    first = snap[0]
    return Roster(
        bg_id=bg_id,
        host_iso3=host,
        framework_iso3=first["framework_iso3"],
        contributors=tuple(dict.fromkeys(r["contributor_iso3"] for r in snap)),
        troops={r["contributor_iso3"]: int(r["troops"]) for r in snap if pd.notna(r["troops"])},
        as_of=first["as_of"],
        scope=first["scope"],
        source_url=first["source_url"],
        source_title=first["source_title"],
        source_kind=first["source_kind"],
        as_of_text=_as_of_text(first["as_of"], day),
    )


def _as_of_text(value: str, day: str) -> str:
    """Cut a range whose end is after ``day`` to its start: a view names no later date.

    Examples
    --------
    >>> _as_of_text("2020-11/2022-07", "2022-02-23"), _as_of_text("2020-11/2022-07", "2023-01-01")
    ('2020-11 or later', '2020-11/2022-07')
    """
    start, _, end = value.partition("/")
    if end and period_start(end).isoformat() > day:
        return f"{start} or later"
    return value


def contributor_records(as_of: str | dt.date | None = None) -> list[dict[str, object]]:
    """Return one plain record per battle group for ``flankmap contributors``.

    Keys: ``id``, ``host``, ``framework`` (ISO3, ``;`` between several; the battle group's
    framework nation on the date where it has one, else the snapshot's), ``contributors`` (ISO3
    list), ``troops`` (per ISO3, where the source gives one), ``as_of`` (the snapshot's date, or
    ``None``), ``complete``, ``scope``, ``source``, ``source_title``, ``source_kind``.

    Examples
    --------
    >>> recs = contributor_records("2022-02-23")
    >>> len(recs), [r["host"] for r in recs if r["scope"] == "none"]
    (8, ['ROU', 'BGR', 'SVK', 'HUN'])
    """
    day = parse_as_of(as_of)
    facts = battlegroups(day).set_index("id")
    out = []
    for bg_id, roster in rosters(day).items():
        framework = facts.at[bg_id, "framework_iso3"] if bg_id in facts.index else ""
        out.append(
            {
                "id": bg_id,
                "host": roster.host_iso3,
                "framework": framework or roster.framework_iso3,
                "contributors": list(roster.contributors),
                "troops": dict(roster.troops),
                "as_of": roster.as_of or None,
                "complete": roster.complete,
                "scope": roster.scope,
                "source": roster.source_url or None,
                "source_title": roster.source_title or None,
                "source_kind": roster.source_kind or None,
            }
        )
    return out


def contributor_matrix(
    as_of: str | dt.date | None = None, names: dict | None = None
) -> pd.DataFrame:
    """Return "who contributes where" on ``as_of``: nations down, battle groups (by host) across.

    A cell holds ``"✓"``, the troop figure where the source gives one, ``"planned"`` for a
    planned pledge, or ``""``. Only nations a roster names appear; columns are the host ISO3
    codes of the groups with a roster on the date. ``names`` maps ISO3 to display names
    (default: the map's).

    Examples
    --------
    >>> m = contributor_matrix("2017-12-31")
    >>> list(m.columns), m.loc["France (FRA)", "EST"]
    (['EST', 'LVA', 'LTU', 'POL'], '✓')
    """
    if names is None:
        names = country_names()
    cells: dict[str, dict[str, str]] = {}
    for roster in rosters(as_of).values():
        if not roster.contributors:
            continue
        for code in roster.contributors:
            mark = f"{roster.troops[code]:,}" if code in roster.troops else "✓"
            if roster.scope == "planned":
                mark = f"planned ({mark})" if code in roster.troops else "planned"
            cells.setdefault(roster.host_iso3, {})[f"{names.get(code, code)} ({code})"] = mark
    frame = pd.DataFrame(cells).fillna("")
    return frame.sort_index()


def contributors_cell(roster: Roster) -> str:
    """Return the ``contributors`` value of an exported feature: ISO3 codes joined by ``;``."""
    return ISO_SEP.join(roster.contributors)
