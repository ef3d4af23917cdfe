"""Eastern Flank Map: the Streamlit page. Wiring only: widgets, caching, query parameters."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.errors import FlankmapError
from layers.facts import event_dates
from layers.scenarios import KINDS, LAYER_IDS, LAYER_TITLES, load_presets
from layers.scene import build_scene
from layers.view import BASEMAPS, View, parse_view, view_to_params
from render.export import FORMATS, MEDIA_TYPES, export_bytes, export_filename
from render.folium_map import base_map, layer_groups
from render.legend import LEGEND_CSS, legend_html
from render.text import markdown_escape

KEY = "fm_"
FORMAT_LABELS = {
    "png": "PNG image",
    "html": "HTML (offline, interactive)",
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
}

st.set_page_config(page_title="Eastern Flank Map", page_icon="🗺️", layout="wide")


@st.cache_data(show_spinner="Loading scenarios…")
def _presets():
    return load_presets()


@st.cache_data(show_spinner=False)
def _dates() -> list[dt.date]:
    return [dt.date.fromisoformat(d) for d in event_dates()]


@st.cache_data(show_spinner="Building the map layers…", max_entries=128)
def _scene(scenario_id: str, as_of: dt.date, layers: tuple[str, ...]):
    return build_scene(_presets()[scenario_id], as_of, layers)


@st.cache_data(show_spinner=False, max_entries=32)
def _export(scenario_id: str, as_of: dt.date, layers: tuple[str, ...], fmt: str) -> bytes:
    return export_bytes(_scene(scenario_id, as_of, layers), fmt)


def _reset_to_scenario() -> None:
    """A new scenario brings its own date and layers (pan and zoom stay)."""
    scenario = _presets()[st.session_state[f"{KEY}scenario"]]
    st.session_state[f"{KEY}as_of"] = scenario.as_of
    for layer in LAYER_IDS:
        st.session_state[f"{KEY}layer_{layer}"] = layer in scenario.layers


def _init_from_link(presets) -> None:
    """On a session's first run, take the view from the share link (with warnings)."""
    if f"{KEY}problems" in st.session_state:
        return
    view, problems = parse_view(st.query_params.to_dict(), presets)
    view = view.resolved(presets[view.scenario])
    st.session_state[f"{KEY}problems"] = problems
    st.session_state[f"{KEY}scenario"] = view.scenario
    st.session_state[f"{KEY}as_of"] = view.as_of
    st.session_state[f"{KEY}basemap"] = view.basemap
    for layer in LAYER_IDS:
        st.session_state[f"{KEY}layer_{layer}"] = layer in view.layers


try:
    presets = _presets()
    dates = _dates()
except FlankmapError as err:
    st.error(f"The shipped data could not be loaded: {err}")
    st.stop()

_init_from_link(presets)

with st.sidebar:
    st.header("Eastern Flank Map")
    scenario_id = st.selectbox(
        "Scenario",
        list(presets),
        format_func=lambda s: presets[s].title,
        key=f"{KEY}scenario",
        on_change=_reset_to_scenario,
    )
    scenario = presets[scenario_id]
    st.caption(markdown_escape(scenario.description))
    options = sorted(
        {*dates, *(s.as_of for s in presets.values()), st.session_state[f"{KEY}as_of"]}
    )
    as_of = st.select_slider(
        "As of",
        options=options,
        format_func=dt.date.isoformat,
        key=f"{KEY}as_of",
        help="Moves through the dated records: accessions, battle-group changes, deployments.",
    )
    st.subheader("Layers")
    layers = tuple(
        layer for layer in LAYER_IDS if st.toggle(LAYER_TITLES[layer], key=f"{KEY}layer_{layer}")
    )
    basemap = st.radio(
        "Basemap",
        list(BASEMAPS),
        format_func=BASEMAPS.get,
        key=f"{KEY}basemap",
        help="The plain basemap works offline; web tiles need internet.",
    )

for problem in st.session_state[f"{KEY}problems"]:
    st.warning(markdown_escape(problem))

view = View(scenario=scenario_id, as_of=as_of, layers=layers, basemap=basemap)
st.query_params.from_dict(view_to_params(view, scenario))

try:
    scene = _scene(scenario_id, as_of, layers)
except FlankmapError as err:
    st.error(str(err))
    st.stop()

st.subheader(markdown_escape(scenario.title), help=KINDS[scenario.kind])
if scenario.kind != "historical":
    st.warning(f"**{KINDS[scenario.kind]}.** {markdown_escape(scenario.description)}", icon="⚠️")

metrics = scene.metrics
cols = st.columns(4)
cols[0].metric("Battle groups", metrics.battlegroups)
cols[1].metric(
    "Approx. troops",
    f"{metrics.troops:,}" if metrics.troops_counted else "n/a",
    help=f"Sum of sourced figures dated on or before {as_of}: "
    f"{metrics.troops_counted} of {metrics.battlegroups} battle groups have one.",
)
cols[2].metric("Host countries", len(metrics.hosts), help=", ".join(metrics.hosts) or "none")
cols[3].metric(
    "Border with RUS/BLR covered",
    f"{metrics.covered_km:,.0f} km",
    help=f"Land border of the hosts with Russia and Belarus, of {metrics.frontier_km:,.0f} km "
    "for the whole alliance on this date (geodesic, Natural Earth 1:10m; published river "
    "borders are longer).",
)

map_col, legend_col = st.columns([4, 1])
with map_col:
    st_folium(
        base_map(basemap),
        key=f"{KEY}map_{basemap}",
        feature_group_to_add=layer_groups(scene),
        returned_objects=[],
        height=640,
        use_container_width=True,
    )
with legend_col:
    st.html(f"<style>{LEGEND_CSS}</style>{legend_html(scene)}")

for note in scene.notes:
    st.info(markdown_escape(note))

if not scene.reinforcements_table.empty:
    with st.expander("UK and US reinforcements, early 2022 (all, incl. those without a place)"):
        st.dataframe(scene.reinforcements_table, hide_index=True, width="stretch")
if not scene.buildup_estimates.empty:
    with st.expander("Russian build-up estimates (each with its source)"):
        st.dataframe(scene.buildup_estimates, hide_index=True, width="stretch")
with st.expander("Sources of this scenario"):
    st.dataframe(
        pd.DataFrame(scenario.sources, columns=["title", "url"]),
        hide_index=True,
        width="stretch",
        column_config={"url": st.column_config.LinkColumn("Source")},
    )

with st.sidebar:
    st.subheader("Export")
    fmt = st.selectbox(
        "Export format", FORMATS, format_func=FORMAT_LABELS.get, key=f"{KEY}export_format"
    )
    file_name = export_filename(scene, fmt)
    ready = st.session_state.get(f"{KEY}export")
    if st.button("Prepare download", key=f"{KEY}export_prepare"):
        with st.spinner(f"Rendering {FORMAT_LABELS[fmt]}…"):
            try:
                payload = _export(scenario_id, as_of, layers, fmt)
            except FlankmapError as err:
                st.error(str(err))
            else:
                ready = st.session_state[f"{KEY}export"] = (file_name, payload)
    if ready and ready[0] == file_name:
        st.download_button(
            f"Download {file_name}",
            data=ready[1],
            file_name=file_name,
            mime=MEDIA_TYPES[fmt],
            key=f"{KEY}export_download",
            on_click="ignore",
        )
