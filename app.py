"""Eastern Flank Map: the Streamlit page. Wiring only: widgets, caching, query parameters."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.dates import today
from geo.errors import FlankmapError
from layers.facts.sources import method_markdown
from layers.facts.tables import event_dates
from layers.scenario.diff import diff_scenes, diff_text
from layers.scenario.map_table import battlegroup_table, member_table
from layers.scenario.metrics import frontier_text
from layers.scenario.overlay import MAX_OVERLAY_BYTES, read_overlay, with_overlay
from layers.scenario.scenario_io import (
    as_custom,
    known_refs,
    read_scenario_bytes,
    scenario_to_yaml,
    with_battlegroup_changed,
    with_battlegroup_toggled,
    with_hypothetical_battlegroup,
)
from layers.scenario.scenarios import (
    DEFAULT_SCENARIO,
    ENTRY_STATUSES,
    KINDS,
    LAYER_IDS,
    LAYER_TITLES,
    Scenario,
    load_presets,
)
from layers.scenario.scene import build_scene
from layers.scenario.timeline import next_step, play_start
from layers.scenario.view import BASEMAPS, View, parse_view, view_to_params
from layers.thematic.contributors import contributor_matrix
from layers.thematic.members import member_codes
from layers.thematic.strengths import timeline_frame
from render.assets import write_static_files
from render.charts import KEY_TEXT as CHART_KEY
from render.charts import strength_chart, strength_chart_data
from render.compare import compare_html
from render.export import (
    ANIMATED_FORMATS,
    FORMAT_LABELS,
    FORMATS,
    MEDIA_TYPES,
    export_bytes,
    export_filename,
)
from render.folium_map import base_map, layer_groups, scene_features
from render.legend import LEGEND_CSS, legend_html
from render.page import date_box_html, page_css
from render.text import markdown_escape

STARTED = time.perf_counter()  # this run's server time is kept for scripts/benchmark.py
KEY = "fm_"
CUSTOM = "custom"  # the slot of the user's own scenario (never a preset id)
#: The scenario's kind as a badge beside the picker: colour and icon, never colour alone.
KIND_BADGES = {
    "historical": ("gray", ":material/history:"),
    "proposal": ("orange", ":material/warning:"),
    "hypothetical": ("violet", ":material/help:"),
    "demand": ("red", ":material/gavel:"),
}
PLAY_STEP_S = 1.0  # seconds per dated record while playing: time to see what changed

st.set_page_config(page_title="Eastern Flank Map", page_icon="🗺️", layout="wide")


@st.cache_data(show_spinner="Loading scenarios…")
def _presets():
    return load_presets()


@st.cache_data(show_spinner=False)
def _dates() -> list[dt.date]:
    return [dt.date.fromisoformat(d) for d in event_dates()]


@st.cache_data(show_spinner="Building the map layers…", max_entries=128)
def _preset_scene(scenario_id: str, as_of: dt.date, layers: tuple[str, ...]):
    return build_scene(_presets()[scenario_id], as_of, layers)


@st.cache_data(show_spinner="Building the map layers…", max_entries=32)
def _custom_scene(scenario: Scenario, as_of: dt.date, layers: tuple[str, ...]):
    return build_scene(scenario, as_of, layers)


@st.cache_data(show_spinner=False, max_entries=128)
def _preset_features(scenario_id: str, as_of: dt.date, layers: tuple[str, ...], live: bool):
    return scene_features(_preset_scene(scenario_id, as_of, layers), live=live)


@st.cache_resource(show_spinner=False)
def _live_map() -> bool:
    """Serve Leaflet and the country shapes as static files, once (README "Speed, measured").

    Without ``server.enableStaticServing`` (``.streamlit/config.toml``) the map inlines them,
    as an exported page does: slower to switch, but it still draws.
    """
    if not st.get_option("server.enableStaticServing"):
        return False
    try:
        write_static_files(Path(__file__).resolve().parent / "static")
    except OSError:  # a read-only install not built with scripts/build_static.py
        return False
    return True


def _scene(scenario_id: str, as_of: dt.date, layers: tuple[str, ...]):
    if scenario_id == CUSTOM:
        return _custom_scene(st.session_state[f"{KEY}custom"], as_of, layers)
    return _preset_scene(scenario_id, as_of, layers)


@st.cache_data(show_spinner=False, max_entries=32)
def _export(scenario_id: str, as_of: dt.date, layers: tuple[str, ...], fmt: str) -> bytes:
    return export_bytes(_preset_scene(scenario_id, as_of, layers), fmt)


def _scenario(scenario_id: str):
    if scenario_id != CUSTOM:
        return _presets()[scenario_id]
    if f"{KEY}custom" not in st.session_state:  # chosen before any edit: start from the default
        default = _presets()[DEFAULT_SCENARIO]
        st.session_state[f"{KEY}custom"] = as_custom(default, CUSTOM, f"{default.title} (copy)")
    return st.session_state[f"{KEY}custom"]


def _show_scenario_defaults(scenario) -> None:
    st.session_state[f"{KEY}as_of"] = scenario.as_of
    for layer in LAYER_IDS:
        st.session_state[f"{KEY}layer_{layer}"] = layer in scenario.layers


def _reset_to_scenario() -> None:
    """A new scenario brings its own date and layers (pan and zoom stay)."""
    _show_scenario_defaults(_scenario(st.session_state[f"{KEY}scenario"]))


def _use_custom(scenario, *, reset_view: bool) -> None:
    st.session_state[f"{KEY}custom"] = scenario
    st.session_state[f"{KEY}scenario"] = CUSTOM
    st.session_state[f"{KEY}edit_error"] = ""
    if reset_view:
        _show_scenario_defaults(scenario)


def _edit(change, *args) -> None:
    """Apply an edit to the scenario on screen; the result becomes the user's own scenario."""
    current = _scenario(st.session_state[f"{KEY}scenario"])
    try:
        edited = change(current, *args)
        if st.session_state[f"{KEY}scenario"] != CUSTOM:
            edited = as_custom(edited, CUSTOM, f"{current.title} (edited)")
    except FlankmapError as err:
        st.session_state[f"{KEY}edit_error"] = str(err)
        return
    _use_custom(edited, reset_view=False)


