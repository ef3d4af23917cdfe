"""What a rerun reuses: everything a view shows, built once per server and shared by sessions.

``st.cache_resource`` hands out the one cached object rather than an unpickled copy (which
``st.cache_data`` makes on every read, and which cost a switch as much as drawing it). The
objects are never changed after they are built: scenes, frames and texts are read only
(``with_overlay`` and the table functions return new objects).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import streamlit as st

from layers.facts.tables import event_dates
from layers.scenario.map_table import battlegroup_table, member_table
from layers.scenario.metrics import frontier_text
from layers.scenario.scenario_io import scenario_to_yaml
from layers.scenario.scenarios import Scenario, load_presets
from layers.scenario.scene import Scene, build_scene
from layers.thematic.contributors import contributor_matrix
from layers.thematic.members import member_codes
from layers.thematic.strengths import timeline_frame
from render.assets import write_static_files
from render.charts import strength_chart, strength_chart_data
from render.compare import compare_html
from render.export import export_bytes
from render.folium_map import scene_features

BUILDING = "Building the map layers…"


@st.cache_resource(show_spinner="Loading scenarios…")
def presets() -> dict[str, Scenario]:
    """Return the shipped scenarios by id."""
    return load_presets()


@st.cache_resource(show_spinner=False)
def dates() -> list[dt.date]:
    """Return the dates of the dated records (the slider's stops)."""
    return [dt.date.fromisoformat(d) for d in event_dates()]


@st.cache_resource(show_spinner=BUILDING, max_entries=128)
def preset_scene(scenario_id: str, as_of: dt.date, layers: tuple[str, ...]) -> Scene:
    """Return a shipped scenario's layers on ``as_of``."""
    return build_scene(presets()[scenario_id], as_of, layers)


@st.cache_resource(show_spinner=BUILDING, max_entries=32)
def custom_scene(scenario: Scenario, as_of: dt.date, layers: tuple[str, ...]) -> Scene:
    """Return the user's own scenario's layers (cached on the frozen scenario itself)."""
    return build_scene(scenario, as_of, layers)


@st.cache_resource(show_spinner=False, max_entries=128)
def preset_features(scenario_id: str, as_of: dt.date, layers: tuple[str, ...], live: bool):
    """Return the map's per-view data of a preset view (what a switch sends)."""
    return scene_features(preset_scene(scenario_id, as_of, layers), live=live)


@dataclass(frozen=True)
class PageTables:
    """The texts and tables around the map, tables in Arrow: Streamlit sends those as they are."""

    frontier: str
    sources: pa.Table
    battlegroups: pa.Table
    members: pa.Table
    reinforcements: pa.Table
    buildup: pa.Table
    buildup_estimates: pa.Table


def arrow(frame: pd.DataFrame) -> pa.Table:
    """Return ``frame`` as Streamlit would send it (a non-default index is kept as the index)."""
    return pa.Table.from_pandas(frame)


def page_tables(scene: Scene, scenario: Scenario) -> PageTables:
    """Return the texts and tables of any view (the user's own: not cached)."""
    return PageTables(
        frontier=frontier_text(scene.metrics),
        sources=arrow(pd.DataFrame(scenario.sources, columns=["title", "url"])),
        battlegroups=arrow(battlegroup_table(scene)),
        members=arrow(member_table(scene)),
        reinforcements=arrow(scene.reinforcements_table),
        buildup=arrow(scene.buildup_table),
        buildup_estimates=arrow(scene.buildup_estimates),
    )


@st.cache_resource(show_spinner=False, max_entries=128)
def preset_tables(scenario_id: str, as_of: dt.date, layers: tuple[str, ...]) -> PageTables:
    """Return the tables of a preset view."""
    return page_tables(preset_scene(scenario_id, as_of, layers), presets()[scenario_id])


def chart_spec(names: tuple[tuple[str, str], ...], as_of: dt.date) -> dict | None:
    """Return the strength chart of these groups (id, label) as a Vega-Lite spec; None if none.

    A new dict on each call (Streamlit edits the spec it is given) around the cached parts.
    """
    text, datasets = _chart_parts(names, as_of)
    if not text:
        return None
    spec = json.loads(text)
    spec["datasets"] = dict(datasets)
    return spec


@st.cache_resource(show_spinner=False, max_entries=256)
def _chart_parts(
    names: tuple[tuple[str, str], ...], as_of: dt.date
) -> tuple[str, tuple[tuple[str, pa.Table], ...]]:
    """Return the chart's spec as JSON without its data, and its data sets as Arrow tables.

    The conversion of the data runs once per view, not per rerun.
    """
    labels = dict(names)
    data = strength_chart_data(timeline_frame(list(labels)), labels, as_of)
    if data.empty:
        return "", ()
    spec = strength_chart(data, as_of)
    datasets = spec.pop("datasets", {})
    tables = tuple((name, arrow(pd.DataFrame(rows))) for name, rows in datasets.items())
    return json.dumps(spec), tables


@st.cache_data(show_spinner="Drawing both maps…", max_entries=16)
def preset_compare(left: tuple[str, dt.date, tuple[str, ...]], right_id: str, basemap: str) -> str:
    """Return the side-by-side page of a preset view and another preset (at its own date)."""
    right = presets()[right_id]
    right_scene = preset_scene(right_id, right.as_of, right.layers)
    return compare_html(preset_scene(*left), right_scene, basemap)


@st.cache_resource(show_spinner=False, max_entries=64)
def contributors(as_of: dt.date) -> pa.Table:
    """Return who contributes where on ``as_of`` (nations as the index)."""
    return arrow(contributor_matrix(as_of))


@st.cache_resource(show_spinner=False, max_entries=64)
def preset_yaml(scenario_id: str) -> str:
    """Return a shipped scenario as the YAML file a user downloads."""
    return scenario_to_yaml(presets()[scenario_id])


@st.cache_resource(show_spinner=False, max_entries=64)
def member_codes_on(as_of: dt.date) -> list[str]:
    """Return the members on ``as_of``, sorted (the editor's choices of host and framework)."""
    return sorted(member_codes(as_of))


@st.cache_data(show_spinner=False, max_entries=32)
def preset_export(scenario_id: str, as_of: dt.date, layers: tuple[str, ...], fmt: str) -> bytes:
    """Return a preset view's export file (bytes: each reader gets its own copy)."""
    return export_bytes(preset_scene(scenario_id, as_of, layers), fmt)


@st.cache_resource(show_spinner=False)
def live_map(app_dir: Path) -> bool:
    """Serve Leaflet and the country shapes as static files, once (README "Speed, measured").

    Without ``server.enableStaticServing`` (``.streamlit/config.toml``) the map inlines them,
    as an exported page does: slower to switch, but it still draws.
    """
    if not st.get_option("server.enableStaticServing"):
        return False
    try:
        write_static_files(app_dir / "static")
    except OSError:  # a read-only install not built with scripts/build_static.py
        return False
    return True


def clear() -> None:
    """Forget every cached view (tests that swap the data folder call this).

    The static files stay as the server wrote them at its start (``live_map``): a view's text
    that is not among them travels inline, escaped like the rest.
    """
    for cached in VIEW_CACHES:
        cached.clear()


#: Every cache of this module but ``live_map`` (tests/test_architecture.py checks the list).
VIEW_CACHES = (
    presets,
    dates,
    preset_scene,
    custom_scene,
    preset_features,
    preset_tables,
    _chart_parts,
    preset_compare,
    contributors,
    preset_yaml,
    member_codes_on,
    preset_export,
)
