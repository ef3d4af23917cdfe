"""Exports: every preset in every format opens in the tool a reader would use, and says the same."""

import dataclasses
import datetime as dt
import html
import io
import json
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from conftest import HOSTILE
from matplotlib.image import imread

import render.export_html
import render.export_vector
from geo.errors import FlankmapError, InputError
from layers.scenario.scenarios import get_scenario, load_presets
from layers.scenario.scene import build_scene
from render import export_png, png_layout
from render.export import FORMATS, check_options, export_filename, write_export
from render.export_html import to_html
from render.export_png import to_png
from render.export_vector import (
    EXPORT_LAYERS,
    GPKG_METADATA_TABLE,
    to_geojson,
    vector_layers,
)
from render.styles import AREA_STYLES, POINT_STYLES, SEA_COLOUR

PRESETS = list(load_presets())


@pytest.fixture(scope="module")
def scenes():
    return {sid: build_scene(scenario) for sid, scenario in load_presets().items()}


@pytest.fixture(scope="module")
def exported(scenes, tmp_path_factory):
    """Every preset written once in every format, through the atomic writer."""
    folder = tmp_path_factory.mktemp("exports")
    return {
        (sid, fmt): write_export(scene, fmt, folder / export_filename(scene, fmt))
        for sid, scene in scenes.items()
        for fmt in FORMATS
    }


@pytest.fixture(scope="module")
def hostile_scene(scenes):
    scenario = dataclasses.replace(get_scenario("proposal-2022"), title=HOSTILE)
    return dataclasses.replace(scenes["proposal-2022"], scenario=scenario)


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


def _over_sea(style: dict) -> np.ndarray:
    """The colour a translucent area shows on the sea-coloured map background."""
    alpha = style["fillOpacity"]
    return alpha * _rgb(style["fillColor"]) + (1 - alpha) * _rgb(SEA_COLOUR)


def _share(pixels: np.ndarray, colour: np.ndarray, tolerance: float = 6) -> float:
    """Fraction of pixels within ``tolerance`` (0..255 per channel) of ``colour``."""
    return float((np.abs(pixels - colour).max(axis=-1) <= tolerance).mean())


def _pixels(path) -> np.ndarray:
    image = imread(path)
    return np.round(image[..., :3] * 255)


# --- every preset, every format ------------------------------------------------------------------


@pytest.mark.parametrize("sid", PRESETS)
def test_export_names_are_safe_and_distinct(scenes, exported, sid):
    names = {exported[sid, fmt].name for fmt in FORMATS}
    assert len(names) == len(FORMATS)
    for name in names:
        assert re.fullmatch(r"flankmap_[A-Za-z0-9_-]+_\d{4}-\d{2}-\d{2}\.[a-z]+", name)
        assert name.startswith(f"flankmap_{sid}_{scenes[sid].as_of.isoformat()}")


def test_a_hostile_scenario_id_gives_a_plain_file_name():
    scene = SimpleNamespace(
        scenario=SimpleNamespace(id="../../etc/passwd"), as_of=dt.date(2022, 2, 23)
    )
    assert export_filename(scene, "gpkg") == "flankmap_etc-passwd_2022-02-23.gpkg"
    span = (dt.date(2014, 1, 1), dt.date(2025, 4, 1))
    assert export_filename(scene, "gif", span) == "flankmap_etc-passwd_2014-01-01_to_2025-04-01.gif"


@pytest.mark.parametrize("sid", PRESETS)
def test_png_is_full_size_with_the_style_colours(scenes, exported, sid):
    scene = scenes[sid]
    pixels = _pixels(exported[sid, "png"])
    assert pixels.shape == (1200, 1600, 3)
    assert _share(pixels, _rgb(SEA_COLOUR)) > 0.08
    categories = set(scene.countries["category"])
    for category in ("member", "russia"):
        if category in categories:
            assert _share(pixels, _over_sea(AREA_STYLES[category])) > 0.03, category
    if "existing" in set(scene.battlegroups["status_class"]):
        assert _share(pixels, _rgb(POINT_STYLES["existing"]["color"]), 20) > 2e-4


def test_png_marks_proposed_and_hypothetical_groups_differently(exported):
    proposed = _rgb(POINT_STYLES["proposed"]["color"])
    hypothetical = _rgb(POINT_STYLES["hypothetical"]["color"])
    with_proposals = _pixels(exported["proposal-2022", "png"])
    fallback = _pixels(exported["fallback-romania", "png"])
    assert _share(with_proposals, proposed, 20) > 5 * _share(fallback, proposed, 20)
    # Crimea's outline shares the hypothetical colour: compare, don't count.
    assert _share(fallback, hypothetical, 20) > _share(with_proposals, hypothetical, 20)


