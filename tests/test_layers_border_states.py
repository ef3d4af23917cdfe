"""Border states: Russia without Kaliningrad, Kaliningrad, Ukraine with Crimea."""

import pytest
from shapely.geometry import Point

from layers.thematic.border_states import border_states

SIMFEROPOL = Point(34.10, 44.95)
KALININGRAD = Point(20.51, 54.71)
MOSCOW = Point(37.62, 55.75)


@pytest.fixture(scope="module", params=["display", "full"])
def states(request):
    return border_states(request.param).set_index("feature_id")


def test_features_and_roles(states):
    assert list(states.index) == ["RUS", "RUS-KGD", "BLR", "UKR", "MDA", "GEO"]
    assert states.loc["RUS-KGD", "iso3"] == "RUS"
    assert states.loc["RUS-KGD", "role"] == "russia_exclave"
    assert states.loc["BLR", "role"] == "belarus_ally"
    assert states.crs.to_epsg() == 4326
    assert states.geometry.is_valid.all()
    assert not states.geometry.is_empty.any()


def test_every_row_is_sourced(states):
    assert states["source_url"].str.startswith("http").all()
    assert set(states["verified"]) <= {"yes", "partial"}


def test_kaliningrad_is_its_own_feature(states):
    assert states.loc["RUS-KGD"].geometry.contains(KALININGRAD)
    assert not states.loc["RUS"].geometry.contains(KALININGRAD)
    assert states.loc["RUS"].geometry.contains(MOSCOW)
    overlap = states.loc["RUS"].geometry.intersection(states.loc["RUS-KGD"].geometry)
    assert overlap.area < 1e-9


def test_crimea_is_drawn_in_ukraine(states):
    assert states.loc["UKR"].geometry.contains(SIMFEROPOL)
    assert not states.loc["RUS"].geometry.contains(SIMFEROPOL)
    assert not states.loc["RUS-KGD"].geometry.contains(SIMFEROPOL)


def test_moldova_notes_name_transnistria(states):
    assert "Transnistria" in states.loc["MDA", "notes"]


def test_result_is_a_new_frame():
    first = border_states()
    first.loc[0, "role"] = "changed"
    first.loc[0, "geometry"] = None
    second = border_states()
    assert second.loc[0, "role"] == "russia"
    assert second.geometry.iloc[0] is not None
