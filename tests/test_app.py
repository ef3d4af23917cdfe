"""The app's logic through Streamlit's AppTest: share links, scenario switches, toggles."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from layers.scenarios import load_presets
from render.text import markdown_escape

APP = str(Path(__file__).resolve().parent.parent / "app.py")
KEY = "fm_"


def run_app(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def legend(at: AppTest) -> str:
    return "".join(str(h.proto.body) for h in at.get("html"))


@pytest.mark.parametrize("scenario_id", list(load_presets()))
def test_every_scenario_loads_from_its_link(scenario_id):
    at = run_app(scenario=scenario_id)
    assert at.session_state[f"{KEY}scenario"] == scenario_id
    assert not at.warning or all("Unknown" not in w.value for w in at.warning)
    assert at.subheader[0].value == markdown_escape(load_presets()[scenario_id].title)


def test_metrics_change_between_efp_and_proposal():
    efp = run_app(scenario="efp-2017")
    proposal = run_app(scenario="proposal-2022")
    assert metric(efp, "Battle groups") == "4"
    assert metric(proposal, "Battle groups") == "8"
    assert metric(efp, "Host countries") == "4"
    assert metric(proposal, "Host countries") == "8"
    # troops: existing and proposed apart, never one sum of unlike figures
    assert metric(efp, "Troops: existing · proposed") == "~4,600"
    assert metric(proposal, "Troops: existing · proposed") == "~5,100 · ~4,000"
    assert len(proposal.get("vega_lite_chart")) == 1  # strength over time, beside the map
    labels = [e.label for e in proposal.expander]
    assert any(label.startswith("Sources and method") for label in labels)
    assert any(label.startswith("Russian build-up locations") for label in labels)


def test_switching_scenario_in_the_sidebar_updates_metrics_and_link():
    at = run_app()
    at.selectbox(key=f"{KEY}scenario").set_value("efp-2017").run()
    assert not at.exception
    assert metric(at, "Battle groups") == "4"
    assert at.query_params["scenario"] in ("efp-2017", ["efp-2017"])


def test_toggle_off_removes_the_layer_from_legend_and_link():
    at = run_app(scenario="proposal-2022")
    assert "Battle group: PROPOSED" in legend(at)
    at.toggle(key=f"{KEY}layer_battlegroups").set_value(False).run()
    assert not at.exception
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
    assert not at.exception
    name, payload = at.session_state[f"{KEY}export"]
    assert name == "flankmap_efp-2017_2017-12-31.geojson"
    import json

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
    at = run_app(scenario="efp-2017")
    at.checkbox(key=f"{KEY}bg_on_bg_pol_efp-2017").uncheck().run()
    assert not at.exception
    assert at.session_state[f"{KEY}scenario"] == "custom"
    assert metric(at, "Battle groups") == "3"
    assert "Hypothetical" in legend(at)
    assert "scenario" not in at.query_params  # a custom scenario travels as YAML, not a link
    at.selectbox(key=f"{KEY}add_host").set_value("ROU").run()
    at.selectbox(key=f"{KEY}add_framework").set_value("FRA").run()
    at.button(key=f"{KEY}add").click().run()
    assert not at.exception
    assert metric(at, "Battle groups") == "4"
    assert "Battle group: HYPOTHETICAL" in legend(at)


def test_hosts_offered_are_members_on_the_date():
    at = run_app(scenario="efp-2017")
    hosts = at.selectbox(key=f"{KEY}add_host").options
    assert "POL" in hosts
    assert "FIN" not in hosts  # joined 2023: cannot host a battle group in 2017
    assert "UKR" not in hosts


def test_frontier_line_and_who_contributes_where():
    at = run_app(scenario="efp-2017")
    assert any("Ukraine" in c.value and "Belarus" in c.value for c in at.caption)
    expander = next(e for e in at.expander if e.label.startswith("Who contributes where"))
    (table,) = expander.dataframe
    assert "EST" in table.value.columns
    assert table.value.at["France (FRA)", "EST"] == "✓"
