"""The numbers a reader compares between scenarios: battle groups, troops, hosts, frontier."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd

from layers.thematic.battlegroups import country_names
from layers.thematic.frontier import (
    NEIGHBOURS,
    alliance_frontier,
    frontier_totals,
    totals_by_neighbour,
)

#: The states whose land border with the alliance the metrics measure.
FRONTIER_STATES = ("RUS", "BLR")


@dataclass(frozen=True)
class Metrics:
    """The numbers a reader compares between scenarios.

    Troop figures of existing and of proposed battle groups are kept apart (``existing_*``,
    ``proposed_*``): a proposal's planned size and an existing group's strength are unlike
    things. ``troops``/``troops_counted`` are the existing groups' sum and count.
    """

    battlegroups: int
    troops: int
    troops_counted: int
    hosts: tuple[str, ...]
    frontier_km: float
    covered_km: float
    #: Russia, Belarus and Ukraine apart: ``{iso3: {"km": ..., "covered_km": ...}}``.
    frontier_by_state: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    existing: int = 0
    proposed: int = 0
    hypothetical: int = 0
    proposed_troops: int = 0
    proposed_counted: int = 0
    hypothetical_troops: int = 0
    hypothetical_counted: int = 0
    existing_planned: int = 0

    def troops_short(self) -> str:
        """Say the sums in a few characters: existing · proposed (the metric's value).

        Examples
        --------
        >>> Metrics(8, 4900, 4, (), 0.0, 0.0, existing=4, proposed=4, proposed_troops=4000,
        ...         proposed_counted=4).troops_short()
        '~4,900 · ~4,000'
        >>> Metrics(4, 4608, 4, (), 0.0, 0.0, existing=4).troops_short()
        '~4,600'
        """
        existing = f"~{_round(self.troops):,}" if self.troops_counted else "–"
        parts = [existing]
        if self.proposed:
            parts.append(f"~{_round(self.proposed_troops):,}" if self.proposed_counted else "–")
        if self.hypothetical_counted:
            parts.append(f"~{_round(self.hypothetical_troops):,} hyp.")
        return "n/a" if parts == ["–"] else " · ".join(parts)

    def troops_text(self) -> str:
        """Say the troop figures, existing and proposed apart, e.g. for the metric strip.

        Examples
        --------
        >>> Metrics(8, 4900, 4, (), 0.0, 0.0, existing=4, proposed=4, proposed_troops=4000,
        ...         proposed_counted=4).troops_text()
        '~4,900 in 4 existing · ~4,000 proposed in 4 (planned sizes)'
        >>> Metrics(4, 4608, 4, (), 0.0, 0.0, existing=4, existing_planned=2).troops_text()
        '~4,600 in 4 existing (2 of the figures planned sizes)'
        >>> Metrics(0, 0, 0, (), 0.0, 0.0).troops_text()
        'n/a'
        """
        parts = []
        if self.existing:
            counted = "" if self.troops_counted == self.existing else f" of {self.existing}"
            figure = f"~{_round(self.troops):,}" if self.troops_counted else "no figure"
            planned = (
                f" ({self.existing_planned} of the figures planned sizes)"
                if self.existing_planned
                else ""
            )
            parts.append(
                f"{figure} in {self.troops_counted or self.existing}{counted} existing{planned}"
            )
        if self.proposed:
            counted = "" if self.proposed_counted == self.proposed else f" of {self.proposed}"
            figure = f"~{_round(self.proposed_troops):,}" if self.proposed_counted else "no figure"
            parts.append(
                f"{figure} proposed in {self.proposed_counted or self.proposed}{counted} "
                "(planned sizes)"
            )
        if self.hypothetical:
            counted = self.hypothetical_counted
            figure = f"~{_round(self.hypothetical_troops):,}" if counted else "no figure"
            parts.append(f"{figure} hypothetical in {self.hypothetical}")
        return " · ".join(parts) or "n/a"


def _round(troops: int) -> int:
    """Round a sum of approximate figures to hundreds (it is no more precise than that)."""
    return round(troops, -2) if troops >= 1000 else troops


def compute_metrics(battlegroup_layer: gpd.GeoDataFrame, as_of: dt.date) -> Metrics:
    """Count battle groups, troops and hosts; measure the frontier the hosts cover.

    Existing, proposed and hypothetical battle groups are counted apart, and so are their troop
    figures: never one sum of unlike things.
    """
    layer = battlegroup_layer
    hosts = tuple(sorted(set(layer["host_iso3"])))
    table = alliance_frontier(as_of, NEIGHBOURS, hosts)  # one measure for all three states
    total, covered = frontier_totals(table[table["neighbour"].isin(FRONTIER_STATES)])
    sums: dict[str, tuple[int, int, int]] = {}
    for cls in ("existing", "proposed", "hypothetical"):
        part = layer[layer["status_class"] == cls] if len(layer) else layer
        troops = part["troops_approx"].dropna()
        sums[cls] = (len(part), int(troops.sum()), len(troops))
    existing_rows = layer[layer["status_class"] == "existing"] if len(layer) else layer
    planned = int((existing_rows["troops_scope"] == "planned").sum()) if len(layer) else 0
    return Metrics(
        battlegroups=len(layer),
        troops=sums["existing"][1],
        troops_counted=sums["existing"][2],
        hosts=hosts,
        frontier_km=total,
        covered_km=covered,
        existing=sums["existing"][0],
        proposed=sums["proposed"][0],
        hypothetical=sums["hypothetical"][0],
        proposed_troops=sums["proposed"][1],
        proposed_counted=sums["proposed"][2],
        hypothetical_troops=sums["hypothetical"][1],
        hypothetical_counted=sums["hypothetical"][2],
        existing_planned=planned,
        frontier_by_state=totals_by_neighbour(table),
    )


def frontier_text(metrics: Metrics, names: Mapping[str, str] | None = None) -> str:
    """Return one line on the frontier with Russia, Belarus and Ukraine apart, and what hosts cover.

    ``names`` maps ISO3 to display names (default: the map's).

    Examples
    --------
    >>> m = Metrics(1, 0, 0, ("POL",), 0.0, 0.0, {"UKR": {"km": 1000.0, "covered_km": 400.0}})
    >>> frontier_text(m)
    'Land frontier along battle-group hosts: Ukraine 400 of 1,000 km'
    """
    names = country_names() if names is None else names
    parts = [
        f"{names.get(state, state)} {v['covered_km']:,.0f} of {v['km']:,.0f} km"
        for state, v in metrics.frontier_by_state.items()
    ]
    return "Land frontier along battle-group hosts: " + " · ".join(parts)
