"""The app map's script, served as a static file next to Leaflet (``render/assets.py``).

``flankmapLayer(group, spec, data)`` draws one layer of a view as ``folium.GeoJson`` would with
``GeoJsonTooltip``/``GeoJsonPopup``: the same styles, the same tooltip table. ``spec`` comes from
``LAYER_SPECS`` (``render/layer_specs.py``); ``data`` is ``live_rows``
(``render/folium_map.py``), every text in it already escaped with ``html_text``. The shape sets
(countries, occupied areas: ``SHAPE_SETS`` in ``render/assets.py``) are fetched once per map
frame; a layer's rows name their shape by key.
"""

import json

#: Replaced by ``{set name: shapes file URL with its version}`` when the files are written.
SHAPES_PLACEHOLDER = "__FLANKMAP_SHAPES__"
#: Replaced by the URL of the shared tooltip texts (a JSON list), with its version.
TEXTS_PLACEHOLDER = "__FLANKMAP_TEXTS__"

LIVE_SCRIPT = """// flankmap: draws each view's layers; the shapes are fetched once.
(function() {
    if (window.flankmapLayer) { return; }
    var SHAPES = __FLANKMAP_SHAPES__;
    var TEXTS = __FLANKMAP_TEXTS__;
    var base = document.currentScript.src;
    var names = Object.keys(SHAPES);
    function load(url, what) {
        return fetch(new URL(url, base)).then(function(r) {
            if (!r.ok) { throw new Error(what + ": HTTP " + r.status); }
            return r.json();
        });
    }
    // A row's text is an index into the shared texts, or the (escaped) text itself.
    var texts = [];
    var textsReady = load(TEXTS, "texts")
        .then(function(list) { texts = list; })
        .catch(function(err) { console.error(err); });
    // Every set is fetched at once; a set that fails is empty (the points still draw).
    var shapesReady = Promise.all(names.map(function(name) {
        return load(SHAPES[name], name + " shapes")
            .then(function(collection) {
                var byId = {};
                collection.features.forEach(function(f) { byId[f.id] = f.geometry; });
                return byId;
            })
            .catch(function(err) {
                console.error(err);
                return {};
            });
    }));
    var ready = Promise.all([shapesReady, textsReady]).then(function(loaded) {
        var byName = {};
        names.forEach(function(name, i) { byName[name] = loaded[0][i]; });
        return byName;
    });
    function detail(spec) {
        return function(layer) {
            var values = layer.feature.properties;
            var div = L.DomUtil.create("div");
            div.innerHTML = "<table>" + spec.fields.map(function(field, i) {
                return "<tr><th>" + spec.aliases[i] + "</th><td>" + values[field] +
                    "</td></tr>";
            }).join("") + "</table>";
            return div;
        };
    }
    // Calls back once every layer added so far is on screen (after the next paint).
    window.flankmapWhenDrawn = function(callback) {
        ready.then(function() {
            requestAnimationFrame(function() { requestAnimationFrame(callback); });
        });
    };
    window.flankmapLayer = function(group, spec, data) {
        function style(feature) { return spec.styles[feature.styleKey]; }
        var layer = L.geoJson(null, {
            style: style,
            pointToLayer: function(feature, latlng) {
                return L.circleMarker(latlng, L.extend({radius: spec.radius || 6},
                                                       style(feature)));
            },
            onEachFeature: function(feature, item) {
                if (!spec.highlight) { return; }
                item.on({
                    mouseover: function(e) { e.target.setStyle(spec.highlight); },
                    mouseout: function(e) { layer.resetStyle(e.target); }
                });
            }
        });
        layer.bindTooltip(detail(spec), {sticky: true, className: "foliumtooltip"});
        if (spec.popup) {
            layer.bindPopup(detail(spec), {maxWidth: 360, className: "foliumpopup"});
        }
        layer.addTo(group);
        function add(geometryOf) {
            layer.addData(data.values.map(function(values, i) {
                var properties = {};
                spec.fields.forEach(function(field, j) {
                    var value = values[j];
                    properties[field] = typeof value !== "number" ? value
                        : texts[value] === undefined ? "" : texts[value];
                });
                return {type: "Feature", properties: properties, geometry: geometryOf(i),
                        styleKey: data.style ? data.style[i] : spec.style};
            }).filter(function(feature) { return feature.geometry; }));
        }
        // Every layer waits for the shapes, so layers stack in the order they come.
        ready.then(function(sets) {
            if (data.ids) {
                var byId = sets[spec.shapes] || {};
                add(function(i) { return byId[data.ids[i]]; });
            } else if (data.points) {
                add(function(i) {
                    return {type: "Point",
                            coordinates: [data.points[i][1], data.points[i][0]]};
                });
            } else {
                add(function(i) { return data.geometries[i]; });
            }
        });
    };
})();
"""


def live_script(shapes: dict[str, str], texts: str) -> str:
    """Return the script with the URLs (relative to the script) of its data files filled in."""
    script = LIVE_SCRIPT.replace(SHAPES_PLACEHOLDER, json.dumps(shapes, sort_keys=True))
    return script.replace(TEXTS_PLACEHOLDER, json.dumps(texts))
