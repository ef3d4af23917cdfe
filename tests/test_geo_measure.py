"""Border lengths: known answers, every required pair, the published figures, Crimea, errors."""

import csv

import geopandas as gpd
import pyogrio
import pytest
from shapely import box

from geo.boundaries import load_countries, load_subunits
from geo.errors import InputError
from geo.measure import border_pairs, frontier, shared_border_km
from geo.paths import data_path
from tests.conftest import clear_caches

#: Land borders the map is about; each must be found, written a < b.
REQUIRED = [
    ("EST", "RUS"), ("LVA", "RUS"), ("LTU", "RUS"), ("POL", "RUS"), ("FIN", "RUS"),
    ("NOR", "RUS"), ("BLR", "LVA"), ("BLR", "LTU"), ("BLR", "POL"), ("POL", "UKR"),
    ("SVK", "UKR"), ("HUN", "UKR"), ("ROU", "UKR"), ("MDA", "UKR"), ("MDA", "ROU"),
]  # fmt: skip


def _published():
    """The CIA World Factbook lengths shipped in data/facts, as ((a, b), km) with a < b."""
    with data_path("facts", "border_lengths.csv").open(encoding="utf-8", newline="") as fh:
        return [
            (tuple(sorted((r["a"], r["b"]))), float(r["length_km"])) for r in csv.DictReader(fh)
        ]


PUBLISHED = _published()


@pytest.fixture(scope="module")
def pairs():
    return border_pairs().set_index(["a", "b"])["km"]


@pytest.fixture(scope="module")
def full():
    return load_countries("full").set_index("iso3")["geometry"]


# --- known answers -------------------------------------------------------------------------------


def test_one_degree_of_equator():
    assert shared_border_km(box(0, -1, 1, 0), box(0, 0, 1, 1)) == pytest.approx(111.32, rel=1e-3)


def test_one_degree_of_meridian():
    assert shared_border_km(box(0, 0, 1, 1), box(1, 0, 2, 1)) == pytest.approx(110.57, rel=1e-3)


def test_one_degree_of_longitude_at_60_north_is_half_the_equator():
    assert shared_border_km(box(0, 59, 1, 60), box(0, 60, 1, 61)) == pytest.approx(55.8, rel=1e-2)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (box(0, 0, 1, 1), box(1, 1, 2, 2)),  # a corner
        (box(0, 0, 1, 1), box(2, 0, 3, 1)),  # apart
        (box(0, 0, 2, 2), box(1, 1, 3, 3)),  # overlapping: the outlines cross at points
    ],
    ids=["corner", "apart", "overlap"],
)
def test_no_shared_line_is_zero(a, b):
    assert shared_border_km(a, b) == 0.0


def test_pairs_of_a_given_frame():
    squares = gpd.GeoDataFrame(
        {"iso3": ["BBB", "AAA", "CCC"]},
        geometry=[box(1, 0, 2, 1), box(0, 0, 1, 1), box(5, 5, 6, 6)],
        crs="EPSG:4326",
    )
    table = border_pairs(squares)
    assert table.to_dict("records") == [{"a": "AAA", "b": "BBB", "km": 110.6}]


def test_pairs_of_a_projected_frame_are_measured_on_the_ellipsoid():
    squares = gpd.GeoDataFrame(
        {"iso3": ["AAA", "BBB"]}, geometry=[box(0, -1, 1, 0), box(0, 0, 1, 1)], crs="EPSG:4326"
    ).to_crs(3857)
    assert border_pairs(squares)["km"].tolist() == [pytest.approx(111.3, abs=0.1)]


def test_pairs_need_a_crs():
    squares = gpd.GeoDataFrame({"iso3": ["AAA"]}, geometry=[box(0, 0, 1, 1)])
    with pytest.raises(InputError, match="no CRS"):
        border_pairs(squares)


# --- the region's pairs --------------------------------------------------------------------------


def test_pairs_table_shape():
    table = border_pairs()
    assert list(table.columns) == ["a", "b", "km"]
    assert (table["a"] < table["b"]).all()
    assert not table.duplicated(["a", "b"]).any()
    assert table.equals(table.sort_values(["a", "b"], ignore_index=True))
    assert (table["km"] > 0).all()
    assert (table["km"] == table["km"].round(1)).all()


@pytest.mark.parametrize(("a", "b"), REQUIRED, ids=[f"{a}-{b}" for a, b in REQUIRED])
def test_required_pair_is_found(pairs, a, b):
    assert pairs[(a, b)] > 50


@pytest.mark.parametrize(
    ("pair", "published"), PUBLISHED, ids=[f"{a}-{b}" for (a, b), _ in PUBLISHED]
)
def test_close_to_the_published_length(pairs, pair, published):
    """Generalised 1:10m lines run shorter than the river borders the Factbook measures."""
    assert 0.5 * published <= pairs[pair] <= 1.1 * published


