"""Leaflet from an installed package (xstatic-leaflet) and the country shapes: no CDN, ever.

Two ways to ship them, one content:

- **inline** (:func:`leaflet_js`, :func:`leaflet_css`): data: URIs inside the page. Exported HTML
  must open from disk with no network, so it carries everything.
- **static** (:func:`static_files`, :func:`static_url`): files the app writes once into the
  ``static/`` folder beside ``app.py`` and Streamlit serves (``server.enableStaticServing``). The
  map frame fetches them once by *relative* URL, so the app also works under
  ``server.baseUrlPath`` behind a proxy, and a scenario switch no longer re-sends ~200 KB of
  Leaflet and ~210 KB of country shapes that are the same in every view.

The shapes come in named sets (:data:`SHAPE_SETS`): the countries by ISO code, the occupied
and breakaway areas by their ``id``. A layer names its set (``shapes`` of ``LAYER_SPECS``) and a
view sends only the key of each row.
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
from layers.thematic.context import occupied_shapes
from render.live_script import live_script

#: streamlit-folium's frame is ``<base>/component/streamlit_folium.st_folium/index.html``;
#: Streamlit serves ``static/`` at ``<base>/app/static/``. Relative, so any base path works.
STATIC_FROM_MAP_FRAME = "../../app/static/"
#: The files the app writes, inside ``static/`` (one folder: nothing else of ours lives there).
STATIC_SUBDIR = "flankmap"
#: Each shape set: its file and the column of a layer's rows that names a shape in it.
SHAPE_SETS = {
    "countries": ("countries.json", "iso3"),
    "occupied": ("occupied.json", "id"),
}
LIVE_SCRIPT_FILE = "live-map.js"
#: The tooltip texts of the preset views, each once (``shared_texts`` in render/folium_map.py).
TEXTS_FILE = "texts.json"


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


def _shape_frame(name: str):
    if name == "countries":
        return load_countries("display")
    if name == "occupied":
        return occupied_shapes("display")
    raise KeyError(f"no shape set {name!r}; known: {', '.join(SHAPE_SETS)}")


def shapes_collection(name: str = "countries") -> dict:
    """Return shape set ``name`` as GeoJSON: ``id`` = the row key of :data:`SHAPE_SETS`.

    The same for every view of a release: the app's map fetches it once and joins each view's
    rows (class, status, tooltip text) to it by ``id``.
    """
    frame = _shape_frame(name)
    key = SHAPE_SETS[name][1]
    geometries = shapely.to_geojson(frame.geometry.values)
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": ident, "properties": {}, "geometry": json.loads(geometry)}
            for ident, geometry in zip(frame[key], geometries, strict=True)
        ],
    }


@functools.cache
def shape_ids(name: str) -> frozenset[str]:
    """Return the keys of shape set ``name``: a row with another key sends its own geometry."""
    return frozenset(str(ident) for ident in _shape_frame(name)[SHAPE_SETS[name][1]])


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
    urls = {}
    for name, (file_name, _key) in SHAPE_SETS.items():
        shapes = json.dumps(shapes_collection(name), separators=(",", ":"), ensure_ascii=False)
        files[file_name] = shapes.encode("utf-8")
        urls[name] = f"{file_name}?v={hashlib.sha256(files[file_name]).hexdigest()[:12]}"
    from render.folium_map import shared_texts  # it imports this module

    texts = json.dumps(shared_texts(), separators=(",", ":"), ensure_ascii=False)
    files[TEXTS_FILE] = texts.encode("utf-8")
    texts_url = f"{TEXTS_FILE}?v={hashlib.sha256(files[TEXTS_FILE]).hexdigest()[:12]}"
    files[LIVE_SCRIPT_FILE] = live_script(urls, texts_url).encode("utf-8")
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
