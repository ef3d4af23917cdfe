"""The Folium map: offline, escaped, styled from the style table."""

import dataclasses
import re

import pytest
from conftest import set_cell

from layers.scenario.scenarios import get_scenario, load_presets
from layers.scenario.scene import build_scene
from render.folium_map import base_map, build_map, layer_groups, scene_features
from render.legend import legend_html, legend_keys
from render.styles import LEGEND_TEXT

EXTERNAL = re.compile(r"""<(?:script|link)\b[^>]*(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def proposal():
    return build_scene(get_scenario("proposal-2022"))


@pytest.fixture(scope="module")
def proposal_html(proposal):
    return build_map(proposal).get_root().render()


def test_map_needs_no_network(proposal_html):
    assert not EXTERNAL.search(proposal_html)
    assert "cdn.jsdelivr" not in proposal_html
    assert "data:text/javascript;base64," in proposal_html  # Leaflet itself, inlined


def test_base_map_carries_only_leaflet(proposal):
    m = base_map()
    assert [name for name, _ in m.default_js] == ["leaflet"]
    assert all(url.startswith("data:") for _, url in [*m.default_js, *m.default_css])


def test_web_tiles_only_when_chosen():
    plain = base_map("plain").get_root().render()
    osm = base_map("osm").get_root().render()
    assert "tile.openstreetmap.org" not in plain
    assert "tile.openstreetmap.org" in osm


def test_one_group_per_drawn_layer(proposal):
    names = [g.layer_name for g in layer_groups(proposal)]
    assert names == [
        "Countries",
        "Occupied and breakaway territory",
        "Russian build-up",
        "Allied reinforcements",
        "Battle groups",
        "Labels",
    ]


@pytest.mark.parametrize("scenario_id", list(load_presets()))
def test_every_preset_is_drawn_as_the_app_draws_it(scenario_id):
    scene = build_scene(get_scenario(scenario_id))
    names = [g.layer_name for g in layer_groups(scene, scene_features(scene))]
    assert names[0] == "Countries"
    assert ("Battle groups" in names) == (scene.metrics.battlegroups > 0)
    legend = str(legend_html(scene))
    assert f"as of {scene.as_of.isoformat()}" in legend


def test_toggled_off_layers_have_no_group():
    scene = build_scene(get_scenario("proposal-2022"), layers=("members", "border_states"))
    assert [g.layer_name for g in layer_groups(scene)] == ["Countries"]


def test_tooltips_name_their_source(proposal_html):
    assert '"Source"' in proposal_html or "Source" in proposal_html
    assert "eng.lsm.lv" in proposal_html or "lc.nato.int" in proposal_html


def test_legend_lists_what_is_drawn(proposal):
    keys = legend_keys(proposal)
    assert {"member", "russia", "existing", "proposed", "occupied"} <= set(keys)
    assert "hypothetical" not in keys
    html = str(legend_html(proposal))
    assert LEGEND_TEXT["proposed"] in html
    assert "Allied reinforcement, early 2022 (where the source names the place)" in html
    assert "Proposal (not a decision)" in html
    assert "rgba(86,180,233," in html  # the member colour of the style table


def test_the_reinforcements_legend_says_when_the_data_date_them(facts_copy):
    set_cell(facts_copy / "reinforcements.csv", "uk_est_double", "announced_date", "2021-12-20")
    scene = build_scene(get_scenario("proposal-2022"))
    assert "Allied reinforcement, 2021-2022 (where" in str(legend_html(scene))


def test_hypothetical_is_labelled(proposal):
    scene = build_scene(get_scenario("fallback-romania"))
    assert "hypothetical" in legend_keys(scene)
    assert "Hypothetical" in str(legend_html(scene))


@pytest.fixture
def hostile_scene(proposal, hostile_text):
    scenario = dataclasses.replace(proposal.scenario, title=hostile_text + "{{ 7*7 }}")
    bgs = proposal.battlegroups.copy()
    bgs["label"] = hostile_text
    bgs["host"] = "<img src=x onerror=alert(1)>{% if true %}RAN{% endif %}"
    return dataclasses.replace(proposal, scenario=scenario, battlegroups=bgs)


def test_hostile_text_is_escaped_everywhere(hostile_scene, hostile_text):
    html = build_map(hostile_scene).get_root().render()
    assert hostile_text not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html or "\\u0026lt;script" in html


def test_jinja_in_data_is_never_executed(hostile_scene):
    html = build_map(hostile_scene).get_root().render()
    # Executed, "{{ 7*7 }}" would become 49 and "{% if true %}RAN{% endif %}" just RAN.
    assert "7*7" in html
    assert "if true" in html


def test_compare_page_is_offline_with_two_maps_in_step():
    from render.compare import compare_html

    html = compare_html(
        build_scene(get_scenario("efp-2017")), build_scene(get_scenario("proposal-2022"))
    )
    assert not EXTERNAL.search(html)
    assert html.count('class="folium-map"') == 2
    assert "Enhanced Forward Presence" in html
    assert "The February 2022 proposal" in html
    assert 'source.on("move zoomend"' in html
