"""Battle groups replayed from dated events: statuses, frameworks, troops, points, sources."""

import datetime as dt
import itertools

import pandas as pd
import pytest
from conftest import edit_csv

from geo.dates import period_start
from geo.errors import InputError
from layers.facts.schema import STATUS, URL_SEP
from layers.facts.tables import event_dates, load_table
from layers.thematic.battlegroups import battlegroups, timeline

STATIC = load_table("battlegroups").to_dict("records")
EVENTS = load_table("battlegroup_events").to_dict("records")
EST, ESTB = "established", "brigade"

EXPECTED = {
    "2016-12-31": {},
    "2017-12-31": {
        "bg_est": (EST, "GBR"),
        "bg_lva": (EST, "CAN"),
        "bg_ltu": (EST, "DEU"),
        "bg_pol": (EST, "USA"),
    },
    "2022-02-23": {
        "bg_est": (EST, "GBR"),
        "bg_lva": (EST, "CAN"),
        "bg_ltu": (EST, "DEU"),
        "bg_pol": (EST, "USA"),
        "bg_rou": ("proposed", "FRA"),
        "bg_bgr": ("proposed", "BGR"),
        "bg_svk": ("considered", ""),
        "bg_hun": ("considered", ""),
    },
    "2022-06-28": {
        "bg_est": (EST, "GBR"),
        "bg_lva": (EST, "CAN"),
        "bg_ltu": (EST, "DEU"),
        "bg_pol": (EST, "USA"),
        "bg_rou": (EST, "FRA"),
        "bg_bgr": (EST, "BGR"),
        "bg_svk": (EST, "CZE"),
        "bg_hun": (EST, "HUN"),
    },
    "2022-12-31": {
        "bg_est": (EST, "GBR"),
        "bg_lva": (EST, "CAN"),
        "bg_ltu": (EST, "DEU"),
        "bg_pol": (EST, "USA"),
        "bg_rou": (EST, "FRA"),
        "bg_bgr": (EST, "ITA"),
        "bg_svk": (EST, "CZE"),
        "bg_hun": (EST, "HUN"),
    },
    "2026-11-28": {
        "bg_est": (EST, "GBR"),
        "bg_lva": (ESTB, "CAN"),
        "bg_ltu": (EST, "DEU"),  # Panzerbrigade 45 is another formation, not this group's status
        "bg_pol": (EST, "USA"),
        "bg_rou": (EST, "FRA"),
        "bg_bgr": (EST, "ITA"),
        "bg_svk": (EST, "ESP"),
        "bg_hun": (EST, "HUN"),
    },
}

NATO_2022_06_28 = {
    "bg_bgr": 968,
    "bg_est": 1430,
    "bg_hun": 900,
    "bg_lva": 1887,
    "bg_ltu": 1632,
    "bg_pol": 1033,
    "bg_rou": 1148,
    "bg_svk": 643,
}


def _days():
    """Every day something changes, the day before each, and a few in between."""
    days = set()
    for day in map(dt.date.fromisoformat, event_dates()):
        days |= {day, day - dt.timedelta(days=1)}
    days |= {dt.date(2016, 7, 9), dt.date(2022, 2, 23), dt.date.today()}
    return sorted(d for d in days if d >= dt.date(1949, 4, 4))


@pytest.mark.parametrize("as_of", EXPECTED)
def test_status_and_framework_on_known_dates(as_of):
    if dt.date.fromisoformat(as_of) > dt.date.today():
        pytest.skip("date in the future")
    frame = battlegroups(as_of).set_index("id")
    got = {i: (r["status"], r["framework_iso3"]) for i, r in frame.iterrows()}
    assert got == EXPECTED[as_of]


def test_before_2017_there_is_none():
    for as_of in ("1949-04-04", "2016-07-09", "2017-02-06"):
        frame = battlegroups(as_of)
        assert len(frame) == 0
        assert "status" in frame.columns


def test_troops_of_2022_06_28():
    frame = battlegroups("2022-06-28").set_index("id")
    assert frame["troops_approx"].to_dict() == NATO_2022_06_28
    assert frame["troops_approx"].sum() == 9641
    assert set(frame["troops_as_of"]) == {"2022-06-28"}
    assert frame.loc["bg_bgr", "framework_name"] == "Bulgaria"
    assert str(frame["troops_approx"].dtype) == "Int64"


