"""Leaflet from an installed package (xstatic-leaflet), as data: URIs: no CDN, ever.

streamlit-folium loads every URL in an element's ``default_js``/``default_css`` one by one and a
single unreachable script leaves the map blank; exported HTML must open from disk with no network.
Inlining the packaged files serves both.
"""

import base64
import functools
import re
from pathlib import Path


def _leaflet_dir() -> Path:
    try:
        import xstatic.pkg.leaflet as xstatic_leaflet
    except ImportError as err:  # pragma: no cover - a broken install
        raise ImportError("xstatic-leaflet is required: pip install xstatic-leaflet") from err
    return Path(xstatic_leaflet.BASE_DIR)


def _data_uri(payload: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"


@functools.lru_cache(maxsize=1)
def leaflet_js() -> str:
    """Return Leaflet's minified script as a data: URI."""
    return _data_uri((_leaflet_dir() / "leaflet.js").read_bytes(), "text/javascript")


@functools.lru_cache(maxsize=1)
def leaflet_css() -> str:
    """Return Leaflet's stylesheet, with its images inlined, as a data: URI."""
    folder = _leaflet_dir()
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        image = folder / match.group(1)
        return f"url({_data_uri(image.read_bytes(), 'image/png')})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", inline, css)
    return _data_uri(css.encode("utf-8"), "text/css")
