"""``flankmap diff``, ``flankmap scenarios show`` and ``flankmap export --scenario-file``."""

import json
from pathlib import Path

import geopandas as gpd
import pytest
import yaml
from conftest import assert_one_line_error, files_in

from layers.scenario.scenario_io import scenario_to_yaml, with_hypothetical_battlegroup
from layers.scenario.scenarios import get_scenario, load_presets, read_scenario_text

# --- diff ------------------------------------------------------------------------------------


def test_diff_text(run_cli):
    status, out, err = run_cli(["diff", "efp-2017", "proposal-2022"])
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "efp-2017 (2017-12-31) → proposal-2022 (2022-02-23)"
    assert "Battle groups: 4 → 8" in lines
    assert sum(line.startswith("  + bg_") for line in lines) == 4
    assert "Host countries: + BGR, HUN, ROU, SVK" in lines
    assert "NATO members: + MKD" in lines


def test_diff_json(run_cli):
    status, out, err = run_cli(["diff", "outcome-2022", "latest", "--format", "json"])
    assert (status, err) == (0, "")
    data = json.loads(out)
    assert data["scenario_before"] == "outcome-2022"
    assert data["scenario_after"] == "latest"
    assert data["members_added"] == ["FIN", "SWE"]
    frameworks = {c["id"]: (c["before"], c["after"]) for c in data["changed"]}
    assert frameworks["bg_svk"] == ("CZE", "ESP")


def test_diff_of_a_scenario_with_itself_is_empty(run_cli):
    status, out, _ = run_cli(["diff", "latest", "latest", "--format", "json"])
    assert status == 0
    assert json.loads(out)["is_empty"] is True


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["diff", "nope", "latest"], "'nope'"),
        (["diff", "latest", "nope"], "'nope'"),
        (["diff", "latest"], "B"),
        (["diff", "latest", "efp-2017", "--format", "xml"], "'xml'"),
    ],
)
def test_diff_bad_arguments_are_one_line_and_exit_2(run_cli, argv, named):
    status, out, err = run_cli(argv)
    assert_one_line_error(status, out, err)
    assert named in err


def test_bad_id_names_the_known_ones(run_cli):
    _, _, err = run_cli(["diff", "nope", "latest"])
    assert "choose one of: proposal-2022" in err


# --- scenarios -------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario_id", list(load_presets()))
def test_scenarios_show_yaml_round_trips(run_cli, scenario_id):
    status, out, err = run_cli(["scenarios", "show", scenario_id, "--format", "yaml"])
    assert (status, err) == (0, "")
    assert read_scenario_text(out, "shown.yaml") == get_scenario(scenario_id)


def test_scenarios_show_defaults_to_yaml_and_offers_json(run_cli):
    _, default, _ = run_cli(["scenarios", "show", "efp-2017"])
    assert yaml.safe_load(default)["id"] == "efp-2017"
    status, out, _ = run_cli(["scenarios", "show", "efp-2017", "--format", "json"])
    assert status == 0
    assert json.loads(out)["as_of"] == "2017-12-31"


def test_scenarios_show_unknown_id(run_cli):
    status, out, err = run_cli(["scenarios", "show", "nope"])
    assert_one_line_error(status, out, err)
    assert "'nope'" in err


def test_scenarios_list_is_unchanged(run_cli):
    status, out, _ = run_cli(["scenarios"])
    assert status == 0
    assert out.splitlines()[0].split()[0] == "proposal-2022"
    assert len(out.splitlines()) == len(load_presets())
    status, out, _ = run_cli(["scenarios", "--format", "json"])
    assert status == 0
    assert [row["id"] for row in json.loads(out)] == list(load_presets())
    assert set(json.loads(out)[0]) == {"id", "title", "as_of", "kind"}


# --- export --scenario-file ------------------------------------------------------------------


def test_export_a_scenario_file(tmp_path, run_cli):
    mine = with_hypothetical_battlegroup(get_scenario("latest"), "FIN", "SWE", troops=1000)
    source = tmp_path / "mine.yaml"
    source.write_text(scenario_to_yaml(mine), encoding="utf-8")
    target = tmp_path / "out.geojson"
    status, out, err = run_cli(
        ["export", "--scenario-file", str(source), "--format", "geojson", "--out", str(target)]
    )
    assert (status, err) == (0, "")
    assert out.strip() == str(target)
    frame = gpd.read_file(target)
    bgs = frame[frame["layer"] == "battlegroup"]
    assert len(bgs) == 9
    assert "custom_fin_1" in set(bgs["id"])


def test_export_a_scenario_file_into_a_folder_names_it_by_id(tmp_path, run_cli):
    source = tmp_path / "mine.yaml"
    text = scenario_to_yaml(get_scenario("efp-2017")).replace("id: efp-2017", "id: my-efp", 1)
    source.write_text(text, encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    status, out, _ = run_cli(
        ["export", "--scenario-file", str(source), "--format", "geojson", "--out", str(out_dir)]
    )
    assert status == 0
    assert Path(out.strip()).name.startswith("flankmap_my-efp_2017-12-31")


def test_export_refuses_a_missing_file(tmp_path, run_cli):
    argv = ["export", "--scenario-file", str(tmp_path / "none.yaml"), "--format", "png"]
    status, out, err = run_cli([*argv, "--out", str(tmp_path)])
    assert_one_line_error(status, out, err)
    assert "no such file" in err
    assert files_in(tmp_path) == []


@pytest.mark.parametrize(
    "extra",
    [["--scenario", "efp-2017"], ["--all"]],
    ids=["with --scenario", "with --all"],
)
def test_scenario_file_excludes_the_other_choices(tmp_path, run_cli, extra):
    source = tmp_path / "mine.yaml"
    source.write_text(scenario_to_yaml(get_scenario("efp-2017")), encoding="utf-8")
    argv = ["export", "--scenario-file", str(source), *extra, "--format", "png"]
    status, out, err = run_cli([*argv, "--out", str(tmp_path / "x.png")])
    assert_one_line_error(status, out, err)
    assert "not allowed with argument" in err
    assert files_in(tmp_path) == ["mine.yaml"]


def test_scenario_file_needs_a_format(tmp_path, run_cli):
    source = tmp_path / "mine.yaml"
    source.write_text(scenario_to_yaml(get_scenario("efp-2017")), encoding="utf-8")
    argv = ["export", "--scenario-file", str(source), "--out", str(tmp_path / "x.png")]
    status, out, err = run_cli(argv)
    assert_one_line_error(status, out, err)
    assert "--format is required with --scenario-file" in err