def test_lithuania_exists_from_its_welcome_ceremony():
    # first troops late January 2017, welcomed at Rukla on 2017-02-07 (not LANDCOM's March)
    assert "bg_ltu" not in set(battlegroups("2017-02-06")["id"])
    ltu = battlegroups("2017-02-15").set_index("id").loc["bg_ltu"]
    assert (ltu["status"], ltu["framework_iso3"], ltu["status_date"]) == (EST, "DEU", "2017-02-07")
    assert "nato.diplo.de" in ltu["source_url"]
    assert "lc.nato.int" not in ltu["source_url"]


def test_slovakia_is_not_established_before_its_parliament_approved():
    for day in ("2022-03-01", "2022-03-09", "2022-03-14"):
        assert battlegroups(day).set_index("id").loc["bg_svk", "status"] == "considered"
    svk = battlegroups("2022-03-15").set_index("id").loc["bg_svk"]
    assert (svk["status"], svk["framework_iso3"]) == (EST, "CZE")
    assert "dnes24.sk" in svk["source_url"]


def test_no_troop_figure_before_any_is_reported():
    ltu = battlegroups("2017-02-15").set_index("id").loc["bg_ltu"]
    assert ltu["troops_approx"] is None or str(ltu["troops_approx"]) == "<NA>"
    assert ltu["troops_as_of"] == ""
    # a figure reported only as "February 2017" is shown from the month's last day
    assert battlegroups("2017-02-28").set_index("id").loc["bg_ltu", "troops_approx"] == 1000
    assert battlegroups("2022-02-14").set_index("id").loc["bg_rou", "troops_approx"] is pd.NA
    for planned in ("bg_rou", "bg_bgr"):  # the planned size Reuters reported on 2022-02-15
        row = battlegroups("2022-02-15").set_index("id").loc[planned]
        assert row["troops_approx"] == 1000
        assert (row["troops_as_of"], row["troops_scope"]) == ("2022-02-15", "planned")
        assert "planned size" in timeline(planned).iloc[1]["event"]


def test_brigade_figure_is_the_planned_size():
    frame = battlegroups("2024-07-03").set_index("id")
    assert frame.loc["bg_lva", "troops_approx"] == 3500
    assert frame.loc["bg_lva", "troops_as_of"] == "2024-06-28"
    assert frame.loc["bg_lva", "troops_scope"] == "planned"
    assert frame.loc["bg_lva", "troops_formation"] == "brigade"
    assert "more than 3,500" in frame.loc["bg_lva", "event"]
    before = battlegroups("2024-07-02").set_index("id")
    assert before.loc["bg_lva", "status"] == EST
    assert before.loc["bg_lva", "troops_approx"] == 1500  # BNN Bloomberg, 2022-06-29


def test_lithuania_latest_is_the_battle_group_not_panzerbrigade_45():
    ltu = battlegroups("2026-11-28").set_index("id").loc["bg_ltu"]
    assert ltu["status"] == EST
    assert (ltu["troops_approx"], ltu["troops_formation"]) == (1600, "battle_group")
    assert "Panzerbrigade 45" in ltu["also_in_host"]
    assert "4,800 PLANNED" in ltu["also_in_host"]
    assert "moderngreatgame" not in ltu["source_url"]


@pytest.mark.parametrize("as_of", _days(), ids=str)
def test_nothing_from_after_as_of(as_of):
    frame = battlegroups(as_of)
    for row in frame.to_dict("records"):
        assert period_start(row["status_date"]) <= as_of
        if row["troops_as_of"]:
            assert period_start(row["troops_as_of"]) <= as_of
        else:
            assert row["troops_approx"] is None or str(row["troops_approx"]) == "<NA>"
    events = timeline()
    for bg_id in frame["id"]:
        mine = events[events["bg_id"] == bg_id]
        assert (mine["in_effect_from"].map(dt.date.fromisoformat) <= as_of).any()


def test_hungary_year_only_date_is_placed_after_february():
    events = timeline("bg_hun")
    row = events[events["status"] == EST].iloc[0]
    assert row["date"] == "2022"
    assert row["in_effect_from"] == "2022-03-24"
    assert battlegroups("2022-03-23").set_index("id").loc["bg_hun", "status"] == "considered"
    assert battlegroups("2022-03-24").set_index("id").loc["bg_hun", "status"] == EST


