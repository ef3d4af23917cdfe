"""The shipped boundaries: schema, Crimea, Kaliningrad, antimeridian, region, display, loaders."""

import hashlib
import json

import geopandas as gpd
import pytest
import shapely
from shapely import Point, box

from geo import boundaries
from geo.boundaries import country, known_iso3, load_countries, load_subunits
from geo.crs import WGS84
from geo.errors import DataError, InputError
from geo.measure import shared_border_km
from geo.paths import data_dir, data_path

RESOLUTIONS = ["full", "display"]
REGION = (-25.0, 34.0, 60.0, 72.0)
# fmt: off
MEMBERS_IN_EUROPE = [
    "ALB", "BEL", "BGR", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GBR", "GRC", "HRV",
    "HUN", "ISL", "ITA", "LTU", "LUX", "LVA", "MKD", "MNE", "NLD", "NOR", "POL", "PRT", "ROU",
    "SVK", "SVN", "SWE", "TUR",
]
# fmt: on
BORDER_STATES = ["RUS", "BLR", "UKR", "MDA", "GEO"]
SIMFEROPOL, SEVASTOPOL = Point(34.10, 44.95), Point(33.52, 44.60)


@pytest.fixture(scope="module")
def countries():
    """Both resolutions, indexed by iso3."""
    return {res: load_countries(res).set_index("iso3") for res in RESOLUTIONS}


@pytest.fixture(scope="module")
def subunits():
    return {res: load_subunits(res).set_index("subunit_id") for res in RESOLUTIONS}


# --- schema ------------------------------------------------------------------------------------


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_countries_schema(countries, res):
    gdf = countries[res].reset_index()
    assert list(gdf.columns) == [*boundaries.COUNTRY_COLUMNS, "geometry"]
    assert gdf.crs.equals(WGS84)
    assert gdf["iso3"].is_unique
    assert gdf["iso3"].str.fullmatch(r"[A-Z]{3}").all()
    assert gdf["iso_assigned"].dtype == bool
    assert gdf["clipped"].dtype == bool
    assert set(gdf.geom_type) == {"MultiPolygon"}
    assert gdf["sovereign_iso3"].isin(gdf["iso3"]).all()


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_geometry_is_valid(countries, subunits, res):
    assert countries[res].is_valid.all()
    assert subunits[res].is_valid.all()
    assert not countries[res].is_empty.any()


def test_both_resolutions_hold_the_same_countries(countries):
    full, display = countries["full"], countries["display"]
    assert list(full.index) == list(display.index)
    assert full.drop(columns="geometry").equals(display.drop(columns="geometry"))


def test_codes(countries):
    gdf = countries["full"]
    unassigned = gdf[~gdf["iso_assigned"]]
    assert set(unassigned.index) == {"XKX", "XNC"}
    assert (unassigned["iso_numeric"] == "").all()
    assert gdf.loc[gdf["iso_assigned"], "iso_numeric"].str.fullmatch(r"\d{3}").all()
    assert gdf.loc["RUS", "name"] == "Russia"
    assert gdf.loc["MKD", "name"] == "North Macedonia"
    assert gdf.loc["GRL", "sovereign_iso3"] == "DNK"
    assert gdf.loc["XNC", "sovereign_iso3"] == "CYP"


@pytest.mark.parametrize(
    ("iso3", "lon", "lat"),
    [
        ("FIN", 19.93, 60.10),  # Mariehamn, Åland
        ("DNK", -6.77, 62.01),  # Tórshavn, Faroe Islands
        ("GBR", -5.35, 36.14),  # Gibraltar
        ("CYP", 32.98, 34.59),  # RAF Akrotiri: a base area, drawn as Cyprus
        ("CYP", 33.75, 35.00),  # Dhekelia
    ],
)
def test_dependencies_are_folded_into_their_state(countries, iso3, lon, lat):
    assert countries["full"].loc[iso3, "geometry"].contains(Point(lon, lat))


def test_folded_dependencies_are_not_rows():
    assert not {"ALA", "FRO", "GIB", "JEY", "GGY", "IMN"} & known_iso3()


def test_no_fake_gbr_cyprus_border(countries):
    gdf = countries["full"]
    assert shared_border_km(gdf.loc["GBR", "geometry"], gdf.loc["CYP", "geometry"]) == 0


# --- Crimea and Kaliningrad ----------------------------------------------------------------------


