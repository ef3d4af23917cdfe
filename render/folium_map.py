"""Folium maps of a scene: one ``GeoJson`` per layer, styles from the style table, offline Leaflet.

The app draws :func:`base_map` once and passes :func:`layer_groups` to streamlit-folium, which
swaps the groups in place when the scenario changes, so the user's pan and zoom survive.
:func:`build_map` puts both together with the legend for a standalone HTML file.
"""

from __future__ import annotations

import html

import folium
import geopandas as gpd
from branca.element import Element, MacroElement
from jinja2 import Template

from layers.scene import Scene
from render.assets import leaflet_css, leaflet_js
from render.legend import LEGEND_CSS, legend_html
from render.styles import AREA_STYLES, POINT_STYLES, SEA_COLOUR

#: Where the map opens: the flank from the Baltic to the Black Sea.
DEFAULT_CENTER = (52.0, 25.0)
DEFAULT_ZOOM = 4


class OfflineMap(folium.Map):
    """A ``folium.Map`` whose only script and stylesheet are the packaged Leaflet, inlined.

    folium's defaults (jQuery, Bootstrap, awesome-markers from CDNs) are dropped: this map uses
    none of them, and each unreachable URL would leave an offline map blank.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Instance attributes: the class-level lists are shared by every folium.Map.
        self.default_js = [("leaflet", leaflet_js())]
        self.default_css = [("leaflet_css", leaflet_css())]


class _Css(MacroElement):
    """A stylesheet in the page header (the sea colour, the legend)."""

    _template = Template(
        "{% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}"
    )

    def __init__(self, css: str):
        super().__init__()
        self._name = "Css"
        self.css = css


class _LegendControl(MacroElement):
    """The legend as a Leaflet control (exported HTML)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function() {
                var div = L.DomUtil.create("div");
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, legend: str):
        super().__init__()
        self._name = "LegendControl"
        self.html = legend


def _escape_text(gdf: gpd.GeoDataFrame, fields: list[str]) -> gpd.GeoDataFrame:
    """Return a display copy with ``fields`` and the geometry, every text HTML-escaped.

    folium writes tooltip values into ``innerHTML``: a name like ``<img onerror=…>`` would run.
    """
    out = gdf[[*fields, "geometry"]].copy()
    for column in fields:
        out[column] = [
            "" if value is None or value != value else html.escape(str(value))
            for value in out[column]
        ]
    return out


LABEL_CSS = """
.fm-label-icon {background: none; border: 0}
.fm-label {display: inline-block; background: rgba(255,255,255,.85); padding: 0 4px;
  border-radius: 3px; font: 600 11px/16px system-ui, sans-serif; color: #222; white-space: nowrap}
"""


def base_map(basemap: str = "plain") -> folium.Map:
    """Return the map frame: no data, the sea colour, optional web tiles.

    It is the same for every scenario, so streamlit-folium keeps it mounted.
    """
    m = OfflineMap(
        location=DEFAULT_CENTER,
        zoom_start=DEFAULT_ZOOM,
        tiles=None,
        min_zoom=3,
        max_zoom=10,
        control_scale=True,
        prefer_canvas=False,
    )
    _Css(f".leaflet-container {{background: {SEA_COLOUR};}}" + LABEL_CSS).add_to(m)
    if basemap == "osm":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap", opacity=0.6).add_to(m)
    return m


def _area_layer(
    group: folium.FeatureGroup,
    gdf: gpd.GeoDataFrame,
    *,
    fields: list[str],
    aliases: list[str],
    style: str | None = None,
) -> None:
    if gdf.empty:
        return
    styled = "category" in gdf.columns and style is None
    data = _escape_text(gdf, [*fields, *(["category"] if styled else [])])
    if styled:

        def style_function(feature: dict) -> dict:
            return AREA_STYLES[feature["properties"]["category"]]
    else:

        def style_function(_feature: dict, s: dict = AREA_STYLES[style]) -> dict:
            return s

    folium.GeoJson(
        data,
        name=group.layer_name,
        style_function=style_function,
        highlight_function=lambda _feature: {"weight": 2.5, "color": "#333333"},
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases, sticky=True),
    ).add_to(group)


