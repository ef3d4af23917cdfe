"""One style table: the map, the legend and the PNG export all read it.

Colours are the Okabe–Ito colour-blind-safe palette; categories never differ by colour alone:
proposed battle groups have a dashed outline, hypothetical ones a dotted outline and a hollow
centre, occupied territory a dashed outline, breakaway regions a dotted one and a lighter fill,
the user's overlay a thick solid line; every feature's tooltip says what it is.
"""

#: Polygon layers, keyed by category.
AREA_STYLES: dict[str, dict] = {
    "member": {"fillColor": "#56B4E9", "color": "#ffffff", "weight": 0.8, "fillOpacity": 0.55},
    "russia": {"fillColor": "#CC79A7", "color": "#ffffff", "weight": 0.8, "fillOpacity": 0.55},
    "belarus": {"fillColor": "#CC79A7", "color": "#ffffff", "weight": 0.8, "fillOpacity": 0.3},
    "partner": {"fillColor": "#F0E442", "color": "#ffffff", "weight": 0.8, "fillOpacity": 0.45},
    "other": {"fillColor": "#e6e6e6", "color": "#ffffff", "weight": 0.6, "fillOpacity": 1.0},
    "occupied": {
        "fillColor": "#D55E00",
        "color": "#D55E00",
        "weight": 1.5,
        "dashArray": "4 3",
        "fillOpacity": 0.35,
    },
    "breakaway": {
        "fillColor": "#D55E00",
        "color": "#D55E00",
        "weight": 2,
        "dashArray": "1 4",
        "fillOpacity": 0.15,
    },
    "overlay": {
        "fillColor": "#009E73",
        "color": "#009E73",
        "weight": 3,
        "fillOpacity": 0.12,
    },
    "demand_area": {
        "fillColor": "#000000",
        "color": "#000000",
        "weight": 2,
        "dashArray": "8 4",
        "fillOpacity": 0.18,
    },
}

#: Point layers, keyed by class; ``radius`` is in screen pixels.
POINT_STYLES: dict[str, dict] = {
    "existing": {
        "color": "#0072B2",
        "fillColor": "#0072B2",
        "weight": 2,
        "fillOpacity": 0.9,
        "radius": 9,
    },
    "proposed": {
        "color": "#E69F00",
        "fillColor": "#E69F00",
        "weight": 3,
        "dashArray": "4 3",
        "fillOpacity": 0.35,
        "radius": 9,
    },
    "hypothetical": {
        "color": "#D55E00",
        "fillColor": "#ffffff",
        "weight": 3,
        "dashArray": "1 4",
        "fillOpacity": 0.6,
        "radius": 9,
    },
    "reinforcement": {
        "color": "#ffffff",
        "fillColor": "#009E73",
        "weight": 1.5,
        "fillOpacity": 0.95,
        "radius": 6,
    },
    "buildup": {
        "color": "#ffffff",
        "fillColor": "#000000",
        "weight": 1.5,
        "fillOpacity": 0.9,
        "radius": 6,
    },
}

#: What each style means, in the order the legend lists them; ``{period}`` is when the
#: reinforcements were announced (``layers.thematic.context.reinforcements_period``).
LEGEND_TEXT: dict[str, str] = {
    "member": "NATO member on this date",
    "russia": "Russia (incl. Kaliningrad)",
    "belarus": "Belarus, Russia's ally",
    "partner": "NATO partner bordering the flank (not a member)",
    "occupied": "Occupied by Russia (dashed outline; each area's dates in its tooltip)",
    "breakaway": "Breakaway region with Russian troops (dotted outline)",
    "demand_area": "Area of Moscow's demand (a demand, not a posture)",
    "existing": "Battle group: existing",
    "proposed": "Battle group: PROPOSED (dashed outline)",
    "hypothetical": "Battle group: HYPOTHETICAL (dotted outline)",
    "reinforcement": "Allied reinforcement, {period} (where the source names the place)",
    "buildup": "Russian build-up location (where the source names the place)",
    "overlay": "Your overlay",
}

#: The sea behind the countries when no web basemap is chosen.
SEA_COLOUR = "#dbe7f0"
