"""The legend and the title box, as escaped HTML built from the style table.

The app shows the legend beside the map; exported HTML puts the same markup in a map control.
Every text goes through ``markupsafe.escape``: titles may come from an uploaded file.
"""

from __future__ import annotations

from markupsafe import Markup

from geo.boundaries import SOURCE as BOUNDARIES_SOURCE
from layers.scenarios import KINDS
from layers.scene import Scene
from render.styles import AREA_STYLES, LEGEND_TEXT, POINT_STYLES

BOUNDARIES_CREDIT = f"Boundaries: {BOUNDARIES_SOURCE}, Crimea drawn as Ukrainian territory."
ATTRIBUTION = f"{BOUNDARIES_CREDIT} Facts: the sources named in each tooltip."


def legend_keys(scene: Scene) -> list[str]:
    """Return the legend entries this scene needs, in the style table's order."""
    present: set[str] = set(scene.countries["category"]) - {"other"}
    if len(scene.occupied):
        present.add("occupied")
    if len(scene.demand_area):
        present.add("demand_area")
    present |= set(scene.battlegroups.get("status_class", []))
    if len(scene.reinforcements):
        present.add("reinforcement")
    if len(scene.buildup):
        present.add("buildup")
    return [key for key in LEGEND_TEXT if key in present]


def _symbol(key: str) -> Markup:
    """Return a small swatch drawn with CSS (some HTML sanitisers strip inline SVG)."""
    if key in AREA_STYLES:
        s = AREA_STYLES[key]
        shape = "width:20px;height:12px;border-radius:2px"
        outline = s["color"] if s["color"] != "#ffffff" else "#999999"
    else:
        s = POINT_STYLES[key]
        shape = "width:11px;height:11px;border-radius:50%;margin:0 4px"
        outline = s["color"] if s["color"] != "#ffffff" else "#555555"
    dash = s.get("dashArray", "")
    border = "dotted" if dash.startswith("1 ") else "dashed" if dash else "solid"
    style = (
        f"display:inline-block;flex:none;{shape};box-sizing:border-box;"
        f"border:2px {border} {outline};background:{_rgba(s['fillColor'], s['fillOpacity'])}"
    )
    return Markup('<span class="fm-swatch" style="{}"></span>').format(style)


def _rgba(colour: str, opacity: float) -> str:
    """Return ``#rrggbb`` and an opacity as a CSS ``rgba()``."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{opacity})"


def legend_html(scene: Scene) -> Markup:
    """Return the legend for ``scene``: scenario, kind, date, one line per symbol, attribution."""
    scenario = scene.scenario
    rows = Markup("").join(
        Markup('<div class="fm-legend-row">{}<span>{}</span></div>').format(
            _symbol(key), LEGEND_TEXT[key]
        )
        for key in legend_keys(scene)
    )
    badge = KINDS.get(scenario.kind, scenario.kind)
    return Markup(
        '<div class="fm-legend" role="region" aria-label="Legend">'
        '<div class="fm-legend-title">{title}</div>'
        '<div class="fm-legend-kind fm-kind-{kind}">{badge} · as of {as_of}</div>'
        "{rows}"
        '<div class="fm-legend-attr">{attribution}</div>'
        "</div>"
    ).format(
        title=scenario.title,
        kind=scenario.kind,
        badge=badge,
        as_of=scene.as_of.isoformat(),
        rows=rows,
        attribution=ATTRIBUTION,
    )


LEGEND_CSS = """
.fm-legend {font: 12px/1.35 system-ui, sans-serif; background: rgba(255,255,255,.92);
  padding: 8px 10px; border-radius: 6px; box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 300px}
.fm-legend-title {font-weight: 600; font-size: 13px; margin-bottom: 2px}
.fm-legend-kind {color: #444; margin-bottom: 6px}
.fm-kind-proposal, .fm-kind-hypothetical, .fm-kind-demand {color: #a04000; font-weight: 600}
.fm-legend-row {display: flex; align-items: center; gap: 6px; margin: 2px 0}
.fm-legend-attr {color: #666; font-size: 10.5px; margin-top: 6px}
"""
