"""Context around the battle groups: reinforcements, the Russian build-up, occupied territory.

Points are drawn only where the source gives coordinates: rows without them are listed by the
``*_table`` functions but never placed on the map, and nothing here guesses a location.
"""

from __future__ import annotations

import datetime as dt
import re

import geopandas as gpd
import pandas as pd

from geo.boundaries import CRIMEA, load_subunits
from geo.crs import WGS84
from geo.dates import parse_as_of, period_end, period_start, span_words
from layers.facts.schema import join_urls
from layers.facts.statements import known_on
from layers.facts.tables import in_effect, load_table
from layers.thematic.occupation import AREA_COLUMNS, area_outlines, occupied_areas

OCCUPIED_COLUMNS = [*AREA_COLUMNS, "geometry"]


def reinforcements_table(as_of: str | dt.date | None = None) -> pd.DataFrame:
    """Return every reinforcement announced on or before ``as_of``, located or not.

    Parameters
    ----------
    as_of : str, datetime.date or None
        ``YYYY-MM-DD`` in 1949-04-04 … today; ``None`` means today.

    Returns
    -------
    pandas.DataFrame
        The columns of ``reinforcements.csv`` plus ``located`` (True where the source gives a
        point); a new frame per call.

    Examples
    --------
    >>> t = reinforcements_table("2022-02-23")
    >>> ship = t.set_index("id").loc["uk_hms_trent"]
    >>> ship["where_name"], bool(ship["located"])
    ('Eastern Mediterranean', False)
    """
    day = parse_as_of(as_of)
    table = load_table("reinforcements")
    table = table[[in_effect(d, day) for d in table["announced_date"]]].copy()
    table["notes"] = [known_on(n, day) for n in table["notes"]]
    table["located"] = table["lat"].notna() & table["lon"].notna()
    return table.reset_index(drop=True)


def reinforcements_period() -> str:
    """Say when the reinforcements in the data were announced, for the legend and titles.

    Examples
    --------
    >>> reinforcements_period()
    'early 2022'
    """
    dates = load_table("reinforcements")["announced_date"]
    return span_words(min(map(period_start, dates)), max(map(period_end, dates)))


def reinforcements(as_of: str | dt.date | None = None) -> gpd.GeoDataFrame:
    """Return the reinforcements announced on or before ``as_of`` that have a sourced point.

    Parameters
    ----------
    as_of : str, datetime.date or None
        ``YYYY-MM-DD`` in 1949-04-04 … today; ``None`` means today.

    Returns
    -------
    geopandas.GeoDataFrame
        Points (EPSG:4326) with the columns of ``reinforcements.csv``; a new frame per call.

    Examples
    --------
    >>> r = reinforcements("2022-02-23")
    >>> "uk_typhoons" in set(r["id"]), "uk_hms_diamond" in set(r["id"])
    (True, False)
    """
    table = reinforcements_table(as_of)
    return _points(table[table["located"]].drop(columns="located"), "lat", "lon")


def buildup_areas(as_of: str | dt.date | None = None) -> gpd.GeoDataFrame:
    """Return the Russian build-up areas first observed on or before ``as_of`` that have a point.

    The point marks the named town (see ``coord_source``), not the camp or training area.

    Examples
    --------
    >>> a = buildup_areas("2022-02-23")
    >>> sorted(a["country_iso3"].unique())
    ['RUS', 'UKR']
    """
    day = parse_as_of(as_of)
    table = load_table("buildup_areas")
    observed = pd.Series([in_effect(o, day) for o in table["observed"]], index=table.index)
    table["notes"] = [known_on(n, day) for n in table["notes"]]
    return _points(table[observed & table["lat"].notna()], "lat", "lon")


def buildup_areas_table(as_of: str | dt.date | None = None) -> pd.DataFrame:
    """Return every build-up area first observed on or before ``as_of``, located or not.

    Examples
    --------
    >>> int((~buildup_areas_table("2022-02-23")["located"]).sum())
    6
    """
    day = parse_as_of(as_of)
    table = load_table("buildup_areas")
    table = table[[in_effect(o, day) for o in table["observed"]]].copy()
    table["notes"] = [known_on(n, day) for n in table["notes"]]
    table["located"] = table["lat"].notna() & table["lon"].notna()
    return table.reset_index(drop=True)


def buildup_estimates(as_of: str | dt.date | None = None) -> pd.DataFrame:
    """Return the estimates of Russian forces dated on or before ``as_of``.

    ``troops_high`` empty (``<NA>``) means "more than ``troops_low``". Figures differ in scope;
    read ``what`` before comparing rows.

    Examples
    --------
    >>> e = buildup_estimates("2022-02-16")
    >>> e.iloc[-1]["estimate_label"], int(e.iloc[-1]["troops_low"])
    ('>150,000', 150000)
    """
    day = parse_as_of(as_of)
    table = load_table("buildup_estimates")
    table = table[[in_effect(d, day) for d in table["date"]]].copy()
    table["notes"] = [known_on(n, day) for n in table["notes"]]
    return table.reset_index(drop=True)


