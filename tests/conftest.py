"""Fixtures and helpers shared by every test module; module-specific ones live in their modules.

Helpers are plain functions: ``from conftest import run_app, metric``.
"""

from __future__ import annotations

import csv
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import geo.boundaries
import layers.facts.tables
import layers.scenario.scenarios
from cli.main import main
from layers.facts.tables import event_dates
from layers.scenario.scenarios import DEFAULT_SCENARIO, load_presets
from layers.scenario.scene import build_scene
from render.export_html import to_html
from render.folium_map import layer_groups, scene_features
from render.legend import legend_html
from ui.state import KEY, PAGE_DRAWN  # the widget-key namespace; the whole-page flag

REPO = Path(__file__).resolve().parent.parent
APP = str(REPO / "app.py")
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def hostile_text() -> str:
    """A name a stranger could type: must always be shown as text, never run."""
    return HOSTILE


@pytest.fixture
def run_cli(capsys):
    """Run ``flankmap *argv`` in-process; return (exit status, stdout, stderr)."""

    def run(argv: list[str]) -> tuple[int, str, str]:
        try:
            status = main(argv)
        except SystemExit as done:  # argparse's errors exit from inside the parser
            status = done.code
        out, err = capsys.readouterr()
        return status, out, err

    return run


def assert_one_line_error(status: int, out: str, err: str, named: str = "") -> None:
    """A refused command: exit 2, nothing on stdout, one line on stderr that names ``named``."""
    assert status == 2, err
    assert out == ""
    assert err.startswith("flankmap"), err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert named in err, err


def files_in(folder: Path) -> list[str]:
    """Every path below ``folder``, relative to it, sorted."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def scenario_doc(*entries: dict, **top: object) -> dict:
    """A small valid scenario document with ``entries`` as its battle groups (and ``top`` keys)."""
    return {
        "id": "mine",
        "title": "Mine",
        "description": "A test.",
        "as_of": "2022-02-23",
        "battlegroups": list(entries),
        **top,
    }


# -- a private copy of data/ ----------------------------------------------------------------------


def clear_caches() -> None:
    """Forget every file read so far (facts, boundaries, presets, the app's caches).

    The border table stays: ``geo.measure`` keys it by the boundary file's content, so a copy of
    ``data/`` reuses it and a broken or edited file is measured anew.
    """
    layers.facts.tables.clear_cache()
    geo.boundaries.clear_cache()
    layers.scenario.scenarios._load_presets.cache_clear()
    if "ui.cache" in sys.modules:  # only an app run has anything cached there
        sys.modules["ui.cache"].clear()


@pytest.fixture
def data_copy(tmp_path, monkeypatch) -> Path:
    """A writable copy of ``data/`` that the loaders, the app and the CLI read instead."""
    copy = tmp_path / "data"
    shutil.copytree(REPO / "data", copy)
    monkeypatch.setenv("FLANKMAP_DATA_DIR", str(copy))
    clear_caches()
    yield copy
    clear_caches()


@pytest.fixture
def facts_copy(data_copy) -> Path:
    """The ``facts/`` folder of :func:`data_copy`."""
    return data_copy / "facts"


def edit_csv(path: Path, change: Callable[[list[dict[str, str]]], list[str] | None]) -> None:
    """Rewrite a CSV: ``change(rows)`` edits the rows (dicts) in place, may return new columns."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        columns, rows = list(reader.fieldnames or []), list(reader)
    columns = change(rows) or columns
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def set_cell(path: Path, key: str, column: str, value: str) -> None:
    """Set ``column`` of the row whose first cell is ``key`` (the first row if ``key`` is "")."""

    def change(rows: list[dict[str, str]]) -> None:
        first = next(iter(rows[0]))
        next(r for r in rows if not key or r[first] == key)[column] = value

    edit_csv(path, change)


# -- the app, through Streamlit's AppTest ---------------------------------------------------------


def run_app(*, map_alone: bool = False, **params: str) -> AppTest:
    """Run ``app.py`` once with ``params`` as the share link's query; it must not raise.

    The page comes whole, as it does once the map's frame has reported its shapes drawn;
    ``map_alone=True`` runs a visit's first run instead (the map alone: ``ui.state.map_alone``).
    """
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    if not map_alone:
        at.session_state[PAGE_DRAWN] = True
    at.run()
    no_traceback(at)
    return at


def open_section(at: AppTest, name: str) -> AppTest:
    """Open a section whose content runs only while open (``ui.state.lazy_expander``), as a click
    on its header does, and rerun."""
    at.session_state[f"{KEY}open_{name}"] = True
    at.run()
    no_traceback(at)
    return at


def no_traceback(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def page_html(at: AppTest) -> str:
    """The HTML the page inserts itself (the legend)."""
    return "".join(str(h.proto.body) for h in at.get("html"))


def plain(markdown: str) -> str:
    """The text a Markdown widget shows for ``markdown`` (its backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def errors(at: AppTest) -> str:
    return " ".join(plain(e.value) for e in at.error)


def warnings(at: AppTest) -> str:
    return " ".join(plain(w.value) for w in at.warning)


def app_start() -> tuple[str, str]:
    """Do what the app does on a first visit, without Streamlit: load the presets and dates,
    build the default scene and draw it. Return the map page and the legend."""
    presets = load_presets()
    event_dates()
    scene = build_scene(presets[DEFAULT_SCENARIO])
    layer_groups(scene, scene_features(scene))
    return to_html(scene), str(legend_html(scene))