def _load_upload() -> None:
    """Read an uploaded YAML file; a bad one leaves everything as it was."""
    upload = st.session_state.get(f"{KEY}upload")
    if upload is None:
        return
    try:
        scenario = read_scenario_bytes(upload.getvalue(), upload.name)
        if scenario.id in _presets():
            scenario = as_custom(scenario, CUSTOM, scenario.title)
    except FlankmapError as err:
        st.session_state[f"{KEY}edit_error"] = str(err)
        return
    _use_custom(scenario, reset_view=True)


def _load_overlay() -> None:
    """Read an uploaded line or area; a bad file keeps the overlay shown before, if any."""
    upload = st.session_state.get(f"{KEY}overlay_upload")
    st.session_state[f"{KEY}overlay_error"] = ""
    if upload is None:  # also between two files: the button below removes the overlay
        return
    try:
        st.session_state[f"{KEY}overlay"] = read_overlay(upload.getvalue(), upload.name)
    except FlankmapError as err:
        st.session_state[f"{KEY}overlay_error"] = str(err)


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
    st.session_state[f"{KEY}compare"] = view.compare or ""
    st.session_state[f"{KEY}edit_error"] = ""
    for layer in LAYER_IDS:
        st.session_state[f"{KEY}layer_{layer}"] = layer in view.layers


def _toggle_play() -> None:
    """Play from the date on screen (from the first record once past the last); or pause."""
    playing = not st.session_state.get(f"{KEY}playing", False)
    st.session_state[f"{KEY}playing"] = playing
    if playing:
        st.session_state[f"{KEY}as_of"] = play_start(_dates(), st.session_state[f"{KEY}as_of"])


def _play_step() -> None:
    """While playing, move to the next dated record every PLAY_STEP_S seconds; stop at the last.

    Runs as a fragment on a timer, and steps only then: its call within the page's own run
    (which registers the timer, after the date slider exists) does nothing.
    """
    if st.session_state.get(f"{KEY}page_run") or not st.session_state.get(f"{KEY}playing"):
        return
    following = next_step(_dates(), st.session_state[f"{KEY}as_of"])
    if following is None:
        st.session_state[f"{KEY}playing"] = False
    else:
        st.session_state[f"{KEY}as_of"] = following
    st.rerun()


