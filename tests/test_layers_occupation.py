"""Occupied and breakaway territory beyond Crimea: each area only from its date, named honestly.

Test points (WGS84, only to probe the polygons): Donetsk 37.80 E 48.00 N (issue 11); Sukhumi
41.01528 E 43.00333 N and Tskhinvali 43.96667 E 42.23333 N (Wikipedia's city coordinates);
Tiraspol 29.64333 E 46.84028 N (as in data/facts/buildup_areas.csv).
"""

import datetime as dt

import pytest
from conftest import set_cell
from shapely.geometry import Point

from geo.errors import DataError
from layers.scenario.scenarios import get_scenario
from layers.scenario.scene import build_scene
from layers.thematic.context import occupied
from layers.thematic.occupation import occupation_notes, occupied_areas

DONETSK = Point(37.80, 48.00)
SUKHUMI = Point(41.01528, 43.00333)
TSKHINVALI = Point(43.96667, 42.23333)
TIRASPOL = Point(29.64333, 46.84028)


def _holding(layer, point):
    """Return (id, category) of the features of ``layer`` that contain ``point``."""
    return [
        (i, c)
        for i, c, g in zip(layer["id"], layer["category"], layer.geometry, strict=True)
        if g.contains(point)
    ]


@pytest.mark.parametrize("day", ["2016-01-01", "2022-02-23", "2022-02-24", "2026-11-28"])
def test_donetsk_is_in_occupied_territory(day):
    assert _holding(occupied(day), DONETSK) == [("UKR-DONBAS", "occupied")]


@pytest.mark.parametrize("day", ["2014-01-01", "2014-03-18", "2015-02-17"])
def test_donetsk_is_not_drawn_before_the_2015_line(day):
    assert _holding(occupied(day), DONETSK) == []


def test_donetsk_in_latest_and_not_in_pre_2014():
    latest = build_scene(get_scenario("latest"))
    assert _holding(latest.occupied, DONETSK) == [("UKR-DONBAS", "occupied")]
    pre = get_scenario("pre-2014")
    assert _holding(build_scene(pre, layers=[*pre.layers, "occupied"]).occupied, DONETSK) == []


@pytest.mark.parametrize(
    ("point", "area"), [(SUKHUMI, "GEO-ABKHAZIA"), (TSKHINVALI, "GEO-SOUTH-OSSETIA")]
)
@pytest.mark.parametrize("day", ["2008-08-26", "2008-08-27", "2015-06-01", "2022-02-23", None])
def test_georgian_regions_occupied_after_recognition(point, area, day):
    assert _holding(occupied(day), point) == [(area, "occupied")]


@pytest.mark.parametrize("point", [SUKHUMI, TSKHINVALI])
@pytest.mark.parametrize("day", ["1990-01-01", "2008-08-07", "2008-08-25"])
def test_georgian_regions_not_drawn_before(point, day):
    assert _holding(occupied(day), point) == []


@pytest.mark.parametrize(
    "day", ["1993-01-01", "2000-06-30", "2008-08-25", "2014-01-01", "2022-02-24", None]
)
def test_tiraspol_in_a_breakaway_region_after_1992(day):
    assert _holding(occupied(day), TIRASPOL) == [("MDA-TRANSNISTRIA", "breakaway")]


@pytest.mark.parametrize("day", ["1991-12-31", "1992-03-01", "1992-07-20"])
def test_tiraspol_not_drawn_before(day):
    assert _holding(occupied(day), TIRASPOL) == []


def test_labels_use_the_source_words():
    areas = occupied_areas("2022-02-23").set_index("id")
    for area in ("GEO-ABKHAZIA", "GEO-SOUTH-OSSETIA"):
        assert "Russian military occupation since the August 2008 war" in areas.at[area, "label"]
        assert "nato.int" in areas.at[area, "source_url"]
    assert "Breakaway region of Moldova" in areas.at["MDA-TRANSNISTRIA", "label"]
    assert "since 1992" in areas.at["MDA-TRANSNISTRIA", "label"]
    for label in areas["label"]:
        assert "approximate" in label