def test_status_date_is_when_the_state_began():
    frame = battlegroups("2022-12-31").set_index("id")
    assert frame.loc["bg_bgr", "status_date"] == "2022-10-17"
    assert frame.loc["bg_est", "status_date"] == "2017-04"
    assert frame.loc["bg_svk", "status_date"] == "2022-03-15"


def test_troop_rows_change_only_troops():
    for bg_id, events in timeline().groupby("bg_id"):
        rows = events.to_dict("records")
        for before, row in itertools.pairwise(rows):
            if row["event"].startswith("NATO press-office figure"):
                assert (row["status"], row["framework_iso3"]) == (
                    before["status"],
                    before["framework_iso3"],
                ), bg_id


def test_timeline():
    every = timeline()
    assert len(every) == len(EVENTS)
    assert set(every["status"]) <= set(STATUS)
    rou = timeline("bg_rou")
    assert list(rou["date"]) == ["2022-01-19", "2022-02-15", "2022-05", "2022-06-28"]
    with pytest.raises(InputError, match="unknown battle group 'bg_xxx'; choose one of: bg_bgr"):
        timeline("bg_xxx")


@pytest.mark.parametrize(
    "event", EVENTS, ids=[f"{e['bg_id']}:{e['date']}:{e['status']}" for e in EVENTS]
)
def test_every_event_is_sourced(event):
    assert event["source_url"].startswith("http")
    assert event["verified"] in {"yes", "partial"}
    assert event["event"]


@pytest.mark.parametrize("bg", STATIC, ids=[b["id"] for b in STATIC])
def test_every_battlegroup_is_sourced_and_inside_its_host(bg):
    from geo.boundaries import load_countries

    frame = battlegroups().set_index("id")
    row = frame.loc[bg["id"]]
    urls = row["source_url"].split(URL_SEP)
    assert len(urls) == len(set(urls))
    assert set(bg["source_url"].split(URL_SEP)) <= set(urls)
    assert row["verified"] in {"yes", "partial"}
    assert row["location"] == "base"
    assert (row.geometry.x, row.geometry.y) == (bg["base_lon"], bg["base_lat"])
    host = load_countries("full").set_index("iso3").loc[bg["host_iso3"]].geometry
    assert host.contains(row.geometry)


def test_sources_grow_with_the_events():
    early = battlegroups("2022-01-19").set_index("id").loc["bg_rou", "source_url"]
    later = battlegroups("2022-02-23").set_index("id").loc["bg_rou", "source_url"]
    assert "romania-insider.com" in early
    assert "bnr.bg" not in early
    assert "bnr.bg" in later


def test_frame_shape():
    frame = battlegroups("2022-02-23")
    assert frame.crs.to_epsg() == 4326
    assert (frame.geometry.geom_type == "Point").all()
    assert list(frame.columns[:4]) == ["id", "host_iso3", "host_name", "status"]
    assert frame.loc[frame["id"] == "bg_svk", "framework_name"].item() == ""


def test_result_is_a_new_frame():
    first = battlegroups("2022-06-28")
    first.loc[0, "status"] = "changed"
    first.loc[0, "troops_approx"] = 1
    events = timeline()
    events.loc[0, "status"] = "changed"
    assert "changed" not in set(timeline()["status"])
    second = battlegroups("2022-06-28")
    assert "changed" not in set(second["status"])
    assert 1 not in set(second["troops_approx"])


def test_unlocated_base_is_drawn_at_the_host_point(facts_copy):
    from geo.boundaries import load_countries

    def clear(rows):
        rows[0]["base_lat"] = rows[0]["base_lon"] = rows[0]["coord_source"] = ""

    edit_csv(facts_copy / "battlegroups.csv", clear)
    row = battlegroups("2022-02-23").set_index("id").loc["bg_est"]
    assert row["location"] == "host_point"
    assert "representative point" in row["coord_source"]
    host = load_countries("full").set_index("iso3").loc["EST"].geometry
    assert host.contains(row.geometry)


@pytest.mark.parametrize("bad", ["2022-02-30", "2022/02/23", "1949-04-03", "2999-12-31"])
def test_bad_date_names_the_value(bad):
    with pytest.raises(InputError, match=bad[:4]):
        battlegroups(bad)
