"""A scene: every layer of one scenario on one date, ready to draw or export.

``build_scene`` is pure and returns new frames; the app caches its result and the CLI calls it
directly. Text fields here are plain (unescaped) display text: renderers escape them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geo.boundaries import SOURCE as BOUNDARIES_SOURCE
from geo.boundaries import load_countries
from geo.crs import WGS84
from geo.dates import period_start
from geo.errors import InputError
from layers.facts.schema import ISO_SEP
from layers.facts.sources import rank_sources
from layers.facts.statements import note_on
from layers.facts.tables import Row, load_table, records
from layers.scenario.metrics import Metrics, compute_metrics
from layers.scenario.scenarios import LAYER_IDS, RefEntry, Scenario
from layers.thematic.battlegroups import AT_HOST_POINT, country_names, host_points
from layers.thematic.battlegroups import battlegroups as fact_battlegroups
from layers.thematic.context import (
    buildup_areas,
    buildup_areas_table,
    buildup_estimates,
    occupied,
    reinforcements,
    reinforcements_table,
)
from layers.thematic.contributors import Roster, contributors_cell, rosters
from layers.thematic.members import member_codes
from layers.thematic.occupation import occupation_notes
from layers.thematic.strengths import FORMATION_TEXT, SCOPE_TEXT

#: How each battle-group status is drawn: existing, proposed or hypothetical.
STATUS_CLASS = {
    "established": "existing",
    "brigade": "existing",
    "proposed": "proposed",
    "offered_lead": "proposed",
    "considered": "proposed",
    "hypothetical": "hypothetical",
}

STATUS_TEXT = {
    "established": "Existing: established",
    "brigade": "Existing: upgraded to brigade",
    "proposed": "PROPOSED",
    "offered_lead": "PROPOSED: lead offered",
    "considered": "PROPOSED: under consideration, host hesitant",
    "hypothetical": "HYPOTHETICAL",
}

_COUNTRY_COLUMNS = ["iso3", "name", "category", "status", "note", "source", "geometry"]
#: A border state's map category by its role (``border_states``), and what its tooltip says.
_ROLE_CATEGORY = {"russia": "russia", "belarus_ally": "belarus"}  # any other role: partner
_BORDER_STATE_TEXT = {
    "russia": "Russia",
    "belarus": "Belarus, Russia's ally",
    "partner": "NATO partner, not a member",
}
_BG_COLUMNS = [
    "id",
    "host_iso3",
    "host",
    "framework_iso3",
    "framework",
    "status_code",
    "status",
    "status_class",
    "troops_approx",
    "troops_scope",
    "troops",
    "base",
    "location",
    "label",
    "source",
    "verified",
    "note",
    "contributors",
    "contributors_text",
    "contributors_troops",
    "contributors_as_of",
    "contributors_scope",
    "contributors_source",
    "geometry",
]


@dataclass(frozen=True)
class Scene:
    """Everything one view shows. Frames are EPSG:4326; text is unescaped."""

    scenario: Scenario
    as_of: dt.date
    layers: tuple[str, ...]
    countries: gpd.GeoDataFrame
    battlegroups: gpd.GeoDataFrame
    reinforcements: gpd.GeoDataFrame
    buildup: gpd.GeoDataFrame
    occupied: gpd.GeoDataFrame
    demand_area: gpd.GeoDataFrame
    metrics: Metrics
    reinforcements_table: pd.DataFrame
    buildup_estimates: pd.DataFrame
    notes: tuple[str, ...] = field(default=())
    #: What a drawn layer knowingly leaves out (``{id, text, source_url}``): the map, the
    #: legend and every export say it.
    layer_notes: tuple[Mapping[str, str], ...] = field(default=())
    #: The user's own line or area (``layers.scenario.overlay``), drawn on top; never cached data.
    overlay: gpd.GeoDataFrame = field(default_factory=lambda: _empty(["geometry"]))
    #: Every build-up area observed by the date, with or without a sourced point.
    buildup_table: pd.DataFrame = field(default_factory=pd.DataFrame)


def _empty(columns: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({c: [] for c in columns if c != "geometry"}, geometry=[], crs=WGS84)


def _ranked(frame: pd.DataFrame, column: str = "source_url") -> pd.DataFrame:
    """Return a copy whose source cells list the best tier first, copies marked."""
    if column not in frame.columns or frame.empty:
        return frame
    out = frame.copy()
    out[column] = [rank_sources(cell) for cell in out[column]]
    return out


def _country_layer(as_of: dt.date, layers: Iterable[str]) -> gpd.GeoDataFrame:
    layers = set(layers)
    countries = load_countries("display")
    member_rows = {row["iso3"]: row for row in records("members")}
    in_alliance = member_codes(as_of)
    role_rows: dict[str, Row] = {}  # a state's first row: RUS's, not RUS-KGD's
    for row in records("border_states"):
        role_rows.setdefault(row["iso3"], row)

    def describe(iso3: str, sovereign: str) -> tuple[str, str, str, str]:
        sovereign = sovereign or iso3
        if "members" in layers and sovereign in in_alliance:
            member = member_rows[sovereign]
            via = "" if sovereign == iso3 else f" (territory of {sovereign})"
            source = rank_sources(member["source_url"])
            return "member", f"NATO member since {member['accession_date']}{via}", "", source
        if "border_states" in layers and iso3 in role_rows:
            role = role_rows[iso3]
            category = _ROLE_CATEGORY.get(role["role"], "partner")
            note, source = note_on(iso3, as_of)
            source = rank_sources(source or role["source_url"])
            return category, f"Border state: {_BORDER_STATE_TEXT[category]}", note, source
        return "other", "", "", BOUNDARIES_SOURCE

    described = [
        describe(iso3, sovereign)
        for iso3, sovereign in zip(countries["iso3"], countries["sovereign_iso3"], strict=True)
    ]
    out = countries[["iso3", "name", "geometry"]].copy()
    for i, column in enumerate(("category", "status", "note", "source")):
        out[column] = [row[i] for row in described]
    return out[_COUNTRY_COLUMNS]


def _override_is_newer(entry: RefEntry, troops: Any, troops_as_of: Any, as_of: dt.date) -> bool:
    """Whether a scenario's own sourced troop figure replaces the fact record's on ``as_of``."""
    if entry.troops_source is None:
        return False
    override_date = entry.troops_as_of
    if override_date is None:
        return True
    if period_start(override_date) > as_of:
        return False
    return pd.isna(troops) or period_start(str(troops_as_of)) <= period_start(override_date)


def _placement(fact: pd.Series, status: str, points: Mapping[str, Point]) -> tuple[str, str, Any]:
    """Return the base text, the location flag and the point for a sourced battle group.

    A group that is only proposed has no base yet: it is drawn at the host's centre, and the
    base it later had is named as such, so a February 2022 map does not show a March 2022 camp.
    """
    host_point = points.get(fact["host_iso3"], fact.geometry)
    if fact["location"] != "base":
        return f"no sourced base: {AT_HOST_POINT}", "host_point", host_point
    if STATUS_CLASS.get(status) == "proposed":
        return f"none yet (later: {fact['base_name']})", "host_point", host_point
    return fact["base_name"], "base", fact.geometry


def _troops_text(troops: Any, as_of: Any, scope: str = "", formation: str = "") -> str:
    if troops is None or pd.isna(troops):
        return "no sourced figure on this date"
    if scope in SCOPE_TEXT:
        what = f" {SCOPE_TEXT[scope]}"
        unit = f"{FORMATION_TEXT.get(formation, 'battle group')}; " if formation else ""
        return f"about {int(troops):,}{what} ({unit}as of {as_of})"
    return f"about {int(troops):,} (as of {as_of})"


def _battlegroup_layer(
    scenario: Scenario, as_of: dt.date, names: Mapping[str, str]
) -> tuple[gpd.GeoDataFrame, list[str]]:
    facts = fact_battlegroups(as_of).set_index("id")
    notes: list[str] = []
    rows: list[dict[str, Any]] = []
    points = host_points()
    for entry in scenario.battlegroups:
        if isinstance(entry, RefEntry):
            ref = entry.ref
            if ref not in facts.index:
                notes.append(f"Battle group {ref} has no record on or before {as_of}; not shown.")
                continue
            fact = facts.loc[ref]
            status = entry.status or fact["status"]
            since = "" if entry.status else fact["status_date"]
            framework = fact["framework_iso3"] if entry.framework is None else entry.framework
            framework_iso3 = framework or ""
            troops, troops_as_of = fact["troops_approx"], fact["troops_as_of"]
            scope, formation = fact["troops_scope"], fact["troops_formation"]
            sources = [fact["source_url"]]
            if _override_is_newer(entry, troops, troops_as_of, as_of):
                troops, troops_as_of = entry.troops_approx, entry.troops_as_of or ""
                scope, formation = "scenario", ""
                sources.append(entry.troops_source)
            base, location, where = _placement(fact, status, points)
            row = {
                "id": ref,
                "host_iso3": fact["host_iso3"],
                "framework_iso3": framework_iso3,
                "status": status,
                "since": since,
                "troops_approx": troops,
                "troops_as_of": troops_as_of,
                "troops_scope": scope,
                "troops_formation": formation,
                "base": base,
                "location": location,
                "source": rank_sources(*sources),
                "verified": fact["verified"],
                "note": " · ".join(n for n in (entry.note or "", fact["also_in_host"]) if n),
                "geometry": where,
            }
        else:
            host = entry.host
            if host not in points:
                raise InputError(
                    f"battle group {entry.id!r}: unknown host {host!r}; use an ISO alpha-3 "
                    "code of a country on the map"
                )
            row = {
                "id": entry.id,
                "host_iso3": host,
                "framework_iso3": entry.framework or "",
                "status": "hypothetical",
                "since": "",
                "troops_approx": entry.troops_approx,
                "troops_as_of": entry.troops_as_of or "scenario",
                "troops_scope": "scenario",
                "troops_formation": "",
                "base": f"hypothetical: {AT_HOST_POINT}",
                "location": "host_point",
                "source": entry.source,
                "verified": "hypothetical",
                "note": entry.note or entry.name or "",
                "geometry": points[host],
            }
        rows.append(row)
    if not rows:
        return _empty(_BG_COLUMNS), notes
    frame = _with_contributors(pd.DataFrame(rows), rosters(as_of), names)
    frame["host"] = frame["host_iso3"].map(lambda c: names.get(c, c))
    frame["framework"] = frame["framework_iso3"].map(
        lambda codes: (
            ", ".join(names.get(c, c) for c in str(codes).split(ISO_SEP) if c) or "not named"
        )
    )
    frame["status_code"] = frame["status"]
    frame["status_class"] = frame["status"].map(STATUS_CLASS)
    frame["status"] = [
        f"{STATUS_TEXT[status]} ({f'since {since}' if since else 'in this scenario only'})"
        for status, since in zip(frame["status"], frame["since"], strict=True)
    ]
    frame["troops_approx"] = pd.array(
        [None if pd.isna(t) else int(t) for t in frame["troops_approx"]], dtype="Int64"
    )
    frame["troops"] = [
        _troops_text(t, d, s, f)
        for t, d, s, f in zip(
            frame["troops_approx"],
            frame["troops_as_of"],
            frame["troops_scope"],
            frame["troops_formation"],
            strict=True,
        )
    ]
    frame["label"] = frame["host_iso3"] + " · " + frame["framework_iso3"].str.replace(ISO_SEP, "/")
    frame["label"] = frame["label"].str.rstrip(" ·")
    return gpd.GeoDataFrame(frame[_BG_COLUMNS], geometry="geometry", crs=WGS84), notes


def _with_contributors(
    frame: pd.DataFrame, by_id: Mapping[str, Roster], names: Mapping[str, str]
) -> pd.DataFrame:
    """Add each sourced group's contributing nations on the date (none for one of your own)."""
    found = [by_id.get(bg_id) for bg_id in frame["id"]]
    frame["contributors"] = [contributors_cell(r) if r else "" for r in found]
    frame["contributors_text"] = [
        r.text(dict(names)) if r else "none: a battle group of this scenario only" for r in found
    ]
    frame["contributors_troops"] = [
        ISO_SEP.join(f"{c}={n}" for c, n in r.troops.items()) if r else "" for r in found
    ]
    frame["contributors_as_of"] = [(r.as_of_text or r.as_of) if r else "" for r in found]
    frame["contributors_scope"] = [r.scope if r else "none" for r in found]
    frame["contributors_source"] = [r.source_url if r else "" for r in found]
    return frame


