"""The app map's script, served as a static file next to Leaflet (``render/assets.py``).

``flankmapLayer(group, spec, data)`` draws one layer of a view as ``folium.GeoJson`` would with
``GeoJsonTooltip``/``GeoJsonPopup``: the same styles, the same tooltip table. ``spec`` comes from
``LAYER_SPECS``; ``data`` is ``live_rows`` (``render/folium_map.py``), every text in it already
escaped with ``html_text``. Country shapes are fetched once per map frame and joined by ISO code.
"""

#: Replaced by the shapes file's name and version when the static files are written.
SHAPES_PLACEHOLDER = "__FLANKMAP_SHAPES__"

LIVE_SCRIPT = """// flankmap: draws each view's layers; the country shapes are fetched once.
(function() {
    if (window.flankmapLayer) { return; }
    var SHAPES = "__FLANKMAP_SHAPES__";
    var shapes = fetch(new URL(SHAPES, document.currentScript.src))
        .then(function(r) {
            if (!r.ok) { throw new Error("country shapes: HTTP " + r.status); }
            return r.json();
        })
        .then(function(collection) {
            var byId = {};
            collection.features.forEach(function(f) { byId[f.id] = f.geometry; });
            return byId;
        });
    var ready = shapes.catch(function(err) {
        console.error(err);  // the points still draw
        return {};
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
        ready.then(function(byId) {
            if (data.ids) {
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


def live_script(shapes: str) -> str:
    """Return the script with the shapes file's URL (relative to the script) filled in."""
    return LIVE_SCRIPT.replace(SHAPES_PLACEHOLDER, shapes)
