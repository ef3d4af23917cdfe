"""Troops through time: each battle group's sourced strength on a date, never added to unlike."""

import datetime as dt

import pandas as pd
import pytest
from conftest import edit_csv

from layers.facts.tables import load_table
from layers.scenario.scenarios import get_scenario
from layers.scenario.scene import build_scene
from layers.thematic.battlegroups import battlegroups
from layers.thematic.strengths import (
    other_formations_on,
    strength_on,
    strengths,
    timeline_frame,
)
from render.charts import strength_chart, strength_chart_data

EFP = ["bg_est", "bg_lva", "bg_ltu", "bg_pol"]
NEW = ["bg_rou", "bg_bgr", "bg_svk", "bg_hun"]


@pytest.fixture(scope="module")
def scenes():
    return {s: build_scene(get_scenario(s)) for s in ("efp-2017", "proposal-2022", "latest")}


def test_efp_2017_has_a_sourced_figure_for_each_group(scenes):
    bgs = scenes["efp-2017"].battlegroups.set_index("id")
    assert list(bgs.index) == EFP
    assert bgs["troops_approx"].notna().all()
    assert 4000 <= int(bgs["troops_approx"].sum()) <= 5200  # NATO: "approximately 4,500"
    for text in bgs["troops"]:
        assert "as of 2017" in text
    metrics = scenes["efp-2017"].metrics
    assert (metrics.existing, metrics.troops_counted) == (4, 4)
    assert 4000 <= metrics.troops <= 5200
    assert "n/a" not in metrics.troops_text()


def test_proposal_2022_shows_all_eight_existing_apart_from_proposed(scenes):
    scene = scenes["proposal-2022"]
    bgs = scene.battlegroups.set_index("id")
    assert bgs["troops_approx"].notna().all()
    assert set(bgs.loc[NEW, "troops_scope"]) == {"planned"}
    assert set(bgs.loc[EFP, "troops_scope"]) == {"present"}
    for bg_id in NEW:
        assert "PLANNED" in bgs.loc[bg_id, "troops"]
    m = scene.metrics
    assert (m.existing, m.proposed) == (4, 4)
    assert m.troops == int(bgs.loc[EFP, "troops_approx"].sum())
    assert m.proposed_troops == 4000
    assert 4500 <= m.troops <= 5200  # Reuters, 2022-02-07: "some 5,000"
    text = m.troops_text()
    assert "in 4 existing" in text
    assert "~4,000 proposed in 4" in text
    assert str(m.troops + m.proposed_troops) not in text.replace(",", "")


def test_latest_keeps_kinds_of_numbers_apart(scenes):
    bgs = scenes["latest"].battlegroups.set_index("id")
    lva, ltu = bgs.loc["bg_lva"], bgs.loc["bg_ltu"]
    assert lva["status_code"] == "brigade"
    assert "PLANNED" in lva["troops"]
    assert "brigade" in lva["troops"]
    assert ltu["status_code"] == "established"
    assert ltu["base"] == "Rukla"
    assert ltu["troops_approx"] == 1600
    assert "Panzerbrigade 45" in ltu["note"]
    assert "2025-05-22" in ltu["note"]
    assert "1,632" not in ltu["troops"]  # the 2022 battle-group figure is no longer the latest


def test_a_figure_never_shows_before_it_was_reported():
    table = load_table("battlegroup_strengths")
    for row in table.to_dict("records"):
        as_of = row["as_of"]
        start = dt.date.fromisoformat(row["in_effect_from"])
        if len(as_of) == 10 and row["formation"] != "other_formation":
            assert start >= dt.date.fromisoformat(as_of)
        elif len(as_of) == 7:  # a month: from its last day
            assert start.isoformat()[:7] == as_of
            assert (start + dt.timedelta(days=1)).day == 1
    # "February 2017" (JFC Brunssum) is shown from 2017-02-28, not 2017-02-01
    assert strength_on("bg_ltu", "2017-02-27") is None
    assert strength_on("bg_ltu", "2017-02-28").troops == 1000


def test_same_day_figures_prefer_the_better_source():
    s = strength_on("bg_ltu", "2022-02-22")
    assert (s.troops, s.as_of) == (1200, "2022-02-22")
    assert "kam.lt" in s.source_url  # the Lithuanian MoD over an aggregator's 1,100


def test_every_figure_keeps_its_source_and_quote():
    table = strengths()
    assert table["source_url"].str.startswith("http").all()
    assert (table["quote"].str.len() > 5).all()
    assert (table["source_title"].str.len() > 5).all()
    assert set(table["bg_id"]) == set(EFP + NEW)


def test_chart_marks_the_date_and_shows_no_later_figure():
    names = {"bg_est": "Estonia", "bg_rou": "Romania"}
    as_of = dt.date(2022, 2, 23)
    data = strength_chart_data(timeline_frame(list(names)), names, as_of)
    assert set(data["group"]) == {"Estonia", "Romania"}
    assert (data["day"] <= pd.Timestamp(as_of)).all()
    assert "planned size" in set(data["scope"])
    spec = strength_chart(data, as_of)
    rule = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    assert len(rule) == 1
    assert "2022-02-23" in str(spec)


def test_battlegroup_layer_reads_the_strength_table():
    frame = battlegroups("2022-02-23").set_index("id")
    assert frame.loc["bg_est", "troops_approx"] == 1200
    assert "news.err.ee" in frame.loc["bg_est", "troops_source"]
    assert "news.err.ee" in frame.loc["bg_est", "source_url"]


def test_the_other_formation_is_named_as_the_data_name_it(facts_copy):
    def rename(rows):
        for row in rows:
            if row["formation"] == "other_formation":
                row["formation_name"] = "Brigade X"

    edit_csv(facts_copy / "battlegroup_strengths.csv", rename)
    text = other_formations_on("bg_ltu", "2026-11-28")
    assert text.startswith("Also in the host, a different formation (Brigade X): about 400 present")