def _point_layer(
    group: folium.FeatureGroup,
    gdf: gpd.GeoDataFrame,
    *,
    fields: list[str],
    aliases: list[str],
    style: str | None = None,
    popup: bool = False,
) -> None:
    if gdf.empty:
        return
    by_class = style is None
    data = _escape_text(gdf, [*fields, *(["status_class"] if by_class else [])])

    def style_function(feature: dict) -> dict:
        key = feature["properties"]["status_class"] if by_class else style
        return {"fill": True, **{k: v for k, v in POINT_STYLES[key].items() if k != "radius"}}

    radius = POINT_STYLES["existing" if by_class else style]["radius"]
    folium.GeoJson(
        data,
        name=group.layer_name,
        marker=folium.CircleMarker(radius=radius),
        style_function=style_function,
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases, sticky=True),
        popup=folium.GeoJsonPopup(fields=fields, aliases=aliases, max_width=360) if popup else None,
    ).add_to(group)


def _label_layer(group: folium.FeatureGroup, gdf: gpd.GeoDataFrame) -> None:
    """Battle-group labels as small text markers beside each symbol.

    A permanent tooltip bound to a whole GeoJson layer opens only once, so each of the (few)
    battle groups gets its own label marker.
    """
    for point, label in zip(gdf.geometry, gdf["label"], strict=True):
        folium.Marker(
            location=(point.y, point.x),
            icon=folium.DivIcon(
                html=f'<div class="fm-label">{html.escape(str(label))}</div>',
                icon_size=(120, 16),
                icon_anchor=(-12, 8),
                class_name="fm-label-icon",
            ),
            interactive=False,
        ).add_to(group)


BATTLEGROUP_FIELDS = ["host", "framework", "status", "troops", "base", "note", "source", "verified"]
BATTLEGROUP_ALIASES = [
    "Host",
    "Framework nation",
    "Status",
    "Troops",
    "Base",
    "Note",
    "Source",
    "Verified",
]


def layer_groups(scene: Scene) -> list[folium.FeatureGroup]:
    """Return one feature group per drawn layer of ``scene``, bottom to top."""
    groups: list[folium.FeatureGroup] = []

    def group(name: str) -> folium.FeatureGroup:
        g = folium.FeatureGroup(name=name)
        groups.append(g)
        return g

    _area_layer(
        group("Countries"),
        scene.countries,
        fields=["name", "status", "source"],
        aliases=["Country", "Status", "Source"],
    )
    _area_layer(
        group("Occupied territory"),
        scene.occupied,
        fields=["name", "label", "source_url"],
        aliases=["Area", "Status", "Source"],
        style="occupied",
    )
    _area_layer(
        group("Moscow's demand"),
        scene.demand_area,
        fields=["name", "status", "source"],
        aliases=["Country", "Demand", "Source"],
        style="demand_area",
    )
    _point_layer(
        group("Russian build-up"),
        scene.buildup,
        fields=["name", "kind", "observed", "notes", "coord_source", "source_url"],
        aliases=["Place", "Kind", "Observed", "Note", "Location from", "Source"],
        style="buildup",
    )
    _point_layer(
        group("Reinforcements"),
        scene.reinforcements,
        fields=["what", "where_name", "announced_date", "coord_source", "source_url"],
        aliases=["What", "Where", "Announced", "Location from", "Source"],
        style="reinforcement",
    )
    _point_layer(
        group("Battle groups"),
        scene.battlegroups,
        fields=BATTLEGROUP_FIELDS,
        aliases=BATTLEGROUP_ALIASES,
        popup=True,
    )
    if "labels" in scene.layers:
        _label_layer(group("Labels"), scene.battlegroups)
    return [g for g in groups if g._children]


def build_map(scene: Scene, basemap: str = "plain") -> folium.Map:
    """Return a complete map of ``scene``: layers, legend, title; for standalone HTML."""
    m = base_map(basemap)
    _Css(LEGEND_CSS).add_to(m)
    for g in layer_groups(scene):
        g.add_to(m)
    _LegendControl(str(legend_html(scene))).add_to(m)
    m.get_root().title = html.escape(scene.scenario.title)
    m.get_root().header.add_child(
        Element('<meta name="generator" content="flankmap">'), name="generator"
    )
    return m
