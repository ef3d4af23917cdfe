"""The alliance's land border with Russia, Belarus and Ukraine on a date, and who covers it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from geo.measure import frontier
from layers.thematic.members import member_codes

#: The states across the eastern flank.
NEIGHBOURS = ("RUS", "BLR", "UKR")


def alliance_frontier(
    as_of: str | dt.date | None = None,
    neighbours: Iterable[str] = NEIGHBOURS,
    hosts: Iterable[str] = (),
) -> pd.DataFrame:
    """Return each member's land border with each neighbour on ``as_of``, and who covers it.

    Parameters
    ----------
    as_of : date or YYYY-MM-DD, optional
        The alliance on that day (default today).
    neighbours : iterable of str
        ISO3 codes of the states across the frontier.
    hosts : iterable of str
        ISO3 codes of battle-group hosts; their kilometres count as covered.

    Returns
    -------
    pandas.DataFrame
        ``member``, ``neighbour``, ``km`` (geodesic, full-resolution Natural Earth), ``covered``.

    Examples
    --------
    >>> table = alliance_frontier("2022-02-23", hosts=["EST", "LVA", "LTU", "POL"])
    >>> sorted(table.loc[table["covered"], "member"].unique())
    ['EST', 'LTU', 'LVA', 'POL']
    >>> "FIN" in set(alliance_frontier("2022-02-23")["member"])
    False
    """
    table = frontier(member_codes(as_of), neighbours=neighbours)
    table["covered"] = table["member"].isin(set(hosts))
    return table


def frontier_totals(table: pd.DataFrame) -> tuple[float, float]:
    """Return the total and the covered kilometres of an :func:`alliance_frontier` table."""
    return round(float(table["km"].sum()), 1), round(
        float(table.loc[table["covered"], "km"].sum()), 1
    )


def frontier_by_state(
    as_of: str | dt.date | None = None,
    hosts: Iterable[str] = (),
    neighbours: Iterable[str] = NEIGHBOURS,
) -> dict[str, dict[str, float]]:
    """Return the alliance's land frontier with each neighbour apart, and how much hosts cover.

    Returns
    -------
    dict
        ``{neighbour: {"km": total, "covered_km": along hosts}}`` for every neighbour, in the
        order given (0.0 where the alliance has no border with it on the date).

    Examples
    --------
    >>> before = frontier_by_state("2017-12-31", hosts=["EST", "LVA", "LTU", "POL"])
    >>> after = frontier_by_state("2022-02-23", hosts=["EST", "LVA", "LTU", "POL", "ROU", "SVK"])
    >>> after["UKR"]["covered_km"] > before["UKR"]["covered_km"] > 0
    True
    >>> before["RUS"]["covered_km"] == after["RUS"]["covered_km"]
    True
    """
    neighbours = tuple(neighbours)
    return totals_by_neighbour(alliance_frontier(as_of, neighbours, hosts), neighbours)


def totals_by_neighbour(
    table: pd.DataFrame, neighbours: Iterable[str] = NEIGHBOURS
) -> dict[str, dict[str, float]]:
    """Return :func:`frontier_totals` for each neighbour of an :func:`alliance_frontier` table."""
    out = {}
    for state in neighbours:
        total, covered = frontier_totals(table[table["neighbour"] == state])
        out[state] = {"km": total, "covered_km": covered}
    return out
