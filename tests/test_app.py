"""The app's wiring through Streamlit's AppTest: share links, scenario switches, toggles, edits.

What the widgets show is computed by pure functions tested without Streamlit (every preset's
scene, metrics and map in test_scenarios.py and test_render.py); these tests check that the app
passes the right values between them and the widgets.
"""

import json

from conftest import KEY, PAGE_DRAWN, metric, no_traceback, open_section, run_app
from conftest import page_html as legend

from layers.scenario.scenarios import load_presets
from render.text import markdown_escape


def test_a_scenario_loads_from_its_link():
    at = run_app(scenario="hesitation-2022")
    assert at.session_state[f"{KEY}scenario"] == "hesitation-2022"
    assert not at.warning or all("Unknown" not in w.value for w in at.warning)
    assert at.subheader[0].value == markdown_escape(load_presets()["hesitation-2022"].title)
    assert metric(at, "Battle groups") == "6"
    assert metric(at, "Host countries") == "6"


def test_a_first_visit_gets_the_map_alone_then_the_whole_page():
    at = run_app(map_alone=True, scenario="efp-2017")
    # the map of the linked view, and nothing that would hold its drawing up
    (component,) = at.get("component_instance")
    assert "folium" in component.proto.component_name
    assert "flankmapWhenDrawn" in component.proto.json_args  # it reports when drawn
    shown = {kind: len(at.get(kind)) for kind in ("selectbox", "metric", "toggle", "expander")}
    assert shown == dict.fromkeys(shown, 0)
    assert not at.get("vega_lite_chart")
    title = load_presets()["efp-2017"].title  # what the map shows, above it
    assert any(title in html.proto.body for html in at.get("html"))
    # its frame reports the map drawn (``drawn_signal``): the next run sends the whole page
    at.session_state[PAGE_DRAWN] = True
    at.run()
    no_traceback(at)
    assert at.selectbox(key=f"{KEY}scenario").value == "efp-2017"
    assert metric(at, "Battle groups") == "4"
    assert at.toggle(key=f"{KEY}layer_battlegroups").value
    (component,) = at.get("component_instance")
    assert "flankmapWhenDrawn" not in component.proto.json_args  # once is enough


def test_a_linked_comparison_comes_whole_at_once():
    at = run_app(map_alone=True, scenario="proposal-2022", compare="efp-2017")
    assert metric(at, "Battle groups") == "8"
    assert any("What changes from left to right" in m.value for m in at.markdown)


def test_switching_scenario_in_the_sidebar_updates_metrics_and_link():
    at = run_app()  # proposal-2022
    assert metric(at, "Battle groups") == "8"
    assert metric(at, "Host countries") == "8"
    # troops: existing and proposed apart, never one sum of unlike figures
    assert metric(at, "Troops: existing · proposed") == "~5,100 · ~4,000"
    assert len(at.get("vega_lite_chart")) == 1  # strength over time, beside the map
    labels = [e.label for e in at.expander]
    assert any(label.startswith("Sources and method") for label in labels)
    assert any(label.startswith("Russian build-up locations") for label in labels)
    at.selectbox(key=f"{KEY}scenario").set_value("efp-2017").run()
    no_traceback(at)
    assert metric(at, "Battle groups") == "4"
    assert metric(at, "Host countries") == "4"
    assert metric(at, "Troops: existing · proposed") == "~4,600"
    assert at.query_params["scenario"] in ("efp-2017", ["efp-2017"])
    # the frontier line and who contributes where follow the switch
    assert any("Ukraine" in c.value and "Belarus" in c.value for c in at.caption)
    expander = next(e for e in at.expander if e.label.startswith("Who contributes where"))
    assert not expander.dataframe  # closed: its table neither runs nor travels
    open_section(at, "contributors")
    expander = next(e for e in at.expander if e.label.startswith("Who contributes where"))
    (table,) = expander.dataframe
    assert "EST" in table.value.columns
    assert table.value.at["France (FRA)", "EST"] == "✓"


def test_toggle_off_removes_the_layer_from_legend_and_link():
    at = run_app(scenario="proposal-2022")
    assert "Battle group: PROPOSED" in legend(at)
    at.toggle(key=f"{KEY}layer_battlegroups").set_value(False).run()
    no_traceback(at)
    assert "Battle group" not in legend(at)
    layers = at.query_params["layers"]
    layers = layers[0] if isinstance(layers, list) else layers
    assert "battlegroups" not in layers.split(",")