st.session_state[f"{KEY}page_run"] = True  # the whole page runs (not the play timer alone)
try:
    presets = _presets()
    dates = _dates()
except FlankmapError as err:
    st.error(f"The shipped data could not be loaded: {err}")
    st.stop()

_init_from_link(presets)
choices = [*presets, CUSTOM]  # a stable list: the last entry is the user's own scenario


def _title(scenario_id: str) -> str:
    """The name in the pickers; the user's own scenario has a fixed one (its title may change)."""
    return presets[scenario_id].title if scenario_id != CUSTOM else "✎ Your own scenario"


# The map first: the title, one row with the picker, the kind and play, a metric strip, the map.
st.html(page_css())
shown_first = _scenario(st.session_state[f"{KEY}scenario"])  # the picker's value for this run
st.subheader(markdown_escape(shown_first.title), help=KINDS[shown_first.kind])
with st.container(horizontal=True, vertical_alignment="center", gap="small"):
    scenario_id = st.selectbox(
        "Scenario",
        choices,
        format_func=_title,
        key=f"{KEY}scenario",
        on_change=_reset_to_scenario,
        label_visibility="collapsed",
    )
    scenario = _scenario(scenario_id)
    badge_colour, badge_icon = KIND_BADGES[scenario.kind]
    st.badge(KINDS[scenario.kind], color=badge_colour, icon=badge_icon)
    playing = st.session_state.get(f"{KEY}playing", False)
    st.button(
        "Pause" if playing else "Play",
        icon=":material/pause:" if playing else ":material/play_arrow:",
        key=f"{KEY}play",
        on_click=_toggle_play,
        help="Steps the date through the dated records, one every "
        f"{PLAY_STEP_S:g} s. The share link keeps the date on screen, not the playing.",
    )

with st.sidebar:
    st.header("Eastern Flank Map")
    chosen = st.session_state[f"{KEY}as_of"]
    options = sorted({*dates, *(s.as_of for s in presets.values()), scenario.as_of, chosen})
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
    compare = st.selectbox(
        "Compare with",
        ["", *choices],
        format_func=lambda s: _title(s) if s else "— no comparison —",
        key=f"{KEY}compare",
        help="Shows a second scenario beside this one, pan and zoom in step, and what differs.",
    )

for problem in st.session_state[f"{KEY}problems"]:
    st.warning(markdown_escape(problem))

view = View(scenario=scenario_id, as_of=as_of, layers=layers, basemap=basemap, compare=compare)
params = view_to_params(view, scenario)
if scenario_id == CUSTOM:
    params.pop("scenario")  # a custom scenario cannot travel in a link: its YAML can
if compare == CUSTOM:
    params.pop("compare")
st.query_params.from_dict(params)

try:
    scene = _scene(scenario_id, as_of, layers)
except FlankmapError as err:
    st.error(str(err))
    st.stop()
overlay = st.session_state.get(f"{KEY}overlay")
scene = with_overlay(
    scene,
    overlay,
    label=st.session_state.get(f"{KEY}overlay_label", ""),
    attribution=st.session_state.get(f"{KEY}overlay_attribution", ""),
)

metrics = scene.metrics
strip = st.container(horizontal=True, gap="medium")  # compact: room for more figures, wraps
strip.metric("Battle groups", metrics.battlegroups, width="content")
strip.metric(
    "Troops: existing · proposed",
    metrics.troops_short(),
    help=f"{metrics.troops_text()}. Latest sourced figure of each group on or before {as_of}; "
    "existing and proposed are never added together. Dates, scope and sources: tooltips, chart.",
    width="content",
)
strip.metric(
    "Host countries", len(metrics.hosts), help=", ".join(metrics.hosts) or "none", width="content"
)
strip.metric(
    "Border with RUS/BLR covered",
    f"{metrics.covered_km:,.0f} km",
    help=f"Land border of the hosts with Russia and Belarus, of {metrics.frontier_km:,.0f} km "
    "for the whole alliance on this date (geodesic, Natural Earth 1:10m; published river "
    "borders are longer).",
    width="content",
)
strip.caption(markdown_escape(frontier_text(metrics)))  # wraps to its own line in the strip

