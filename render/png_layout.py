"""The page of the PNG export and its map furniture: frame, labels, scale bar, north arrow.

Sizes are designed in reference pixels at 1600×1200 (:class:`PngPage` turns them into points);
the map is in LAEA Europe (EPSG:3035), which keeps areas, not distances or north.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox
from pyproj import Transformer

from geo.crs import GEOD, LAEA_EUROPE, WGS84

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from layers.scenario.scene import Scene

#: LAEA Europe: equal-area, so no country looks bigger than it is.
PNG_CRS = LAEA_EUROPE

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


class PngPage:
    """One PNG being drawn: sizes in reference pixels (at 1600×1200) become points here."""

    def __init__(self, scene: Scene, width: int, height: int, dpi: int):
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
        """Figure fraction of the width for a length in reference pixels."""
        return px * self.scale / self.width

    def fy(self, px: float) -> float:
        """Figure fraction of the height for a length in reference pixels."""
        return px * self.scale / self.height

    def text(self, *args: Any, **kwargs: Any):
        """Text drawn literally: no mathtext, so a ``$`` in a title is a dollar sign."""
        return self.fig.text(*args, parse_math=False, **kwargs)


@functools.lru_cache(maxsize=4)
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def frame(aspect: float) -> tuple[float, float, float, float]:
    """Return (xmin, xmax, ymin, ymax) in EPSG:3035 around the anchors, with ``aspect`` = w/h."""
    lon, lat = zip(*_FRAME_ANCHORS, strict=True)
    x, y = _transformer(WGS84, PNG_CRS).transform(lon, lat)
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


def pixel_box(ax: Axes, x: float, y: float, half: float) -> Bbox:
    """Return the square of ``half`` pixels around data point (x, y), in display pixels."""
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


#: How much of a label's width (height) lies left of (below) its anchor, by alignment.
_ALIGN_SHARE = {"left": 0.0, "bottom": 0.0, "center": 0.5, "right": 1.0, "top": 1.0}


def _overlap(box: Any, others: list[Any]) -> float:
    total = 0.0
    for other in others:
        w = min(box.x1, other.x1) - max(box.x0, other.x0)
        h = min(box.y1, other.y1) - max(box.y0, other.y0)
        if w > 0 and h > 0:
            total += w * h
    return total


def place_label(
    png: PngPage, ax: Axes, x: float, y: float, text: str, gap_px: float, *, required: bool, **style
) -> bool:
    """Greedy placement: the first spot around (x, y) that overlaps nothing placed so far.

    A ``required`` label takes the least-overlapping spot when none is free; others are dropped.
    """
    renderer = png.fig.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    gap = gap_px * png.scale
    # The label is the same size at every spot: lay it out once, then try the spots as boxes.
    artist = ax.annotate(
        text,
        (x, y),
        xytext=(0, 0),
        textcoords="offset pixels",
        ha="left",
        va="bottom",
        annotation_clip=False,
        parse_math=False,
        zorder=7,
        **style,
    )
    at = artist.get_window_extent(renderer)  # its lower left corner on the point
    best: tuple[float, tuple[float, float, str, str], Bbox] | None = None
    for dx, dy, ha, va in _LABEL_SPOTS:
        box = Bbox.from_bounds(
            at.x0 + dx * gap - at.width * _ALIGN_SHARE[ha],
            at.y0 + dy * gap - at.height * _ALIGN_SHARE[va],
            at.width,
            at.height,
        )
        out_of_map = (
            box.x0 < inside.x0 or box.x1 > inside.x1 or box.y0 < inside.y0 or box.y1 > inside.y1
        )
        score = _overlap(box, png.placed) + (1e9 if out_of_map else 0)
        if best is None or score < best[0]:
            best = (score, (dx, dy, ha, va), box)
        if score == 0:
            break
    assert best is not None
    score, (dx, dy, ha, va), box = best
    if score > 0 and not (required and score < 1e9):
        artist.remove()
        return False
    artist.xyann = (dx * gap, dy * gap)
    artist.set_horizontalalignment(ha)
    artist.set_verticalalignment(va)
    png.placed.append(box)
    return True


def scale_bar_length(
    box: tuple[float, float, float, float], share: float = 0.16
) -> tuple[int, float, tuple[float, float]]:
    """Return a round length in km, its length in EPSG:3035 metres, and the map centre (lon, lat).

    LAEA keeps areas, not distances: away from its own centre (52°N, 10°E) a projected metre is
    not a metre on the ground. The ratio is measured along the bar's direction at the map centre
    with a geodesic on WGS84. ``share`` is the wanted part of the map's width.
    """
    xmin, xmax, ymin, ymax = box
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    half = 50_000.0
    (lon0, lon1), (lat0, lat1) = _transformer(PNG_CRS, WGS84).transform(
        [cx - half, cx + half], [cy, cy]
    )
    ground_per_metre = GEOD.inv(lon0, lat0, lon1, lat1)[2] / (2 * half)
    wanted_km = share * (xmax - xmin) * ground_per_metre / 1000
    km = min((50, 100, 200, 250, 300, 500, 1000, 2000), key=lambda k: abs(k - wanted_km))
    centre = _transformer(PNG_CRS, WGS84).transform(cx, cy)
    return km, km * 1000 / ground_per_metre, centre


def scale_bar(png: PngPage, ax: Axes, box: tuple[float, float, float, float]) -> None:
    """Draw a km bar true at the map centre: projected length checked on the ellipsoid."""
    xmin, xmax, ymin, ymax = box
    km, length, (lon, lat) = scale_bar_length(box)
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


def north_arrow(png: PngPage, ax: Axes, box: tuple[float, float, float, float]) -> None:
    """Draw an arrow to true north where it stands (LAEA turns north away from 10°E)."""
    xmin, xmax, ymin, ymax = box
    x, y = xmin + 0.04 * (xmax - xmin), ymax - 0.1 * (ymax - ymin)
    lon, lat = _transformer(PNG_CRS, WGS84).transform(x, y)
    nx, ny = _transformer(WGS84, PNG_CRS).transform(lon, lat + 0.5)
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
