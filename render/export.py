"""Exports of a scene: which formats exist, their file names and media types, and atomic writes.

One module serves the app's download buttons and ``flankmap export``. Each format is one entry
in :data:`_EXPORTERS`; the renderers live one module per family (:mod:`render.export_png`,
:mod:`render.export_html`, :mod:`render.export_vector`) and are imported on first use, so
``flankmap --help`` and the app start without matplotlib.

:func:`write_export` builds the file in a temporary folder beside the target and moves it into
place (``os.replace``), so a failed export never leaves half a file behind.
"""

from __future__ import annotations

import importlib
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from layers.scene import Scene


@dataclass(frozen=True)
class _Format:
    """One export format: what the app and CLI show, and the function that makes it."""

    media_type: str  # the app's download button sends it
    label: str  # the app's format picker shows it
    renderer: str  # "module:function"; returns bytes or text, or writes ``path`` if ``to_file``
    options: tuple[str, ...] = ()  # keyword options the renderer takes; others are not passed
    to_file: bool = False  # the renderer writes a file (GeoPackage is a database, not bytes)

    def render(self) -> Callable[..., Any]:
        module, name = self.renderer.split(":")
        return getattr(importlib.import_module(module), name)


#: Every format, in the order the app offers them. A new format is one more entry here.
_EXPORTERS: dict[str, _Format] = {
    "png": _Format(
        "image/png", "PNG image", "render.export_png:to_png", ("width", "height", "dpi")
    ),
    "html": _Format("text/html", "HTML (offline, interactive)", "render.export_html:to_html"),
    "geojson": _Format("application/geo+json", "GeoJSON", "render.export_vector:to_geojson"),
    "gpkg": _Format(
        "application/geopackage+sqlite3",
        "GeoPackage",
        "render.export_vector:write_gpkg",
        to_file=True,
    ),
}

FORMATS: tuple[str, ...] = tuple(_EXPORTERS)
MEDIA_TYPES: dict[str, str] = {fmt: f.media_type for fmt, f in _EXPORTERS.items()}
FORMAT_LABELS: dict[str, str] = {fmt: f.label for fmt, f in _EXPORTERS.items()}

_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


def _format(fmt: str) -> _Format:
    if fmt not in _EXPORTERS:
        raise InputError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return _EXPORTERS[fmt]


def export_filename(scene: Scene, fmt: str) -> str:
    """Return a file name for ``scene`` in ``fmt``: letters, digits, ``-``, ``_`` and one dot.

    Examples
    --------
    >>> import datetime as dt
    >>> from types import SimpleNamespace
    >>> scene = SimpleNamespace(
    ...     scenario=SimpleNamespace(id="proposal-2022"), as_of=dt.date(2022, 2, 23)
    ... )
    >>> export_filename(scene, "png")
    'flankmap_proposal-2022_2022-02-23.png'
    >>> scene.scenario.id = "../../etc/passwd"
    >>> export_filename(scene, "gpkg")
    'flankmap_etc-passwd_2022-02-23.gpkg'
    """
    _format(fmt)
    scenario_id = _SAFE.sub("-", scene.scenario.id).strip("-_") or "scenario"
    return f"flankmap_{scenario_id[:64]}_{scene.as_of.isoformat()}.{fmt}"


def _write(scene: Scene, fmt: str, part: Path, options: dict[str, Any]) -> None:
    """Render ``scene`` as ``fmt`` into the new file ``part``."""
    spec = _format(fmt)
    render = spec.render()
    kwargs = {k: v for k, v in options.items() if k in spec.options}
    if spec.to_file:
        render(scene, part, **kwargs)
        return
    payload = render(scene, **kwargs)
    part.write_bytes(payload.encode("utf-8") if isinstance(payload, str) else payload)


def write_export(scene: Scene, fmt: str, path: str | os.PathLike[str], **options: Any) -> Path:
    """Write ``scene`` as ``fmt`` to ``path``, atomically; return the path written.

    ``options`` (for PNG ``width``, ``height``, ``dpi``) go to the formats that take them.

    The file is built in a temporary folder in the same folder as ``path`` and moved into place
    with ``os.replace``: readers see the old file or the whole new one, never a part.

    Raises
    ------
    InputError
        For an unknown format, or a path that cannot be written (missing folder, a folder given
        as the file, no permission), naming the path.
    """
    _format(fmt)
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
        reason = err.strerror or str(err)
        raise InputError(f"cannot write {str(target)!r}: {reason}") from None
    return target


def export_bytes(scene: Scene, fmt: str, **options: Any) -> bytes:
    """Return ``scene`` as ``fmt``, in memory (the app's download buttons)."""
    with tempfile.TemporaryDirectory(prefix="flankmap-") as tmp:
        path = Path(tmp) / export_filename(scene, fmt)
        _write(scene, fmt, path, options)
        return path.read_bytes()
