"""Two scenes side by side, pan and zoom kept in step: one self-contained, offline HTML page.

folium's ``DualMap`` loads Leaflet.Sync from a CDN; the few lines of syncing this needs are
inlined instead, so the comparison works with no network like every other map here.
"""

from __future__ import annotations

from branca.element import Figure, MacroElement
from jinja2 import Template
from markupsafe import Markup

from layers.scenario.scene import Scene
from layers.scenario.view import DEFAULT_BASEMAP
from render.folium_map import LEGEND_CSS, _Css, _LegendControl, base_map, layer_groups
from render.legend import legend_html
from render.text import html_text

#: Two legends would hide half of each map: they start folded, a click opens them.
FOLD_CSS = """
.fm-legend-fold {background: rgba(255,255,255,.92); border-radius: 6px; max-width: 300px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font: 12px system-ui, sans-serif}
.fm-legend-fold summary {cursor: pointer; padding: 6px 10px; font-weight: 600}
.fm-legend-fold .fm-legend {box-shadow: none}
"""


class _SyncViews(MacroElement):
    """Keep two Leaflet maps on the same centre and zoom, whichever one the user moves."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var maps = [{{ this.left.get_name() }}, {{ this.right.get_name() }}];
            var busy = false;
            maps.forEach(function(source, i) {
                var target = maps[1 - i];
                source.on("move zoomend", function() {
                    if (busy) { return; }
                    busy = true;
                    target.setView(source.getCenter(), source.getZoom(), {animate: false});
                    busy = false;
                });
            });
            window.flankmapMaps = maps;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, left, right):
        super().__init__()
        self._name = "SyncViews"
        self.left = left
        self.right = right


def compare_html(left: Scene, right: Scene, basemap: str = DEFAULT_BASEMAP) -> str:
    """Return one HTML page with ``left`` and ``right`` side by side, each with its own legend."""
    figure = Figure()
    maps = []
    for scene, offset in ((left, "0%"), (right, "50%")):
        m = base_map(
            basemap, width="50%", height="100%", left=offset, top="0%", position="absolute"
        )
        figure.add_child(m)
        _Css(LEGEND_CSS + FOLD_CSS).add_to(m)
        for group in layer_groups(scene):
            group.add_to(m)
        legend = Markup('<details class="fm-legend-fold"><summary>{}</summary>{}</details>').format(
            f"Legend: {scene.scenario.title}", legend_html(scene)
        )
        _LegendControl(legend).add_to(m)
        maps.append(m)
    figure.add_child(_SyncViews(*maps))
    figure.title = html_text(f"{left.scenario.title} vs {right.scenario.title}")
    return figure.render()
