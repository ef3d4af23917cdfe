"""The interactive map of a scene as one self-contained, offline HTML page.

Text is escaped by :mod:`render.folium_map`; this module checks that the page loads nothing
from the network.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from geo.errors import InputError
from layers.scenario.scene import Scene
from layers.scenario.view import BASEMAPS, DEFAULT_BASEMAP
from render.folium_map import build_map


class _ExternalRefs(HTMLParser):
    """Collect the ``src`` of scripts and the ``href`` of stylesheet links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href"}.get(tag)
        for name, value in attrs:
            if name == wanted and value and re.match(r"\s*(https?:)?//", value, re.IGNORECASE):
                self.found.append(f"<{tag} {name}={value[:80]!r}>")


def to_html(scene: Scene, basemap: str = DEFAULT_BASEMAP) -> str:
    """Return the interactive map of ``scene`` as one self-contained HTML page.

    Leaflet and its stylesheet are inlined, so the file works offline when opened from disk
    (``basemap="osm"`` adds web tiles, which need a network).

    Raises
    ------
    InputError
        For an unknown basemap.
    RuntimeError
        If the page would load a script or stylesheet from the network (a bug).
    """
    if basemap not in BASEMAPS:
        raise InputError(f"unknown basemap {basemap!r}; choose one of: {', '.join(BASEMAPS)}")
    page = build_map(scene, basemap).get_root().render()
    parser = _ExternalRefs()
    parser.feed(page)
    parser.close()
    if parser.found:
        raise RuntimeError(f"the HTML export would need the network: {', '.join(parser.found)}")
    return page