def test_overall_ratio_to_the_published_lengths(pairs):
    computed = sum(pairs[pair] for pair, _ in PUBLISHED)
    published = sum(km for _, km in PUBLISHED)
    assert 0.75 < computed / published < 1.0


def test_pairs_are_symmetric(full):
    assert shared_border_km(full["POL"], full["LTU"]) == pytest.approx(
        shared_border_km(full["LTU"], full["POL"])
    )


def test_an_edited_boundary_file_is_measured_anew(data_copy):
    """The table is kept by the file's content: a copy of ``data/`` reuses it, an edit does not."""
    assert "EST" in set(border_pairs()["a"])
    path = data_copy / "boundaries.gpkg"
    layers = {name: gpd.read_file(path, layer=name) for name, _ in pyogrio.list_layers(path)}
    layers["countries"] = layers["countries"][layers["countries"]["iso3"] != "EST"]
    path.unlink()
    for name, frame in layers.items():
        frame.to_file(path, layer=name, driver="GPKG")
    clear_caches()  # what a changed data folder needs; it leaves the border table be
    pairs = border_pairs()
    assert "EST" not in {*pairs["a"], *pairs["b"]}
    assert "LVA" in set(pairs["a"])


def test_pairs_are_copies():
    first = border_pairs()
    first.loc[0, "km"] = -1.0
    first["a"] = "ZZZ"
    assert (border_pairs()["km"] > 0).all()
    assert "ZZZ" not in set(border_pairs()["a"])


# --- Crimea and Kaliningrad -----------------------------------------------------------------------


def test_moving_crimea_made_no_russian_border():
    """Crimea and Russia face each other across the Kerch Strait: water, not a land border."""
    crimea = load_subunits("full").set_index("subunit_id").loc["UKR-CRIMEA", "geometry"]
    russia = load_countries("full").set_index("iso3").loc["RUS", "geometry"]
    assert shared_border_km(crimea, russia) == 0.0


def test_russia_ukraine_border_is_north_of_crimea(full):
    """Crimea's old line with the Kherson region is now inside Ukraine and is not counted."""
    crimea = load_subunits("full").set_index("subunit_id").loc["UKR-CRIMEA", "geometry"]
    shared = full["RUS"].boundary.intersection(full["UKR"].boundary)
    assert not shared.intersects(crimea)
    assert shared.bounds[1] > 46.3  # Perekop is at 46.1 N


@pytest.mark.parametrize("member", ["POL", "LTU"])
def test_kaliningrad_borders_are_russian(full, pairs, member):
    kaliningrad = load_subunits("full").set_index("subunit_id").loc["RUS-KGD", "geometry"]
    via_subunit = shared_border_km(kaliningrad, full[member])
    a, b = sorted((member, "RUS"))
    assert via_subunit == pytest.approx(pairs[(a, b)], abs=0.1)


# --- frontier ------------------------------------------------------------------------------------


def test_frontier_of_the_2022_flank():
    members_2022 = ["EST", "LVA", "LTU", "POL", "NOR", "SVK", "HUN", "ROU", "USA", "CAN", "DEU"]
    table = frontier(members_2022)
    assert list(table.columns) == ["member", "neighbour", "km"]
    assert table.equals(table.sort_values(["member", "neighbour"], ignore_index=True))
    assert (table["km"] > 0).all()
    assert set(zip(table["member"], table["neighbour"], strict=True)) == {
        ("EST", "RUS"), ("LVA", "RUS"), ("LVA", "BLR"), ("LTU", "RUS"), ("LTU", "BLR"),
        ("POL", "RUS"), ("POL", "BLR"), ("POL", "UKR"), ("NOR", "RUS"), ("SVK", "UKR"),
        ("HUN", "UKR"), ("ROU", "UKR"),
    }  # fmt: skip


def test_finland_joining_adds_its_russian_border(pairs):
    before = frontier(["EST", "NOR"], neighbours=("RUS",))
    after = frontier(["EST", "NOR", "FIN"], neighbours=("RUS",))
    added = after["km"].sum() - before["km"].sum()
    assert added == pytest.approx(pairs[("FIN", "RUS")])
    assert added > 1000


def test_frontier_accepts_one_code():
    assert frontier("FIN", neighbours="RUS")["member"].tolist() == ["FIN"]


def test_frontier_neighbour_must_be_known():
    with pytest.raises(InputError, match="'Russia'"):
        frontier(["FIN"], neighbours=["Russia"])


def test_frontier_leaves_out_a_neighbour_named_as_member():
    assert "UKR" not in set(frontier(["UKR", "POL"])["member"])
