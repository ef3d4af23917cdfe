"""Context layers: reinforcements and build-up plotted only where sourced; occupied territory."""

import datetime as dt

import pytest
from shapely.geometry import Point

from geo.errors import InputError
from layers.facts.tables import load_table
from layers.thematic.context import (
    buildup_areas,
    buildup_areas_table,
    buildup_estimates,
    occupied,
    reinforcements,
    reinforcements_table,
    transnistria_note,
)

SIMFEROPOL = Point(34.10, 44.95)
REINFORCEMENTS = load_table("reinforcements").to_dict("records")
AREAS = load_table("buildup_areas").to_dict("records")


def _located(row):
    return row["lat"] == row["lat"] and row["lon"] == row["lon"]  # not NaN


@pytest.mark.parametrize("row", REINFORCEMENTS, ids=[r["id"] for r in REINFORCEMENTS])
def test_reinforcement_plotted_only_where_sourced(row):
    day = row["announced_date"]
    as_of = day if len(day) == 10 else "2022-02-28"
    points = reinforcements(as_of).set_index("id")
    table = reinforcements_table(as_of).set_index("id")
    assert row["id"] in table.index
    assert table.loc[row["id"], "located"] == _located(row)
    if _located(row):
        point = points.loc[row["id"]].geometry
        assert (point.x, point.y) == (row["lon"], row["lat"])
    else:
        assert row["id"] not in points.index
    if len(day) == 10:
        before = (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
        assert row["id"] not in reinforcements_table(before)["id"].tolist()


def test_ships_are_listed_not_plotted():
    table = reinforcements_table().set_index("id")
    ships = table[table["kind"] == "ships"]
    assert set(ships.index) == {"uk_hms_trent", "uk_hms_diamond", "dnk_frigate_baltic", "esp_ships"}
    assert not ships["located"].any()
    assert not set(ships.index) & set(reinforcements()["id"])


@pytest.mark.parametrize("row", AREAS, ids=[r["name"][:30] for r in AREAS])
def test_buildup_area_plotted_only_where_sourced(row):
    start = row["observed"].split("/")[0]
    as_of = start if len(start) == 10 else None
    points = buildup_areas(as_of)
    table = buildup_areas_table(as_of).set_index("name")
    assert table.loc[row["name"], "located"] == _located(row)
    if _located(row):
        point = points.set_index("name").loc[row["name"]].geometry
        assert (point.x, point.y) == (row["lon"], row["lat"])
    else:
        assert row["name"] not in set(points["name"])
    if as_of:
        before = (dt.date.fromisoformat(as_of) - dt.timedelta(days=1)).isoformat()
        assert row["name"] not in set(buildup_areas_table(before)["name"])


def test_buildup_on_the_eve_of_the_invasion():
    points = buildup_areas("2022-02-23")
    assert "Transnistria (Tiraspol)" not in set(points["name"])  # a 2025 Factbook figure
    assert points.crs.to_epsg() == 4326
    assert len(buildup_areas("2021-10-17")) == 0


def test_estimates_dated_on_or_before():
    for as_of in ("2021-11-02", "2021-12-03", "2022-02-17", "2022-02-18"):
        table = buildup_estimates(as_of)
        assert (table["date"] <= as_of).all()
    assert len(buildup_estimates("2021-11-02")) == 0
    assert len(buildup_estimates("2022-02-18")) == 8
    assert buildup_estimates("2022-02-18").iloc[-1]["troops_high"] == 190000


def test_crimea_is_drawn_from_the_annexation_on():
    before = occupied("2014-03-17")
    assert "UKR-CRIMEA" not in set(before["id"])
    assert "UKR-CRIMEA" in set(occupied("2014-03-18")["id"])
    assert list(before.columns) == list(occupied("2014-03-18").columns)
    assert list(before.columns) == [
        "id",
        "name",
        "iso3",
        "category",
        "since",
        "label",
        "source_url",
        "verified",
        "geometry",
    ]


def test_occupied_is_empty_before_the_transnistria_ceasefire():
    assert occupied("1992-07-20").empty
    assert list(occupied("1992-07-20").columns) == list(occupied("2022-02-23").columns)


@pytest.mark.parametrize("resolution", ["display", "full"])
def test_occupied_crimea_contains_simferopol(resolution):
    layer = occupied("2022-02-23", resolution)
    row = layer.iloc[0]
    assert row["id"] == "UKR-CRIMEA"
    assert row["since"] == "2014-03-18"
    assert row["category"] == "occupied"
    assert row["label"] == (
        "Occupied by Russia since 2014-03-18 (annexation not recognised, UN GA resolution 68/262)"
    )
    assert row.geometry.contains(SIMFEROPOL)
    assert "usatoday.com" in row["source_url"]
    assert layer.crs.to_epsg() == 4326


def test_occupied_label_before_the_un_resolution():
    label = occupied("2014-03-20").set_index("id").at["UKR-CRIMEA", "label"]
    assert "68/262" not in label
    assert label.startswith("Occupied by Russia since 2014-03-18")


def test_transnistria_keeps_its_factbook_note():
    note = transnistria_note()
    assert "Transnistria" in note["text"]
    assert note["source_url"].startswith("https://")


@pytest.mark.parametrize(
    "call", [reinforcements, reinforcements_table, buildup_areas, buildup_estimates, occupied]
)
def test_results_are_new_frames(call):
    first = call("2022-02-23")
    first["extra"] = 1
    if len(first):
        first.loc[first.index[0], first.columns[0]] = "changed"
    second = call("2022-02-23")
    assert "extra" not in second.columns
    assert "changed" not in set(second.iloc[:, 0].astype(str))


@pytest.mark.parametrize("bad", ["2022-02-31", "Feb 2022", "1800-01-01"])
def test_bad_date_names_the_value(bad):
    for call in (reinforcements, buildup_areas, buildup_estimates, occupied):
        with pytest.raises(InputError, match=bad[:3]):
            call(bad)
