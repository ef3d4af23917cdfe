"""Issue 15: who contributes on the date, date-true text, the whole frontier, other allies."""

import datetime as dt
import json
import re

import pyogrio
import pytest

from layers.facts.statements import note_on
from layers.scenario.diff import diff_scenarios
from layers.scenario.metrics import frontier_text
from layers.scenario.scenarios import get_scenario, load_presets
from layers.scenario.scene import build_scene
from layers.thematic.contributors import contributor_matrix, contributor_records, rosters
from render.export import write_export
from render.export_vector import to_geojson
from render.folium_map import scene_features
from render.legend import legend_html

_URL = re.compile(r"https?://\S+")
_DATE = re.compile(r"(?<![\d,.])((?:19|20)\d{2})(?:-(\d{2})(?:-(\d{2}))?)?(?![\d,])")


def _dates_named(text: str) -> list[dt.date]:
    """Every date or year a text names (URLs left out: they are sources)."""
    found = []
    for year, month, day in _DATE.findall(_URL.sub("", text)):
        found.append(dt.date(int(year), int(month or 1), int(day or 1)))
    return found


def _scene(scenario_id: str):
    return build_scene(get_scenario(scenario_id))


def _features(scene) -> list[dict]:
    return json.loads(to_geojson(scene))["features"]


# --- contributors ----------------------------------------------------------------------------


@pytest.mark.parametrize("scenario_id", ["efp-2017", "proposal-2022"])
def test_exports_carry_contributors_of_every_group_with_a_roster(scenario_id, tmp_path):
    scene = _scene(scenario_id)
    expected = {r.host_iso3: r for r in rosters(scene.as_of).values() if r.contributors}
    groups = [
        f["properties"] for f in _features(scene) if f["properties"]["layer"] == "battlegroup"
    ]
    assert {g["iso3"] for g in groups} >= set(expected)
    for group in groups:
        roster = expected.get(group["iso3"])
        if roster is None:
            assert group["contributors"] == ""
            assert group["contributors_scope"] == "none"
            continue
        assert group["contributors"].split(";") == list(roster.contributors)
        assert group["contributors_as_of"] in (roster.as_of, roster.as_of_text)
        assert group["contributors_source"].startswith("http")
    table = pyogrio.read_dataframe(
        write_export(scene, "gpkg", tmp_path / "view.gpkg"), layer="battlegroup"
    )
    by_host = dict(zip(table["iso3"], table["contributors"], strict=True))
    assert all(by_host[h] == ";".join(r.contributors) for h, r in expected.items())


def test_efp_2017_lists_the_sourced_nations():
    scene = _scene("efp-2017")
    groups = scene.battlegroups.set_index("host_iso3")
    assert groups.at["EST", "contributors"] == "FRA"  # NATO, 2017-08-28
    assert set(groups.at["LTU", "contributors"].split(";")) == {"BEL", "LUX", "NLD", "NOR"}
    assert "HRV" in groups.at["POL", "contributors"].split(";")  # from the 2nd rotation (Oct 2017)


def test_exports_carry_per_nation_troops_where_the_source_gives_them():
    groups = {
        f["properties"]["iso3"]: f["properties"]
        for f in _features(_scene("outcome-2022"))
        if f["properties"]["layer"] == "battlegroup"
    }
    slovakia = groups["SVK"]
    assert slovakia["contributors_scope"] == "planned"
    assert "DEU=700" in slovakia["contributors_troops"].split(";")


def test_tooltip_names_the_contributing_nations():
    layer = scene_features(_scene("efp-2017"))["battlegroups"]
    estonia = next(f for f in layer["features"] if f["properties"]["host"] == "Estonia")
    assert "France (FRA)" in estonia["properties"]["contributors_text"]
    assert "as of 2017-08-28" in estonia["properties"]["contributors_text"]


def test_contributors_cli_json_lists_the_eight_groups(run_cli):
    status, out, err = run_cli(["contributors", "--as-of", "2022-02-23", "--format", "json"])
    assert (status, err) == (0, "")
    records = json.loads(out)
    assert [r["host"] for r in records] == ["EST", "LVA", "LTU", "POL", "ROU", "BGR", "SVK", "HUN"]
    for r in records:
        assert {"host", "framework", "contributors", "as_of", "complete", "source"} <= set(r)
        assert r["host"] not in r["contributors"]
    existing, proposed = records[:4], records[4:]
    assert all(r["contributors"] and r["source"].startswith("http") for r in existing)
    assert {r["framework"] for r in existing} == {"GBR", "CAN", "DEU", "USA"}
    # nothing was pledged to the four proposed groups by 2022-02-23: empty and marked so
    for r in proposed:
        assert (r["contributors"], r["as_of"], r["complete"], r["scope"]) == (
            [],
            None,
            False,
            "none",
        )
    assert records[4]["framework"] == "FRA"  # France had offered to lead in Romania


