"""Country boundaries of the region, from ``data/boundaries.gpkg``.

Two resolutions of the same countries: ``"full"`` to measure with, ``"display"`` to draw (a
gap-free simplified copy, about 215 KB as GeoJSON). ``data/README.md`` says where the file came
from and what was changed: Crimea is drawn as part of Ukraine; Kaliningrad and Crimea are also
subunits of their own.

Each layer is read and checked once, then every call returns a new frame, so a caller may change
what it gets without touching anyone else's copy.
"""

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import WGS84
from geo.errors import DataError, InputError
from geo.paths import data_path

FILENAME = "boundaries.gpkg"
#: Where the boundaries come from, as maps and exports credit them.
SOURCE = "Natural Earth 4.1.0 (public domain)"
RESOLUTIONS = ("full", "display")
#: Ids of the subunits: Russia's exclave Kaliningrad, and Crimea (Ukraine).
KALININGRAD, CRIMEA = "RUS-KGD", "UKR-CRIMEA"

#: Columns of the ``countries`` layers, besides ``geometry``.
COUNTRY_COLUMNS = ("iso3", "name", "iso_numeric", "iso_assigned", "sovereign_iso3", "clipped")
#: Columns of the ``subunits`` layers, besides ``geometry``.
SUBUNIT_COLUMNS = ("subunit_id", "iso3", "name")

_COUNTRY_LAYERS = {"full": "countries", "display": "countries_display"}
_SUBUNIT_LAYERS = {"full": "subunits", "display": "subunits_display"}
_READ_ERRORS = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError)


def load_countries(resolution: str = "display") -> gpd.GeoDataFrame:
    """Return the countries of the region, one row per ``iso3``.

    Parameters
    ----------
    resolution : {"display", "full"}
        ``"full"`` for measuring, ``"display"`` for drawing.

    Returns
    -------
    GeoDataFrame
        Columns ``iso3`` (unique), ``name``, ``iso_numeric``, ``iso_assigned``,
        ``sovereign_iso3``, ``clipped`` and ``geometry`` (MultiPolygon), in EPSG:4326, sorted by
        ``iso3``. A new frame on every call.

    Raises
    ------
    InputError
        For an unknown resolution.
    DataError
        If the file is missing, unreadable or breaks its schema.

    Examples
    --------
    >>> countries = load_countries()
    >>> countries.set_index("iso3").loc["UKR", "name"]
    'Ukraine'
    >>> countries.crs.to_string()
    'EPSG:4326'
    """
    layer = _COUNTRY_LAYERS[_check_resolution(resolution)]
    return _read_layer(str(data_path(FILENAME)), layer, COUNTRY_COLUMNS, "iso3").copy()


def load_subunits(resolution: str = "display") -> gpd.GeoDataFrame:
    """Return the subunits: Kaliningrad (``RUS-KGD``) and Crimea (``UKR-CRIMEA``).

    Each is also part of its state's geometry in :func:`load_countries` at the same resolution,
    and fits it exactly.

    Parameters
    ----------
    resolution : {"display", "full"}
        As for :func:`load_countries`.

    Returns
    -------
    GeoDataFrame
        Columns ``subunit_id`` (unique), ``iso3`` (the de-jure state), ``name`` and
        ``geometry``, in EPSG:4326. A new frame on every call.

    Examples
    --------
    >>> load_subunits()[["subunit_id", "iso3"]].to_numpy().tolist()
    [['RUS-KGD', 'RUS'], ['UKR-CRIMEA', 'UKR']]
    """
    layer = _SUBUNIT_LAYERS[_check_resolution(resolution)]
    return _read_layer(str(data_path(FILENAME)), layer, SUBUNIT_COLUMNS, "subunit_id").copy()


def known_iso3() -> frozenset[str]:
    """Return the codes of every country in the boundaries.

    The NATO members outside the region (USA, CAN) are not among them.

    Examples
    --------
    >>> codes = known_iso3()
    >>> {"POL", "RUS", "UKR", "XKX"} <= codes, "USA" in codes
    (True, False)
    """
    return frozenset(load_countries("display")["iso3"])


