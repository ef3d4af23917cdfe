"""The non-member states on the alliance's eastern border, as map polygons.

Russia is drawn as two features: ``RUS`` (without Kaliningrad) and ``RUS-KGD`` (the Kaliningrad
exclave between Lithuania and Poland). Ukraine is drawn de jure, with Crimea (see
``layers.thematic.context.occupied`` for the occupation since 2014). Transnistria has no polygon in
the country boundaries (its outline is in ``layers.thematic.context.occupied``); Moldova's ``notes``
name it.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from geo.boundaries import load_countries, load_subunits
from geo.crs import WGS84
from geo.errors import DataError
from layers.facts.tables import load_table

COLUMNS = ["feature_id", "iso3", "name", "role", "notes", "source_url", "verified", "geometry"]


def border_states(resolution: str = "display") -> gpd.GeoDataFrame:
    """Return Russia, Kaliningrad, Belarus, Ukraine, Moldova and Georgia with their roles.

    Parameters
    ----------
    resolution : {"display", "full"}
        Which boundary copy to use: simplified for drawing, or full for measuring.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``feature_id, iso3, name, role, notes, source_url, verified, geometry``
        (EPSG:4326), in the order of ``data/facts/border_states.csv``; a new frame per call.

    Examples
    --------
    >>> b = border_states()
    >>> list(b["feature_id"])
    ['RUS', 'RUS-KGD', 'BLR', 'UKR', 'MDA', 'GEO']
    >>> b.set_index("feature_id").loc["RUS-KGD", "role"]
    'russia_exclave'
    """
    facts = load_table("border_states")
    countries = load_countries(resolution).set_index("iso3")["geometry"]
    subunits = load_subunits(resolution).set_index("subunit_id")["geometry"]
    exclaves = {
        fid: subunits[fid] for fid in facts["feature_id"] if "-" in fid and fid in subunits.index
    }
    missing = sorted(
        f
        for f in facts["feature_id"]
        if f not in exclaves and ("-" in f or f not in countries.index)
    )
    if missing:
        raise DataError(
            f"border_states.csv: feature_id {missing[0]!r} has no geometry; allowed: an ISO code "
            f"or subunit id of the boundary data ({', '.join(subunits.index)})"
        )

    def shape(feature_id: str, iso3: str) -> shapely.Geometry:
        if feature_id in exclaves:
            return exclaves[feature_id]
        geometry = countries[iso3]
        for fid, part in exclaves.items():  # e.g. RUS without RUS-KGD
            if fid.split("-")[0] == feature_id:
                geometry = shapely.make_valid(shapely.difference(geometry, part))
        return geometry

    geometries = [shape(f, i) for f, i in zip(facts["feature_id"], facts["iso3"], strict=True)]
    out = facts[COLUMNS[:-1]].copy()
    return gpd.GeoDataFrame(out, geometry=geometries, crs=WGS84)
