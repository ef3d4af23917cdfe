"""A print-quality PNG of a scene, drawn with GeoPandas' own plotting on matplotlib's Agg.

The map is in LAEA Europe (EPSG:3035); colours and line styles come from :mod:`render.styles`;
the page, labels, scale bar and north arrow are laid out by :mod:`render.png_layout`. Text is
drawn literally (no mathtext). :mod:`render.export` imports this module on first use, so
matplotlib loads only when a PNG is drawn.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.image import imsave
from matplotlib.legend_handler import HandlerPatch
from matplotlib.patches import Circle, Patch

from layers.facts.sources import label_domains
from layers.scenario.scenarios import KINDS
from layers.scenario.scene import Scene
from render.export import DEFAULTS, check_options
from render.legend import BOUNDARIES_CREDIT, layer_note_texts, legend_keys, legend_label
from render.png_layout import (
    _REF_HEIGHT,
    _REF_WIDTH,
    PNG_CRS,
    PngPage,
    frame,
    north_arrow,
    pixel_box,
    place_label,
    scale_bar,
)
from render.styles import AREA_STYLES, POINT_STYLES, SEA_COLOUR


def _urls(value: Any) -> str:
    return "" if value is None or value is pd.NA or value != value else str(value)


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
        "Scenario": [s.url for s in scene.scenario.sources],
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
            # best source tier first, copies marked (layers.facts.sources)
            paragraphs.append(f"{title}: {', '.join(label_domains(domains))}.")
    paragraphs += [
        *scene.notes,
        f"Full source URLs are in the interactive map and the GeoJSON/GeoPackage exports · "
        f"flankmap · scenario {scene.scenario.id} · as of {scene.as_of.isoformat()}",
    ]
    return "\n".join(textwrap.fill(p, chars, break_on_hyphens=False) for p in paragraphs)


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


def _header(png: PngPage) -> float:
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


def _area_patch_kwargs(png: PngPage, key: str) -> dict[str, Any]:
    style = AREA_STYLES[key]
    return {
        "facecolor": to_rgba(style["fillColor"], style["fillOpacity"]),
        "edgecolor": style["color"],
        "linewidth": png.pt(style["weight"]),
        "linestyle": _dashes(style),
    }


def _point_patch_kwargs(png: PngPage, key: str) -> dict[str, Any]:
    style = POINT_STYLES[key]
    dashes = _dashes(style)
    dotted = isinstance(dashes, tuple) and dashes[1][0] <= 1
    return {
        "facecolor": to_rgba(style["fillColor"], style["fillOpacity"]),
        "edgecolor": style["color"],
        "linewidth": png.pt(style["weight"]),
        "linestyle": dashes,
        "capstyle": "round" if dotted else "butt",
    }


def _draw_areas(png: PngPage, ax: Axes, gdf: gpd.GeoDataFrame, keys: pd.Series) -> None:
    """Plot the polygons of each style key as one collection, keys in order of first appearance."""
    for key in keys.unique():
        gdf[keys == key].plot(ax=ax, aspect=None, **_area_patch_kwargs(png, key))


def _draw_overlay(png: PngPage, ax: Axes, gdf: gpd.GeoDataFrame) -> None:
    """Plot the user's overlay: its areas as areas, its lines as lines, above the other areas."""
    if gdf.empty:
        return
    lines = gdf.geom_type.isin(["LineString", "MultiLineString"])
    _draw_areas(png, ax, gdf[~lines], pd.Series("overlay", index=gdf[~lines].index))
    if lines.any():
        style = AREA_STYLES["overlay"]
        gdf[lines].plot(
            ax=ax,
            aspect=None,
            color=style["color"],
            linewidth=png.pt(style["weight"]),
            linestyle=_dashes(style),
            zorder=4,
        )


def _draw_points(png: PngPage, ax: Axes, gdf: gpd.GeoDataFrame, keys: pd.Series) -> None:
    """Plot the points of each style key as circles of the map's pixel radius, above the areas."""
    for key in keys.unique():
        diameter = 2 * png.pt(POINT_STYLES[key]["radius"] * 1.25)
        style = _point_patch_kwargs(png, key)
        gdf[keys == key].plot(ax=ax, aspect=None, markersize=diameter**2, zorder=5, **style)
        half = POINT_STYLES[key]["radius"] * 1.25 * png.scale + 2
        for point in shapely.get_parts(gdf[keys == key].geometry.values):
            png.placed.append(pixel_box(ax, point.x, point.y, half))


