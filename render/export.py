"""Exports of a scene: a print-quality PNG, an offline HTML map, GeoJSON and GeoPackage.

One module serves the app's download buttons and ``flankmap export``. :func:`write_export` writes
every format into a temporary folder beside the target and moves the finished file into place
(``os.replace``), so a failed export never leaves half a file behind.

Text stays raw in the vector exports (GIS tools do not interpret HTML); only the HTML map escapes,
through :mod:`render.folium_map`. matplotlib and folium are imported inside the functions that
need them, so ``flankmap --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import os
import re
import tempfile
import textwrap
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import InputError
from layers.scenarios import KINDS
from layers.scene import Scene
from render.legend import BOUNDARIES_CREDIT, layer_note_texts, legend_keys, legend_label
from render.styles import AREA_STYLES, POINT_STYLES, SEA_COLOUR

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Every format :func:`write_export` knows, in the order the app offers them.
FORMATS: tuple[str, ...] = ("png", "html", "geojson", "gpkg")

#: File suffix and media type per format (the app's download buttons use the media type).
MEDIA_TYPES: dict[str, str] = {
    "png": "image/png",
    "html": "text/html",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
}

#: The ``layer`` value of each feature in the vector exports (and the GeoPackage table names),
#: bottom to top. Countries in the ``other`` category carry no fact and are left out.
EXPORT_LAYERS: tuple[str, ...] = (
    "member",
    "border_state",
    "occupied",
    "demand_area",
    "buildup",
    "reinforcement",
    "battlegroup",
    "overlay",
)

#: The attribute-only GeoPackage table that says which scenario, date and sources it holds.
GPKG_METADATA_TABLE = "scenario"

#: LAEA Europe: equal-area, so no country looks bigger than it is.
PNG_CRS = "EPSG:3035"

#: Places the PNG must show, as (lon, lat): Norway's west coast and North Cape, the Baltic
#: states, the Black Sea, Turkey and the Russian build-up around Ukraine.
_FRAME_ANCHORS = (
    (4.5, 58.0),
    (5.0, 62.0),
    (26.0, 71.2),
    (31.5, 70.0),
    (40.0, 56.0),
    (44.8, 41.0),
    (44.0, 37.0),
    (26.0, 35.8),
    (12.0, 44.0),
)

_REF_WIDTH, _REF_HEIGHT = 1600, 1200
_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


# --- file names and atomic writes ---------------------------------------------------------------


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return fmt


def export_filename(scene: Scene, fmt: str) -> str:
    """Return a file name for ``scene`` in ``fmt``: letters, digits, ``-``, ``_`` and one dot.

    Examples
    --------
    >>> import datetime as dt
    >>> from types import SimpleNamespace
    >>> scene = SimpleNamespace(
    ...     scenario=SimpleNamespace(id="proposal-2022"), as_of=dt.date(2022, 2, 23)
    ... )
    >>> export_filename(scene, "png")
    'flankmap_proposal-2022_2022-02-23.png'
    >>> scene.scenario.id = "../../etc/passwd"
    >>> export_filename(scene, "gpkg")
    'flankmap_etc-passwd_2022-02-23.gpkg'
    """
    _check_format(fmt)
    scenario_id = _SAFE.sub("-", scene.scenario.id).strip("-_") or "scenario"
    return f"flankmap_{scenario_id[:64]}_{scene.as_of.isoformat()}.{fmt}"


def write_export(scene: Scene, fmt: str, path: str | os.PathLike[str], **png_options: int) -> Path:
    """Write ``scene`` as ``fmt`` to ``path``, atomically; return the path written.

    ``png_options`` (``width``, ``height``, ``dpi``) go to :func:`to_png`.

    The file is built in a temporary folder in the same folder as ``path`` and moved into place
    with ``os.replace``: readers see the old file or the whole new one, never a part.

    Raises
    ------
    InputError
        For an unknown format, or a path that cannot be written (missing folder, a folder given
        as the file, no permission), naming the path.
    """
    _check_format(fmt)
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise InputError(f"cannot write {str(target)!r}: it is a folder; give a file name")
    if not folder.is_dir():
        raise InputError(f"cannot write {str(target)!r}: folder {str(folder)!r} does not exist")
    try:
        with tempfile.TemporaryDirectory(dir=folder, prefix=".flankmap-") as tmp:
            part = Path(tmp) / target.name
            if fmt == "gpkg":
                _write_gpkg(scene, part)
            else:
                part.write_bytes(_render(scene, fmt, png_options))
            os.replace(part, target)
    except OSError as err:
        reason = err.strerror or str(err)
        raise InputError(f"cannot write {str(target)!r}: {reason}") from None
    return target


def export_bytes(scene: Scene, fmt: str) -> bytes:
    """Return ``scene`` as ``fmt``, in memory (the app's download buttons)."""
    _check_format(fmt)
    if fmt == "gpkg":
        with tempfile.TemporaryDirectory(prefix="flankmap-") as tmp:
            path = Path(tmp) / export_filename(scene, fmt)
            _write_gpkg(scene, path)
            return path.read_bytes()
    return _render(scene, fmt, {})


def _render(scene: Scene, fmt: str, png_options: dict[str, int]) -> bytes:
    """Render a PNG, HTML or GeoJSON file's bytes."""
    payload = to_png(scene, **png_options) if fmt == "png" else _RENDERERS[fmt](scene)
    return payload.encode("utf-8") if isinstance(payload, str) else payload


# --- vector exports -----------------------------------------------------------------------------


def _urls(value: Any) -> str:
    return "" if value is None or value is pd.NA or value != value else str(value)


def _shaped(
    gdf: gpd.GeoDataFrame, layer: str, derived: dict[str, Callable[[pd.DataFrame], Any]]
) -> gpd.GeoDataFrame:
    """Return a copy with ``layer, iso3, name, status, source`` first, then the other columns.

    An empty frame (a layer switched off has no columns to derive from) comes back as it is.
    """
    if gdf.empty:
        return gdf
    out = gdf.copy()
    for column, make in derived.items():
        out[column] = make(out)
    out.insert(0, "layer", layer)
    first = ["layer", "iso3", "name", "status", "source"]
    # source_url became source; lat/lon are the geometry.
    dropped = {*first, "source_url", "lat", "lon", out.geometry.name}
    rest = [c for c in out.columns if c not in dropped]
    out = out[[*first, *rest, out.geometry.name]]
    return out.to_crs(4326) if out.crs is not None else out.set_crs(4326)


def vector_layers(scene: Scene) -> dict[str, gpd.GeoDataFrame]:
    """Return the scene's non-empty layers as frames for GIS tools, keyed by ``EXPORT_LAYERS`` id.

    Every frame is a new EPSG:4326 copy whose first columns are ``layer``, ``iso3`` (empty where
    no country applies), ``name``, ``status`` and ``source`` (raw text, URLs separated by
    `` | ``), followed by the layer's own columns. Battle groups are points at their base, or at
    the host country's representative point where no base is sourced (``location`` says which).
    """
    countries = scene.countries
    layers: dict[str, gpd.GeoDataFrame] = {
        "member": _shaped(countries[countries["category"] == "member"], "member", {}),
        "border_state": _shaped(
            countries[countries["category"].isin(["russia", "belarus", "partner"])],
            "border_state",
            {},
        ),
        "occupied": _shaped(
            scene.occupied,
            "occupied",
            {"status": lambda f: f["label"], "source": lambda f: f["source_url"]},
        ),
        "demand_area": _shaped(scene.demand_area, "demand_area", {}),
        "buildup": _shaped(
            scene.buildup,
            "buildup",
            {
                "iso3": lambda f: f["country_iso3"],
                "status": lambda f: "observed " + f["observed"].astype(str),
                "source": lambda f: f["source_url"],
            },
        ),
        "reinforcement": _shaped(
            scene.reinforcements,
            "reinforcement",
            {
                "iso3": lambda f: f["where_iso3"],
                "name": lambda f: f["what"],
                "status": lambda f: "announced " + f["announced_date"].astype(str),
                "source": lambda f: f["source_url"],
            },
        ),
        "battlegroup": _shaped(
            scene.battlegroups,
            "battlegroup",
            {
                "iso3": lambda f: f["host_iso3"],
                "name": lambda f: (
                    "Battle group in " + f["host"] + ", framework nation " + f["framework"]
                ),
            },
        ),
        "overlay": _shaped(
            scene.overlay,
            "overlay",
            {
                "iso3": lambda f: "",
                "status": lambda f: f["label"],
                "source": lambda f: f["attribution"],
            },
        ),
    }
    return {key: layers[key] for key in EXPORT_LAYERS if len(layers[key])}


def _metadata(scene: Scene) -> dict[str, Any]:
    scenario = scene.scenario
    return {
        "id": scenario.id,
        "title": scenario.title,
        "kind": scenario.kind,
        "kind_label": KINDS.get(scenario.kind, scenario.kind),
        "as_of": scene.as_of.isoformat(),
        "layers": list(scene.layers),
        "battlegroups": scene.metrics.battlegroups,
        "sources": [dict(s) for s in scenario.sources],
        "attribution": f"{BOUNDARIES_CREDIT} Facts: the source column of each feature.",
        "notes": [dict(note) for note in scene.layer_notes],
    }


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is pd.NA:
        return None
    raise TypeError(f"cannot write {type(value).__name__} to GeoJSON")


def to_geojson(scene: Scene) -> bytes:
    """Return every layer of ``scene`` as one GeoJSON FeatureCollection (RFC 7946, UTF-8).

    Each feature has a ``layer`` property (see :data:`EXPORT_LAYERS`) and the columns of
    :func:`vector_layers`; the collection's ``flankmap`` member names the scenario, date and
    sources.
    """
    features: list[dict] = []
    for frame in vector_layers(scene).values():
        features.extend(frame.to_geo_dict(na="null", drop_id=True)["features"])
    collection = {
        "type": "FeatureCollection",
        "name": export_filename(scene, "geojson").removesuffix(".geojson"),
        "flankmap": _metadata(scene),
        "features": features,
    }
    text = json.dumps(collection, ensure_ascii=False, default=_json_default, allow_nan=False)
    return text.encode("utf-8")


def _write_gpkg(scene: Scene, path: Path) -> None:
    import pyogrio

    for name, frame in vector_layers(scene).items():
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", append=path.exists())
    meta = _metadata(scene)
    table = pd.DataFrame(
        [
            {
                k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                for k, v in meta.items()
            }
        ]
    )
    pyogrio.write_dataframe(
        table, path, layer=GPKG_METADATA_TABLE, driver="GPKG", append=path.exists()
    )


def to_gpkg(scene: Scene, path: str | os.PathLike[str]) -> Path:
    """Write ``scene`` to a GeoPackage at ``path``, atomically: one table per layer.

    Spatial tables are named by :data:`EXPORT_LAYERS` (only layers with features are written);
    the attribute table ``scenario`` names the scenario, date and sources.
    """
    return write_export(scene, "gpkg", path)


# --- HTML ---------------------------------------------------------------------------------------


class _ExternalRefs(HTMLParser):
    """Collect the ``src`` of scripts and the ``href`` of stylesheet links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href"}.get(tag)
        for name, value in attrs:
            if name == wanted and value and re.match(r"\s*(https?:)?//", value, re.IGNORECASE):
                self.found.append(f"<{tag} {name}={value[:80]!r}>")


def to_html(scene: Scene, basemap: str = "plain") -> str:
    """Return the interactive map of ``scene`` as one self-contained HTML page.

    Leaflet and its stylesheet are inlined, so the file works offline when opened from disk
    (``basemap="osm"`` adds web tiles, which need a network).

    Raises
    ------
    InputError
        For an unknown basemap.
    RuntimeError
        If the page would load a script or stylesheet from the network (a bug).
    """
    from layers.view import BASEMAPS
    from render.folium_map import build_map

    if basemap not in BASEMAPS:
        raise InputError(f"unknown basemap {basemap!r}; choose one of: {', '.join(BASEMAPS)}")
    page = build_map(scene, basemap).get_root().render()
    parser = _ExternalRefs()
    parser.feed(page)
    parser.close()
    if parser.found:
        raise RuntimeError(f"the HTML export would need the network: {', '.join(parser.found)}")
    return page


# --- PNG ----------------------------------------------------------------------------------------


def _source_domains(values: Iterable[Any]) -> list[str]:
    """Return the distinct web sites named in ``values`` (URLs, maybe several per value).

    Examples
    --------
    >>> _source_domains(["https://www.nato.int/a | http://uawire.org:80/b", "https://nato.int/c"])
    ['nato.int', 'uawire.org']
    """
    domains: dict[str, None] = {}
    for value in values:
        for part in re.split(r"\s*\|\s*|\s+", _urls(value)):
            if not re.match(r"https?://", part, re.IGNORECASE):
                continue
            host = (urlsplit(part).hostname or "").lower().removeprefix("www.")
            if host:
                domains[host] = None
    return list(domains)


def _column(frame: gpd.GeoDataFrame, column: str) -> list[Any]:
    return list(frame[column]) if column in frame.columns else []


def _caption(scene: Scene, chars: int) -> str:
    """Return the attribution and the sites of every fact shown, by layer, wrapped to ``chars``."""
    countries = scene.countries[scene.countries["category"] != "other"]
    groups = {
        "Scenario": [s.get("url") for s in scene.scenario.sources],
        "Battle groups": _column(scene.battlegroups, "source"),
        "Membership and border states": _column(countries, "source"),
        "Other layers": [
            *_column(scene.demand_area, "source"),
            *_column(scene.occupied, "source_url"),
            *(note["source_url"] for note in scene.layer_notes),
            *_column(scene.reinforcements, "source_url"),
            *_column(scene.buildup, "source_url"),
        ],
    }
    paragraphs = [
        f"{BOUNDARIES_CREDIT} Projection: LAEA Europe (EPSG:3035).",
        *layer_note_texts(scene),
    ]
    if len(scene.overlay):
        paragraphs.append(f"Overlay: {legend_label(scene, 'overlay')}, as the user loaded it.")
    seen: set[str] = set()
    for title, values in groups.items():
        domains = [d for d in _source_domains(values) if d not in seen]
        seen.update(domains)
        if domains:
            paragraphs.append(f"{title}: {', '.join(domains)}.")
    paragraphs += [
        *scene.notes,
        f"Full source URLs are in the interactive map and the GeoJSON/GeoPackage exports · "
        f"flankmap · scenario {scene.scenario.id} · as of {scene.as_of.isoformat()}",
    ]
    return "\n".join(textwrap.fill(p, chars, break_on_hyphens=False) for p in paragraphs)


@functools.lru_cache(maxsize=4)
def _transformer(source: str, target: str):
    from pyproj import Transformer

    return Transformer.from_crs(source, target, always_xy=True)


def _frame(aspect: float) -> tuple[float, float, float, float]:
    """Return (xmin, xmax, ymin, ymax) in EPSG:3035 around the anchors, with ``aspect`` = w/h."""
    lon, lat = zip(*_FRAME_ANCHORS, strict=True)
    x, y = _transformer("EPSG:4326", PNG_CRS).transform(lon, lat)
    xmin, xmax, ymin, ymax = min(x), max(x), min(y), max(y)
    pad = 0.02 * max(xmax - xmin, ymax - ymin)
    xmin, ymin, xmax, ymax = xmin - pad, ymin - pad, xmax + pad, ymax + pad
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    w, h = xmax - xmin, ymax - ymin
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2


def _projected(gdf: gpd.GeoDataFrame, box: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    """Return a copy in EPSG:3035 clipped to ``box`` (with a margin); empty geometries dropped."""
    if gdf.empty:
        return gdf.iloc[0:0].to_crs(PNG_CRS) if gdf.crs is not None else gdf.iloc[0:0]
    out = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty].copy().to_crs(PNG_CRS)
    xmin, xmax, ymin, ymax = box
    margin = 0.05 * (xmax - xmin)
    geoms = shapely.clip_by_rect(
        out.geometry.values, xmin - margin, ymin - margin, xmax + margin, ymax + margin
    )
    out = out.set_geometry(geoms)
    return out[~out.geometry.is_empty]


def _dashes(style: dict) -> tuple[float, tuple[float, ...]] | str:
    """Matplotlib's linestyle for a Leaflet ``dashArray`` (matplotlib scales dashes by width)."""
    if "dashArray" not in style:
        return "solid"
    weight = float(style.get("weight", 1)) or 1.0
    return (0.0, tuple(float(d) / weight for d in style["dashArray"].split()))


def _rgba(colour: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return (r, g, b, alpha)


def _polygon_path(geom: Any):
    """Return a matplotlib Path of a (multi)polygon; holes wind the other way, so they stay open."""
    from matplotlib.path import Path as MplPath

    parts = shapely.get_parts(shapely.orient_polygons(shapely.get_parts(geom)))
    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for poly in parts:
        if not isinstance(poly, shapely.Polygon) or poly.is_empty:
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            kind = np.full(len(xy), MplPath.LINETO, dtype=MplPath.code_type)
            kind[0], kind[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            verts.append(xy)
            codes.append(kind)
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes))


class _Png:
    """One PNG being drawn: sizes in reference pixels (at 1600×1200) become points here."""

    def __init__(self, scene: Scene, width: int, height: int, dpi: int):
        from matplotlib.figure import Figure

        self.scene = scene
        self.width, self.height, self.dpi = width, height, dpi
        self.scale = min(width / _REF_WIDTH, height / _REF_HEIGHT)
        self.fig: Figure = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
        self.fig.patch.set_facecolor("white")
        self.placed: list[Any] = []  # pixel boxes labels must avoid

    def pt(self, px: float) -> float:
        """Points for a length given in reference pixels."""
        return px * self.scale * 72 / self.dpi

    def fx(self, px: float) -> float:
        return px * self.scale / self.width

    def fy(self, px: float) -> float:
        return px * self.scale / self.height

    def text(self, *args: Any, **kwargs: Any):
        """Text drawn literally: no mathtext, so a ``$`` in a title is a dollar sign."""
        return self.fig.text(*args, parse_math=False, **kwargs)


def _header(png: _Png) -> float:
    """Draw title, kind and date; return the header's height as a figure fraction."""
    scenario = png.scene.scenario
    pad = png.fx(24)
    title_px = 30
    chars = max(20, int(png.width / (png.scale * title_px * 0.58)))
    lines = textwrap.wrap(scenario.title, chars, max_lines=2, placeholder=" …") or [""]
    top = 1 - png.fy(18)
    png.text(
        pad,
        top,
        "\n".join(lines),
        ha="left",
        va="top",
        fontsize=png.pt(title_px),
        fontweight="bold",
        color="#111111",
        linespacing=1.15,
    )
    below = top - png.fy(title_px * 1.3 * len(lines) + 10)
    kind = KINDS.get(scenario.kind, scenario.kind)
    marked = scenario.kind != "historical"
    png.text(
        pad + png.fx(4),
        below,
        f"{kind.upper()}  ·  as of {png.scene.as_of.isoformat()}",
        ha="left",
        va="top",
        fontsize=png.pt(17),
        fontweight="bold",
        color="white" if marked else "#333333",
        bbox={
            "boxstyle": "round,pad=0.3",
            "facecolor": "#a04000" if marked else "#e8e8e8",
            "edgecolor": "none",
        },
    )
    return 1 - below + png.fy(17 * 1.3 + 20)


def _area_patch_kwargs(png: _Png, key: str) -> dict[str, Any]:
    style = AREA_STYLES[key]
    return {
        "facecolor": _rgba(style["fillColor"], style["fillOpacity"]),
        "edgecolor": style["color"],
        "linewidth": png.pt(style["weight"]),
        "linestyle": _dashes(style),
    }


def _point_patch_kwargs(png: _Png, key: str) -> dict[str, Any]:
    style = POINT_STYLES[key]
    dashes = _dashes(style)
    dotted = isinstance(dashes, tuple) and dashes[1][0] <= 1
    return {
        "facecolor": _rgba(style["fillColor"], style["fillOpacity"]),
        "edgecolor": style["color"],
        "linewidth": png.pt(style["weight"]),
        "linestyle": dashes,
        "capstyle": "round" if dotted else "butt",
    }


def _draw_areas(png: _Png, ax: Axes, gdf: gpd.GeoDataFrame, key_of: Callable[[Any], str]) -> None:
    from matplotlib.patches import PathPatch

    for _, row in gdf.iterrows():
        path = _polygon_path(row.geometry)
        if path is not None:
            ax.add_artist(PathPatch(path, **_area_patch_kwargs(png, key_of(row))))


def _draw_lines(png: _Png, ax: Axes, gdf: gpd.GeoDataFrame, key: str) -> None:
    """Draw the lines of ``gdf`` (polygons are left to :func:`_draw_areas`)."""
    style = AREA_STYLES[key]
    for geom in gdf.geometry:
        for line in shapely.get_parts(geom):
            if isinstance(line, shapely.LineString) and not line.is_empty:
                x, y = np.asarray(line.coords)[:, :2].T
                ax.plot(
                    x,
                    y,
                    color=style["color"],
                    linewidth=png.pt(style["weight"]),
                    linestyle=_dashes(style),
                    solid_capstyle="round",
                    zorder=4,
                )


def _draw_points(
    png: _Png, ax: Axes, gdf: gpd.GeoDataFrame, key_of: Callable[[Any], str], per_px: float
) -> None:
    from matplotlib.patches import Circle

    for _, row in gdf.iterrows():
        key = key_of(row)
        radius_px = POINT_STYLES[key]["radius"] * 1.25
        for point in shapely.get_parts(row.geometry):
            ax.add_artist(
                Circle(
                    (point.x, point.y),
                    radius_px * png.scale * per_px,
                    zorder=5,
                    **_point_patch_kwargs(png, key),
                )
            )
            png.placed.append(_pixel_box(ax, point.x, point.y, radius_px * png.scale + 2))


def _pixel_box(ax: Axes, x: float, y: float, half: float):
    from matplotlib.transforms import Bbox

    px, py = ax.transData.transform((x, y))
    return Bbox.from_extents(px - half, py - half, px + half, py + half)


#: Where a label may sit around its point, in order of preference: (dx, dy, ha, va).
_LABEL_SPOTS = (
    (1, 0, "left", "center"),
    (-1, 0, "right", "center"),
    (0.7, 0.7, "left", "bottom"),
    (0.7, -0.7, "left", "top"),
    (-0.7, 0.7, "right", "bottom"),
    (-0.7, -0.7, "right", "top"),
    (0, 1, "center", "bottom"),
    (0, -1, "center", "top"),
)


def _overlap(box: Any, others: list[Any]) -> float:
    total = 0.0
    for other in others:
        w = min(box.x1, other.x1) - max(box.x0, other.x0)
        h = min(box.y1, other.y1) - max(box.y0, other.y0)
        if w > 0 and h > 0:
            total += w * h
    return total


def _place_label(
    png: _Png, ax: Axes, x: float, y: float, text: str, gap_px: float, *, required: bool, **style
) -> bool:
    """Greedy placement: the first spot around (x, y) that overlaps nothing placed so far.

    A ``required`` label takes the least-overlapping spot when none is free; others are dropped.
    """
    renderer = png.fig.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    gap = gap_px * png.scale
    best: tuple[float, Any] | None = None
    for dx, dy, ha, va in _LABEL_SPOTS:
        artist = ax.annotate(
            text,
            (x, y),
            xytext=(dx * gap, dy * gap),
            textcoords="offset pixels",
            ha=ha,
            va=va,
            annotation_clip=False,
            parse_math=False,
            zorder=7,
            **style,
        )
        box = artist.get_window_extent(renderer)
        out_of_map = (
            box.x0 < inside.x0 or box.x1 > inside.x1 or box.y0 < inside.y0 or box.y1 > inside.y1
        )
        score = _overlap(box, png.placed) + (1e9 if out_of_map else 0)
        if score == 0:
            png.placed.append(box)
            if best is not None:
                best[1][0].remove()
            return True
        if best is None or score < best[0]:
            if best is not None:
                best[1][0].remove()
            best = (score, (artist, box))
        else:
            artist.remove()
    assert best is not None
    artist, box = best[1]
    if required and best[0] < 1e9:
        png.placed.append(box)
        return True
    artist.remove()
    return False


def _draw_labels(png: _Png, ax: Axes, countries: gpd.GeoDataFrame, bgs: gpd.GeoDataFrame) -> None:
    box_style = {
        "boxstyle": "round,pad=0.25",
        "facecolor": (1, 1, 1, 0.85),
        "edgecolor": "none",
    }
    for _, row in bgs.iterrows():
        _place_label(
            png,
            ax,
            row.geometry.x,
            row.geometry.y,
            str(row["label"]),
            POINT_STYLES["existing"]["radius"] * 1.25 + 6,
            required=True,
            fontsize=png.pt(14),
            fontweight="bold",
            color="#222222",
            bbox=box_style,
        )
    named = countries[countries["category"] != "other"].copy()
    named["area"] = named.geometry.area
    for _, row in named.sort_values("area", ascending=False).iterrows():
        if row["area"] < 4e9:  # smaller than about 60 km × 60 km on the map: no room
            continue
        point = row.geometry.representative_point()
        _place_label(
            png,
            ax,
            point.x,
            point.y,
            str(row["name"]),
            0,
            required=False,
            fontsize=png.pt(12),
            fontstyle="italic",
            color="#333333",
        )


def _scale_bar_length(
    box: tuple[float, float, float, float], share: float = 0.16
) -> tuple[int, float, tuple[float, float]]:
    """Return a round length in km, its length in EPSG:3035 metres, and the map centre (lon, lat).

    LAEA keeps areas, not distances: away from its own centre (52°N, 10°E) a projected metre is
    not a metre on the ground. The ratio is measured along the bar's direction at the map centre
    with a geodesic on WGS84. ``share`` is the wanted part of the map's width.
    """
    from pyproj import Geod

    xmin, xmax, ymin, ymax = box
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    half = 50_000.0
    (lon0, lon1), (lat0, lat1) = _transformer(PNG_CRS, "EPSG:4326").transform(
        [cx - half, cx + half], [cy, cy]
    )
    ground_per_metre = Geod(ellps="WGS84").inv(lon0, lat0, lon1, lat1)[2] / (2 * half)
    wanted_km = share * (xmax - xmin) * ground_per_metre / 1000
    km = min((50, 100, 200, 250, 300, 500, 1000, 2000), key=lambda k: abs(k - wanted_km))
    centre = _transformer(PNG_CRS, "EPSG:4326").transform(cx, cy)
    return km, km * 1000 / ground_per_metre, centre


def _scale_bar(png: _Png, ax: Axes, box: tuple[float, float, float, float]) -> None:
    """Draw a km bar true at the map centre: projected length checked on the ellipsoid."""
    from matplotlib.patches import Rectangle

    xmin, xmax, ymin, ymax = box
    km, length, (lon, lat) = _scale_bar_length(box)
    x0 = xmin + 0.03 * (xmax - xmin)
    y0 = ymin + 0.045 * (ymax - ymin)
    bar_h = 0.008 * (ymax - ymin)
    ax.add_artist(
        Rectangle(
            (x0 - 0.012 * (xmax - xmin), y0 - 0.028 * (ymax - ymin)),
            length + 0.024 * (xmax - xmin),
            0.082 * (ymax - ymin),
            facecolor=(1, 1, 1, 0.85),
            edgecolor="none",
            zorder=8,
        )
    )
    for i in range(2):
        ax.add_artist(
            Rectangle(
                (x0 + i * length / 2, y0),
                length / 2,
                bar_h,
                facecolor="#222222" if i == 0 else "white",
                edgecolor="#222222",
                linewidth=png.pt(1),
                zorder=9,
            )
        )
    style = {"fontsize": png.pt(12), "color": "#222222", "zorder": 9, "parse_math": False}
    for value, x in ((0, x0), (km // 2 if km % 2 == 0 else km / 2, x0 + length / 2)):
        ax.text(x, y0 + 1.6 * bar_h, f"{value:g}", ha="center", va="bottom", **style)
    ax.text(x0 + length, y0 + 1.6 * bar_h, f"{km} km", ha="center", va="bottom", **style)
    ax.text(
        x0,
        y0 - 0.8 * bar_h,
        f"scale true at {lat:.0f}°N, {lon:.0f}°E",
        ha="left",
        va="top",
        **{**style, "fontsize": png.pt(10)},
    )


def _north_arrow(png: _Png, ax: Axes, box: tuple[float, float, float, float]) -> None:
    """Draw an arrow to true north where it stands (LAEA turns north away from 10°E)."""
    xmin, xmax, ymin, ymax = box
    x, y = xmin + 0.04 * (xmax - xmin), ymax - 0.1 * (ymax - ymin)
    lon, lat = _transformer(PNG_CRS, "EPSG:4326").transform(x, y)
    nx, ny = _transformer("EPSG:4326", PNG_CRS).transform(lon, lat + 0.5)
    direction = np.array([nx - x, ny - y])
    tip = np.array([x, y]) + direction / np.hypot(*direction) * 0.05 * (ymax - ymin)
    ax.annotate(
        "",
        xy=tuple(tip),
        xytext=(x, y),
        arrowprops={"arrowstyle": "-|>", "color": "#222222", "lw": png.pt(2.5)},
        zorder=9,
    )
    ax.text(
        *tip,
        "N",
        ha="center",
        va="bottom",
        fontsize=png.pt(15),
        fontweight="bold",
        color="#222222",
        zorder=9,
    )


def _legend(png: _Png, left: float, top: float) -> float:
    """Draw the legend from the style table; return its bottom as a figure fraction."""
    from matplotlib.legend_handler import HandlerPatch
    from matplotlib.patches import Circle, Patch

    class _CircleHandler(HandlerPatch):
        def create_artists(self, legend, orig, xd, yd, width, height, fontsize, trans):
            r = 0.5 * min(width, height)
            circle = Circle((width / 2 - xd, height / 2 - yd), r)
            self.update_prop(circle, orig, legend)
            circle.set_transform(trans)
            return [circle]

    handles, labels = [], []
    for key in legend_keys(png.scene):
        if key in AREA_STYLES:
            kwargs = _area_patch_kwargs(png, key)
            if AREA_STYLES[key]["color"] == "#ffffff":
                kwargs["edgecolor"] = "#999999"
            kwargs["linewidth"] = max(kwargs["linewidth"], png.pt(1.2))
            handles.append(Patch(**kwargs))
        else:
            kwargs = _point_patch_kwargs(png, key)
            if POINT_STYLES[key]["color"] == "#ffffff":
                kwargs["edgecolor"] = "#555555"
            handles.append(Circle((0, 0), 1, **kwargs))
        labels.append(textwrap.fill(legend_label(png.scene, key), 34))
    if not handles:
        return top
    legend = png.fig.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(left, top),
        frameon=False,
        fontsize=png.pt(14),
        title="Legend",
        title_fontproperties={"size": png.pt(16), "weight": "bold"},
        alignment="left",
        handlelength=2.0,
        handleheight=1.7,
        labelspacing=0.9,
        handler_map={Circle: _CircleHandler()},
    )
    box = legend.get_window_extent(png.fig.canvas.get_renderer())
    return box.y0 / png.height


def _summary(png: _Png, left: float, top: float) -> None:
    """Write what the view counts: battle groups by class and the sourced troop figures."""
    scene = png.scene
    if "battlegroups" not in scene.layers:
        return
    metrics = scene.metrics
    classes = scene.battlegroups["status_class"].value_counts()
    parts = ", ".join(
        f"{classes[c]} {c}" for c in ("existing", "proposed", "hypothetical") if c in classes
    )
    lines = [f"{metrics.battlegroups} battle group{'s' * (metrics.battlegroups != 1)}"]
    if parts:
        lines[0] += f": {parts}"
    if metrics.troops_counted:
        lines.append(
            f"about {metrics.troops:,} troops where a figure is sourced "
            f"({metrics.troops_counted} of {metrics.battlegroups})"
        )
    png.text(
        left,
        top,
        "\n".join(textwrap.fill(line, 42) for line in lines),
        ha="left",
        va="top",
        fontsize=png.pt(14),
        color="#222222",
        linespacing=1.3,
    )


def to_png(scene: Scene, *, width: int = 1600, height: int = 1200, dpi: int = 100) -> bytes:
    """Return a print-quality map of ``scene`` as PNG bytes, exactly ``width`` × ``height`` pixels.

    Drawn with matplotlib's Agg renderer (no browser, no display) in LAEA Europe (EPSG:3035) with
    the colours and line styles of :mod:`render.styles`: a title with the scenario's kind and
    date, a legend, battle-group labels that avoid each other, a scale bar true at the map
    centre, a north arrow and a caption naming the data and the sites of every fact shown.
    The layout scales with the size; ``dpi`` is recorded for print.

    Raises
    ------
    ImportError
        If matplotlib is missing.
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.image import imsave
    except ImportError as err:  # pragma: no cover - a broken install
        raise ImportError("the PNG export needs matplotlib: pip install matplotlib") from err

    if not (200 <= width <= 10_000 and 150 <= height <= 10_000 and 10 <= dpi <= 1200):
        raise InputError(
            f"PNG size {width}×{height} at {dpi} dpi is not allowed; use 200–10000 × "
            "150–10000 pixels at 10–1200 dpi"
        )
    png = _Png(scene, width, height, dpi)
    canvas = FigureCanvasAgg(png.fig)

    head = _header(png)
    caption_px = 12.5
    chars = max(40, int(png.width / (png.scale * caption_px * 0.56)))
    caption = _caption(scene, chars)
    foot = png.fy(caption.count("\n") * caption_px * 1.4 + caption_px + 30)
    png.text(
        png.fx(24),
        png.fy(14),
        caption,
        ha="left",
        va="bottom",
        fontsize=png.pt(caption_px),
        color="#444444",
        linespacing=1.3,
    )
    panel = png.fx(390)
    left, right = png.fx(24), 1 - panel
    ax = png.fig.add_axes((left, foot, right - left, 1 - head - foot))
    ax.set_facecolor(SEA_COLOUR)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#888888")
        spine.set_linewidth(png.pt(1))
    ax_w = (right - left) * width
    ax_h = (1 - head - foot) * height
    box = _frame(ax_w / ax_h)
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    ax.set_aspect("equal", adjustable="box")
    per_px = (box[1] - box[0]) / ax_w

    order = {"other": 0, "partner": 1, "belarus": 2, "russia": 3, "member": 4}
    countries = _projected(scene.countries, box)
    countries = countries.assign(_z=countries["category"].map(order)).sort_values("_z")
    _draw_areas(png, ax, countries, lambda row: row["category"])
    _draw_areas(png, ax, _projected(scene.demand_area, box), lambda _row: "demand_area")
    _draw_areas(png, ax, _projected(scene.occupied, box), lambda row: row["category"])
    overlay = _projected(scene.overlay, box)
    _draw_areas(png, ax, overlay, lambda _row: "overlay")
    _draw_lines(png, ax, overlay, "overlay")
    for frame, key in ((scene.buildup, "buildup"), (scene.reinforcements, "reinforcement")):
        _draw_points(png, ax, _projected(frame, box), lambda _row, k=key: k, per_px)
    bgs = _projected(scene.battlegroups, box)
    _draw_points(png, ax, bgs, lambda row: row["status_class"], per_px)
    if "labels" in scene.layers:
        _draw_labels(png, ax, countries, bgs)
    _scale_bar(png, ax, box)
    _north_arrow(png, ax, box)
    bottom = _legend(png, right + png.fx(20), 1 - head)
    _summary(png, right + png.fx(28), bottom - png.fy(16))

    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())[:height, :width]
    if pixels.shape[:2] != (height, width):  # float rounding of the figure size: pad with white
        full = np.full((height, width, 4), 255, dtype=np.uint8)
        full[: pixels.shape[0], : pixels.shape[1]] = pixels
        pixels = full
    out = io.BytesIO()
    imsave(
        out,
        pixels,
        format="png",
        dpi=dpi,
        metadata={"Title": scene.scenario.title, "Software": "flankmap"},
    )
    return out.getvalue()


_RENDERERS: dict[str, Callable[[Scene], bytes | str]] = {
    "png": to_png,
    "html": to_html,
    "geojson": to_geojson,
}
