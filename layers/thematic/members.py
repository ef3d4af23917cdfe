"""NATO member states on a given day, as map polygons.

A state is a member from its ``accession_date`` (``data/facts/members.csv``) on. The founding
twelve count from 1949-08-24, when the treaty entered into force, so a map dated between the
signature (1949-04-04) and that day shows no member. Territories drawn as separate countries
(Greenland) are drawn with their sovereign's membership.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd

from geo.boundaries import load_countries
from geo.crs import WGS84
from geo.dates import parse_as_of
from layers.facts.tables import in_effect, load_table, records

COLUMNS = ["iso3", "name", "member_iso3", "accession_date", "source_url", "verified", "geometry"]


def member_codes(as_of: str | dt.date | None = None) -> frozenset[str]:
    """Return the ISO alpha-3 codes of the members on ``as_of``, including USA and CAN.

    Parameters
    ----------
    as_of : str, datetime.date or None
        ``YYYY-MM-DD`` in 1949-04-04 … today; ``None`` means today.

    Raises
    ------
    geo.errors.InputError
        The date is malformed or out of range.

    Examples
    --------
    >>> len(member_codes("2021-12-31")), "FIN" in member_codes("2023-04-04")
    (30, True)
    >>> member_codes("1949-08-23")
    frozenset()
    """
    day = parse_as_of(as_of)
    return frozenset(r["iso3"] for r in records("members") if in_effect(r["accession_date"], day))


def members(as_of: str | dt.date | None = None, resolution: str = "display") -> gpd.GeoDataFrame:
    """Return the member states on ``as_of`` joined to their country polygons.

    Members without a polygon on the map (USA, CAN) are left out; :func:`member_codes` has them.
    A territory whose ``sovereign_iso3`` is a member (Greenland, Denmark) is drawn with it:
    ``iso3`` is the territory's code, ``member_iso3`` the member's.

    Parameters
    ----------
    as_of : str, datetime.date or None
        ``YYYY-MM-DD`` in 1949-04-04 … today; ``None`` means today.
    resolution : {"display", "full"}
        Which boundary copy to join: simplified for drawing, or full for measuring.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``iso3, name, member_iso3, accession_date, source_url, verified, geometry``
        (EPSG:4326), one row per polygon, a new frame on every call.

    Raises
    ------
    geo.errors.InputError
        The date is malformed or out of range.

    Examples
    --------
    >>> m = members("2024-03-07")
    >>> "SWE" in set(m["iso3"]), "USA" in set(m["iso3"])
    (True, False)
    >>> m.loc[m["iso3"] == "GRL", "member_iso3"].item()
    'DNK'
    """
    codes = member_codes(as_of)
    table = load_table("members").set_index("iso3")
    countries = load_countries(resolution)
    sovereign = (
        countries["sovereign_iso3"]
        .fillna("")
        .where(countries["sovereign_iso3"].fillna("") != "", countries["iso3"])
    )
    own = countries["iso3"].isin(codes)
    territory = ~own & sovereign.isin(codes)
    out = countries.loc[own | territory, ["iso3", "name", "geometry"]].copy()
    out["member_iso3"] = out["iso3"].where(own[own | territory], sovereign[own | territory])
    facts = table.loc[out["member_iso3"]]
    out["name"] = [
        table.at[m, "name"] if m == c else n
        for c, m, n in zip(out["iso3"], out["member_iso3"], out["name"], strict=True)
    ]
    for col in ("accession_date", "source_url", "verified"):
        out[col] = facts[col].to_numpy()
    out = out[COLUMNS].sort_values(["accession_date", "iso3"]).reset_index(drop=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=WGS84)