def occupied(as_of: str | dt.date | None = None, resolution: str = "display") -> gpd.GeoDataFrame:
    """Return the territory drawn as occupied by Russia or breakaway on ``as_of``.

    Crimea from the annexation treaty on (the ``UKR-CRIMEA`` subunit of the boundaries), and the
    outlines of :func:`layers.thematic.occupation.occupied_areas`: the 2015-2022 Donbas areas,
    Abkhazia and South Ossetia (occupied), Transnistria (breakaway).

    Parameters
    ----------
    as_of : str, datetime.date or None
        ``YYYY-MM-DD`` in 1949-04-04 … today; ``None`` means today.
    resolution : {"display", "full"}
        Which boundary copy to take Crimea from.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``id, name, iso3, category, since, label, source_url, verified, geometry``
        (EPSG:4326), Crimea first; no rows (same columns) when nothing is in force.

    Examples
    --------
    >>> "UKR-CRIMEA" in set(occupied("2014-03-17")["id"]), len(occupied("2014-03-18"))
    (False, 4)
    >>> occupied("2022-02-23").set_index("id").at["UKR-CRIMEA", "label"]
    'Occupied by Russia since 2014-03-18 (annexation not recognised, UN GA resolution 68/262)'
    """
    day = parse_as_of(as_of)
    areas = occupied_areas(day)
    crimea = _crimea(day, resolution)
    if crimea.empty:
        return areas[OCCUPIED_COLUMNS]
    joined = pd.concat([crimea, areas], ignore_index=True)
    return gpd.GeoDataFrame(joined[OCCUPIED_COLUMNS], geometry="geometry", crs=WGS84)


def occupied_shapes(resolution: str = "display") -> gpd.GeoDataFrame:
    """Return every shape :func:`occupied` may draw, on any day: ``id`` and ``geometry``.

    Crimea and the outlines of :func:`layers.thematic.occupation.area_outlines`, each once by its
    ``id``, the same geometry :func:`occupied` gives that ``id`` on every day it is drawn.
    """
    subunits = load_subunits(resolution)
    crimea = subunits[subunits["subunit_id"] == CRIMEA]
    outlines = area_outlines()
    return gpd.GeoDataFrame(
        {"id": [*crimea["subunit_id"], *outlines["id"]]},
        geometry=[*crimea.geometry, *outlines["geometry"]],
        crs=WGS84,
    )


def _crimea(day: dt.date, resolution: str) -> gpd.GeoDataFrame:
    """Return Crimea as territory of Ukraine occupied by Russia, from the annexation treaty on."""
    crimea = load_table("crimea").set_index("id")
    since = crimea.at["crimea_annexation", "date"]
    if not in_effect(since, day):
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in OCCUPIED_COLUMNS[:-1]})
        return gpd.GeoDataFrame(empty, geometry=gpd.GeoSeries([], crs=WGS84))
    resolution_text = crimea.at["unga_68_262", "event"]
    number = re.search(r"resolution (\d+/\d+)", resolution_text)
    basis = f", UN GA resolution {number.group(1)}" if number else ""
    if in_effect(crimea.at["unga_68_262", "date"], day):
        label = f"Occupied by Russia since {since} (annexation not recognised{basis})"
        rows = ["crimea_annexation", "unga_68_262"]
    else:
        label = f"Occupied by Russia since {since} (annexation not recognised)"
        rows = ["crimea_annexation"]
    urls = join_urls(crimea.at[r, "source_url"] for r in rows)
    subunits = load_subunits(resolution)
    part = subunits[subunits["subunit_id"] == CRIMEA]
    out = pd.DataFrame(
        {
            "id": part["subunit_id"].to_numpy(),
            "name": part["name"].to_numpy(),
            "iso3": "UKR",
            "category": "occupied",
            "since": since,
            "label": label,
            "source_url": urls,
            "verified": "partial" if "partial" in set(crimea.loc[rows, "verified"]) else "yes",
        }
    )
    return gpd.GeoDataFrame(out, geometry=part.geometry.to_numpy(), crs=WGS84)


def transnistria_note() -> dict[str, str]:
    """Return the Factbook's note on Transnistria (its outline: :func:`occupied`).

    Examples
    --------
    >>> "Transnistria" in transnistria_note()["text"]
    True
    """
    row = load_table("border_states").set_index("feature_id").loc["MDA"]
    return {"text": row["notes"], "source_url": row["source_url"], "verified": row["verified"]}


def _points(table: pd.DataFrame, lat: str, lon: str) -> gpd.GeoDataFrame:
    geometry = gpd.points_from_xy(table[lon], table[lat], crs=WGS84)
    return gpd.GeoDataFrame(table.reset_index(drop=True), geometry=geometry, crs=WGS84)