def _draw_labels(
    png: PngPage, ax: Axes, countries: gpd.GeoDataFrame, bgs: gpd.GeoDataFrame
) -> None:
    box_style = {
        "boxstyle": "round,pad=0.25",
        "facecolor": (1, 1, 1, 0.85),
        "edgecolor": "none",
    }
    for _, row in bgs.iterrows():
        place_label(
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
        place_label(
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


def _legend(png: PngPage, left: float, top: float) -> float:
    """Draw the legend from the style table; return its bottom as a figure fraction."""

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


def _summary(png: PngPage, left: float, top: float) -> None:
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
    if metrics.troops_counted or metrics.proposed_counted or metrics.hypothetical_counted:
        lines.append(f"troops: {metrics.troops_text()}")
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


#: Glyphs as the font draws them, not snapped to the pixel grid: at 150 dpi they read as well,
#: sit closer to their printed widths, and a map draws in about 30 % less time (half of it
#: is text: the caption names every source's site).
TEXT_RC = {"text.hinting": "no_hinting"}
_CAPTION_PX = 12.5
#: Width of the legend panel right of the map, in reference pixels.
PANEL_PX = 390


def _caption_text(scene: Scene, width: int, height: int) -> str:
    """Return the caption as drawn on a page of ``width`` × ``height`` pixels."""
    scale = min(width / _REF_WIDTH, height / _REF_HEIGHT)
    return _caption(scene, max(40, int(width / (scale * _CAPTION_PX * 0.56))))


def caption_lines(scene: Scene, *, width: int, height: int) -> int:
    """Return how many lines the caption of ``scene`` takes on a page of this size.

    An animation reserves the most any of its frames needs, so every frame has one layout.
    """
    return _caption_text(scene, width, height).count("\n") + 1


def to_png(
    scene: Scene,
    *,
    width: int = DEFAULTS["png"]["width"],
    height: int = DEFAULTS["png"]["height"],
    dpi: int = DEFAULTS["png"]["dpi"],
    min_caption_lines: int = 0,
) -> bytes:
    """Return a print-quality map of ``scene`` as PNG bytes, exactly ``width`` × ``height`` pixels.

    Drawn with matplotlib's Agg renderer (no browser, no display) in LAEA Europe (EPSG:3035) with
    the colours and line styles of :mod:`render.styles`: a title with the scenario's kind and
    date, a legend, battle-group labels that avoid each other, a scale bar true at the map
    centre, a north arrow and a caption naming the data and the sites of every fact shown.
    The layout scales with the size; ``dpi`` is recorded for print. ``min_caption_lines``
    reserves room for a longer caption (an animation keeps its map still from frame to frame).

    Raises
    ------
    InputError
        For a size or resolution out of range.
    """
    pixels = map_pixels(
        scene, width=width, height=height, dpi=dpi, min_caption_lines=min_caption_lines
    )
    out = io.BytesIO()
    imsave(
        out,
        pixels,
        format="png",
        dpi=dpi,
        metadata={"Title": scene.scenario.title, "Software": "flankmap"},
    )
    return out.getvalue()


def map_pixels(
    scene: Scene,
    *,
    width: int = DEFAULTS["png"]["width"],
    height: int = DEFAULTS["png"]["height"],
    dpi: int = DEFAULTS["png"]["dpi"],
    min_caption_lines: int = 0,
) -> np.ndarray:
    """Return :func:`to_png`'s picture as RGBA pixels (``height`` × ``width`` × 4, ``uint8``).

    An animation stamps and encodes these itself, without a PNG between.
    """
    check_options("png", width=width, height=height, dpi=dpi)
    with mpl.rc_context(TEXT_RC):
        return _draw_page(PngPage(scene, width, height, dpi), min_caption_lines)


def _draw_page(png: PngPage, min_caption_lines: int) -> np.ndarray:
    """Draw the whole page on ``png``'s figure; return its pixels."""
    scene, width, height = png.scene, png.width, png.height

    head = _header(png)
    caption_px = _CAPTION_PX
    caption = _caption_text(scene, width, height)
    lines = max(caption.count("\n"), min_caption_lines - 1)
    foot = png.fy(lines * caption_px * 1.4 + caption_px + 30)
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
    panel = png.fx(PANEL_PX)
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
    box = frame(ax_w / ax_h)
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    ax.set_aspect("equal", adjustable="box")

    order = {"other": 0, "partner": 1, "belarus": 2, "russia": 3, "member": 4}
    countries = _projected(scene.countries, box)
    countries = countries.assign(_z=countries["category"].map(order)).sort_values("_z")
    _draw_areas(png, ax, countries, countries["category"])
    shown = _projected(scene.demand_area, box)
    _draw_areas(png, ax, shown, pd.Series("demand_area", index=shown.index))
    shown = _projected(scene.occupied, box)
    _draw_areas(png, ax, shown, shown.get("category", pd.Series(dtype=str)))
    _draw_overlay(png, ax, _projected(scene.overlay, box))
    for layer, key in ((scene.buildup, "buildup"), (scene.reinforcements, "reinforcement")):
        shown = _projected(layer, box)
        _draw_points(png, ax, shown, pd.Series(key, index=shown.index))
    bgs = _projected(scene.battlegroups, box)
    _draw_points(png, ax, bgs, bgs.get("status_class", pd.Series(dtype=str)))
    ax.set(xlabel="", ylabel="")  # GeoPandas names the CRS's axes; the map needs no axis labels
    # Drawn with Agg only now: GeoPandas asks the canvas to redraw after every plot call.
    canvas = FigureCanvasAgg(png.fig)
    if "labels" in scene.layers:
        _draw_labels(png, ax, countries, bgs)
    scale_bar(png, ax, box)
    north_arrow(png, ax, box)
    bottom = _legend(png, right + png.fx(20), 1 - head)
    _summary(png, right + png.fx(28), bottom - png.fy(16))

    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())[:height, :width]
    if pixels.shape[:2] != (height, width):  # float rounding of the figure size: pad with white
        full = np.full((height, width, 4), 255, dtype=np.uint8)
        full[: pixels.shape[0], : pixels.shape[1]] = pixels
        pixels = full
    return pixels
