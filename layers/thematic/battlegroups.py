"""NATO battle groups on a given day, replayed from their dated events.

``data/facts/battlegroups.csv`` holds what doesn't change (host, base, coordinates, decision);
``data/facts/battlegroup_events.csv`` one row per change, each with its date and source. The
state on a day is the last event in effect on that day, in the order (``in_effect_from``, file
order). Troop figures come from ``data/facts/battlegroup_strengths.csv``
(``layers.thematic.strengths``): the latest sourced figure in effect on the day, with its date,
scope and source, so a map never shows a figure from after its date.
"""

from __future__ import annotations

import datetime as dt
from operator import itemgetter

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geo.boundaries import load_countries
from geo.crs import WGS84
from geo.dates import parse_as_of, period_start
from geo.errors import InputError
from layers.facts.schema import ISO_SEP, join_urls
from layers.facts.tables import Row, load_table, records
from layers.thematic.strengths import Figures, figure_rows, other_formations_on, strength_on

COLUMNS = [
    "id",
    "host_iso3",
    "host_name",
    "status",
    "status_date",
    "framework_iso3",
    "framework_name",
    "troops_approx",
    "troops_as_of",
    "troops_scope",
    "troops_formation",
    "troops_source",
    "also_in_host",
    "base_name",
    "location",
    "coord_source",
    "decided",
    "source_url",
    "verified",
    "notes",
    "event",
    "geometry",
]

#: Where a battle group without a sourced base is drawn (its host's representative point).
AT_HOST_POINT = "drawn at the host country's centre"
#: ``coord_source`` of a battle group drawn there.
HOST_POINT_SOURCE = (
    f"no sourced base coordinates: {AT_HOST_POINT} (its representative point on the display "
    "boundaries), not at a base"
)


def timeline(bg_id: str | None = None) -> pd.DataFrame:
    """Return the dated events of one battle group, or of all, in the order they apply.

    Parameters
    ----------
    bg_id : str or None
        A battle-group id such as ``"bg_rou"``; ``None`` for every battle group.

    Returns
    -------
    pandas.DataFrame
        The columns of ``battlegroup_events.csv`` sorted by ``bg_id``, ``in_effect_from`` and
        file order; a new frame per call.

    Raises
    ------
    geo.errors.InputError
        ``bg_id`` is not a known battle group.

    Examples
    --------
    >>> list(timeline("bg_rou")["status"])
    ['offered_lead', 'proposed', 'established', 'established']
    """
    if bg_id is not None:
        known = sorted(row["id"] for row in records("battlegroups"))
        if bg_id not in known:
            raise InputError(f"unknown battle group {bg_id!r}; choose one of: {', '.join(known)}")
    table = load_table("battlegroup_events")
    rows = [event for event in _in_order() if bg_id is None or event["bg_id"] == bg_id]
    return pd.DataFrame(rows, columns=table.columns).astype(table.dtypes.to_dict())


def _in_order() -> list[Row]:
    """Every event, each group's in the order they apply: by day in effect, then file order."""
    return sorted(records("battlegroup_events"), key=itemgetter("bg_id", "in_effect_from"))


