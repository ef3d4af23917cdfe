"""Folium maps of a scene: one ``GeoJson`` per layer, styles from the style table, offline Leaflet.

The app draws :func:`base_map` once and passes :func:`layer_groups` to streamlit-folium, which
swaps the groups in place when the scenario changes, so the user's pan and zoom survive.
:func:`build_map` puts both together with the legend for a standalone HTML file.

``live=True`` is the app's way (README "Speed, measured"): Leaflet and the shapes of countries
and occupied areas are static files the map frame fetches once (``render/assets.py``), and each
layer of a view is one small ``_LiveLayer``: its rows as compact per-view data (tooltip text,
style key, and an id into a shared shape set, a point or an own geometry), drawn by one script
the map loaded once. Without
it, every layer is a ``folium.GeoJson`` with everything inlined: one self-contained page that
opens from disk offline (exports, the compare view).
"""

from __future__ import annotations

import functools
import json

import folium
import geopandas as gpd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps

from layers.scenario.scenario_schema import LAYER_TITLES
from layers.scenario.scenarios import load_presets
from layers.scenario.scene import LAYER_IDS, Scene, build_scene
from layers.scenario.view import DEFAULT_BASEMAP
from render.assets import (
    LIVE_SCRIPT_FILE,
    SHAPE_SETS,
    leaflet_css,
    leaflet_js,
    shape_ids,
    static_url,
)
from render.layer_specs import LAYER_SPECS, LayerSpec
from render.legend import LEGEND_CSS, legend_html
from render.styles import AREA_STYLES, POINT_STYLES, SEA_COLOUR
from render.text import brace_entities, html_text

#: Where the map opens: the flank from the Baltic to the Black Sea.
DEFAULT_CENTER = (52.0, 25.0)
DEFAULT_ZOOM = 4


