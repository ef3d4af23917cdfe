"""A line or area of the user's own, drawn over the map: read and checked from bytes.

The file never touches the server's disk: GDAL reads it from memory (``/vsimem/``, through
pyogrio's in-memory reader). Only GeoJSON and GeoPackage with lines or polygons are accepted;
anything else is refused with one :class:`~geo.errors.InputError` naming the file and what is
allowed, and the caller keeps what it had. Text stays raw here: renderers escape it.

Examples
--------
>>> data = b'{"type": "FeatureCollection", "features": [{"type": "Feature", '
>>> data += b'"properties": {"name": "Front <b>line</b>"}, '
>>> data += b'"geometry": {"type": "LineString", "coordinates": [[36, 47], [38, 49]]}}]}'
>>> layer = read_overlay(data, "front.geojson", attribution="My notes, CC BY 4.0")
>>> layer[["name", "label", "attribution"]].iloc[0].tolist()
['Front <b>line</b>', 'front', 'My notes, CC BY 4.0']
>>> read_overlay(b"hello", "notes.txt")
Traceback (most recent call last):
...
geo.errors.InputError: notes.txt: not a GeoJSON or GeoPackage file; an overlay must be one
"""

from __future__ import annotations

import dataclasses
import io
import warnings
from pathlib import PurePath

import geopandas as gpd
import pyogrio
import shapely

from geo.crs import WGS84
from geo.errors import InputError
from layers.scenario.scene import Scene

#: The largest overlay file accepted, in bytes.
MAX_OVERLAY_MB = 5
MAX_OVERLAY_BYTES = MAX_OVERLAY_MB * 1024 * 1024
#: GDAL drivers accepted (what pyogrio's ``read_info`` calls them).
DRIVERS = {"GeoJSON": "GeoJSON", "GPKG": "GeoPackage"}
#: Geometry types accepted; points are refused (an overlay is a line or an area).
GEOMETRY_TYPES = ("LineString", "MultiLineString", "Polygon", "MultiPolygon")
#: Properties tried, in order, for a feature's name in the tooltip.
NAME_PROPERTIES = ("name", "Name", "NAME", "title", "label")
#: Longest legend entry, attribution or feature name kept (characters).
MAX_TEXT = 200
COLUMNS = ["name", "label", "attribution", "geometry"]