def battlegroups(as_of: str | dt.date | None = None) -> gpd.GeoDataFrame:
    """Return every battle group with at least one event in effect on ``as_of``, as points.

    Parameters
    ----------
    as_of : str, datetime.date or None
        ``YYYY-MM-DD`` in 1949-04-04 … today; ``None`` means today.

    Returns
    -------
    geopandas.GeoDataFrame
        One Point per battle group (EPSG:4326), columns ``id, host_iso3, host_name, status,
        status_date, framework_iso3, framework_name, troops_approx, troops_as_of, base_name,
        location, coord_source, decided, source_url, verified, notes, event``:

        - ``status``/``framework_iso3``: from the last event in effect; ``status_date`` is the
          date (as sourced) of the event that set this status and framework nation; ``event``
          its text. ``framework_iso3`` is empty while no nation has offered to lead.
        - ``troops_approx`` (``Int64``): the latest sourced figure in effect on ``as_of``
          (``layers.thematic.strengths.strength_on``), ``<NA>`` if none; ``troops_as_of`` its date,
          ``troops_scope`` ``present`` or ``planned``, ``troops_formation`` ``battle_group`` or
          ``brigade``, ``troops_source`` its URL(s). ``also_in_host`` describes another
          formation in the host (Panzerbrigade 45 in Lithuania), never added to the figure.
        - ``location``: ``"base"`` at the sourced base coordinates, else ``"host_point"`` at the
          host country's representative point (flagged in ``coord_source``).
        - ``source_url``: the static row's URLs and those of every event up to ``as_of``;
          ``verified``: ``partial`` if any of those rows is.
        - ``notes``: the static notes, which may mention later events with their dates.

    Raises
    ------
    geo.errors.InputError
        The date is malformed or out of range.

    Examples
    --------
    >>> bg = battlegroups("2022-02-23").set_index("id")
    >>> bg.loc["bg_rou", ["status", "framework_iso3"]].tolist()
    ['proposed', 'FRA']
    >>> len(battlegroups("2016-12-31"))
    0
    """
    day = parse_as_of(as_of)
    static = {row["id"]: row for row in records("battlegroups")}
    in_effect: dict[str, list[Row]] = {}  # each group's events on the day, as they apply
    for event in _in_order():
        if period_start(event["in_effect_from"]) <= day:
            in_effect.setdefault(event["bg_id"], []).append(event)
    names = country_names()
    points = host_points()
    figures_of: dict[str, list] = {}  # each group's figures, looked up once
    for figure in figure_rows():
        figures_of.setdefault(figure["bg_id"], []).append(figure)
    rows = [
        _row(static[bg_id], bg_id, events, day, names, points, figures_of.get(bg_id, []))
        for bg_id, events in in_effect.items()
    ]
    if not rows:
        return gpd.GeoDataFrame(
            pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS[:-1]}),
            geometry=gpd.GeoSeries([], crs=WGS84),
        ).astype({"troops_approx": "Int64"})
    out = pd.DataFrame(rows)
    out["troops_approx"] = pd.array(out["troops_approx"], dtype="Int64")
    order = {bg: i for i, bg in enumerate(static)}
    out = out.sort_values("id", key=lambda s: s.map(order)).reset_index(drop=True)
    return gpd.GeoDataFrame(out[COLUMNS], geometry="geometry", crs=WGS84)


def _row(
    fact: Row,
    bg_id: str,
    events: list[Row],
    day: dt.date,
    names: dict[str, str],
    points: dict[str, Point],
    figures: Figures,
) -> dict[str, object]:
    """One group's row from its static record and its events in effect, in the order they apply."""
    state = (events[-1]["status"], events[-1]["framework_iso3"])
    first = len(events) - 1
    while first > 0 and (events[first - 1]["status"], events[first - 1]["framework_iso3"]) == state:
        first -= 1
    setter = events[first]

    strength = strength_on(bg_id, day, table=figures)
    figure = pd.NA if strength is None else strength.troops

    if pd.notna(fact["base_lat"]):
        location, coord_source = "base", fact["coord_source"]
        point = Point(fact["base_lon"], fact["base_lat"])
    else:
        location, coord_source = "host_point", HOST_POINT_SOURCE
        point = points[fact["host_iso3"]]

    urls = [fact["source_url"], *(event["source_url"] for event in events)]
    if strength is not None:
        urls.append(strength.source_url)
    flags = {fact["verified"], *(event["verified"] for event in events)}
    framework = state[1]
    return {
        "id": bg_id,
        "host_iso3": fact["host_iso3"],
        "host_name": fact["host_name"],
        "status": state[0],
        "status_date": setter["date"],
        "framework_iso3": framework,
        "framework_name": ISO_SEP.join(names.get(c, c) for c in framework.split(ISO_SEP) if c),
        "troops_approx": figure,
        "troops_as_of": "" if strength is None else strength.as_of,
        "troops_scope": "" if strength is None else strength.scope,
        "troops_formation": "" if strength is None else strength.formation,
        "troops_source": "" if strength is None else strength.source_url,
        "also_in_host": other_formations_on(bg_id, day, table=figures),
        "base_name": fact["base_name"],
        "location": location,
        "coord_source": coord_source,
        "decided": fact["decided"],
        "source_url": join_urls(urls),
        "verified": "partial" if "partial" in flags else "yes",
        "notes": fact["notes"],
        "event": setter["event"],
        "geometry": point,
    }


def country_names() -> dict[str, str]:
    """Display names by ISO code: the members table's, else the boundary data's."""
    countries = load_countries("display")
    names = dict(zip(countries["iso3"], countries["name"], strict=True))
    members = load_table("members")
    names.update(zip(members["iso3"], members["name"], strict=True))
    return names


def host_points() -> dict[str, Point]:
    """Each country's representative point (display geometry): where a base-less group is drawn."""
    countries = load_countries("display")
    points = countries.geometry.representative_point()
    return dict(zip(countries["iso3"], points, strict=True))
