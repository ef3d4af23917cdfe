"""The session's choices: keys in ``st.session_state`` and the callbacks that change them."""

from __future__ import annotations

import streamlit as st

from geo.errors import FlankmapError
from layers.scenario.overlay import read_overlay
from layers.scenario.scenario_io import as_custom, read_scenario_bytes
from layers.scenario.scenarios import DEFAULT_SCENARIO, LAYER_IDS
from layers.scenario.timeline import next_step, play_start
from layers.scenario.view import parse_view
from ui import cache

KEY = "fm_"
CUSTOM = "custom"  # the slot of the user's own scenario (never a preset id)
PLAY_STEP_S = 1.0  # seconds per dated record while playing: time to see what changed
#: A first visit's page comes whole this long after the map alone at the latest, should the
#: map's frame never report its shapes drawn (``map_alone``).
WHOLE_PAGE_AFTER_S = 6.0


def key(name: str) -> str:
    """Return the session-state key of one of the page's values (all start with KEY)."""
    return f"{KEY}{name}"


#: Set once the map's frame has reported its shapes drawn: every run then sends the whole page.
PAGE_DRAWN = key("page_drawn")


def lazy_expander(label: str, name: str):
    """Return an expander whose content runs and travels only while it is open (``.open``).

    Opening or closing it reruns the page. Its key, not its label, keeps it open when the label
    changes with the date.
    """
    return st.expander(label, key=key(f"open_{name}"), on_change="rerun")


def scenario(scenario_id: str):
    """Return the scenario behind a picker's value: a preset, or the user's own."""
    if scenario_id != CUSTOM:
        return cache.presets()[scenario_id]
    if key("custom") not in st.session_state:  # chosen before any edit: start from the default
        default = cache.presets()[DEFAULT_SCENARIO]
        st.session_state[key("custom")] = as_custom(default, CUSTOM, f"{default.title} (copy)")
    return st.session_state[key("custom")]


def title(presets, scenario_id: str) -> str:
    """Return the name in the pickers (the user's own scenario's is fixed: its title changes).

    ``presets`` are the ones this run loaded: a picker formats its options with them later too.
    """
    return presets[scenario_id].title if scenario_id != CUSTOM else "✎ Your own scenario"


def show_scenario_defaults(shown) -> None:
    """Show ``shown``'s own date and layers."""
    st.session_state[key("as_of")] = shown.as_of
    for layer in LAYER_IDS:
        st.session_state[key(f"layer_{layer}")] = layer in shown.layers


def reset_to_scenario() -> None:
    """Bring a newly picked scenario's own date and layers (pan and zoom stay)."""
    show_scenario_defaults(scenario(st.session_state[key("scenario")]))


def use_custom(custom, *, reset_view: bool) -> None:
    """Make ``custom`` the user's own scenario, and show it."""
    st.session_state[key("custom")] = custom
    st.session_state[key("scenario")] = CUSTOM
    st.session_state[key("edit_error")] = ""
    if reset_view:
        show_scenario_defaults(custom)


def edit(change, *args) -> None:
    """Apply an edit to the scenario on screen; the result becomes the user's own scenario."""
    current = scenario(st.session_state[key("scenario")])
    try:
        edited = change(current, *args)
        if st.session_state[key("scenario")] != CUSTOM:
            edited = as_custom(edited, CUSTOM, f"{current.title} (edited)")
    except FlankmapError as err:
        st.session_state[key("edit_error")] = str(err)
        return
    use_custom(edited, reset_view=False)


def load_upload() -> None:
    """Read an uploaded YAML file; a bad one leaves everything as it was."""
    upload = st.session_state.get(key("upload"))
    if upload is None:
        return
    try:
        loaded = read_scenario_bytes(upload.getvalue(), upload.name)
        if loaded.id in cache.presets():
            loaded = as_custom(loaded, CUSTOM, loaded.title)
    except FlankmapError as err:
        st.session_state[key("edit_error")] = str(err)
        return
    use_custom(loaded, reset_view=True)


def load_overlay() -> None:
    """Read an uploaded line or area; a bad file keeps the overlay shown before, if any."""
    upload = st.session_state.get(key("overlay_upload"))
    st.session_state[key("overlay_error")] = ""
    if upload is None:  # also between two files: the button below removes the overlay
        return
    try:
        st.session_state[key("overlay")] = read_overlay(upload.getvalue(), upload.name)
    except FlankmapError as err:
        st.session_state[key("overlay_error")] = str(err)


def init_from_link(presets) -> None:
    """On a session's first run, take the view from the share link (with warnings)."""
    if key("problems") in st.session_state:
        return
    view, problems = parse_view(st.query_params.to_dict(), presets)
    view = view.resolved(presets[view.scenario])
    st.session_state[key("problems")] = problems
    st.session_state[key("scenario")] = view.scenario
    st.session_state[key("as_of")] = view.as_of
    st.session_state[key("basemap")] = view.basemap
    st.session_state[key("compare")] = view.compare or ""
    st.session_state[key("edit_error")] = ""
    for layer in LAYER_IDS:
        st.session_state[key(f"layer_{layer}")] = layer in view.layers


def toggle_play() -> None:
    """Play from the date on screen (from the first record once past the last); or pause."""
    playing = not st.session_state.get(key("playing"), False)
    st.session_state[key("playing")] = playing
    if playing:
        st.session_state[key("as_of")] = play_start(cache.dates(), st.session_state[key("as_of")])


def play_step() -> None:
    """While playing, move to the next dated record every PLAY_STEP_S seconds; stop at the last.

    Runs as a fragment on a timer, and steps only then: its call within the page's own run
    (which registers the timer, after the date slider exists) does nothing.
    """
    if st.session_state.get(key("page_run")) or not st.session_state.get(key("playing")):
        return
    following = next_step(cache.dates(), st.session_state[key("as_of")])
    if following is None:
        st.session_state[key("playing")] = False
    else:
        st.session_state[key("as_of")] = following
    st.rerun()


def map_alone() -> bool:
    """Whether this run sends the map alone: a visit's first run of a preset view.

    The browser renders a run's every element on its one main thread before it mounts the
    map's frame, so a first visit gets the map first; the map's frame then reports its shapes
    drawn (``show_whole_page``) and the next run sends the whole page (README "Speed,
    measured"). The compare view and the user's own scenario come whole at once.
    """
    if st.session_state.get(PAGE_DRAWN):
        return False
    if st.session_state[key("compare")] or st.session_state[key("scenario")] == CUSTOM:
        show_whole_page()
        return False
    return True


def show_whole_page() -> None:
    """From now on every run sends the whole page (the map's frame reported it drawn)."""
    st.session_state[PAGE_DRAWN] = True


def whole_page_later() -> None:
    """Send the whole page even if the map's frame never reports (``WHOLE_PAGE_AFTER_S``).

    Runs as a fragment on a timer; its call within the page's own run does nothing.
    """
    if st.session_state.get(key("page_run")) or st.session_state.get(PAGE_DRAWN):
        return
    show_whole_page()
    st.rerun()
