"""Exports of a scene: which formats exist, their file names and media types, and atomic writes.

Each format is one entry in :data:`_EXPORTERS`; its renderer (one module per family:
``export_png``, ``export_html``, ``export_vector``, ``animation``) is imported on first use, so
``flankmap --help`` and the app start without matplotlib.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from layers.scenario.scene import Scene


@dataclass(frozen=True)
class _Format:
    """One export format: what the app and CLI show, and the function that makes it."""

    media_type: str  # the app's download button sends it; the picker shows the label
    label: str
    renderer: str  # "module:function"; returns bytes or text, or writes ``path`` if ``to_file``
    #: The keyword options the renderer takes, with their ranges (None: not a number)
    options: dict[str, tuple[int, int] | None] = field(default_factory=dict)
    #: The renderer's defaults of its number options (the CLI's help names them)
    defaults: dict[str, int] = field(default_factory=dict)
    to_file: bool = False  # the renderer writes a file (GeoPackage is a database, not bytes)
    animated: bool = False  # a series of dates (``start``, ``end``), not the scene's one date


_PNG_SIZES = {"width": (200, 10_000), "height": (150, 10_000), "dpi": (10, 1200)}
#: A page for print, and an animation small enough to share (pixels; dots per inch recorded).
_PNG_DEFAULTS = {"width": 1600, "height": 1200, "dpi": 100}
_GIF_DEFAULTS = {"width": 1200, "height": 900}

#: Every format, in the order the app offers them. A new format is one more entry here.
_EXPORTERS: dict[str, _Format] = {
    "png": _Format("image/png", "PNG image", "render.export_png:to_png", _PNG_SIZES, _PNG_DEFAULTS),
    "html": _Format("text/html", "HTML (offline, interactive)", "render.export_html:to_html"),
    "geojson": _Format("application/geo+json", "GeoJSON", "render.export_vector:to_geojson"),
    "gpkg": _Format(
        "application/geopackage+sqlite3",
        "GeoPackage",
        "render.export_vector:write_gpkg",
        to_file=True,
    ),
    "gif": _Format(
        "image/gif",
        "Animated GIF (the timeline)",
        "render.animation:to_gif",  # checks its dates and step itself
        {"start": None, "end": None, "every": None, "progress": None}
        | {k: v for k, v in _PNG_SIZES.items() if k != "dpi"},
        _GIF_DEFAULTS,
        animated=True,
    ),
}

#: The formats of one date (``--all`` writes these), and those of a series of dates.
FORMATS: tuple[str, ...] = tuple(f for f, spec in _EXPORTERS.items() if not spec.animated)
ANIMATED_FORMATS: tuple[str, ...] = tuple(f for f, spec in _EXPORTERS.items() if spec.animated)
MEDIA_TYPES: dict[str, str] = {fmt: f.media_type for fmt, f in _EXPORTERS.items()}
FORMAT_LABELS: dict[str, str] = {fmt: f.label for fmt, f in _EXPORTERS.items()}
#: Each format's default width, height (and dpi) in pixels: the renderers' keyword defaults.
DEFAULTS: dict[str, dict[str, int]] = {fmt: f.defaults for fmt, f in _EXPORTERS.items()}

_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


def _format(fmt: str) -> _Format:
    if fmt not in _EXPORTERS:
        raise InputError(f"unknown export format {fmt!r}; choose one of: {', '.join(_EXPORTERS)}")
    return _EXPORTERS[fmt]


def export_filename(scene: Scene, fmt: str, span: tuple[dt.date, dt.date] | None = None) -> str:
    """Return a safe file name for ``scene`` in ``fmt``; an animation's names its ``span``.

    Only letters, digits, ``-`` and ``_`` of the scenario id stay (``tests/test_export.py``).
    """
    _format(fmt)
    scenario_id = _SAFE.sub("-", scene.scenario.id).strip("-_") or "scenario"
    when = "_to_".join(d.isoformat() for d in span) if span else scene.as_of.isoformat()
    return f"flankmap_{scenario_id[:64]}_{when}.{fmt}"


def check_options(fmt: str, **options: Any) -> dict[str, Any]:
    """Return the ``options`` that ``fmt`` takes (others are dropped), each in its range."""
    ranges = _format(fmt).options
    taken = {name: value for name, value in options.items() if name in ranges}
    for name, value in taken.items():
        low, high = ranges[name] or (None, None)
        if low is not None and not low <= value <= high:
            raise InputError(f"{fmt.upper()} {name} {value} is not allowed; use {low}–{high}")
    return taken


def _write(scene: Scene, fmt: str, part: Path, options: dict[str, Any]) -> None:
    """Render ``scene`` as ``fmt`` into the new file ``part``."""
    spec = _format(fmt)
    module, name = spec.renderer.split(":")
    render = getattr(importlib.import_module(module), name)
    kwargs = check_options(fmt, **options)
    if spec.to_file:
        render(scene, part, **kwargs)
        return
    payload = render(scene, **kwargs)
    part.write_bytes(payload.encode("utf-8") if isinstance(payload, str) else payload)


def write_export(scene: Scene, fmt: str, path: str | os.PathLike[str], **options: Any) -> Path:
    """Write ``scene`` as ``fmt`` to ``path``, atomically; return the path written.

    ``options`` go to the formats that take them. The file is built in a temporary folder beside
    ``path`` and moved into place (``os.replace``): readers never see a part. A path that cannot
    be written is an ``InputError`` naming it.
    """
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise InputError(f"cannot write {str(target)!r}: it is a folder; give a file name")
    if not folder.is_dir():
        raise InputError(f"cannot write {str(target)!r}: folder {str(folder)!r} does not exist")
    try:
        with tempfile.TemporaryDirectory(dir=folder, prefix=".flankmap-") as tmp:
            part = Path(tmp) / target.name
            _write(scene, fmt, part, options)
            os.replace(part, target)
    except OSError as err:
        raise InputError(f"cannot write {str(target)!r}: {err.strerror or err}") from None
    return target


def export_bytes(scene: Scene, fmt: str, **options: Any) -> bytes:
    """Return ``scene`` as ``fmt``, in memory (the app's download buttons)."""
    with tempfile.TemporaryDirectory(prefix="flankmap-") as tmp:
        path = Path(tmp) / export_filename(scene, fmt)
        _write(scene, fmt, path, options)
        return path.read_bytes()
