"""The sidebar's "Your own scenario" and "Your own line" panels."""

from __future__ import annotations

import streamlit as st

from geo.crs import WGS84
from layers.scenario.overlay import MAX_OVERLAY_MB
from layers.scenario.scenario_io import (
    known_refs,
    scenario_to_yaml,
    with_battlegroup_changed,
    with_battlegroup_toggled,
    with_hypothetical_battlegroup,
)
from layers.scenario.scenarios import ENTRY_STATUSES, MAX_FILE_MB
from ui import cache, state
from ui.state import CUSTOM, key


def scenario_panel(scenario, scenario_id: str) -> None:
    """Edit the scenario on screen, download it as YAML, or load one."""
    st.subheader("Your own scenario")
    if st.session_state[key("edit_error")]:
        st.error(st.session_state[key("edit_error")])
    with (editor := state.lazy_expander("Edit the scenario on screen", "editor")):
        if editor.open:  # its widgets run only while it is open
            _editor(scenario, scenario_id)
    own = scenario_id == CUSTOM
    st.download_button(
        "Download this scenario as YAML",
        data=scenario_to_yaml(scenario) if own else cache.preset_yaml(scenario_id),
        file_name=f"{scenario.id}.yaml",
        mime="application/yaml",
        key=key("yaml"),
        on_click="ignore",
    )
    st.file_uploader(
        f"Load a scenario file (YAML, at most {MAX_FILE_MB} MB)",
        type=["yaml", "yml"],
        key=key("upload"),
        on_change=state.load_upload,
    )
    if own:
        st.caption("A custom scenario does not travel in the share link: share its YAML file.")


def _editor(scenario, scenario_id: str) -> None:
    """Turn sourced battle groups on or off, change one, or add a hypothetical one."""
    shown = [entry.id for entry in scenario.battlegroups]
    for bg_id in sorted(known_refs() | set(shown)):
        st.checkbox(
            bg_id,
            value=bg_id in shown,
            key=key(f"bg_on_{bg_id}_{scenario_id}"),
            on_change=lambda b=bg_id: state.edit(with_battlegroup_toggled, b, b not in shown),
        )
    members = cache.member_codes_on(scenario.as_of)
    target = st.selectbox("Battle group to change", shown or [""], key=key("edit_bg"))
    status = st.selectbox("New status", ENTRY_STATUSES, key=key("edit_status"))
    framework = st.selectbox("New framework nation", members, key=key("edit_framework"))
    st.button(
        "Apply change",
        key=key("edit_apply"),
        disabled=not shown,
        on_click=lambda: state.edit(with_battlegroup_changed, target, status, framework),
    )
    st.markdown("**Add a hypothetical battle group**")
    host = st.selectbox("Host (a member on the date)", members, key=key("add_host"))
    lead = st.selectbox("Framework nation", members, key=key("add_framework"))
    troops = st.number_input("Troops (0: unknown)", 0, 100_000, 0, 100, key=key("add_troops"))
    st.button(
        "Add hypothetical battle group",
        key=key("add"),
        on_click=lambda: state.edit(with_hypothetical_battlegroup, host, lead, troops or None),
    )


def line_panel(overlay) -> None:
    """Load a line or area of one's own, name it and credit it, or remove it."""
    st.subheader("Your own line")
    if st.session_state.get(key("overlay_error")):
        st.error(st.session_state[key("overlay_error")])
    st.file_uploader(
        f"Load a line or area (GeoJSON or GeoPackage, at most {MAX_OVERLAY_MB} MB)",
        type=["geojson", "json", "gpkg"],
        key=key("overlay_upload"),
        on_change=state.load_overlay,
        help=f"Lines or polygons, {WGS84} or any CRS the file names. Read in memory, never "
        "stored; drawn on the map, in the legend and in every export.",
    )
    st.text_input("Legend entry (default: the file name)", key=key("overlay_label"))
    st.text_input("Attribution: who drew it, under which licence", key=key("overlay_attribution"))
    if overlay is not None:
        st.button(
            "Remove your line",
            key=key("overlay_remove"),
            on_click=lambda: st.session_state.pop(key("overlay"), None),
        )