def country(iso3: str, resolution: str = "display") -> BaseGeometry:
    """Return one country's geometry.

    Parameters
    ----------
    iso3 : str
        ISO 3166-1 alpha-3 code (or ``XKX``, ``XNC``); case and surrounding blanks are ignored.
    resolution : {"display", "full"}
        As for :func:`load_countries`.

    Raises
    ------
    InputError
        For a code not in the boundaries, naming it and the known codes.

    Examples
    --------
    >>> country("pol").geom_type
    'MultiPolygon'
    >>> country("XXX")
    Traceback (most recent call last):
    ...
    geo.errors.InputError: unknown ISO code 'XXX'; 61 known codes: ALB, AND, ..., XNC
    """
    countries = load_countries(resolution)
    code = check_iso3(iso3, frozenset(countries["iso3"]))
    return countries.loc[countries["iso3"] == code, "geometry"].iloc[0]


def check_iso3(iso3: str, known: frozenset[str] | None = None) -> str:
    """Return ``iso3`` upper-cased if it is a known code, else raise :class:`InputError`.

    Examples
    --------
    >>> check_iso3(" est ")
    'EST'
    """
    known = known_iso3() if known is None else known
    code = iso3.strip().upper() if isinstance(iso3, str) else None
    if code not in known:
        codes = ", ".join(sorted(known))
        raise InputError(f"unknown ISO code {iso3!r}; {len(known)} known codes: {codes}")
    return code


def clear_cache() -> None:
    """Forget the layers read so far, so the next call reads the file again."""
    _read_layer.cache_clear()


def _check_resolution(resolution: str) -> str:
    if resolution not in RESOLUTIONS:
        raise InputError(
            f"unknown resolution {resolution!r}; choose one of: {', '.join(RESOLUTIONS)}"
        )
    return resolution


@lru_cache(maxsize=8)
def _read_layer(path: str, layer: str, columns: tuple[str, ...], key: str) -> gpd.GeoDataFrame:
    """Read one layer and check it; cached by path, so a new data folder is read afresh.

    Messages name the file, never its folder: they reach browsers, and a server's paths are
    nobody's business.
    """
    name = Path(path).name
    where = f"{name} (layer {layer!r})"
    if not Path(path).is_file():
        raise DataError(f"{name}: file missing; rebuild it with scripts/build_boundaries.py")
    try:
        gdf = gpd.read_file(path, layer=layer, engine="pyogrio")
    except _READ_ERRORS as err:
        reason = str(err).replace(str(path), name)
        raise DataError(f"{where}: cannot read: {reason}") from err

    if gdf.crs is None or not gdf.crs.equals(WGS84):
        found = "no CRS" if gdf.crs is None else f"CRS {gdf.crs.to_string()}"
        raise DataError(f"{where}: {found}; expected {WGS84}")
    missing = [c for c in (*columns, "geometry") if c not in gdf.columns]
    if missing:
        raise DataError(f"{where}: missing column(s) {', '.join(missing)}")
    blank = gdf[key].isna() | (gdf[key].astype(str).str.strip() == "")
    if blank.any():
        raise DataError(f"{where}: row {_rows(blank)}: empty {key}")
    duplicated = gdf[key].duplicated(keep=False)
    if duplicated.any():
        values = sorted(set(gdf.loc[duplicated, key]))
        raise DataError(f"{where}: duplicate {key} {', '.join(map(repr, values))}")

    geoms = gdf.geometry.to_numpy()
    for problem, bad in (
        ("no geometry", shapely.is_missing(geoms) | shapely.is_empty(geoms)),
        ("not polygonal", ~gdf.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()),
    ):
        if bad.any():
            raise DataError(f"{where}: {key} {_values(gdf, key, bad)}: {problem}")
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        first = geoms[invalid][0]
        reason = shapely.is_valid_reason(first)
        raise DataError(f"{where}: {key} {_values(gdf, key, invalid)}: invalid geometry ({reason})")
    return gdf[[*columns, "geometry"]].sort_values(key, ignore_index=True)


def _rows(mask) -> str:
    return ", ".join(str(i) for i in mask.to_numpy().nonzero()[0])


def _values(gdf: gpd.GeoDataFrame, key: str, mask) -> str:
    return ", ".join(repr(v) for v in gdf.loc[mask, key])
