"""Share links: parse_view is pure, never raises, and names every bad value it replaces."""

import datetime as dt

import pytest

from layers.scenario.scenarios import DEFAULT_SCENARIO, LAYER_IDS, load_presets
from layers.scenario.view import View, parse_layers, parse_view, view_to_params

IDS = ["efp-2017", "proposal-2022", "latest"]


def test_empty_params_give_the_default_view():
    view, problems = parse_view({}, IDS)
    assert view == View(scenario=DEFAULT_SCENARIO)
    assert problems == []


def test_a_full_link_is_read_back():
    view, problems = parse_view(
        {"scenario": "efp-2017", "as_of": "2018-05-01", "layers": "members,battlegroups"}, IDS
    )
    assert problems == []
    assert view.scenario == "efp-2017"
    assert view.as_of == dt.date(2018, 5, 1)
    assert view.layers == ("members", "battlegroups")


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"scenario": "<script>alert(1)</script>"}, "<script>alert(1)</script>"),
        ({"as_of": "99999-99-99"}, "99999-99-99"),
        ({"as_of": "2022-02-30"}, "2022-02-30"),
        ({"as_of": "1900-01-01"}, "1900-01-01"),
        ({"as_of": "2999-01-01"}, "2999-01-01"),
        ({"layers": ";;"}, ";;"),
        ({"layers": "members,tanks"}, "tanks"),
        ({"basemap": "google"}, "google"),
    ],
)
def test_bad_values_fall_back_with_a_warning_naming_them(params, named):
    view, problems = parse_view(params, IDS)
    assert problems, "a bad value must be reported"
    assert any(named in p for p in problems)
    assert view.scenario in IDS


def test_garbage_link_from_the_issue_gives_the_default_view():
    view, problems = parse_view(
        {"scenario": "<script>alert(1)</script>", "as_of": "99999-99-99", "layers": ";;"}, IDS
    )
    assert view.scenario == DEFAULT_SCENARIO
    assert view.as_of is None
    assert view.layers is None
    assert len(problems) >= 3


def test_known_layers_survive_beside_unknown_ones():
    view, problems = parse_view({"layers": "members,tanks,labels"}, IDS)
    assert view.layers == ("members", "labels")
    assert len(problems) == 1


def test_an_empty_layer_list_means_no_layers():
    view, problems = parse_view({"layers": ""}, IDS)
    assert view.layers == ()
    assert problems == []


def test_lists_from_repeated_params_take_the_last_value():
    view, _ = parse_view({"scenario": ["efp-2017", "latest"]}, IDS)
    assert view.scenario == "latest"


def test_parse_layers_dedupes():
    assert parse_layers("members,members, labels") == (("members", "labels"), [])


@pytest.mark.parametrize("scenario_id", list(load_presets()))
def test_share_link_round_trip(scenario_id):
    scenario = load_presets()[scenario_id]
    view = View(scenario=scenario_id, as_of=dt.date(2020, 1, 1), layers=LAYER_IDS[:3])
    params = view_to_params(view, scenario)
    back, problems = parse_view(params, list(load_presets()))
    assert problems == []
    assert back.resolved(scenario) == view.resolved(scenario)


def test_compare_is_read_and_written():
    view, problems = parse_view({"scenario": "efp-2017", "compare": "latest"}, IDS)
    assert (view.compare, problems) == ("latest", [])
    scenario = load_presets()["efp-2017"]
    assert view_to_params(view, scenario)["compare"] == "latest"


def test_unknown_compare_turns_compare_off_with_a_warning():
    view, problems = parse_view({"compare": "<b>x</b>"}, IDS)
    assert view.compare is None
    assert "<b>x</b>" in problems[0]
