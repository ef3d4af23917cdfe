"""Folium maps of a scene: one ``GeoJson`` per layer, styles from the style table, offline Leaflet.

The app draws :func:`base_map` once and passes :func:`layer_groups` to streamlit-folium, which
swaps the groups in place when the scenario changes, so the user's pan and zoom survive.
:func:`build_map` puts both together with the legend for a standalone HTML file.
"""

from __future__ import annotations

import json

import folium
import geopandas as gpd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from layers.scene import Scene
from render.assets import leaflet_css, leaflet_js
from render.legend import LEGEND_CSS, legend_html
from render.styles import AREA_STYLES, POINT_STYLES, SEA_COLOUR
from render.text import html_text

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
    """Return a display copy with ``fields`` and the geometry, every text escaped.

    folium writes tooltip values into ``innerHTML`` (a name like ``<img onerror=…>`` would run)
    and re-reads rendered scripts as Jinja templates (``{{ … }}`` would run): see ``html_text``.
    """
    out = gdf[[*fields, "geometry"]].copy()
    for column in fields:
        out[column] = [
            "" if value is None or value != value else html_text(value) for value in out[column]
        ]
    return out


def feature_collection(gdf: gpd.GeoDataFrame, fields: list[str]) -> dict:
    """Return ``gdf`` as a GeoJSON dict with only ``fields``, escaped, for ``folium.GeoJson``.

    Serialising with shapely's vectorised ``to_geojson`` is several times faster than the
    ``__geo_interface__`` folium would walk, and this runs on every scenario switch.
    """
    escaped = _escape_text(gdf, fields)
    geometries = shapely.to_geojson(escaped.geometry.values)
    records = escaped[fields].to_dict(orient="records")
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": json.loads(geometry)}
            for props, geometry in zip(records, geometries, strict=True)
        ],
    }


LABEL_CSS = """
.fm-label-icon {background: none; border: 0}
.fm-label {display: inline-block; background: rgba(255,255,255,.85); padding: 0 4px;
  border-radius: 3px; font: 600 11px/16px system-ui, sans-serif; color: #222; white-space: nowrap}
"""


def base_map(basemap: str = "plain", **frame) -> folium.Map:
    """Return the map frame: no data, the sea colour, optional web tiles.

    It is the same for every scenario, so streamlit-folium keeps it mounted. ``frame`` passes
    size and position (``width``, ``left``, …) to ``folium.Map``.
    """
    m = OfflineMap(
        location=DEFAULT_CENTER,
        zoom_start=DEFAULT_ZOOM,
        tiles=None,
        min_zoom=3,
        max_zoom=10,
        control_scale=True,
        prefer_canvas=False,
        **frame,
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
    data = feature_collection(gdf, [*fields, *(["category"] if styled else [])])
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
    data = feature_collection(gdf, [*fields, *(["status_class"] if by_class else [])])

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


class _Labels(MacroElement):
    """Text labels beside points, from one JSON list; each text escaped with ``html_text``.

    A permanent tooltip bound to a whole GeoJson layer opens only once, and a marker per label
    multiplies the JavaScript; this draws every label from one JSON list.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.layerGroup();
        {{ this.labels|tojson }}.forEach(function(d) {
            var text = document.createElement("div");
            text.className = "fm-label";
            text.innerHTML = d.text;
            L.marker([d.lat, d.lon], {
                icon: L.divIcon({html: text, className: "fm-label-icon", iconSize: null,
                                 iconAnchor: [-12, 8]}),
                interactive: false, keyboard: false
            }).addTo({{ this.get_name() }});
        });
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, gdf: gpd.GeoDataFrame):
        super().__init__()
        self._name = "Labels"
        self.labels = [
            {"lat": round(point.y, 5), "lon": round(point.x, 5), "text": html_text(label)}
            for point, label in zip(gdf.geometry, gdf["label"], strict=True)
        ]


def _label_layer(group: folium.FeatureGroup, gdf: gpd.GeoDataFrame) -> None:
    if not gdf.empty:
        _Labels(gdf).add_to(group)


COUNTRY_FIELDS = ["name", "status", "note", "source"]
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
        fields=COUNTRY_FIELDS,
        aliases=["Country", "Status", "Note", "Source"],
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
    legend = str(legend_html(scene)).replace("{", "&#123;").replace("}", "&#125;")
    _LegendControl(legend).add_to(m)
    m.get_root().title = html_text(scene.scenario.title)
    m.get_root().header.add_child(
        Element('<meta name="generator" content="flankmap">'), name="generator"
    )
    return m
