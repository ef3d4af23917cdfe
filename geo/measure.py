"""Land borders between the countries of the region, in kilometres on the WGS84 ellipsoid.

Lengths are measured on the full-resolution boundaries, never on the display copy, and never in
degrees or Web Mercator. They run shorter than published figures (the CIA World Factbook's):
Natural Earth's 1:10m lines cut the bends that rivers make.
"""

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo import boundaries
from geo.boundaries import FILENAME, check_iso3, known_iso3, load_countries
from geo.crs import GEOD, WGS84
from geo.errors import InputError
from geo.paths import data_path

_COLLECTIONS = (4, 5, 6, 7)  # shapely type ids: Multi*, GeometryCollection
#: Enough to keep an envelope's own edge inside the clip, far below the data's precision.
_EPS = 1e-7


def shared_border_km(a: BaseGeometry, b: BaseGeometry) -> float:
    """Return the length of the boundary two areas share, in km.

    The geodesic length on WGS84 of the lines where the boundaries of ``a`` and ``b`` meet;
    points where they only touch count for nothing. Pass longitude/latitude geometry at full
    resolution.

    Examples
    --------
    >>> from shapely import box
    >>> shared_border_km(box(0, 0, 1, 1), box(1, 0, 2, 1))  # 1 degree of meridian
    110.57...
    >>> shared_border_km(box(0, -1, 1, 0), box(0, 0, 1, 1))  # 1 degree of the equator
    111.31...
    >>> shared_border_km(box(0, 0, 1, 1), box(1, 1, 2, 2))  # a corner only
    0.0
    """
    return _line_km(shapely.intersection(shapely.boundary(a), shapely.boundary(b)))


def area_km2(geom: BaseGeometry) -> float:
    """Return the geodesic area of a longitude/latitude geometry on WGS84, in km².

    Examples
    --------
    >>> from shapely import box
    >>> round(area_km2(box(0, 0, 1, 1)))  # 1 degree square on the equator
    12309
    """
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def border_pairs(countries: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Return every pair of land neighbours with the length of their border.

    Parameters
    ----------
    countries : GeoDataFrame, optional
        Columns ``iso3`` and ``geometry``. By default the full-resolution boundaries, for which
        the table is computed once per file content and then copied.

    Returns
    -------
    DataFrame
        Columns ``a``, ``b`` (ISO3, ``a < b``) and ``km`` (rounded to 0.1 km), sorted by ``a``,
        ``b``. Pairs whose borders round to 0 km are left out. A border cut by the region's
        edge (Russia–Kazakhstan at 60°E) is measured inside the region only.

    Examples
    --------
    >>> pairs = border_pairs()
    >>> pairs[(pairs["a"] == "EST") & (pairs["b"] == "RUS")].columns.tolist()
    ['a', 'b', 'km']
    """
    if countries is None:
        path = data_path(FILENAME)
        try:
            stat = path.stat()
        except OSError:  # load_countries says what is wrong with the data folder
            return _pairs(load_countries("full"))
        return _default_pairs(_digest(str(path), stat.st_size, stat.st_mtime_ns)).copy()
    return _pairs(countries)


def frontier(
    members: Iterable[str], neighbours: Iterable[str] = ("RUS", "BLR", "UKR")
) -> pd.DataFrame:
    """Return each member's land border with each of the neighbour states.

    Parameters
    ----------
    members : iterable of str
        The alliance on some date, as ISO3 codes. Members outside the region (USA, CAN) are
        allowed and simply have no border here.
    neighbours : iterable of str
        The states across the frontier; each must be a known code.

    Returns
    -------
    DataFrame
        Columns ``member``, ``neighbour``, ``km``; one row per pair that shares a land border,
        sorted by ``member``, ``neighbour``.

    Examples
    --------
    >>> frontier(["EST", "LVA", "USA"], neighbours=["RUS"])["member"].tolist()
    ['EST', 'LVA']
    """
    if isinstance(members, str):
        members = [members]
    if isinstance(neighbours, str):
        neighbours = [neighbours]
    known = known_iso3()
    across = {check_iso3(code, known) for code in neighbours}
    inside = {code.strip().upper() for code in members if isinstance(code, str)} - across
    pairs = border_pairs()
    # A hundred-odd pairs, asked about on every view: plain tuples, not a frame's concat and sort.
    rows = sorted(
        (member, neighbour, km)
        for a, b, km in zip(pairs["a"], pairs["b"], pairs["km"], strict=True)
        for member, neighbour in ((a, b), (b, a))
        if member in inside and neighbour in across
    )
    codes, lengths = pairs["a"].dtype, pairs["km"].dtype
    return pd.DataFrame(
        {
            "member": pd.Series([r[0] for r in rows], dtype=codes),
            "neighbour": pd.Series([r[1] for r in rows], dtype=codes),
            "km": pd.Series([r[2] for r in rows], dtype=lengths),
        }
    )


def clear_cache() -> None:
    """Forget the border table and the boundaries read so far.

    A changed boundary file needs none of this for its borders: the table is keyed by the file's
    content, so the new lines are measured anew and a byte-identical copy is not measured again.
    """
    _digest.cache_clear()
    _default_pairs.cache_clear()
    boundaries.clear_cache()


@lru_cache(maxsize=8)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    """Return the boundary file's content digest; read again only when its size or time changes."""
    return hashlib.blake2b(Path(path).read_bytes(), digest_size=16).hexdigest()


@lru_cache(maxsize=2)
def _default_pairs(digest: str) -> pd.DataFrame:
    """Return the pairs of the full-resolution boundaries whose file has content ``digest``."""
    return _pairs(load_countries("full"))


def _pairs(countries: gpd.GeoDataFrame) -> pd.DataFrame:
    if countries.crs is None:
        raise InputError("countries has no CRS; set one (the shipped data is EPSG:4326)")
    countries = countries.to_crs(WGS84)
    codes = countries["iso3"].to_numpy()
    geoms = countries.geometry.to_numpy()
    boundaries = shapely.boundary(geoms)
    left, right = countries.sindex.query(geoms)  # envelopes only: cheaper than a predicate
    rows = []
    for i, j in zip(left, right, strict=True):
        if codes[i] >= codes[j]:
            continue
        # Only the stretch where both envelopes overlap can be shared: clip there first, so
        # Russia's whole outline is not intersected with every neighbour's.
        box = _envelope_overlap(geoms[i], geoms[j])
        shared = shapely.intersection(
            shapely.clip_by_rect(boundaries[i], *box), shapely.clip_by_rect(boundaries[j], *box)
        )
        km = round(_line_km(shared), 1)
        if km > 0:
            rows.append((codes[i], codes[j], km))
    table = pd.DataFrame(rows, columns=["a", "b", "km"])
    return table.sort_values(["a", "b"], ignore_index=True)


def _envelope_overlap(a: BaseGeometry, b: BaseGeometry) -> tuple[float, float, float, float]:
    (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = a.bounds, b.bounds
    return (max(ax0, bx0) - _EPS, max(ay0, by0) - _EPS, min(ax1, bx1) + _EPS, min(ay1, by1) + _EPS)


def _line_km(geom: BaseGeometry) -> float:
    """Geodesic length of the linear parts of a geometry, in km."""
    parts = shapely.get_parts(geom)
    while np.isin(shapely.get_type_id(parts), _COLLECTIONS).any():
        parts = shapely.get_parts(parts)
    lines = parts[(shapely.get_type_id(parts) == 1) & ~shapely.is_empty(parts)]
    if not len(lines):
        return 0.0
    return GEOD.geometry_length(shapely.multilinestrings(lines)) / 1000
