"""Member states on a date: accession edges, the polygons drawn, bad input."""

import datetime as dt

import pytest
from shapely.geometry import Point

from geo.errors import InputError
from layers.facts.tables import load_table
from layers.thematic.members import member_codes, members

SIMFEROPOL = Point(34.10, 44.95)
MEMBERS = load_table("members").to_dict("records")


@pytest.mark.parametrize("member", MEMBERS, ids=[m["iso3"] for m in MEMBERS])
def test_member_from_its_accession_day(member):
    day = dt.date.fromisoformat(member["accession_date"])
    assert member["iso3"] in member_codes(day)
    assert member["iso3"] in member_codes(day.isoformat())
    assert member["iso3"] not in member_codes(day - dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("as_of", "count", "present", "absent"),
    [
        ("1949-04-04", 0, set(), {"USA", "GBR"}),
        ("1949-08-23", 0, set(), {"USA"}),
        ("1949-08-24", 12, {"USA", "CAN", "GBR", "ISL"}, {"GRC"}),
        ("2021-12-31", 30, {"MKD", "MNE"}, {"FIN", "SWE"}),
        ("2023-04-03", 30, set(), {"FIN"}),
        ("2023-04-04", 31, {"FIN"}, {"SWE"}),
        ("2024-03-06", 31, {"FIN"}, {"SWE"}),
        ("2024-03-07", 32, {"FIN", "SWE"}, set()),
    ],
)
def test_member_counts_on_dated_edges(as_of, count, present, absent):
    codes = member_codes(as_of)
    assert len(codes) == count
    assert present <= codes
    assert not absent & codes
    drawn = members(as_of)
    assert set(drawn["member_iso3"]) == codes - {"USA", "CAN"}


def test_members_frame():
    drawn = members("2024-03-07")
    assert list(drawn.columns) == [
        "iso3",
        "name",
        "member_iso3",
        "accession_date",
        "source_url",
        "verified",
        "geometry",
    ]
    assert drawn.crs.to_epsg() == 4326
    assert {"USA", "CAN"}.isdisjoint(drawn["iso3"])
    assert drawn["iso3"].is_unique
    assert drawn.geometry.is_valid.all()
    assert (drawn["source_url"].str.startswith("http")).all()
    assert set(drawn["verified"]) <= {"yes", "partial"}


def test_greenland_is_drawn_with_denmark():
    drawn = members("2022-02-23").set_index("iso3")
    assert drawn.loc["GRL", "member_iso3"] == "DNK"
    assert drawn.loc["GRL", "accession_date"] == drawn.loc["DNK", "accession_date"]
    assert "GRL" not in set(members("1949-08-23")["iso3"])


def test_no_member_contains_simferopol():
    drawn = members("2024-03-07", resolution="full")
    assert not drawn.geometry.contains(SIMFEROPOL).any()


def test_full_resolution_has_the_same_rows():
    assert list(members("2022-02-23", "full")["iso3"]) == list(members("2022-02-23")["iso3"])


def test_empty_before_the_treaty_entered_into_force():
    drawn = members("1949-04-04")
    assert len(drawn) == 0
    assert "geometry" in drawn.columns


def test_result_is_a_new_frame():
    first = members("2022-02-23")
    first.loc[first.index[0], "name"] = "changed"
    first["extra"] = 1
    second = members("2022-02-23")
    assert "changed" not in set(second["name"])
    assert "extra" not in second.columns


@pytest.mark.parametrize("bad", ["2022-13-01", "22-02-2022", "1900-01-01", "2999-01-01", "soon"])
def test_bad_date_names_the_value(bad):
    for call in (member_codes, members):
        with pytest.raises(InputError, match=bad.split("-")[0]):
            call(bad)
