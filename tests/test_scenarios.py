"""Scenario presets: each id true to the facts, and broken files named precisely."""

import datetime as dt

import pytest
import yaml
from jsonschema import Draft202012Validator

from geo.errors import ScenarioError
from layers.scenario.scenarios import (
    KINDS,
    LAYER_IDS,
    get_scenario,
    load_presets,
    parse_scenario,
    read_scenario_text,
    scenario_dir,
    scenario_schema,
)
from layers.scenario.scene import build_scene

REQUIRED_IDS = [
    "pre-2014",
    "efp-2017",
    "proposal-2022",
    "hesitation-2022",
    "fallback-romania",
    "moscow-1997",
    "outcome-2022",
    "latest",
]

#: Battle groups each preset must draw, per the issue and the facts.
EXPECTED_COUNTS = {
    "pre-2014": 0,
    "efp-2017": 4,
    "proposal-2022": 8,
    "hesitation-2022": 6,
    "fallback-romania": 5,
    "moscow-1997": 0,
    "outcome-2022": 8,
    "latest": 8,
}


@pytest.fixture(scope="module")
def scenes():
    return {sid: build_scene(get_scenario(sid)) for sid in REQUIRED_IDS}


def test_every_required_preset_ships():
    assert set(REQUIRED_IDS) <= set(load_presets())


@pytest.mark.parametrize("path", sorted(scenario_dir().glob("*.yaml")), ids=lambda p: p.stem)
def test_preset_file_is_complete_and_sourced(path):
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert raw["id"] == path.stem
    assert raw["kind"] in KINDS
    assert raw["sources"], "every preset cites its sources"
    assert all(s["url"].startswith("http") for s in raw["sources"])
    assert set(raw["layers"]) <= set(LAYER_IDS)


@pytest.mark.parametrize(("scenario_id", "count"), EXPECTED_COUNTS.items())
def test_battle_group_counts(scenes, scenario_id, count):
    assert scenes[scenario_id].metrics.battlegroups == count
    assert len(scenes[scenario_id].battlegroups) == count


def test_efp_2017_hosts_and_leads(scenes):
    bgs = scenes["efp-2017"].battlegroups.set_index("host_iso3")
    assert sorted(bgs.index) == ["EST", "LTU", "LVA", "POL"]
    assert dict(bgs["framework_iso3"]) == {"EST": "GBR", "LVA": "CAN", "LTU": "DEU", "POL": "USA"}
    assert set(bgs["status_class"]) == {"existing"}


def test_proposal_2022_marks_the_four_new_groups_as_proposals(scenes):
    bgs = scenes["proposal-2022"].battlegroups.set_index("host_iso3")
    new = ["ROU", "BGR", "SVK", "HUN"]
    assert set(bgs.loc[new, "status_class"]) == {"proposed"}
    assert bgs.loc["ROU", "framework_iso3"] == "FRA"
    assert bgs.loc["BGR", "framework_iso3"] == "BGR"
    assert (bgs.loc[new, "troops_approx"] == 1000).all()
    assert set(bgs.drop(index=new)["status_class"]) == {"existing"}


def test_proposal_2022_shows_context(scenes):
    scene = scenes["proposal-2022"]
    assert len(scene.reinforcements) > 0
    assert len(scene.buildup) > 0
    assert "UKR-CRIMEA" in set(scene.occupied["id"])


def test_hesitation_drops_slovakia_and_hungary(scenes):
    hosts = set(scenes["hesitation-2022"].battlegroups["host_iso3"])
    assert hosts == {"EST", "LVA", "LTU", "POL", "ROU", "BGR"}


def test_fallback_romania_is_hypothetical_and_french_led(scenes):
    bgs = scenes["fallback-romania"].battlegroups.set_index("id")
    force = bgs.loc["fallback_rou"]
    assert force["status_class"] == "hypothetical"
    assert force["framework_iso3"] == "FRA"
    assert force["location"] == "host_point"
    assert pd_isna(force["troops_approx"])


def pd_isna(value):
    import pandas as pd

    return pd.isna(value)


def test_moscow_1997_covers_the_members_that_joined_after_may_1997(scenes):
    area = scenes["moscow-1997"].demand_area
    assert set(area["iso3"]) == {
        "CZE", "HUN", "POL", "BGR", "EST", "LVA", "LTU", "ROU", "SVK", "SVN", "ALB", "HRV",
        "MNE", "MKD",
    }  # fmt: skip


def test_pre_2014_has_no_occupation_and_28_members(scenes):
    scene = scenes["pre-2014"]
    assert scene.occupied.empty
    assert (scene.countries["category"] == "member").sum() == 28 - 2 + 1  # no USA/CAN; +GRL


def test_outcome_2022_troops_are_the_nato_figures(scenes):
    scene = scenes["outcome-2022"]
    assert scene.metrics.troops == 9641
    assert scene.metrics.troops_counted == 8


