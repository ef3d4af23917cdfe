"""Eastern Flank Map: the Streamlit page. Wiring only: widgets, caching, query parameters.

The parts live in ``ui/``: what a rerun reuses (``ui.cache``), the session's choices and their
callbacks (``ui.state``), and the sidebar's panels (``ui.own``, ``ui.export_panel``).
"""

from __future__ import annotations

import datetime as dt
import time
from functools import partial
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from geo.errors import FlankmapError
from geo.paths import BOUNDARY_SCALE
from layers.facts.sources import method_markdown
from layers.scenario.diff import diff_scenes, diff_text
from layers.scenario.overlay import with_overlay
from layers.scenario.scenarios import KINDS, LAYER_IDS, LAYER_TITLES
from layers.scenario.view import BASEMAPS, View, view_to_params
from layers.thematic.context import reinforcements_period
from render.charts import KEY_TEXT as CHART_KEY
from render.compare import compare_html
from render.folium_map import base_map, drawn_signal, layer_groups
from render.legend import LEGEND_CSS, legend_html
from render.page import date_box_html, head_placeholder_html, page_css
from render.text import markdown_escape
from ui import cache, state
from ui.export_panel import export_panel
from ui.own import line_panel, scenario_panel
from ui.state import CUSTOM, PLAY_STEP_S, WHOLE_PAGE_AFTER_S, key, lazy_expander

APP_TITLE = "Eastern Flank Map"
STARTED = time.perf_counter()  # this run's server time is kept for scripts/benchmark.py
#: The scenario's kind as a badge beside the picker: colour and icon, never colour alone.
KIND_BADGES = {
    "historical": ("gray", ":material/history:"),
    "proposal": ("orange", ":material/warning:"),
    "hypothetical": ("violet", ":material/help:"),
    "demand": ("red", ":material/gavel:"),
}

st.set_page_config(page_title=APP_TITLE, page_icon="🗺️", layout="wide")


def _scene(scenario_id: str, as_of: dt.date, layers: tuple[str, ...]):
    if scenario_id == CUSTOM:
        return cache.custom_scene(st.session_state[key("custom")], as_of, layers)
    return cache.preset_scene(scenario_id, as_of, layers)


st.session_state[key("page_run")] = True  # the whole page runs (not the play timer alone)
try:
    presets = cache.presets()
    dates = cache.dates()
except FlankmapError as err:
    st.error(f"The shipped data could not be loaded: {err}")
    st.stop()

state.init_from_link(presets)
choices = [*presets, CUSTOM]  # a stable list: the last entry is the user's own scenario
# A first visit's first run sends the map alone; the rest follows once it is drawn.
alone = state.map_alone()

# The map first: the title, one row with the picker, the kind and play, a metric strip, the map.
st.html(page_css(key("head")))
head = st.container(key=key("head"))  # its height is kept (render/page.py) as it fills
if alone:
    scenario_id = st.session_state[key("scenario")]
    scenario = state.scenario(scenario_id)
    head.html(head_placeholder_html(scenario.title))
    st.sidebar.header(APP_TITLE)
    as_of = st.session_state[key("as_of")]
    layers = tuple(layer for layer in LAYER_IDS if st.session_state[key(f"layer_{layer}")])
    basemap = st.session_state[key("basemap")]
    compare = ""
    playing = False