def test_contributors_never_come_from_a_later_roster():
    for day in ("2017-06-30", "2022-02-23", "2022-06-28", "2024-07-01"):
        for r in contributor_records(day):
            if r["as_of"]:
                start = r["as_of"].split("/")[0]
                assert start <= day, (day, r)


def test_planned_pledges_are_not_called_complete(run_cli):
    status, out, _ = run_cli(["contributors", "--as-of", "2022-06-28", "--format", "json"])
    slovakia = next(r for r in json.loads(out) if r["host"] == "SVK")
    assert status == 0
    assert (slovakia["scope"], slovakia["complete"]) == ("planned", False)
    assert slovakia["troops"]["DEU"] == 700


def test_contributors_cli_csv_and_text(run_cli):
    status, out, _ = run_cli(["contributors", "--as-of", "2017-12-31", "--format", "csv"])
    assert status == 0
    header, *rows = out.splitlines()
    assert header.startswith("id,host,framework,contributors")
    assert len(rows) == 8
    status, out, _ = run_cli(["contributors", "--as-of", "2017-12-31"])
    assert status == 0
    assert "bg_est  EST (framework GBR): FRA" in out


def test_contributors_cli_bad_date_is_one_line(run_cli):
    status, out, err = run_cli(["contributors", "--as-of", "2017-13-01"])
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_who_contributes_where_matrix():
    matrix = contributor_matrix("2017-12-31")
    assert list(matrix.columns) == ["EST", "LVA", "LTU", "POL"]
    assert matrix.at["France (FRA)", "EST"] == "✓"
    assert matrix.at["France (FRA)", "LVA"] == ""
    planned = contributor_matrix("2022-06-28")
    assert planned.at["Germany (DEU)", "SVK"] == "planned (700)"


# --- date-true text ---------------------------------------------------------------------------


def _view_texts(scene) -> list[str]:
    """What a reader sees of a view, outside source fields: features, legend, metrics, notes."""
    scenario = scene.scenario
    texts = [scenario.title, scenario.description, str(legend_html(scene)), *scene.notes]
    texts.append(frontier_text(scene.metrics))
    for feature in _features(scene):
        for key, value in feature["properties"].items():
            if "source" in key or key in ("coord_source",) or not isinstance(value, str):
                continue
            texts.append(value)
    for spec in scene_features(scene).values():
        for feature in spec["features"]:
            texts += [v for k, v in feature["properties"].items() if "source" not in k]
    return texts


def test_no_text_of_the_2017_view_names_a_later_date():
    scene = _scene("efp-2017")
    late = [
        (text[:120], day)
        for text in _view_texts(scene)
        for day in _dates_named(text)
        if day > dt.date(2017, 12, 31)
    ]
    assert late == []


@pytest.mark.parametrize("scenario_id", list(load_presets()))
def test_no_view_names_a_date_after_its_own(scenario_id):
    scene = _scene(scenario_id)
    texts = _view_texts(scene)
    for table in (scene.reinforcements_table, scene.buildup_estimates):
        for column in table.columns:
            if "source" not in column:
                texts += [v for v in table[column] if isinstance(v, str)]
    late = [(t[:120], d) for t in texts for d in _dates_named(t) if d > scene.as_of]
    assert late == []


def test_a_note_loses_the_clauses_about_later_days():
    from layers.thematic.context import reinforcements_table

    before = reinforcements_table("2022-02-23").set_index("id").at["us_f16_fetesti", "notes"]
    after = reinforcements_table("2022-06-28").set_index("id").at["us_f16_fetesti", "notes"]
    assert "2022-04-29" not in before
    assert before.startswith("Arrived 2022-02-11")
    assert "2022-04-29" in after