def test_latest_has_finland_sweden_and_brigades(scenes):
    scene = scenes["latest"]
    members = set(scene.countries.loc[scene.countries["category"] == "member", "iso3"])
    assert {"FIN", "SWE"} <= members
    bgs = scene.battlegroups.set_index("host_iso3")
    assert "brigade" in bgs.loc["LVA", "status"]
    assert bgs.loc["SVK", "framework_iso3"] == "ESP"
    assert bgs.loc["BGR", "framework_iso3"] == "ITA"


def test_metrics_change_between_efp_and_proposal(scenes):
    before, after = scenes["efp-2017"].metrics, scenes["proposal-2022"].metrics
    assert after.battlegroups > before.battlegroups
    assert set(after.hosts) > set(before.hosts)
    assert after.covered_km >= before.covered_km > 0


def test_finland_adds_frontier(scenes):
    assert scenes["latest"].metrics.frontier_km > scenes["outcome-2022"].metrics.frontier_km + 800


# --- broken files ----------------------------------------------------------------------------

GOOD = {
    "id": "mine",
    "title": "Mine",
    "description": "A test.",
    "as_of": "2022-02-23",
    "battlegroups": [{"ref": "bg_est"}],
}


@pytest.mark.parametrize(
    ("change", "named", "needs_facts"),
    [
        ({"as_of": "2022-13-01"}, "as_of", True),
        ({"as_of": "1800-01-01"}, "as_of", True),
        ({"battlegroups": "all"}, "battlegroups", False),
        ({"battlegroups": [{"ref": "bg_nope"}]}, "bg_nope", True),
        ({"battlegroups": [{"ref": "bg_est"}, {"ref": "bg_est"}]}, "duplicate", True),
        ({"battlegroups": [{"host": "ROU", "id": "x"}]}, "source", False),
        ({"battlegroups": [{"ref": "bg_est", "status": "invaded"}]}, "invaded", False),
        ({"kind": "fantasy"}, "fantasy", False),
        ({"layers": ["members", "tanks"]}, "layers", False),
        ({"colour": "red"}, "colour", False),
        ({"title": ""}, "title", False),
    ],
)
def test_bad_scenario_names_the_key(change, named, needs_facts):
    raw = {**GOOD, **change}
    with pytest.raises(ScenarioError, match=r"upload\.yaml") as err:
        parse_scenario(raw, "upload.yaml", known_refs=frozenset({"bg_est"}))
    assert named in str(err.value)
    # The schema checks the shape, and only the shape: each rule lives in one place.
    schema_errors = list(Draft202012Validator(scenario_schema()).iter_errors(raw))
    assert (schema_errors == []) == needs_facts


def test_missing_key_is_named():
    raw = {k: v for k, v in GOOD.items() if k != "as_of"}
    with pytest.raises(ScenarioError, match=r"missing key.*as_of"):
        parse_scenario(raw, "upload.yaml")


def test_invalid_yaml_names_line():
    with pytest.raises(ScenarioError, match=r"upload.yaml: invalid YAML at line 2"):
        read_scenario_text("id: x\n\ttitle: tab\n", "upload.yaml")


def test_oversized_file_refused():
    with pytest.raises(ScenarioError, match="1 MB"):
        read_scenario_text("#" * 1_100_000, "big.yaml")


def test_good_scenario_parses():
    scenario = parse_scenario(GOOD, "upload.yaml", known_refs=frozenset({"bg_est"}))
    assert scenario.as_of == dt.date(2022, 2, 23)


def test_broken_shipped_file_is_named(data_copy):
    (data_copy / "scenarios" / "efp-2017.yaml").write_text("id: efp-2017\ntitle: x\n")
    with pytest.raises(ScenarioError, match=r"scenarios/efp-2017.yaml: missing key"):
        load_presets()


def test_unknown_scenario_lists_known():
    with pytest.raises(ScenarioError, match="unknown scenario 'nope'; choose one of: "):
        get_scenario("nope")


def test_moldova_tooltip_marks_transnistria(scenes):
    countries = scenes["proposal-2022"].countries.set_index("iso3")
    assert "Transnistria" in countries.loc["MDA", "note"]
    assert countries.loc["MDA", "category"] == "partner"


def test_proposed_groups_have_no_base_yet(scenes):
    bgs = scenes["proposal-2022"].battlegroups.set_index("host_iso3")
    rou = bgs.loc["ROU"]
    assert rou["location"] == "host_point"
    assert rou["base"].startswith("none yet (later: Cincu")
    assert bgs.loc["EST", "base"] == "Tapa"
    assert scenes["outcome-2022"].battlegroups.set_index("host_iso3").loc["ROU", "location"] == (
        "base"
    )


def test_each_source_url_is_listed_once(scenes):
    for scene in scenes.values():
        for source in scene.battlegroups["source"]:
            urls = source.split(" | ")
            assert len(urls) == len(set(urls)), source


def test_no_layers_means_none_not_the_defaults():
    scene = build_scene(get_scenario("proposal-2022"), layers=())
    assert scene.layers == ()
    assert scene.battlegroups.empty
    assert set(scene.countries["category"]) == {"other"}
    assert scene.metrics.battlegroups == 8  # the metrics do not depend on what is drawn