if compare:
    other = _scenario(compare)
    try:
        other_scene = _scene(compare, other.as_of, other.layers)
    except FlankmapError as err:
        st.error(str(err))
        st.stop()
    st.caption(
        markdown_escape(f"Left: {scenario.title} ({as_of}) · Right: {other.title} ({other.as_of})")
    )
    st.iframe(compare_html(scene, other_scene, basemap), height=640)
    difference = diff_scenes(scene, other_scene)
    st.markdown("**What changes from left to right**")
    st.text(diff_text(difference) if not difference.is_empty else "Nothing: same posture.")
else:
    map_col, legend_col = st.columns([4, 1])
    live = _live_map()
    with map_col:
        st.html(date_box_html(scene, playing=playing), unsafe_allow_javascript=True)
        st_folium(
            base_map(basemap, live=live),
            key=f"{KEY}map_{basemap}",
            feature_group_to_add=layer_groups(
                scene,
                None
                if scenario_id == CUSTOM or overlay is not None
                else _preset_features(scenario_id, as_of, layers, live),
                live=live,
            ),
            returned_objects=[],
            height=640,
            use_container_width=True,
        )
    with legend_col:
        st.html(f"<style>{LEGEND_CSS}</style>{legend_html(scene)}")
    if not scene.battlegroups.empty:
        names = dict(zip(scene.battlegroups["id"], scene.battlegroups["host"], strict=True))
        data = strength_chart_data(timeline_frame(list(names)), names, as_of)
        if not data.empty:
            st.markdown("**Battle-group strength over time** (sourced figures)")
            st.caption(CHART_KEY)
            st.altair_chart(strength_chart(data, as_of), width="stretch")

st.caption(markdown_escape(scenario.description))
for note in scene.notes:
    st.info(markdown_escape(note))
for note in scene.layer_notes:
    st.info(markdown_escape(note["text"]), icon="⚠️")

with st.expander("What the map shows (as tables)"):  # plain tables: screen readers, copying
    st.markdown(f"**Battle groups on {as_of.isoformat()}**")
    shown_groups = battlegroup_table(scene)
    if shown_groups.empty:
        st.markdown("None on the map.")
    else:
        st.table(shown_groups, hide_index=True)
    st.markdown(f"**NATO members on {as_of.isoformat()}**")
    st.table(member_table(scene), hide_index=True)

if not scene.reinforcements_table.empty:
    with st.expander(
        "Allied reinforcements and NATO planning, early 2022 (incl. those without a place)"
    ):
        st.dataframe(scene.reinforcements_table, hide_index=True, width="stretch")
if not scene.buildup_table.empty:
    with st.expander("Russian build-up locations (all, incl. those without a sourced place)"):
        st.dataframe(scene.buildup_table, hide_index=True, width="stretch")
if not scene.buildup_estimates.empty:
    with st.expander("Russian build-up estimates (each with its source)"):
        st.dataframe(scene.buildup_estimates, hide_index=True, width="stretch")
with st.expander(f"Who contributes where on {as_of} (latest sourced roster of each battle group)"):
    st.dataframe(contributor_matrix(as_of), width="stretch")
with st.expander("Sources and method: conflicts between sources and the choices made"):
    st.markdown(method_markdown())
with st.expander("Sources of this scenario"):
    st.dataframe(
        pd.DataFrame(scenario.sources, columns=["title", "url"]),
        hide_index=True,
        width="stretch",
        column_config={"url": st.column_config.LinkColumn("Source")},
    )