else:
    shown_first = state.scenario(st.session_state[key("scenario")])  # the picker's value now
    head.subheader(markdown_escape(shown_first.title), help=KINDS[shown_first.kind])
    row = head.container(horizontal=True, vertical_alignment="center", gap="small")
    scenario_id = row.selectbox(
        "Scenario",
        choices,
        format_func=partial(state.title, presets),
        key=key("scenario"),
        on_change=state.reset_to_scenario,
        label_visibility="collapsed",
    )
    scenario = state.scenario(scenario_id)
    badge_colour, badge_icon = KIND_BADGES[scenario.kind]
    row.badge(KINDS[scenario.kind], color=badge_colour, icon=badge_icon)
    playing = st.session_state.get(key("playing"), False)
    row.button(
        "Pause" if playing else "Play",
        icon=":material/pause:" if playing else ":material/play_arrow:",
        key=key("play"),
        on_click=state.toggle_play,
        help="Steps the date through the dated records, one every "
        f"{PLAY_STEP_S:g} s. The share link keeps the date on screen, not the playing.",
    )

    with st.sidebar:
        st.header(APP_TITLE)
        chosen = st.session_state[key("as_of")]
        options = sorted({*dates, *(s.as_of for s in presets.values()), scenario.as_of, chosen})
        as_of = st.select_slider(
            "As of",
            options=options,
            format_func=dt.date.isoformat,
            key=key("as_of"),
            help="Moves through the dated records: accessions, battle-group changes, deployments.",
        )
        st.subheader("Layers")
        layers = tuple(
            layer
            for layer in LAYER_IDS
            if st.toggle(LAYER_TITLES[layer], key=key(f"layer_{layer}"))
        )
        basemap = st.radio(
            "Basemap",
            list(BASEMAPS),
            format_func=BASEMAPS.get,
            key=key("basemap"),
            help="The plain basemap works offline; web tiles need internet.",
        )
        compare = st.selectbox(
            "Compare with",
            ["", *choices],
            format_func=lambda s: state.title(presets, s) if s else "— no comparison —",
            key=key("compare"),
            help="Shows a second scenario beside this one, pan and zoom in step, and what differs.",
        )

    for problem in st.session_state[key("problems")]:
        head.warning(markdown_escape(problem))

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
    if alone:  # the whole page says what went wrong, beside the controls to change it
        state.show_whole_page()
        st.rerun()
    st.error(str(err))
    st.stop()
overlay = st.session_state.get(key("overlay"))
scene = with_overlay(
    scene,
    overlay,
    label=st.session_state.get(key("overlay_label"), ""),
    attribution=st.session_state.get(key("overlay_attribution"), ""),
)
# A preset view without the user's own line: its layers, tables and exports are cached.
cached_view = None if scenario_id == CUSTOM or overlay is not None else (scenario_id, as_of, layers)

if not alone:
    tables = (
        cache.page_tables(scene, scenario)
        if cached_view is None
        else cache.preset_tables(*cached_view)
    )
    metrics = scene.metrics
    strip = head.container(horizontal=True, gap="medium")  # compact: more figures fit, wraps
    strip.metric("Battle groups", metrics.battlegroups, width="content")
    strip.metric(
        "Troops: existing · proposed",
        metrics.troops_short(),
        help=f"{metrics.troops_text()}. Latest sourced figure of each group on or before "
        f"{as_of}; existing and proposed are never added together. Dates, scope and sources: "
        "tooltips, chart.",
        width="content",
    )
    strip.metric(
        "Host countries",
        len(metrics.hosts),
        help=", ".join(metrics.hosts) or "none",
        width="content",
    )
    strip.metric(
        "Border with RUS/BLR covered",
        f"{metrics.covered_km:,.0f} km",
        help=f"Land border of the hosts with Russia and Belarus, of {metrics.frontier_km:,.0f} km "
        f"for the whole alliance on this date (geodesic, {BOUNDARY_SCALE}; published river "
        "borders are longer).",
        width="content",
    )
    strip.caption(markdown_escape(tables.frontier))  # wraps to its own line in the strip

if compare:
    other = state.scenario(compare)
    try:
        other_scene = _scene(compare, other.as_of, other.layers)
    except FlankmapError as err:
        st.error(str(err))
        st.stop()
    st.caption(
        markdown_escape(f"Left: {scenario.title} ({as_of}) · Right: {other.title} ({other.as_of})")
    )
    both_shipped = cached_view is not None and compare != CUSTOM
    st.iframe(
        cache.preset_compare(cached_view, compare, basemap)
        if both_shipped
        else compare_html(scene, other_scene, basemap),
        height=640,
    )
    difference = diff_scenes(scene, other_scene)
    st.markdown("**What changes from left to right**")
    st.text(diff_text(difference) if not difference.is_empty else "Nothing: same posture.")