class OfflineMap(folium.Map):
    """A ``folium.Map`` whose only script and stylesheet are the packaged Leaflet.

    Inlined by default; ``live=True`` links the app's static copy by relative URL instead, and
    the map's own script (``render/live_script.py``: it defines ``flankmapLayer`` and fetches
    the country shapes once per map frame).
    folium's defaults (jQuery, Bootstrap, awesome-markers from CDNs) are dropped: this map uses
    none of them, and each unreachable URL would leave an offline map blank.
    """

    def __init__(self, *args, live: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Instance attributes: the class-level lists are shared by every folium.Map.
        if live:
            # The map's own script first: it starts fetching the shapes while Leaflet loads
            # (streamlit-folium loads these one after the other), and needs L only when drawing.
            self.default_js = [
                ("flankmap_live", static_url(LIVE_SCRIPT_FILE)),
                ("leaflet", static_url("leaflet/leaflet.js")),
            ]
            self.default_css = [("leaflet_css", static_url("leaflet/leaflet.css"))]
        else:
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
        self.html = brace_entities(legend)  # titles may come from an uploaded file


class _Text(Element):
    """Rendered text kept as it is (``Element`` would compile it as a template again)."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class _RenderOnce(MacroElement):
    """``MacroElement.render`` without the second pass through Jinja: a copy of branca's.

    branca wraps every rendered macro in a new ``Element(template=…)``, which compiles the
    output, GeoJSON and all, as a Jinja template once more. That is slow on big layers: an
    inline map (export, compare view) renders in ~260 ms with this and ~400 ms without; an app
    switch's map in ~10 ms instead of ~15 ms (README "Speed, measured"). Escaping every text with
    ``html_text`` stays the guarantee that no ``{{ … }}`` in the data runs. Mixed in after a
    folium class, C3 puts this ``render`` between folium's and ``MacroElement``'s.
    ``tests/test_render_live.py`` pins the branca code this copies: it fails when it changes.
    """

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        module = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = module.get(part)
            if macro is not None:
                getattr(figure, part).add_child(_Text(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class _GeoJson(folium.GeoJson, _RenderOnce):
    """``folium.GeoJson`` (tooltips, popups, styles as usual) rendered in one pass."""


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
.leaflet-tooltip {white-space: normal; width: 360px; font-size: 11px}
.leaflet-tooltip th {white-space: nowrap; vertical-align: top; padding-right: 6px}
.leaflet-tooltip td {overflow-wrap: anywhere; vertical-align: top}
.fm-label-icon {background: none; border: 0}
.fm-label {display: inline-block; background: rgba(255,255,255,.85); padding: 0 4px;
  border-radius: 3px; font: 600 11px/16px system-ui, sans-serif; color: #222; white-space: nowrap}
"""


def base_map(basemap: str = DEFAULT_BASEMAP, *, live: bool = False, **frame) -> folium.Map:
    """Return the map frame: no data, the sea colour, optional web tiles.

    It is the same for every scenario, so streamlit-folium keeps it mounted. ``frame`` passes
    size and position (``width``, ``left``, …) to ``folium.Map``. ``live=True``: Leaflet and the
    country shapes come from the app's static files, for :func:`layer_groups` with ``live``.
    """
    m = OfflineMap(
        live=live,
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


def _row_texts(spec: LayerSpec, escaped: gpd.GeoDataFrame) -> list[list[str]]:
    return escaped[list(spec.fields)].to_numpy().tolist()


@functools.cache
def shared_texts() -> tuple[str, ...]:
    """Return every tooltip text of the preset views (all layers on), escaped, each once.

    Served once as a static file beside the shapes (``render/assets.py``): a view's rows name
    these texts by index, so a switch does not re-send the same names, notes and source URLs.
    A text not in here (another date, the user's scenario or overlay) travels inline.
    """
    texts: set[str] = set()
    for scenario in load_presets().values():
        scene = build_scene(scenario, layers=LAYER_IDS)
        for spec in LAYER_SPECS:
            gdf = getattr(scene, spec.attribute)
            if not gdf.empty:
                for row in _row_texts(spec, _escape_text(gdf, list(spec.fields))):
                    texts.update(row)
    return tuple(sorted(texts))


@functools.cache
def _text_index() -> dict[str, int]:
    return {text: i for i, text in enumerate(shared_texts())}


def live_rows(spec: LayerSpec, gdf: gpd.GeoDataFrame) -> dict:
    """Return one layer's per-view data for ``_LiveLayer``: escaped texts, style keys, places.

    ``values`` holds each row's ``spec.fields`` in order, each an index into
    :func:`shared_texts` or, if not there, the escaped text itself; ``style`` its style key
    (for layers styled per row); then ``ids`` (keys into the layer's shared shape set), ``points``
    (``[lat, lon]``) or ``geometries`` (GeoJSON: the user's overlay, or a layer with a row the
    shared set lacks, so nothing is dropped).
    """
    escaped = _escape_text(gdf, spec.data_fields())
    index = _text_index()
    data: dict = {
        "values": [[index.get(text, text) for text in row] for row in _row_texts(spec, escaped)]
    }
    if spec.styled_by:
        data["style"] = escaped[spec.styled_by].tolist()
    ids = gdf[SHAPE_SETS[spec.shapes][1]].astype(str).tolist() if spec.shapes else None
    if ids is not None and shape_ids(spec.shapes).issuperset(ids):
        data["ids"] = ids
    elif spec.points:
        data["points"] = [[point.y, point.x] for point in gdf.geometry]
    else:
        data["geometries"] = [json.loads(g) for g in shapely.to_geojson(gdf.geometry.values)]
    return data


def scene_features(scene: Scene, *, live: bool = False) -> dict[str, dict]:
    """Return the data of each non-empty layer of ``scene``: plain data, cacheable.

    Escaped GeoJSON for ``folium.GeoJson``; ``live=True``: :func:`live_rows` for ``_LiveLayer``.
    """
    features = {}
    for spec in LAYER_SPECS:
        gdf = getattr(scene, spec.attribute)
        if not gdf.empty:
            features[spec.attribute] = (
                live_rows(spec, gdf) if live else feature_collection(gdf, spec.data_fields())
            )
    return features


def _style_function(spec: LayerSpec):
    def style(feature: dict) -> dict:
        return _style(spec, feature["properties"][spec.styled_by] if spec.styled_by else spec.style)

    return style


#: How a polygon looks under the pointer.
HIGHLIGHT = {"weight": 2.5, "color": "#333333"}


def _style(spec: LayerSpec, key: str) -> dict:
    table = POINT_STYLES if spec.points else AREA_STYLES
    chosen = {k: v for k, v in table[key].items() if k != "radius"}
    return {"fill": True, **chosen} if spec.points else chosen


def _compact_json(value) -> str:
    """JSON for a script: no spaces, ``<>&'`` as escapes (as Jinja's ``tojson``)."""
    return htmlsafe_json_dumps(value, separators=(",", ":"), ensure_ascii=False)


class _LiveLayer(_RenderOnce):
    """One layer of the app's map: the spec once, the rows as data (``live_rows``).

    Drawn in the browser by ``flankmapLayer`` (``render/live_script.py``), so a switch sends only
    these rows, not GeoJSON geometry or the script that draws it.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        flankmapLayer({{ this._parent.get_name() }}, {{ this.spec_json }}, {{ this.data_json }});
        {% endmacro %}
        """
    )

    def __init__(self, spec: LayerSpec, data: dict):
        super().__init__()
        self._name = "LiveLayer"
        keys = sorted(set(data.get("style", [])) | ({spec.style} if spec.style else set()))
        self.spec_json = _compact_json(
            {
                "fields": list(spec.fields),
                "aliases": [html_text(alias) for alias in spec.aliases],
                "styles": {key: _style(spec, key) for key in keys},
                "style": spec.style,
                "radius": POINT_STYLES[spec.style or "existing"]["radius"] if spec.points else None,
                "highlight": None if spec.points else HIGHLIGHT,
                "popup": spec.popup,
                "shapes": spec.shapes,
            }
        )
        self.data_json = _compact_json(data)


def _geojson(spec: LayerSpec, data: dict) -> _GeoJson:
    fields, aliases = list(spec.fields), list(spec.aliases)
    options: dict = {
        "tooltip": folium.GeoJsonTooltip(fields=fields, aliases=aliases, sticky=True),
    }
    if spec.points:
        radius = POINT_STYLES[spec.style or "existing"]["radius"]
        options["marker"] = folium.CircleMarker(radius=radius)
    else:
        options["highlight_function"] = lambda _feature: HIGHLIGHT
    if spec.popup:
        options["popup"] = folium.GeoJsonPopup(fields=fields, aliases=aliases, max_width=360)
    return _GeoJson(data, name=spec.name, style_function=_style_function(spec), **options)


class _Labels(_RenderOnce):
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


class _LiveGroup(folium.FeatureGroup, _RenderOnce):
    """A feature group of the app's map: streamlit-folium adds it to the map itself.

    ``show=False`` leaves out folium's own add-to-map script, and ``_RenderOnce`` the template
    compiles: Jinja compiles each of those small scripts on every rerun, about a third of the
    map's server time per switch.
    """

    def __init__(self, name: str):
        super().__init__(name=name, show=False)


#: The map component's value once :func:`drawn_signal`'s frame has drawn its shapes.
DRAWN = {"drawn": True}


class _DrawnSignal(_RenderOnce):
    """Tells the page, once its shapes are on screen, that the map is drawn.

    The frame sets the map component's value to ``DRAWN``, which reruns the page; ``app.py``
    sends a first visit the map alone and the rest after that signal, so nothing else competes
    with the map for the browser's main thread.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            function tell() {
                if (window.Streamlit) { window.Streamlit.setComponentValue({{ this.value }}); }
            }
            if (window.flankmapWhenDrawn) { window.flankmapWhenDrawn(tell); } else { tell(); }
        })();
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self.value = _compact_json(DRAWN)


def drawn_signal() -> folium.FeatureGroup:
    """Return a group that draws nothing and reports when the layers before it are drawn.

    Add it after :func:`layer_groups` (on a live map it waits for their shapes; on an inline
    one they are drawn by the time it runs).
    """
    group = _LiveGroup("drawn")
    _DrawnSignal().add_to(group)
    return group


def layer_groups(
    scene: Scene, features: dict[str, dict] | None = None, *, live: bool = False
) -> list[folium.FeatureGroup]:
    """Return one feature group per drawn layer of ``scene``, bottom to top.

    ``features`` is :func:`scene_features` of the same scene (and ``live``), when the caller has
    it cached. ``live=True`` draws on a map from ``base_map(live=True)`` only.
    """
    features = scene_features(scene, live=live) if features is None else features
    groups = []
    for spec in LAYER_SPECS:
        if spec.attribute in features:
            group = _LiveGroup(spec.name) if live else folium.FeatureGroup(name=spec.name)
            data = features[spec.attribute]
            (_LiveLayer(spec, data) if live else _geojson(spec, data)).add_to(group)
            groups.append(group)
    if "labels" in scene.layers and not scene.battlegroups.empty:
        name = LAYER_TITLES["labels"]
        group = _LiveGroup(name) if live else folium.FeatureGroup(name=name)
        _Labels(scene.battlegroups).add_to(group)
        groups.append(group)
    return groups


def build_map(scene: Scene, basemap: str = DEFAULT_BASEMAP) -> folium.Map:
    """Return a complete map of ``scene``: layers, legend, title; for standalone HTML."""
    m = base_map(basemap)
    _Css(LEGEND_CSS).add_to(m)
    for g in layer_groups(scene):
        g.add_to(m)
    _LegendControl(legend_html(scene)).add_to(m)
    m.get_root().title = html_text(scene.scenario.title)
    m.get_root().header.add_child(
        Element('<meta name="generator" content="flankmap">'), name="generator"
    )
    return m