def read_overlay(
    data: bytes, filename: str, *, label: str = "", attribution: str = ""
) -> gpd.GeoDataFrame:
    """Return the user's file as an overlay layer in EPSG:4326, or raise one clear error.

    Parameters
    ----------
    data : bytes
        The file's content: GeoJSON, or a GeoPackage (its first layer with geometry).
    filename : str
        Its name, for messages and the default legend entry (never opened).
    label : str
        The legend entry; default the file name without its suffix.
    attribution : str
        Who made the line and under which licence; shown in the legend, tooltips and exports.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``name, label, attribution, geometry``: one row per line or area. A GeoJSON
        without a CRS is EPSG:4326 (RFC 7946); any other CRS is transformed to it.

    Raises
    ------
    InputError
        Larger than 5 MB, not GeoJSON or GeoPackage, no lines or polygons, points, no CRS
        (GeoPackage), a CRS that cannot be transformed, or coordinates off the globe.
    """
    name = PurePath(str(filename or "overlay")).name[:MAX_TEXT]
    check_overlay_size(len(data), name)
    frame, driver = _read(data, name)
    if frame.crs is None:
        if driver != "GeoJSON":
            raise InputError(f"{name}: the layer has no CRS; save it with one (e.g. EPSG:4326)")
        frame = frame.set_crs(WGS84)
    geoms = frame.geometry.to_numpy()
    frame = frame[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if frame.empty:
        raise InputError(f"{name}: no lines or polygons in the file; an overlay needs some")
    kinds = set(frame.geom_type)
    if not kinds <= set(GEOMETRY_TYPES):
        other = ", ".join(sorted(kinds - set(GEOMETRY_TYPES)))
        raise InputError(
            f"{name}: {other} geometry is not allowed; an overlay has lines or polygons"
        )
    try:
        frame = frame.to_crs(WGS84)
    except Exception as err:  # pyproj raises several kinds for an unusable CRS
        raise InputError(f"{name}: cannot transform its CRS to EPSG:4326 ({err})") from None
    xmin, ymin, xmax, ymax = frame.total_bounds
    if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
        raise InputError(
            f"{name}: coordinates off the globe after transforming to EPSG:4326; check its CRS"
        )
    geoms = shapely.make_valid(frame.geometry.to_numpy())
    names = _names(frame)
    out = gpd.GeoDataFrame(
        {
            "name": names,
            "label": _text(label) or _text(PurePath(name).stem) or "overlay",
            "attribution": _text(attribution) or "source and licence not given by the user",
        },
        geometry=gpd.GeoSeries(list(geoms), crs=WGS84),
        crs=WGS84,
    )
    return out[COLUMNS].reset_index(drop=True)


def check_overlay_size(size: int, filename: str) -> None:
    """Raise :class:`InputError` if a file of ``size`` bytes is too large for an overlay.

    Examples
    --------
    >>> check_overlay_size(6_000_000, "big.geojson")
    Traceback (most recent call last):
    ...
    geo.errors.InputError: big.geojson: 6,000,000 bytes; an overlay may be at most 5 MB ...
    """
    if size > MAX_OVERLAY_BYTES:
        raise InputError(
            f"{filename}: {size:,} bytes; an overlay may be at most "
            f"{MAX_OVERLAY_MB} MB ({MAX_OVERLAY_BYTES:,} bytes)"
        )


def with_overlay(
    scene: Scene, overlay: gpd.GeoDataFrame | None, *, label: str = "", attribution: str = ""
) -> Scene:
    """Return ``scene`` with ``overlay`` drawn on top (a new scene; the cached one is unchanged).

    A non-empty ``label`` or ``attribution`` replaces the one read with the file.
    """
    if overlay is None:
        return scene
    overlay = overlay.copy()
    if _text(label):
        overlay["label"] = _text(label)
    if _text(attribution):
        overlay["attribution"] = _text(attribution)
    return dataclasses.replace(scene, overlay=overlay)


def _read(data: bytes, name: str) -> tuple[gpd.GeoDataFrame, str]:
    """Read the first layer with geometry from memory; return it and the GDAL driver's name."""
    refused = InputError(f"{name}: not a GeoJSON or GeoPackage file; an overlay must be one")
    with warnings.catch_warnings():
        # GDAL warns that an in-memory GeoPackage lacks the .gpkg suffix: nothing to tell.
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            driver = pyogrio.read_info(io.BytesIO(data), layer=0)["driver"]
            if driver not in DRIVERS:
                raise refused
            layers = pyogrio.list_layers(io.BytesIO(data))
            # By index: GDAL names a GeoJSON layer after its random in-memory path.
            spatial = [i for i, (_, kind) in enumerate(layers) if kind is not None]
            if not spatial:
                raise InputError(f"{name}: no layer with lines or polygons; an overlay needs one")
            frame = pyogrio.read_dataframe(io.BytesIO(data), layer=spatial[0])
        except InputError:
            raise
        except Exception:  # GDAL's errors for a file it cannot read come in several kinds
            raise refused from None
    return frame, driver


def _names(frame: gpd.GeoDataFrame) -> list[str]:
    for column in NAME_PROPERTIES:
        if column in frame.columns:
            return [_text(v) for v in frame[column]]
    return [""] * len(frame)


def _text(value: object) -> str:
    """Return ``value`` as one line of at most ``MAX_TEXT`` characters ("" for missing)."""
    if value is None or value != value:  # None, NaN
        return ""
    return " ".join(str(value).split())[:MAX_TEXT]
