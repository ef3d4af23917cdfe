"""Editing a scenario on screen: toggle, change or add battle groups, save as one's own.

Every edit returns a new scenario checked as a file would be; the input never changes.
"""

import dataclasses

import pytest
from conftest import scenario_doc

from geo.errors import ScenarioError
from layers.scenario.scenario_io import (
    USER_SOURCE,
    as_custom,
    scenario_to_yaml,
    with_battlegroup_changed,
    with_battlegroup_toggled,
    with_hypothetical_battlegroup,
)
from layers.scenario.scenarios import get_scenario, parse_scenario, read_scenario_text


def test_toggle_off_and_on_restores_the_preset():
    preset = get_scenario("proposal-2022")
    without = with_battlegroup_toggled(preset, "bg_svk", on=False)
    assert "bg_svk" not in {e.id for e in without.battlegroups}
    assert without.kind == "hypothetical"
    assert preset.kind == "proposal"  # the input is never changed
    again = with_battlegroup_toggled(without, "bg_svk", on=True)
    assert again == preset
    assert again.kind == "proposal"


def test_toggle_adds_a_sourced_group_in_fact_order():
    s = with_battlegroup_toggled(get_scenario("efp-2017"), "bg_rou", on=True)
    assert [e.ref for e in s.battlegroups] == ["bg_est", "bg_lva", "bg_ltu", "bg_pol", "bg_rou"]


def test_toggle_without_change_is_an_equal_copy():
    preset = get_scenario("efp-2017")
    same = with_battlegroup_toggled(preset, "bg_est", on=True)
    assert same == preset
    assert same is not preset
    assert with_battlegroup_toggled(preset, "bg_rou", on=False) == preset


def test_toggle_on_an_unknown_group_names_the_known():
    with pytest.raises(ScenarioError, match=r"'bg_nope'.*bg_est"):
        with_battlegroup_toggled(get_scenario("efp-2017"), "bg_nope", on=True)


def test_change_status_and_framework():
    s = with_battlegroup_changed(
        get_scenario("proposal-2022"), "bg_hun", status="established", framework="hun"
    )
    entry = next(e for e in s.battlegroups if e.id == "bg_hun")
    assert (entry.status, entry.framework) == ("established", "HUN")
    assert s.kind == "hypothetical"


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"status": "invaded"}, "invaded"),
        ({"framework": "UKR"}, "UKR is not a NATO member"),
        ({"framework": "SWE"}, "SWE is not a NATO member on 2022-02-23"),
    ],
)
def test_change_refuses_bad_values(kwargs, named):
    with pytest.raises(ScenarioError, match=named):
        with_battlegroup_changed(get_scenario("proposal-2022"), "bg_hun", **kwargs)


def test_change_a_group_not_in_the_scenario():
    with pytest.raises(ScenarioError, match=r"'bg_rou' is not in scenario 'efp-2017'.*bg_est"):
        with_battlegroup_changed(get_scenario("efp-2017"), "bg_rou", status="proposed")


def test_scenario_only_group_stays_hypothetical():
    s = get_scenario("fallback-romania")
    changed = with_battlegroup_changed(s, "fallback_rou", framework="DEU")
    assert changed.battlegroups[-1].framework == "DEU"
    with pytest.raises(ScenarioError, match="always 'hypothetical'"):
        with_battlegroup_changed(s, "fallback_rou", status="established")


def test_add_hypothetical_group():
    s = with_hypothetical_battlegroup(
        get_scenario("proposal-2022"), "pol", "GBR;USA", troops=1200, note="second group"
    )
    entry = s.battlegroups[-1]
    assert entry.id == "custom_pol_1"
    assert entry.host == "POL"
    assert entry.framework == "GBR;USA"
    assert entry.status == "hypothetical"
    assert entry.source == USER_SOURCE
    assert entry.troops_approx == 1200
    assert s.kind == "hypothetical"
    twice = with_hypothetical_battlegroup(s, "POL", None)
    assert twice.battlegroups[-1].id == "custom_pol_2"
    assert twice.battlegroups[-1].framework is None


@pytest.mark.parametrize(
    ("host", "as_of", "named"),
    [
        ("UKR", "2022-02-23", "UKR is not a NATO member on 2022-02-23"),
        ("FIN", "2022-02-23", "FIN is not a NATO member on 2022-02-23"),
        ("XYZ", "2022-02-23", "unknown ISO code 'XYZ'"),
    ],
)
def test_add_refuses_a_host_outside_the_alliance(host, as_of, named):
    base = parse_scenario(scenario_doc(as_of=as_of), "u.yaml")
    with pytest.raises(ScenarioError, match=named):
        with_hypothetical_battlegroup(base, host, "FRA")


def test_add_refuses_bad_troops():
    with pytest.raises(ScenarioError, match="whole number"):
        with_hypothetical_battlegroup(get_scenario("latest"), "FIN", "FIN", troops=0)


def test_as_custom_marks_an_edited_preset_hypothetical():
    edited = with_battlegroup_toggled(get_scenario("latest"), "bg_hun", on=False)
    mine = as_custom(edited, "latest-without-hungary", "Latest, without Hungary")
    assert (mine.id, mine.title, mine.kind) == (
        "latest-without-hungary",
        "Latest, without Hungary",
        "hypothetical",
    )
    assert mine.description.startswith("HYPOTHETICAL. Edited from 'latest'")
    assert read_scenario_text(scenario_to_yaml(mine), "mine.yaml") == mine


def test_as_custom_of_an_unedited_preset_keeps_its_kind():
    mine = as_custom(get_scenario("efp-2017"), "my-efp", "My eFP")
    assert mine.kind == "historical"
    assert mine.description == get_scenario("efp-2017").description
    assert dataclasses.replace(mine, id="efp-2017", title=get_scenario("efp-2017").title) == (
        get_scenario("efp-2017")
    )


@pytest.mark.parametrize(
    ("new_id", "title", "named"),
    [
        ("latest", "Mine", "shipped scenario"),
        ("my id!", "Mine", "letters, digits"),
        ("mine", "", "title"),
    ],
)
def test_as_custom_refuses_bad_ids_and_titles(new_id, title, named):
    with pytest.raises(ScenarioError, match=named):
        as_custom(get_scenario("efp-2017"), new_id, title)


def test_toggle_brings_back_a_presets_own_group():
    preset = get_scenario("fallback-romania")
    without = with_battlegroup_toggled(preset, "fallback_rou", on=False)
    assert len(without.battlegroups) == 4
    assert with_battlegroup_toggled(without, "fallback_rou", on=True) == preset
    with pytest.raises(ScenarioError, match="fallback_rou"):
        with_battlegroup_toggled(get_scenario("efp-2017"), "fallback_rou", on=True)