with st.sidebar:
    st.subheader("Your own scenario")
    if st.session_state[f"{KEY}edit_error"]:
        st.error(st.session_state[f"{KEY}edit_error"])
    with st.expander("Edit the scenario on screen"):
        shown = [entry.id for entry in scenario.battlegroups]
        facts = sorted(known_refs() | set(shown))
        for bg_id in facts:
            st.checkbox(
                bg_id,
                value=bg_id in shown,
                key=f"{KEY}bg_on_{bg_id}_{scenario_id}",
                on_change=lambda b=bg_id: _edit(with_battlegroup_toggled, b, b not in shown),
            )
        members = sorted(member_codes(scenario.as_of))
        target = st.selectbox("Battle group to change", shown or [""], key=f"{KEY}edit_bg")
        status = st.selectbox("New status", ENTRY_STATUSES, key=f"{KEY}edit_status")
        framework = st.selectbox("New framework nation", members, key=f"{KEY}edit_framework")
        st.button(
            "Apply change",
            key=f"{KEY}edit_apply",
            disabled=not shown,
            on_click=lambda: _edit(with_battlegroup_changed, target, status, framework),
        )
        st.markdown("**Add a hypothetical battle group**")
        host = st.selectbox("Host (a member on the date)", members, key=f"{KEY}add_host")
        lead = st.selectbox("Framework nation", members, key=f"{KEY}add_framework")
        troops = st.number_input("Troops (0: unknown)", 0, 100_000, 0, 100, key=f"{KEY}add_troops")
        st.button(
            "Add hypothetical battle group",
            key=f"{KEY}add",
            on_click=lambda: _edit(with_hypothetical_battlegroup, host, lead, troops or None),
        )
    st.download_button(
        "Download this scenario as YAML",
        data=scenario_to_yaml(scenario),
        file_name=f"{scenario.id}.yaml",
        mime="application/yaml",
        key=f"{KEY}yaml",
        on_click="ignore",
    )
    st.file_uploader(
        "Load a scenario file (YAML, at most 1 MB)",
        type=["yaml", "yml"],
        key=f"{KEY}upload",
        on_change=_load_upload,
    )
    if scenario_id == CUSTOM:
        st.caption("A custom scenario does not travel in the share link: share its YAML file.")

    st.subheader("Your own line")
    if st.session_state.get(f"{KEY}overlay_error"):
        st.error(st.session_state[f"{KEY}overlay_error"])
    st.file_uploader(
        f"Load a line or area (GeoJSON or GeoPackage, at most {MAX_OVERLAY_BYTES >> 20} MB)",
        type=["geojson", "json", "gpkg"],
        key=f"{KEY}overlay_upload",
        on_change=_load_overlay,
        help="Lines or polygons, EPSG:4326 or any CRS the file names. Read in memory, never "
        "stored; drawn on the map, in the legend and in every export.",
    )
    st.text_input("Legend entry (default: the file name)", key=f"{KEY}overlay_label")
    st.text_input("Attribution: who drew it, under which licence", key=f"{KEY}overlay_attribution")
    if overlay is not None:
        st.button(
            "Remove your line",
            key=f"{KEY}overlay_remove",
            on_click=lambda: st.session_state.pop(f"{KEY}overlay", None),
        )

    st.subheader("Export")
    fmt = st.selectbox(
        "Export format",
        (*FORMATS, *ANIMATED_FORMATS),
        format_func=FORMAT_LABELS.get,
        key=f"{KEY}export_format",
    )
    animated = fmt in ANIMATED_FORMATS
    if animated:
        span_options = sorted({*dates, today()})
        span = st.select_slider(
            "Animation from … to",
            options=span_options,
            value=(span_options[0], span_options[-1]),
            format_func=dt.date.isoformat,
            key=f"{KEY}export_span",
            help="One frame per dated record between the two dates, drawn like the PNG.",
        )
        file_name = export_filename(scene, fmt, span)
    else:
        file_name = export_filename(scene, fmt)
    ready = st.session_state.get(f"{KEY}export")
    if st.button("Prepare download", key=f"{KEY}export_prepare"):
        with st.spinner(f"Rendering {FORMAT_LABELS[fmt]}…"):
            try:
                if animated:  # a minute or two: a bar shows the frames drawn
                    bar = st.progress(0.0, text="Drawing the frames…")
                    payload = export_bytes(
                        scene,
                        fmt,
                        start=span[0],
                        end=span[1],
                        progress=lambda done, total: bar.progress(
                            done / total, text=f"Frame {done} of {total}"
                        ),
                    )
                    bar.empty()
                else:
                    payload = (
                        export_bytes(scene, fmt)  # the user's own scenario or line: not cached
                        if scenario_id == CUSTOM or overlay is not None
                        else _export(scenario_id, as_of, layers, fmt)
                    )
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

if playing:
    st.fragment(_play_step, run_every=PLAY_STEP_S)()
st.session_state[f"{KEY}page_run"] = False

st.session_state[f"{KEY}run_ms"] = (time.perf_counter() - STARTED) * 1000