@pytest.mark.parametrize("sid", PRESETS)
def test_geojson_carries_every_layer_in_wgs84(scenes, exported, sid):
    scene = scenes[sid]
    frame = gpd.read_file(exported[sid, "geojson"])
    assert frame.crs.to_epsg() == 4326
    assert set(frame["layer"]) <= set(EXPORT_LAYERS)
    assert set(frame["layer"]) == set(vector_layers(scene))
    for column in ("iso3", "name", "status", "source"):
        assert column in frame.columns
    countries = frame[frame["layer"].isin(["member", "border_state"])]
    assert countries["iso3"].str.fullmatch(r"[A-Z]{3}").all()
    assert (frame["name"].fillna("") != "").all()
    assert frame.geometry.is_valid.all()
    xmin, ymin, xmax, ymax = frame.total_bounds
    assert -180 <= xmin <= xmax <= 180
    assert -90 <= ymin <= ymax <= 90
    bgs = frame[frame["layer"] == "battlegroup"]
    assert len(bgs) == len(scene.battlegroups)
    if "battlegroups" in scene.layers:
        assert len(bgs) == scene.metrics.battlegroups
    if len(bgs):
        assert set(bgs["location"]) <= {"base", "host_point"}
        assert (bgs.geometry.geom_type == "Point").all()


@pytest.mark.parametrize("sid", PRESETS)
def test_geopackage_has_one_table_per_layer(scenes, exported, sid):
    scene = scenes[sid]
    path = exported[sid, "gpkg"]
    tables = dict(pyogrio.list_layers(path).tolist())
    expected = set(vector_layers(scene))
    assert set(tables) == expected | {GPKG_METADATA_TABLE}
    assert tables[GPKG_METADATA_TABLE] is None  # attributes only
    for name in expected:
        table = gpd.read_file(path, layer=name)
        assert table.crs.to_epsg() == 4326
        assert set(table["layer"]) == {name}
        for column in ("iso3", "name", "status", "source"):
            assert column in table.columns
    count = len(gpd.read_file(path, layer="battlegroup")) if "battlegroup" in tables else 0
    assert count == len(scene.battlegroups)
    if "battlegroups" in scene.layers:
        assert count == scene.metrics.battlegroups
    meta = pyogrio.read_dataframe(path, layer=GPKG_METADATA_TABLE, read_geometry=False)
    assert meta.loc[0, "id"] == sid
    assert meta.loc[0, "as_of"] == scene.as_of.isoformat()


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.links.append(attrs["href"])


@pytest.mark.parametrize("sid", PRESETS)
def test_html_needs_no_network(scenes, exported, sid):
    page = exported[sid, "html"].read_text(encoding="utf-8")
    refs = _Refs()
    refs.feed(page)
    assert refs.scripts, "Leaflet should be inlined as a data: URI script"
    for url in refs.scripts + refs.links:
        assert url.startswith("data:"), url[:80]
    assert "L.map(" in page
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL).group(1)
    assert html.unescape(title.strip()) == scenes[sid].scenario.title
    for host in scenes[sid].battlegroups["host"]:
        assert html.escape(host) in page


# --- hostile text ---------------------------------------------------------------------------------


def test_hostile_title_is_escaped_in_html(hostile_scene):
    page = to_html(hostile_scene)
    assert HOSTILE not in page
    assert "alert(1)" in page  # shown, as text
    refs = _Refs()
    refs.feed(page)
    assert all(url.startswith("data:") for url in refs.scripts)


def test_hostile_title_is_plain_text_in_png_and_raw_in_data(hostile_scene, tmp_path):
    pixels = imread(io.BytesIO(to_png(hostile_scene)))
    assert pixels.shape[:2] == (1200, 1600)
    collection = json.loads(to_geojson(hostile_scene))
    assert collection["flankmap"]["title"] == HOSTILE
    write_export(hostile_scene, "gpkg", tmp_path / "hostile.gpkg")
    meta = pyogrio.read_dataframe(
        tmp_path / "hostile.gpkg", layer=GPKG_METADATA_TABLE, read_geometry=False
    )
    assert meta.loc[0, "title"] == HOSTILE


def test_png_title_with_dollars_is_not_mathtext(scenes):
    scenario = dataclasses.replace(
        get_scenario("efp-2017"), title="$x^2$ costs $5 and {\\bf}: NATO–Russia ✓"
    )
    scene = dataclasses.replace(scenes["efp-2017"], scenario=scenario)
    assert to_png(scene, width=800, height=600)[:8] == b"\x89PNG\r\n\x1a\n"


def test_vector_exports_keep_raw_text(scenes):
    text = to_geojson(scenes["proposal-2022"]).decode("utf-8")
    for entity in ("&amp;", "&lt;", "&#x27;"):
        assert entity not in text
    collection = json.loads(text)
    hosts = {
        f["properties"]["host"]
        for f in collection["features"]
        if f["properties"]["layer"] == "battlegroup"
    }
    assert hosts == set(scenes["proposal-2022"].battlegroups["host"])


