"""The alliance's land border with Russia, Belarus and Ukraine on a date, and who covers it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from geo.measure import frontier
from layers.members import member_codes

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
