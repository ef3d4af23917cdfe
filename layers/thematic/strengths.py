"""Troop figures of the battle groups through time (``data/facts/battlegroup_strengths.csv``).

A battle group's strength on a date is the latest sourced figure in effect on or before it
(``in_effect_from``; month- or year-dated figures count from the last day of their period).
Figures of the same day rank by source tier (``layers.facts.sources``), then present before planned.
Each figure keeps its date, its scope (``present`` or ``planned``), what it counts (the battle
group, the battle group upgraded to a brigade, or another formation in the host) and its source.

Examples
--------
>>> s = strength_on("bg_est", "2022-02-23")
>>> s.troops, s.as_of, s.scope, s.formation
(1200, '2022-02-05', 'present', 'battle_group')
>>> strength_on("bg_rou", "2022-02-14") is None  # before the Reuters report of 2022-02-15
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from geo.dates import parse_as_of
from layers.facts.schema import split_urls
from layers.facts.sources import rank_sources, tier_rank
from layers.facts.tables import Row, load_table, records

#: Words for a figure's scope and formation.
SCOPE_TEXT = {"present": "present", "planned": "PLANNED"}
FORMATION_TEXT = {
    "battle_group": "battle group",
    "brigade": "brigade",
    "other_formation": "another formation",
}


@dataclass(frozen=True)
class Strength:
    """One sourced troop figure."""

    bg_id: str
    troops: int
    as_of: str
    in_effect_from: str
    scope: str
    formation: str
    source_url: str
    source_title: str
    note: str

    def text(self) -> str:
        """Say the figure with its scope, what it counts and its date.

        Examples
        --------
        >>> strength_on("bg_rou", "2022-02-23").text()
        'about 1,000 PLANNED (battle group; 2022-02-15)'
        """
        return (
            f"about {self.troops:,} {SCOPE_TEXT[self.scope]} "
            f"({FORMATION_TEXT[self.formation]}; {self.as_of})"
        )


def strengths(bg_id: str | None = None) -> pd.DataFrame:
    """Return the sourced figures (of one battle group, or all), in the order they take effect.

    Examples
    --------
    >>> strengths("bg_svk")["troops"].tolist()
    [1000, 643]
    """
    table = load_table("battlegroup_strengths")
    table["_order"] = range(len(table))
    if bg_id is not None:
        table = table[table["bg_id"] == bg_id]
    table = table.sort_values(["bg_id", "in_effect_from", "_order"], kind="stable")
    return table.drop(columns="_order").reset_index(drop=True)


#: The figures as :func:`strength_on` takes them: the table, or its rows as dicts.
Figures = pd.DataFrame | Sequence[Row]


def figure_rows(table: Figures | None = None) -> list[Row]:
    """Return the figures (``table``, or the shipped table) as a list of rows.

    A caller that asks about several groups or dates converts once and passes the rows: a few
    dozen rows are filtered faster as dicts than as a frame.
    """
    if table is None:
        return list(records("battlegroup_strengths"))
    return table.to_dict("records") if isinstance(table, pd.DataFrame) else list(table)


def strength_on(
    bg_id: str,
    as_of: str | dt.date | None = None,
    formations: tuple[str, ...] = ("battle_group", "brigade"),
    *,
    table: Figures | None = None,
) -> Strength | None:
    """Return the latest figure of ``bg_id`` in effect on ``as_of`` among ``formations``.

    ``None`` when no figure is in effect yet. Same-day figures rank by source tier, then
    present before planned. ``table``: the figures (or those of ``bg_id``), as a table or as
    :func:`figure_rows`, when the caller has them loaded already.

    Examples
    --------
    >>> strength_on("bg_lva", "2026-11-28").text()
    'about 3,500 PLANNED (brigade; 2024-06-28)'
    >>> strength_on("bg_ltu", "2026-11-28").troops  # the battle group, not Panzerbrigade 45
    1600
    >>> strength_on("bg_ltu", "2026-11-28", ("other_formation",)).troops
    400
    """
    day = parse_as_of(as_of).isoformat()
    rows = [
        row
        for row in figure_rows(table)
        if row["bg_id"] == bg_id and row["formation"] in formations and row["in_effect_from"] <= day
    ]
    if not rows:
        return None
    best = min(
        range(len(rows)),
        key=lambda i: (
            _negated(rows[i]["in_effect_from"]),
            min(tier_rank(u) for u in split_urls(rows[i]["source_url"])),
            rows[i]["scope"] != "present",
            i,
        ),
    )
    return _strength(rows[best])


def other_formations_on(
    bg_id: str, as_of: str | dt.date | None = None, *, table: Figures | None = None
) -> str:
    """Describe other formations in the battle group's host on ``as_of`` (or ``""``).

    The latest present and the latest planned figure are given apart, never added; the
    formation is named as the data name it (``formation_name``). ``table`` as for
    :func:`strength_on`.

    Examples
    --------
    >>> other_formations_on("bg_ltu", "2026-11-28")
    'Also in the host, a different formation (Panzerbrigade 45, German): about 400 present (2025-05-22) · about 4,800 PLANNED (reported 2025-05-22)'
    >>> other_formations_on("bg_ltu", "2025-03-31")
    ''
    """  # noqa: E501
    parts, names = [], []
    day = parse_as_of(as_of).isoformat()
    others = [
        row
        for row in figure_rows(table)
        if row["bg_id"] == bg_id
        and row["formation"] == "other_formation"
        and row["in_effect_from"] <= day
    ]
    for scope in ("present", "planned"):
        rows = [row for row in others if row["scope"] == scope]
        if rows:
            # the latest in effect; of the same day, the last in the table (a stable sort's)
            row = max(reversed(rows), key=lambda r: r["in_effect_from"])
            # a planned size is dated by its report: its target year may lie after the view
            when = row["as_of"] if scope == "present" else f"reported {row['in_effect_from']}"
            parts.append(f"about {int(row['troops']):,} {SCOPE_TEXT[scope]} ({when})")
            names.append(row["formation_name"])
    if not parts:
        return ""
    named = "; ".join(dict.fromkeys(names))
    return f"Also in the host, a different formation ({named}): " + " · ".join(parts)


def timeline_frame(bg_ids: list[str] | None = None) -> pd.DataFrame:
    """Return every figure as a flat table for a chart: one row per figure.

    Columns ``bg_id, day (datetime64), troops, scope, formation, as_of, source``; the figures
    of another formation are left out (they are not the battle group's).

    Examples
    --------
    >>> frame = timeline_frame(["bg_pol"])
    >>> frame["troops"].tolist()[-1], str(frame["day"].dtype).startswith("datetime64")
    (1033, True)
    """
    table = strengths()
    table = table[table["formation"] != "other_formation"]
    if bg_ids is not None:
        table = table[table["bg_id"].isin(bg_ids)]
    return pd.DataFrame(
        {
            "bg_id": table["bg_id"].to_numpy(),
            "day": pd.to_datetime(table["in_effect_from"]).to_numpy(),
            "troops": table["troops"].astype(int).to_numpy(),
            "scope": table["scope"].to_numpy(),
            "formation": table["formation"].to_numpy(),
            "as_of": table["as_of"].to_numpy(),
            "source": [rank_sources(u) for u in table["source_url"]],
        }
    )


def _negated(day: str) -> tuple[int, ...]:
    return tuple(-int(p) for p in day.split("-"))


def _strength(row: Row) -> Strength:
    return Strength(
        bg_id=row["bg_id"],
        troops=int(row["troops"]),
        as_of=row["as_of"],
        in_effect_from=row["in_effect_from"],
        scope=row["scope"],
        formation=row["formation"],
        source_url=row["source_url"],
        source_title=row["source_title"],
        note=row["note"],
    )