# --- sizes, purity, atomic writes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "height", "dpi"), [(800, 600, 100), (1001, 777, 96), (2400, 1800, 150)]
)
def test_png_is_exactly_the_size_asked(scenes, width, height, dpi):
    pixels = imread(io.BytesIO(to_png(scenes["efp-2017"], width=width, height=height, dpi=dpi)))
    assert pixels.shape[:2] == (height, width)


def test_exports_leave_the_scene_as_it_was(scenes):
    scene = scenes["proposal-2022"]
    frames = ("countries", "battlegroups", "reinforcements", "buildup", "occupied", "demand_area")
    before = {name: getattr(scene, name).copy() for name in frames}
    to_png(scene, width=800, height=600)
    to_geojson(scene)
    vector_layers(scene)
    for name in frames:
        after = getattr(scene, name)
        assert after.crs == before[name].crs
        pd.testing.assert_frame_equal(
            pd.DataFrame(after.drop(columns="geometry")),
            pd.DataFrame(before[name].drop(columns="geometry")),
        )
        assert after.geometry.geom_equals_exact(before[name].geometry, 0).all()


def test_unknown_format_names_the_allowed_ones(scenes, tmp_path):
    with pytest.raises(InputError, match=r"'pdf'.*png, html, geojson, gpkg"):
        write_export(scenes["efp-2017"], "pdf", tmp_path / "x.pdf")
    assert not list(tmp_path.iterdir())


def test_missing_folder_is_an_input_error(scenes, tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        write_export(scenes["efp-2017"], "geojson", tmp_path / "nope" / "x.geojson")
    with pytest.raises(InputError, match="is a folder"):
        write_export(scenes["efp-2017"], "geojson", tmp_path)


def test_failed_export_leaves_no_file_and_keeps_the_old_one(scenes, tmp_path, monkeypatch):
    target = tmp_path / "map.geojson"
    target.write_text("old")

    def broken(scene):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(render.export_vector, "to_geojson", broken)
    with pytest.raises(RuntimeError):
        write_export(scenes["efp-2017"], "geojson", target)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["map.geojson"]


def test_html_with_a_cdn_script_is_refused(scenes, monkeypatch):
    import folium

    monkeypatch.setattr(
        render.export_html, "build_map", lambda scene, basemap="plain": folium.Map()
    )
    with pytest.raises(RuntimeError, match="network"):
        to_html(scenes["efp-2017"])


def test_unknown_basemap_is_refused(scenes):
    with pytest.raises(FlankmapError, match="'satellite'"):
        to_html(scenes["efp-2017"], basemap="satellite")


def test_png_caption_names_the_sites_of_the_facts_shown(scenes):
    caption = export_png._caption(scenes["proposal-2022"], 200)
    assert "Natural Earth" in caption
    assert "bnr.bg" in caption  # the scenario's source
    assert "hansard.parliament.uk" in caption
    assert "https://" not in caption


def test_scale_bar_is_true_on_the_ground_at_the_map_centre():
    from pyproj import Geod, Transformer

    box = png_layout.frame(1.25)
    km, length, (lon, lat) = png_layout.scale_bar_length(box)
    cx, cy = (box[0] + box[1]) / 2, (box[2] + box[3]) / 2
    back = Transformer.from_crs(3035, 4326, always_xy=True)
    (lon0, lon1), (lat0, lat1) = back.transform([cx - length / 2, cx + length / 2], [cy, cy])
    ground_km = Geod(ellps="WGS84").inv(lon0, lat0, lon1, lat1)[2] / 1000
    assert ground_km == pytest.approx(km, rel=0.01)
    assert 20 < lon < 35
    assert 45 < lat < 60
    assert length != pytest.approx(km * 1000, rel=1e-3)  # LAEA is not true to scale here


def test_template_syntax_in_a_title_is_not_evaluated(scenes):
    scenario = dataclasses.replace(
        get_scenario("efp-2017"), title="{{ 7*7 }} {% if 1 %}x{% endif %}"
    )
    page = to_html(dataclasses.replace(scenes["efp-2017"], scenario=scenario))
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL).group(1)
    assert html.unescape(title.strip()) == scenario.title
    assert "{{ 7*7 }}" not in page.replace(title, "")  # escaped, not raw, in the legend too


def test_options_out_of_range_are_refused_and_others_dropped():
    with pytest.raises(InputError, match="PNG width 50 is not allowed; use 200–10000"):
        check_options("png", width=50)
    tick = print
    taken = check_options("gif", start=dt.date(2017, 1, 1), progress=tick, width=1200, dpi=5)
    assert taken == {"start": dt.date(2017, 1, 1), "progress": tick, "width": 1200}