def test_no_text_knows_the_future():
    """A 2016 map says nothing of 2022; a 2022-03 map gives no share sourced in June."""
    for label in occupied("2016-01-01")["label"]:
        assert "2022" not in label
    assert occupation_notes("2016-01-01") == []
    march = occupation_notes("2022-03-15")
    assert len(march) == 1
    assert "not drawn" in march[0]["text"]
    assert "fifth" not in march[0]["text"]


def test_the_2022_occupation_is_named_with_a_sourced_share():
    [note] = occupation_notes("2026-11-28")
    assert "about a fifth" in note["text"]
    assert "no openly licensed line" in note["text"]
    assert "cnn.com" in note["source_url"]
    donbas = occupied_areas("2026-11-28").set_index("id").at["UKR-DONBAS", "label"]
    assert "2022-02-23" in donbas
    assert "much more" in donbas


def test_the_2014_donbas_front_is_named_not_drawn():
    [note] = occupation_notes("2014-06-01")
    assert note["id"] == "UKR-DONBAS"
    assert "2015-02-18" in note["text"]


def test_outlines_lie_in_the_claiming_state():
    from geo.boundaries import load_countries

    countries = load_countries("full").set_index("iso3")
    for _, row in occupied_areas().iterrows():
        state = countries.at[row["iso3"], "geometry"]
        # Only rounding slivers (1e-5 degree grid) may stick out: under 0.01 % of the area.
        assert row.geometry.difference(state).area < 1e-4 * row.geometry.area, row["id"]


def test_a_broken_table_is_one_clear_error(data_copy):
    table = data_copy / "occupied_areas.csv"
    table.write_text(table.read_text().replace(",breakaway,", ",secret,"))
    with pytest.raises(
        DataError, match=r"occupied_areas.csv: row \d+ .*category 'secret' .*allowed: one of: occ"
    ):
        occupied_areas(dt.date(2020, 1, 1))


def test_an_end_before_its_start_is_one_clear_error(data_copy):
    set_cell(data_copy / "occupied_areas.csv", "MDA-TRANSNISTRIA", "until", "1990-01-01")
    with pytest.raises(
        DataError, match=r"occupied_areas.csv: row \d+ .*until '1990-01-01' is before"
    ):
        occupied_areas(dt.date(2020, 1, 1))


# --- the note in latest's exports --------------------------------------------------------------


@pytest.fixture(scope="module")
def latest():
    return build_scene(get_scenario("latest"))


NOT_DRAWN = "Those lines are not drawn: no openly licensed line of them exists."


def test_latest_scene_carries_the_note(latest):
    assert [n["id"] for n in latest.layer_notes] == ["UKR-2022"]


def test_note_in_latest_legend_and_html(latest):
    from render.export import export_bytes
    from render.legend import legend_html

    assert NOT_DRAWN in str(legend_html(latest))
    assert NOT_DRAWN in export_bytes(latest, "html").decode()


def test_note_in_latest_png_caption(latest):
    from render.export_png import _caption

    caption = " ".join(_caption(latest, 100).split())
    assert NOT_DRAWN in caption
    assert "cnn.com" in caption


def test_note_in_latest_geojson_and_gpkg(latest, tmp_path):
    import json

    import geopandas as gpd

    from render.export import export_bytes

    collection = json.loads(export_bytes(latest, "geojson"))
    [note] = collection["flankmap"]["notes"]
    assert NOT_DRAWN in note["text"]
    assert "cnn.com" in note["source_url"]
    occupied = [
        f["properties"] for f in collection["features"] if f["properties"]["layer"] == "occupied"
    ]
    assert {p["iso3"] for p in occupied} == {"UKR", "GEO", "MDA"}
    assert {p["category"] for p in occupied} == {"occupied", "breakaway"}
    path = tmp_path / "latest.gpkg"
    path.write_bytes(export_bytes(latest, "gpkg"))
    table = gpd.read_file(path, layer="scenario")
    assert NOT_DRAWN in table["notes"].iloc[0]


def test_no_note_before_2022(tmp_path):
    from render.legend import legend_html

    scene = build_scene(get_scenario("efp-2017"))
    assert scene.layer_notes == ()
    assert "not drawn" not in str(legend_html(scene))