@pytest.mark.parametrize("res", RESOLUTIONS)
@pytest.mark.parametrize("city", [SIMFEROPOL, SEVASTOPOL], ids=["Simferopol", "Sevastopol"])
def test_crimea_is_drawn_as_ukraine(countries, subunits, res, city):
    assert countries[res].loc["UKR", "geometry"].contains(city)
    assert not countries[res].loc["RUS", "geometry"].contains(city)
    assert subunits[res].loc["UKR-CRIMEA", "geometry"].contains(city)


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_subunits_fit_their_states(countries, subunits, res):
    for subunit_id, row in subunits[res].iterrows():
        state = countries[res].loc[row["iso3"], "geometry"]
        assert row["geometry"].within(state), subunit_id
    assert list(subunits[res].index) == ["RUS-KGD", "UKR-CRIMEA"]
    assert subunits[res].loc["RUS-KGD", "name"] == "Kaliningrad Oblast"


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_kaliningrad_lies_between_poland_and_lithuania(countries, subunits, res):
    kgd = subunits[res].loc["RUS-KGD", "geometry"]
    assert kgd.contains(Point(20.51, 54.71))  # Kaliningrad city
    for neighbour in ("POL", "LTU"):
        assert shared_border_km(kgd, countries[res].loc[neighbour, "geometry"]) > 50


def test_crimea_shares_no_line_with_russia(countries, subunits):
    crimea = subunits["full"].loc["UKR-CRIMEA", "geometry"]
    assert shared_border_km(crimea, countries["full"].loc["RUS", "geometry"]) == 0


# --- antimeridian, region ----------------------------------------------------------------------


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_nothing_crosses_the_antimeridian(countries, res):
    bounds = countries[res].bounds
    assert ((bounds["maxx"] - bounds["minx"]) < 180).all()
    assert bounds.loc["RUS", "minx"] > 0
    assert bounds.loc["RUS", "maxx"] == pytest.approx(180)


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_members_in_europe_and_border_states_are_whole(countries, res):
    gdf = countries[res]
    assert not gdf.loc[MEMBERS_IN_EUROPE + BORDER_STATES, "clipped"].any()
    bounds = gdf.bounds
    assert bounds.loc["NOR", "maxy"] > 78  # Svalbard
    assert bounds.loc["PRT", "minx"] < -28  # the Azores
    assert bounds.loc["ESP", "miny"] < 29  # the Canaries
    assert bounds.loc["RUS", "maxy"] > 80  # Franz Josef Land


def test_usa_and_canada_are_outside_the_region():
    assert not {"USA", "CAN"} & known_iso3()


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_others_are_clipped_to_the_region(countries, res):
    gdf = countries[res]
    region = box(*REGION).buffer(1e-6)
    clipped = gdf[gdf["clipped"]]
    assert {"KAZ", "GRL", "IRN", "MAR"} <= set(clipped.index)
    assert clipped.within(region).all()
    others = gdf[~gdf.index.isin(MEMBERS_IN_EUROPE + BORDER_STATES)]
    assert others.within(region).all()
    assert gdf.intersects(box(*REGION)).all()


# --- display copy ------------------------------------------------------------------------------


def test_display_coverage_is_gap_free(countries):
    display = countries["display"]
    assert shapely.coverage_is_valid(display.geometry.to_numpy())
    for a, b in [("POL", "LTU"), ("EST", "RUS"), ("MDA", "UKR"), ("FIN", "RUS")]:
        assert shared_border_km(display.loc[a, "geometry"], display.loc[b, "geometry"]) > 50


def test_display_subunits_are_cut_from_the_same_coverage(countries, subunits):
    display = countries["display"]
    crimea = subunits["display"].loc["UKR-CRIMEA", "geometry"]
    rest = shapely.difference(display.loc["UKR", "geometry"], crimea)
    assert shapely.area(shapely.intersection(rest, crimea)) == 0
    assert shapely.union(rest, crimea).equals(display.loc["UKR", "geometry"])


def test_display_geojson_fits_the_budget(countries):
    size = len(countries["display"].reset_index().to_json().encode())
    assert size <= 225_000


def test_display_is_simpler_than_full(countries):
    coords = {
        res: shapely.get_num_coordinates(countries[res].geometry.to_numpy()).sum()
        for res in RESOLUTIONS
    }
    assert coords["display"] < coords["full"] / 5


# --- the file ------------------------------------------------------------------------------------


