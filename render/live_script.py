"""The app map's script, served as a static file next to Leaflet (``render/assets.py``).

``flankmapLayer(group, spec, data)`` draws one layer of a view as ``folium.GeoJson`` would with
``GeoJsonTooltip``/``GeoJsonPopup``: the same styles, the same tooltip table. ``spec`` comes from
``LAYER_SPECS``; ``data`` is ``live_rows`` (``render/folium_map.py``), every text in it already
escaped with ``html_text``. The shape sets (countries, occupied areas: ``SHAPE_SETS`` in
``render/assets.py``) are fetched once per map frame; a layer's rows name their shape by key.
"""

import json

#: Replaced by ``{set name: shapes file URL with its version}`` when the files are written.
SHAPES_PLACEHOLDER = "__FLANKMAP_SHAPES__"

LIVE_SCRIPT = """// flankmap: draws each view's layers; the shapes are fetched once.
(function() {
    if (window.flankmapLayer) { return; }
    var SHAPES = __FLANKMAP_SHAPES__;
    var base = document.currentScript.src;
    var names = Object.keys(SHAPES);
    // Every set is fetched at once; a set that fails is empty (the points still draw).
    var ready = Promise.all(names.map(function(name) {
        return fetch(new URL(SHAPES[name], base))
            .then(function(r) {
                if (!r.ok) { throw new Error(name + " shapes: HTTP " + r.status); }
                return r.json();
            })
            .then(function(collection) {
                var byId = {};
                collection.features.forEach(function(f) { byId[f.id] = f.geometry; });
                return byId;
            })
            .catch(function(err) {
                console.error(err);
                return {};
            });
    })).then(function(sets) {
        var byName = {};
        names.forEach(function(name, i) { byName[name] = sets[i]; });
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
                spec.fields.forEach(function(field, j) { properties[field] = values[j]; });
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


def live_script(shapes: dict[str, str]) -> str:
    """Return the script with each shape set's file URL (relative to the script) filled in."""
    return LIVE_SCRIPT.replace(SHAPES_PLACEHOLDER, json.dumps(shapes, sort_keys=True))
