"""Comparing two scenarios: what a reader would see change, and nothing else."""

import datetime as dt
import json

import pytest

from layers.scenario.diff import diff_scenarios, diff_scenes, diff_text
from layers.scenario.scenario_io import with_hypothetical_battlegroup
from layers.scenario.scenarios import get_scenario, load_presets
from layers.scenario.scene import build_scene


@pytest.fixture(scope="module")
def scenes():
    return {sid: build_scene(get_scenario(sid)) for sid in load_presets()}


def _changes(d):
    return {(c.id, c.field): (c.before, c.after) for c in d.changed}


@pytest.mark.parametrize("scenario_id", list(load_presets()))
def test_identical_scenarios_give_an_empty_diff(scenes, scenario_id):
    d = diff_scenes(scenes[scenario_id], scenes[scenario_id])
    assert d.is_empty
    assert d.as_dict()["is_empty"] is True
    assert "No difference" in diff_text(d)


def test_efp_2017_to_proposal_2022(scenes):
    d = diff_scenes(scenes["efp-2017"], scenes["proposal-2022"])
    assert not d.is_empty
    assert [bg.host_iso3 for bg in d.added] == ["ROU", "BGR", "SVK", "HUN"]
    assert [bg.id for bg in d.added] == ["bg_rou", "bg_bgr", "bg_svk", "bg_hun"]
    assert {bg.status for bg in d.added} == {"proposed", "considered"}
    assert d.removed == ()
    # the existing groups' sourced strengths of 2017 and of February 2022
    assert _changes(d) == {
        ("bg_est", "troops"): (1000, 1200),
        ("bg_lva", "troops"): (1138, 1400),
    }
    assert d.hosts_added == ("BGR", "HUN", "ROU", "SVK")
    assert d.hosts_removed == ()
    assert d.members_added == ("MKD",)  # joined 2020-03-27; MNE (2017-06-05) was in already
    assert d.members_removed == ()
    assert (d.battlegroups_before, d.battlegroups_after) == (4, 8)
    # existing groups only: the proposals' planned sizes are not added to their strength
    assert (d.troops_before, d.troops_after) == (4608, 5070)
    assert (d.as_of_before, d.as_of_after) == (dt.date(2017, 12, 31), dt.date(2022, 2, 23))
    assert d.covered_km_before == d.covered_km_after > 0  # the new hosts border neither state


def test_outcome_2022_to_latest(scenes):
    d = diff_scenes(scenes["outcome-2022"], scenes["latest"])
    assert d.added == d.removed == ()
    changes = _changes(d)
    assert changes[("bg_bgr", "framework")] == ("BGR", "ITA")
    assert changes[("bg_svk", "framework")] == ("CZE", "ESP")
    assert changes[("bg_lva", "status")] == ("established", "brigade")
    assert ("bg_ltu", "status") not in changes  # Panzerbrigade 45 is another formation
    assert changes[("bg_ltu", "troops")] == (1632, 1600)
    assert changes[("bg_lva", "troops")] == (1887, 3500)
    assert ("bg_rou", "framework") not in changes
    assert d.members_added == ("FIN", "SWE")
    assert d.hosts_added == d.hosts_removed == ()
    assert d.frontier_km_after > d.frontier_km_before + 800  # Finland's border with Russia
    assert (d.troops_before, d.troops_after) == (9641, 11222)


def test_proposal_to_hesitation_removes_slovakia_and_hungary(scenes):
    d = diff_scenes(scenes["proposal-2022"], scenes["hesitation-2022"])
    assert [bg.id for bg in d.removed] == ["bg_svk", "bg_hun"]
    assert d.hosts_removed == ("HUN", "SVK")
    assert d.added == d.changed == ()
    assert d.members_added == d.members_removed == ()


def test_direction_matters(scenes):
    forward = diff_scenes(scenes["efp-2017"], scenes["proposal-2022"])
    back = diff_scenes(scenes["proposal-2022"], scenes["efp-2017"])
    assert [bg.id for bg in back.removed] == [bg.id for bg in forward.added]
    assert back.members_removed == forward.members_added
    assert back.hosts_removed == forward.hosts_added


def test_a_scene_without_the_battle_group_layer_is_compared_in_full(scenes):
    latest = get_scenario("latest")
    hidden = build_scene(latest, layers=("members",))
    assert hidden.battlegroups.empty
    assert diff_scenes(hidden, scenes["latest"]).is_empty


def test_same_scenario_on_two_dates():
    latest = get_scenario("latest")
    d = diff_scenarios(latest, latest, as_of_a=dt.date(2022, 6, 28))
    assert d.as_of_before == dt.date(2022, 6, 28)
    assert _changes(d)[("bg_bgr", "framework")] == ("BGR", "ITA")
    assert d.members_added == ("FIN", "SWE")


def test_a_hypothetical_group_is_added(scenes):
    mine = with_hypothetical_battlegroup(get_scenario("latest"), "FIN", "SWE", troops=1000)
    d = diff_scenes(scenes["latest"], build_scene(mine))
    (bg,) = d.added
    assert (bg.id, bg.host_iso3, bg.framework_iso3, bg.status, bg.troops_approx) == (
        "custom_fin_1",
        "FIN",
        "SWE",
        "hypothetical",
        1000,
    )
    assert d.hosts_added == ("FIN",)
    assert d.covered_km_after > d.covered_km_before + 1000


def test_as_dict_is_json(scenes):
    d = diff_scenes(scenes["outcome-2022"], scenes["latest"])
    data = json.loads(json.dumps(d.as_dict()))
    assert data["as_of_before"] == "2022-06-28"
    assert data["members_added"] == ["FIN", "SWE"]
    assert {"id": "bg_bgr", "host_iso3": "BGR", "host": "Bulgaria", "field": "framework"} | {
        "before": "BGR",
        "after": "ITA",
    } in data["changed"]
    assert data["is_empty"] is False


def test_text_names_every_change(scenes):
    text = diff_text(diff_scenes(scenes["outcome-2022"], scenes["latest"]))
    lines = text.splitlines()
    assert lines[0] == "outcome-2022 (2022-06-28) → latest (2026-11-28)"
    assert "  ~ bg_bgr  Bulgaria (BGR): framework BGR → ITA" in lines
    assert (
        "  ~ bg_lva  Latvia (LVA): status Existing: established → Existing: upgraded to brigade"
        in lines
    )
    assert "NATO members: + FIN, SWE" in lines
    assert "Host countries: unchanged" in lines
    text = diff_text(diff_scenes(scenes["efp-2017"], scenes["proposal-2022"]))
    assert "  + bg_rou  Romania (ROU), framework FRA, PROPOSED, about 1,000 troops" in text
    assert "Host countries: + BGR, HUN, ROU, SVK" in text
