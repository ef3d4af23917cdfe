"""The legend and the title box, as escaped HTML built from the style table.

The app shows the legend beside the map; exported HTML puts the same markup in a map control.
Every text goes through ``markupsafe.escape``: titles may come from an uploaded file.
"""

from __future__ import annotations

from markupsafe import Markup

from geo.boundaries import SOURCE as BOUNDARIES_SOURCE
from layers.scenario.scenarios import KINDS
from layers.scenario.scene import Scene
from layers.thematic.context import reinforcements_period
from layers.thematic.occupation import SOURCE as OUTLINES_SOURCE
from render.styles import AREA_STYLES, LEGEND_TEXT, POINT_STYLES

BOUNDARIES_CREDIT = (
    f"Boundaries: {BOUNDARIES_SOURCE}, Crimea drawn as Ukrainian territory; "
    f"occupied and breakaway areas: {OUTLINES_SOURCE}, approximate."
)
ATTRIBUTION = f"{BOUNDARIES_CREDIT} Facts: the sources named in each tooltip."


def legend_keys(scene: Scene) -> list[str]:
    """Return the legend entries this scene needs, in the style table's order."""
    present: set[str] = set(scene.countries["category"]) - {"other"}
    present |= set(scene.occupied.get("category", []))
    if len(scene.demand_area):
        present.add("demand_area")
    present |= set(scene.battlegroups.get("status_class", []))
    if len(scene.reinforcements):
        present.add("reinforcement")
    if len(scene.buildup):
        present.add("buildup")
    if len(scene.overlay):
        present.add("overlay")
    return [key for key in LEGEND_TEXT if key in present]


def legend_label(scene: Scene, key: str) -> str:
    """Return the legend text of ``key`` (plain): the overlay's is the user's own entry."""
    if key == "overlay" and len(scene.overlay):
        first = scene.overlay.iloc[0]
        return f"{first['label']} (your overlay; {first['attribution']})"
    if key == "reinforcement":
        return LEGEND_TEXT[key].format(period=reinforcements_period())
    return LEGEND_TEXT[key]


def layer_note_texts(scene: Scene) -> list[str]:
    """Return the notes on what drawn layers leave out, for the legend and the PNG caption."""
    return [note["text"] for note in scene.layer_notes]


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
            _symbol(key), legend_label(scene, key)
        )
        for key in legend_keys(scene)
    )
    rows += Markup("").join(
        Markup('<div class="fm-legend-note">{}</div>').format(text)
        for text in layer_note_texts(scene)
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
.fm-legend-note {color: #7a2e00; font-size: 11px; margin-top: 6px; border-left: 3px solid #D55E00;
  padding-left: 5px}
"""