def _demand_layer(scenario: Scenario, as_of: dt.date) -> gpd.GeoDataFrame:
    columns = ["iso3", "name", "status", "source", "geometry"]
    demand = scenario.demand
    if demand is None:
        return _empty(columns)
    cutoff = period_start(demand.joined_after)
    members = load_table("members")
    dates = members["accession_date"].map(period_start)
    joined = members[(dates > cutoff) & (dates <= as_of)]
    countries = load_countries("display")
    area = countries[countries["iso3"].isin(joined["iso3"])][["iso3", "name", "geometry"]].copy()
    accession = dict(zip(joined["iso3"], joined["accession_date"], strict=True))
    area["status"] = [
        f"Joined NATO {accession[c]}, after {demand.joined_after}: "
        f"{demand.label or 'covered by the demand'}"
        for c in area["iso3"]
    ]
    area["source"] = demand.source
    return area[columns]


def build_scene(
    scenario: Scenario, as_of: dt.date | None = None, layers: Iterable[str] | None = None
) -> Scene:
    """Return every layer of ``scenario`` on ``as_of`` (default: the scenario's date).

    Layers not in ``layers`` come back empty (the metrics do not depend on them); ``None``
    means the scenario's own layers, an empty list none at all.
    """
    as_of = as_of or scenario.as_of
    wanted = set(scenario.layers if layers is None else layers)
    shown = tuple(layer for layer in LAYER_IDS if layer in wanted)
    names = country_names()
    bgs, notes = _battlegroup_layer(scenario, as_of, names)
    metrics = compute_metrics(bgs, as_of)
    on = set(shown)
    return Scene(
        scenario=scenario,
        as_of=as_of,
        layers=shown,
        countries=_country_layer(as_of, shown),
        battlegroups=bgs if "battlegroups" in on else bgs.iloc[0:0],
        reinforcements=_ranked(reinforcements(as_of))
        if "reinforcements" in on
        else _empty(["geometry"]),
        buildup=_ranked(buildup_areas(as_of)) if "buildup" in on else _empty(["geometry"]),
        occupied=occupied(as_of) if "occupied" in on else _empty(["geometry"]),
        demand_area=_demand_layer(scenario, as_of) if "demand_area" in on else _empty(["geometry"]),
        metrics=metrics,
        reinforcements_table=_ranked(reinforcements_table(as_of))
        if "reinforcements" in on
        else pd.DataFrame(),
        buildup_estimates=_ranked(buildup_estimates(as_of)) if "buildup" in on else pd.DataFrame(),
        buildup_table=_ranked(buildup_areas_table(as_of)) if "buildup" in on else pd.DataFrame(),
        notes=tuple(notes),
        layer_notes=tuple(occupation_notes(as_of)) if "occupied" in on else (),
    )