def test_bad_link_warns_and_falls_back():
    at = run_app(scenario="<script>alert(1)</script>", as_of="99999-99-99", layers=";;")
    warnings = " ".join(w.value for w in at.warning)
    assert "Unknown scenario" in warnings
    assert "99999" in warnings
    assert "Unknown layer" in warnings
    assert at.session_state[f"{KEY}scenario"] == "proposal-2022"
    assert metric(at, "Battle groups") == "8"


def test_as_of_from_link_moves_the_date():
    at = run_app(scenario="latest", as_of="2022-06-28")
    assert metric(at, "Battle groups") == "8"
    assert "as of 2022-06-28" in legend(at)


def test_export_prepares_a_named_download():
    at = run_app(scenario="efp-2017")
    at.selectbox(key=f"{KEY}export_format").set_value("geojson").run()
    at.button(key=f"{KEY}export_prepare").click().run()
    no_traceback(at)
    name, payload = at.session_state[f"{KEY}export"]
    assert name == "flankmap_efp-2017_2017-12-31.geojson"
    layers = {f["properties"]["layer"] for f in json.loads(payload)["features"]}
    assert "battlegroup" in layers


def test_compare_mode_from_the_link_shows_the_diff():
    at = run_app(scenario="efp-2017", compare="proposal-2022")
    assert at.selectbox(key=f"{KEY}compare").value == "proposal-2022"
    diff = " ".join(t.value for t in at.text)
    for host in ("ROU", "BGR", "SVK", "HUN"):
        assert host in diff
    compare = at.query_params["compare"]
    assert compare in ("proposal-2022", ["proposal-2022"])


def test_editing_makes_a_hypothetical_custom_scenario():
    at = open_section(run_app(scenario="efp-2017"), "editor")
    hosts = at.selectbox(key=f"{KEY}add_host").options
    assert "POL" in hosts
    assert "FIN" not in hosts  # joined 2023: cannot host a battle group in 2017
    assert "UKR" not in hosts
    at.checkbox(key=f"{KEY}bg_on_bg_pol_efp-2017").uncheck().run()
    no_traceback(at)
    assert at.session_state[f"{KEY}scenario"] == "custom"
    assert metric(at, "Battle groups") == "3"
    assert "Hypothetical" in legend(at)
    assert "scenario" not in at.query_params  # a custom scenario travels as YAML, not a link
    at.selectbox(key=f"{KEY}add_host").set_value("ROU").run()
    at.selectbox(key=f"{KEY}add_framework").set_value("FRA").run()
    at.button(key=f"{KEY}add").click().run()
    no_traceback(at)
    assert metric(at, "Battle groups") == "4"
    assert "Battle group: HYPOTHETICAL" in legend(at)


def test_export_animates_between_two_chosen_dates():
    import datetime as dt
    import io

    from PIL import Image

    from layers.facts.tables import event_dates

    in_2017 = [d for d in event_dates() if d.startswith("2017")]  # the eFP battle groups
    at = run_app(scenario="efp-2017")
    at.selectbox(key=f"{KEY}export_format").set_value("gif").run()
    span = (dt.date.fromisoformat(in_2017[0]), dt.date.fromisoformat(in_2017[-1]))
    at.select_slider(key=f"{KEY}export_span").set_range(*span).run()
    at.button(key=f"{KEY}export_prepare").click().run()
    assert not at.exception, [e.message for e in at.exception]
    name, payload = at.session_state[f"{KEY}export"]
    assert name == f"flankmap_efp-2017_{in_2017[0]}_to_{in_2017[-1]}.gif"
    with Image.open(io.BytesIO(payload)) as gif:
        dates = gif.info["comment"].decode().split()[2:]
        assert dates == in_2017
        assert gif.n_frames == len(dates)


def test_play_starts_from_the_date_on_screen_and_pauses():
    at = run_app(scenario="efp-2017", as_of="2017-04-01")
    play = at.button(key=f"{KEY}play")
    assert play.label == "Play"
    play.click().run()
    assert at.button(key=f"{KEY}play").label == "Pause"
    assert at.session_state[f"{KEY}as_of"].isoformat() == "2017-04-01"
    at.button(key=f"{KEY}play").click().run()
    assert at.button(key=f"{KEY}play").label == "Play"


def test_play_past_the_last_record_starts_from_the_first():
    from layers.facts.tables import event_dates

    first = event_dates()[0]
    at = run_app(scenario="latest")  # its date is after the last dated record
    at.button(key=f"{KEY}play").click().run()
    assert not at.exception
    assert at.session_state[f"{KEY}as_of"].isoformat() == first
    assert f"as of {first}" in legend(at)
