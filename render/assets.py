"""Leaflet from an installed package (xstatic-leaflet) and the country shapes: no CDN, ever.

Two ways to ship them, one content:

- **inline** (:func:`leaflet_js`, :func:`leaflet_css`): data: URIs inside the page. Exported HTML
  must open from disk with no network, so it carries everything.
- **static** (:func:`static_files`, :func:`static_url`): files the app writes once into the
  ``static/`` folder beside ``app.py`` and Streamlit serves (``server.enableStaticServing``). The
  map frame fetches them once by *relative* URL, so the app also works under
  ``server.baseUrlPath`` behind a proxy, and a scenario switch no longer re-sends ~200 KB of
  Leaflet and ~210 KB of country shapes that are the same in every view.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

import shapely

from geo.boundaries import load_countries
from render.live_script import live_script

#: streamlit-folium's frame is ``<base>/component/streamlit_folium.st_folium/index.html``;
#: Streamlit serves ``static/`` at ``<base>/app/static/``. Relative, so any base path works.
STATIC_FROM_MAP_FRAME = "../../app/static/"
#: The files the app writes, inside ``static/`` (one folder: nothing else of ours lives there).
STATIC_SUBDIR = "flankmap"
SHAPES_FILE = "countries.json"
LIVE_SCRIPT_FILE = "live-map.js"


def _leaflet_dir() -> Path:
    try:
        import xstatic.pkg.leaflet as xstatic_leaflet
    except ImportError as err:  # pragma: no cover - a broken install
        raise ImportError("xstatic-leaflet is required: pip install xstatic-leaflet") from err
    return Path(xstatic_leaflet.BASE_DIR)


def _data_uri(payload: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"


_CSS_IMAGE = re.compile(r"url\((images/[\w.-]+\.png)\)")


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

    css = _CSS_IMAGE.sub(inline, css)
    return _data_uri(css.encode("utf-8"), "text/css")


def leaflet_version() -> str:
    """Return the packaged Leaflet version (for the README and the benchmark)."""
    import xstatic.pkg.leaflet as xstatic_leaflet

    return str(xstatic_leaflet.VERSION)


def shapes_collection() -> dict:
    """Return the display shape of every country as GeoJSON, ``id`` = ISO alpha-3, no properties.

    The same for every view of a release: the app's map fetches it once and joins each view's
    per-country lookup (class, status, tooltip text) to it by ``id``.
    """
    countries = load_countries("display")
    geometries = shapely.to_geojson(countries.geometry.values)
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": iso3, "properties": {}, "geometry": json.loads(geometry)}
            for iso3, geometry in zip(countries["iso3"], geometries, strict=True)
        ],
    }


@functools.lru_cache(maxsize=1)
def static_files() -> dict[str, bytes]:
    """Return every file the app serves as static, by its path inside ``static/flankmap/``."""
    folder = _leaflet_dir()
    files = {
        "leaflet/leaflet.js": (folder / "leaflet.js").read_bytes(),
        "leaflet/leaflet.css": (folder / "leaflet.css").read_bytes(),
    }
    css = files["leaflet/leaflet.css"].decode("utf-8")
    for image in sorted(set(_CSS_IMAGE.findall(css))):
        files[f"leaflet/{image}"] = (folder / image).read_bytes()
    shapes = json.dumps(shapes_collection(), separators=(",", ":"), ensure_ascii=False)
    files[SHAPES_FILE] = shapes.encode("utf-8")
    version = hashlib.sha256(files[SHAPES_FILE]).hexdigest()[:12]
    files[LIVE_SCRIPT_FILE] = live_script(f"{SHAPES_FILE}?v={version}").encode("utf-8")
    return files


def static_url(name: str) -> str:
    """Return the URL of static file ``name`` seen from the map frame, versioned by content.

    The ``?v=`` part changes whenever the file does, so a browser never keeps an old copy.
    """
    return f"{STATIC_FROM_MAP_FRAME}{STATIC_SUBDIR}/{name}?v={_version(name)}"


@functools.cache
def _version(name: str) -> str:
    return hashlib.sha256(static_files()[name]).hexdigest()[:12]


def write_static_files(static_dir: Path) -> list[str]:
    """Write :func:`static_files` under ``static_dir/flankmap``; return the names written.

    Files already there with the same content are left alone (a read-only install that was
    built with ``scripts/build_static.py`` works); others are replaced atomically, so a server
    never serves half a file.
    """
    written = []
    for name, payload in static_files().items():
        target = static_dir / STATIC_SUBDIR / name
        if target.is_file() and target.read_bytes() == payload:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(payload)
            os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from a proxy's user
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        written.append(name)
    return written
