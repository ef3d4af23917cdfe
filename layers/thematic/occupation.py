"""Occupied and breakaway areas beyond Crimea, and what the map knowingly leaves undrawn.

Two shipped files: ``data/occupied_areas.geojson`` (Natural Earth 4.0.0 outlines, made by
``scripts/build_occupied.py``) and ``data/occupied_areas.csv`` (what each outline means and from
which day to which it holds, with sources; its columns and rules are the table
``occupied_areas`` of ``layers.facts.schema``). A CSV row is in force from ``from_date`` to
``until`` (both inclusive; ``until`` empty: still). Rows of category ``not_drawn`` have no
outline: they become notes the map, the legend and every export show, so that a line nobody
may redistribute is named instead of silently missing.

Examples
--------
>>> sorted(occupied_areas("2016-01-01")["id"])
['GEO-ABKHAZIA', 'GEO-SOUTH-OSSETIA', 'MDA-TRANSNISTRIA', 'UKR-DONBAS']
>>> [n["id"] for n in occupation_notes("2014-06-01")]
['UKR-DONBAS']
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo.crs import WGS84
from geo.dates import parse_as_of, period_start
from geo.errors import DataError
from geo.paths import data_path
from layers.facts.tables import load_table

AREAS_GEOJSON = "occupied_areas.geojson"
#: Where the outlines come from, as maps and exports credit them.
SOURCE = "Natural Earth 4.0.0 (public domain)"
#: Columns of :func:`occupied_areas`, as :func:`layers.thematic.context.occupied` returns them.
AREA_COLUMNS = ["id", "name", "iso3", "category", "since", "label", "source_url", "verified"]


def occupied_areas(as_of: str | dt.date | None = None) -> gpd.GeoDataFrame:
    """Return the outlines in force on ``as_of``: Donbas, Abkhazia, South Ossetia, Transnistria.

    Parameters
    ----------
    as_of : str, datetime.date or None
        ``YYYY-MM-DD`` in 1949-04-04 … today; ``None`` means today.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``id, name, iso3, category, since, label, source_url, verified, geometry``
        (EPSG:4326); ``category`` is ``occupied`` or ``breakaway`` and picks the style. A new
        frame per call (no rows, same columns, when nothing is in force).

    Examples
    --------
    >>> occupied_areas("2008-08-25").empty, len(occupied_areas("2008-08-26"))
    (False, 3)
    >>> occupied_areas("1992-07-20").empty
    True
    """
    day = parse_as_of(as_of)
    table = _in_force(day)
    table = table[table["category"] != "not_drawn"]
    outlines = _outlines()
    rows = table.merge(outlines, on="id", how="inner", validate="one_to_one")
    rows = rows.rename(columns={"from_date": "since"})
    return gpd.GeoDataFrame(
        rows[AREA_COLUMNS].reset_index(drop=True),
        geometry=gpd.GeoSeries(list(rows["geometry"]), crs=WGS84),
        crs=WGS84,
    )


def area_outlines() -> pd.DataFrame:
    """Return every outline the map may draw, on any day: ``id`` and ``geometry`` (shapely).

    The app's map serves these once as a static file and each view names them by ``id``
    (``render/assets.py``); :func:`occupied_areas` draws exactly these geometries.
    """
    return _outlines().copy()


def occupation_notes(as_of: str | dt.date | None = None) -> list[dict[str, str]]:
    """Return what the map leaves undrawn on ``as_of``, each as ``{id, text, source_url}``.

    Examples
    --------
    >>> occupation_notes("2022-02-23")
    []
    >>> note = occupation_notes("2022-06-02")[0]
    >>> "about a fifth" in note["text"], "not drawn" in note["text"]
    (True, True)
    """
    table = _in_force(parse_as_of(as_of))
    table = table[table["category"] == "not_drawn"]
    return [
        {"id": r["id"], "text": r["label"], "source_url": r["source_url"]}
        for _, r in table.iterrows()
    ]


def _in_force(day: dt.date) -> pd.DataFrame:
    table = load_table("occupied_areas")
    starts = table["from_date"].map(period_start)
    ends = table["until"].map(lambda v: period_start(v) if v else dt.date.max)
    return table[(starts <= day) & (day <= ends)].copy()


def _outlines() -> pd.DataFrame:
    return _read_outlines(str(data_path(AREAS_GEOJSON)))


@functools.lru_cache(maxsize=4)
def _read_outlines(path_text: str) -> pd.DataFrame:
    """Read ``occupied_areas.geojson`` as ``id`` and ``geometry`` (shapely), checked."""
    try:
        data = json.loads(Path(path_text).read_text(encoding="utf-8"))
        ids = [f["properties"]["id"] for f in data["features"]]
        geoms = [shapely.from_geojson(json.dumps(f["geometry"])) for f in data["features"]]
    except (OSError, ValueError, KeyError, TypeError, shapely.errors.GEOSException) as err:
        reason = f"cannot read it ({err}); run scripts/build_occupied.py"
        raise DataError(f"{AREAS_GEOJSON}: {reason}") from None
    if not all(g.is_valid and not g.is_empty for g in geoms):
        raise DataError(f"{AREAS_GEOJSON}: invalid or empty geometry")
    return pd.DataFrame({"id": ids, "geometry": geoms})


def clear_cache() -> None:
    """Forget the outlines read so far (after the file or ``FLANKMAP_DATA_DIR`` changed)."""
    _read_outlines.cache_clear()