else:
    map_col, legend_col = st.columns([4, 1])
    live = cache.live_map(Path(__file__).resolve().parent)
    with map_col:
        st.html(date_box_html(scene, playing=playing), unsafe_allow_javascript=True)
        st_folium(
            base_map(basemap, live=live),
            key=key(f"map_{basemap}"),
            feature_group_to_add=[
                *layer_groups(
                    scene,
                    None if cached_view is None else cache.preset_features(*cached_view, live),
                    live=live,
                ),
                *([drawn_signal()] if alone else []),
            ],
            returned_objects=[],
            on_change=state.show_whole_page if alone else None,
            height=640,
            use_container_width=True,
        )
    if alone:  # the rest once the frame reports the map drawn, or after a while at the latest
        st.fragment(state.whole_page_later, run_every=WHOLE_PAGE_AFTER_S)()
        st.session_state[key("page_run")] = False
        st.stop()
    with legend_col:
        st.html(f"<style>{LEGEND_CSS}</style>{legend_html(scene)}")
    if not scene.battlegroups.empty:
        names = tuple(zip(scene.battlegroups["id"], scene.battlegroups["host"], strict=True))
        spec = cache.chart_spec(names, as_of)
        if spec:
            st.markdown("**Battle-group strength over time** (sourced figures)")
            st.caption(CHART_KEY)
            st.vega_lite_chart(spec, width="stretch")

st.caption(markdown_escape(scenario.description))
for note in scene.notes:
    st.info(markdown_escape(note))
for note in scene.layer_notes:
    st.info(markdown_escape(note["text"]), icon="⚠️")

# Sections below the map run and travel only once opened (a rerun fills them): the map is drawn
# first and a switch sends less (README "Speed, measured").
with (shown := lazy_expander("What the map shows (as tables)", "tables")):
    if shown.open:  # plain tables: screen readers, copying
        st.markdown(f"**Battle groups on {as_of.isoformat()}**")
        if tables.battlegroups.num_rows:
            st.table(tables.battlegroups, hide_index=True)
        else:
            st.markdown("None on the map.")
        st.markdown(f"**NATO members on {as_of.isoformat()}**")
        st.table(tables.members, hide_index=True)
context = [
    (
        f"Allied reinforcements and NATO planning, {reinforcements_period()} "
        "(incl. those without a place)",
        "reinforcements",
        tables.reinforcements,
    ),
    (
        "Russian build-up locations (all, incl. those without a sourced place)",
        "buildup",
        tables.buildup,
    ),
    ("Russian build-up estimates (each with its source)", "estimates", tables.buildup_estimates),
]
for label, name, table in context:
    if table.num_rows:
        with (section := lazy_expander(label, name)):
            if section.open:
                st.dataframe(table, hide_index=True, width="stretch")
contributors_label = (
    f"Who contributes where on {as_of} (latest sourced roster of each battle group)"
)
with (section := lazy_expander(contributors_label, "contributors")):
    if section.open:
        st.dataframe(cache.contributors(as_of), width="stretch")
method = "Sources and method: conflicts between sources and the choices made"
with (section := lazy_expander(method, "method")):
    if section.open:
        st.markdown(method_markdown())
with (section := lazy_expander("Sources of this scenario", "sources")):
    if section.open:
        st.dataframe(
            tables.sources,
            hide_index=True,
            width="stretch",
            column_config={"url": st.column_config.LinkColumn("Source")},
        )

with st.sidebar:
    scenario_panel(scenario, scenario_id)
    line_panel(overlay)
    export_panel(scene, cached_view)

if playing:
    st.fragment(state.play_step, run_every=PLAY_STEP_S)()
st.session_state[key("page_run")] = False

st.session_state[key("run_ms")] = (time.perf_counter() - STARTED) * 1000