def test_2017_tooltips_of_ukraine_belarus_moldova_keep_to_their_date():
    notes = _scene("efp-2017").countries.set_index("iso3")["note"]
    assert "2022" not in notes["UKR"]
    assert "Crimea" in notes["UKR"]
    assert "2022-03-24" not in notes["BLR"]
    assert "2025" not in notes["MDA"]
    assert "Factbook" in notes["MDA"]
    later = _scene("latest").countries.set_index("iso3")["note"]
    assert "2022-02-24" in later["UKR"]
    assert "2022-03-24" in later["BLR"]
    assert "2025" in later["MDA"]


@pytest.mark.parametrize("day", ["2017-12-31", "2022-02-23", "2023-04-03"])
def test_no_view_before_finland_joined_calls_it_a_member(day):
    note, _ = note_on("RUS", day)
    assert "Finland" not in note
    assert "Norway" in note
    for scenario in load_presets().values():
        if scenario.as_of < dt.date(2023, 4, 4):
            texts = " ".join(_scene(scenario.id).countries["note"])
            assert "Finland" not in texts, scenario.id


def test_finland_is_named_a_member_from_its_accession():
    note, source = note_on("RUS", "2023-04-04")
    assert "Finland (1,309)" in note
    assert "Sweden" not in note  # Sweden has no land border with Russia
    assert source.startswith("http")


# --- the whole frontier ----------------------------------------------------------------------


def test_diff_json_reports_covered_frontier_with_ukraine_growing(run_cli):
    status, out, err = run_cli(["diff", "efp-2017", "proposal-2022", "--format", "json"])
    assert (status, err) == (0, "")
    d = json.loads(out)
    before, after = d["covered_frontier_before"], d["covered_frontier_after"]
    assert set(before) == set(after) == {"RUS", "BLR", "UKR"}
    assert after["UKR"]["covered_km"] > before["UKR"]["covered_km"] > 0
    assert after["UKR"]["covered_km"] <= after["UKR"]["km"]
    assert after["RUS"] == before["RUS"]
    assert after["BLR"] == before["BLR"]
    # the keys of before stay, with the Russia and Belarus total they always had
    assert d["covered_km_before"] == pytest.approx(
        before["RUS"]["covered_km"] + before["BLR"]["covered_km"], abs=0.2
    )


def test_diff_text_shows_the_ukraine_frontier():
    from layers.scenario.diff import diff_text

    text = diff_text(diff_scenarios(get_scenario("efp-2017"), get_scenario("proposal-2022")))
    line = next(x for x in text.splitlines() if "with UKR" in x)
    assert "→" in line


def test_metric_line_names_each_neighbour():
    text = frontier_text(_scene("proposal-2022").metrics)
    assert all(name in text for name in ("Russia", "Belarus", "Ukraine"))


# --- other allies and the planning step ------------------------------------------------------


def test_other_allies_and_the_planning_step_are_dated_context():
    from layers.thematic.context import reinforcements, reinforcements_table

    table = reinforcements_table("2022-02-23").set_index("id")
    assert {"dnk_f16_ltu", "esp_eurofighters_bgr", "nld_f35_bgr", "nato_dm_planning"} <= set(
        table.index
    )
    assert table.at["nato_dm_planning", "kind"] == "planning"
    added = ["dnk_frigate_baltic", "dnk_f16_ltu", "esp_ships", "esp_eurofighters_bgr"]
    for row in table.loc[[*added, "nld_f35_bgr", "nato_dm_planning"]].itertuples():
        assert '"' in row.notes  # each quotes its source
        assert row.source_url.startswith("http")
    assert "nato_dm_planning" not in set(reinforcements_table("2022-02-15")["id"])
    assert "dnk_f16_ltu" not in set(reinforcements_table("2022-01-23")["id"])
    plotted = reinforcements("2022-02-23").set_index("id")
    assert not set(plotted.index) & {"esp_eurofighters_bgr", "nato_dm_planning", "nld_f35_bgr"}
    siauliai = plotted.loc["dnk_f16_ltu"]  # a sourced coordinate: the air base
    assert siauliai.geometry.y == pytest.approx(55.894, abs=1e-3)
    assert "Šiauliai" in siauliai["coord_source"]


def test_the_2022_view_names_no_later_date_in_its_rosters():
    scene = _scene("proposal-2022")
    for text in scene.battlegroups["contributors_text"]:
        assert all(day <= scene.as_of for day in _dates_named(text)), text
    poland = scene.battlegroups.set_index("host_iso3").at["POL", "contributors_text"]
    assert "as of 2020-11 or later" in poland  # a NATO page version dated 2020-11/2022-07