def _sums():
    text = data_path("SHA256SUMS").read_text()
    return [line.split(maxsplit=1) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize(("digest", "name"), _sums(), ids=[name for _, name in _sums()])
def test_sha256sums_match(digest, name):
    assert hashlib.sha256(data_path(name.lstrip("*")).read_bytes()).hexdigest() == digest


def test_boundaries_are_listed_in_sha256sums():
    assert "boundaries.gpkg" in {name for _, name in _sums()}


# --- loaders -------------------------------------------------------------------------------------


def test_loaders_return_new_frames():
    first = load_countries()
    first.loc[0, "name"] = "changed"
    first["geometry"] = None
    again = load_countries()
    assert again.geometry.notna().all()
    assert "changed" not in set(again["name"])
    assert load_subunits() is not load_subunits()


def test_country_returns_one_geometry(countries):
    assert country("UKR").equals(countries["display"].loc["UKR", "geometry"])
    assert country(" ukr ", "full").equals(countries["full"].loc["UKR", "geometry"])


@pytest.mark.parametrize("bad", ["XXX", "UK", "", "RUS-KGD", None, 643])
def test_unknown_code_is_an_input_error(bad):
    with pytest.raises(InputError, match="unknown ISO code") as err:
        country(bad)
    assert repr(bad) in str(err.value)
    assert "ALB" in str(err.value)


@pytest.mark.parametrize("loader", [load_countries, load_subunits, lambda r: country("POL", r)])
def test_unknown_resolution_is_an_input_error(loader):
    with pytest.raises(InputError, match=r"'medium'; choose one of: full, display"):
        loader("medium")


# --- broken files ------------------------------------------------------------------------------


@pytest.fixture
def empty_data(tmp_path, monkeypatch):
    """An empty data folder the loaders read from; caches cleared around the test."""
    monkeypatch.setenv("FLANKMAP_DATA_DIR", str(tmp_path))
    boundaries.clear_cache()
    yield tmp_path
    boundaries.clear_cache()


def _write(path, frames):
    for layer, gdf in frames.items():
        gdf.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")


@pytest.fixture(scope="module")
def shipped():
    """The shipped layers, read before any test points the loaders elsewhere."""
    source = data_dir() / boundaries.FILENAME
    return {
        layer: gpd.read_file(source, layer=layer)
        for layer in ("countries", "countries_display", "subunits", "subunits_display")
    }


def test_missing_file_is_named(empty_data):
    with pytest.raises(DataError, match=r"boundaries\.gpkg: file missing") as err:
        load_countries()
    assert str(empty_data) not in str(err.value)  # the file, never the server's folder


def test_corrupt_file_is_named(empty_data):
    (empty_data / "boundaries.gpkg").write_text("not a geopackage")
    with pytest.raises(
        DataError, match=r"boundaries\.gpkg \(layer 'countries_display'\): cannot read"
    ) as err:
        load_countries()
    assert str(empty_data) not in str(err.value)


def test_missing_layer_is_named(shipped, empty_data):
    _write(empty_data / "boundaries.gpkg", {"countries": shipped["countries"]})
    with pytest.raises(DataError, match=r"\(layer 'subunits_display'\): cannot read"):
        load_subunits()


def _no_crs(gdf):
    return gdf.set_crs(None, allow_override=True)


def _mercator(gdf):
    return gdf.to_crs(3857)


def _no_name(gdf):
    return gdf.drop(columns="name")


def _duplicate(gdf):
    gdf = gdf.copy()
    gdf.loc[gdf["iso3"] == "LVA", "iso3"] = "EST"
    return gdf


def _blank(gdf):
    gdf = gdf.copy()
    gdf.loc[3, "iso3"] = ""
    return gdf


def _bow_tie(gdf):
    gdf = gdf.copy()
    gdf.loc[gdf["iso3"] == "POL", "geometry"] = shapely.MultiPolygon(
        [shapely.Polygon([(14, 49), (24, 54), (24, 49), (14, 54)])]
    )
    return gdf


def _line(gdf):
    gdf = gdf.copy()
    gdf.loc[gdf["iso3"] == "POL", "geometry"] = shapely.LineString([(14, 49), (24, 54)])
    return gdf


BREAKAGES = [
    (_no_crs, r"no CRS; expected EPSG:4326"),
    (_mercator, r"CRS EPSG:3857; expected EPSG:4326"),
    (_no_name, r"missing column\(s\) name"),
    (_duplicate, r"duplicate iso3 'EST'"),
    (_blank, r"row 3: empty iso3"),
    (_bow_tie, r"iso3 'POL': invalid geometry \(Self-intersection"),
    (_line, r"iso3 'POL': not polygonal"),
]


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
@pytest.mark.parametrize(
    ("breakage", "message"),
    [pytest.param(f, m, id=f.__name__.strip("_")) for f, m in BREAKAGES],
)
def test_broken_layer_is_named(shipped, empty_data, breakage, message):
    layers = {**shipped, "countries_display": breakage(shipped["countries_display"])}
    _write(empty_data / "boundaries.gpkg", layers)
    with pytest.raises(DataError, match=message) as err:
        load_countries("display")
    text = str(err.value)
    assert "boundaries.gpkg (layer 'countries_display')" in text
    assert "\n" not in text
    load_countries("full")  # the other layer is still fine


def test_display_geojson_is_plain_json(countries):
    """What Folium receives: a FeatureCollection with the columns as properties."""
    doc = json.loads(countries["display"].reset_index().to_json())
    props = doc["features"][0]["properties"]
    assert set(props) == set(boundaries.COUNTRY_COLUMNS)
