"""A line of the user's own: read from bytes, checked, escaped, drawn, exported; bad files refused.

The same five files go through the pure reader (the app's path) and ``flankmap export
--overlay`` (the CLI's): a good one, one too large, one that is not geodata, one with markup in
its properties, one in another CRS.
"""

import json
import tempfile
from pathlib import Path

import geopandas as gpd
import pytest
from conftest import KEY, no_traceback, page_html, run_app
from shapely.geometry import LineString, Polygon

from geo.errors import InputError
from layers.scenario.overlay import MAX_OVERLAY_BYTES, read_overlay, with_overlay
from layers.scenario.scenarios import get_scenario
from layers.scenario.scene import build_scene
from render.export import export_bytes
from render.legend import legend_html

MARKUP = "<img src=x onerror=alert(1)> Zed{{ 7*7 }}Zed"
#: A line along the Dnipro near Zaporizhzhia and an area around Kherson, in lon/lat (made up).
LINE = LineString([(35.0, 47.8), (35.2, 47.5), (34.6, 47.2)])
AREA = Polygon([(32.4, 46.5), (33.0, 46.5), (33.0, 46.8), (32.4, 46.8)])


def _geojson(properties: dict | None = None) -> bytes:
    frame = gpd.GeoDataFrame(
        {"name": ["front line", "an area"], **(properties or {})},
        geometry=[LINE, AREA],
        crs="EPSG:4326",
    )
    return frame.to_json().encode()


def _gpkg_3035(folder: Path) -> bytes:
    frame = gpd.GeoDataFrame({"name": ["front line"]}, geometry=[LINE], crs="EPSG:4326")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "laea.gpkg"
    frame.to_crs(3035).to_file(path, driver="GPKG")
    return path.read_bytes()


def _too_large() -> bytes:
    data = _geojson()
    return data[:-1] + b" " * (MAX_OVERLAY_BYTES + 1 - len(data)) + data[-1:]


PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(200)


# --- the pure reader (what the app calls) ----------------------------------------------------


def test_good_file_is_read_with_label_and_attribution():
    layer = read_overlay(_geojson(), "front.geojson", attribution="Me, CC BY 4.0")
    assert list(layer.columns) == ["name", "label", "attribution", "geometry"]
    assert list(layer["name"]) == ["front line", "an area"]
    assert set(layer["label"]) == {"front"}
    assert set(layer["attribution"]) == {"Me, CC BY 4.0"}
    assert layer.crs.to_epsg() == 4326
    assert list(layer.geom_type) == ["LineString", "Polygon"]


def test_too_large_file_is_refused():
    data = _too_large()
    assert len(data) == MAX_OVERLAY_BYTES + 1
    with pytest.raises(InputError, match=r"big.geojson: 5,242,881 bytes; .* at most 5 MB"):
        read_overlay(data, "big.geojson")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (PNG_BYTES, "photo.png"),
        (b"id,lat,lon\n1,50,30\n", "points.csv"),
        (b'{"type": "Topology"}', "map.json"),
        (b"", "empty.geojson"),
    ],
)
def test_non_geo_file_is_one_clear_error(data, name):
    with pytest.raises(InputError) as caught:
        read_overlay(data, name)
    assert str(caught.value) == f"{name}: not a GeoJSON or GeoPackage file; an overlay must be one"


def test_points_are_refused():
    frame = gpd.GeoDataFrame(geometry=gpd.points_from_xy([30], [50]), crs="EPSG:4326")
    with pytest.raises(InputError, match="Point geometry is not allowed"):
        read_overlay(frame.to_json().encode(), "points.geojson")


def test_markup_in_properties_stays_raw_here_and_is_escaped_when_drawn():
    layer = read_overlay(_geojson({"name": [MARKUP, MARKUP]}), f"{MARKUP}.geojson")
    assert layer["name"].iloc[0] == MARKUP  # data is data; renderers escape it
    scene = with_overlay(build_scene(get_scenario("latest")), layer, attribution=MARKUP)
    legend = str(legend_html(scene))
    assert "<img" not in legend
    assert "&lt;img src=x onerror=alert(1)&gt;" in legend
    page = export_bytes(scene, "html").decode()
    assert "<img src=x" not in page
    assert "Zed49Zed" not in page  # no template ran


def test_file_in_another_crs_is_transformed(tmp_path):
    gpkg = _gpkg_3035(tmp_path)
    layer = read_overlay(gpkg, "laea.gpkg")
    assert layer.crs.to_epsg() == 4326
    assert layer.geometry.iloc[0].equals_exact(LINE, tolerance=1e-6)


def test_geojson_naming_an_old_style_crs_is_transformed():
    frame = gpd.GeoDataFrame({"name": ["a"]}, geometry=[LINE], crs="EPSG:4326").to_crs(3857)
    data = frame.to_json(to_wgs84=False).encode()
    text = json.loads(data)
    text["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    layer = read_overlay(json.dumps(text).encode(), "mercator.geojson")
    assert layer.geometry.iloc[0].equals_exact(LINE, tolerance=1e-6)


def test_geopackage_without_crs_is_refused(tmp_path):
    path = tmp_path / "nocrs.gpkg"
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        gpd.GeoDataFrame({"name": ["a"]}, geometry=[LINE]).to_file(path, driver="GPKG")
    with pytest.raises(InputError, match="no CRS"):
        read_overlay(path.read_bytes(), "nocrs.gpkg")


def test_reading_writes_nothing_to_disk(tmp_path, monkeypatch):
    gpkg = _gpkg_3035(tmp_path / "made")
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    monkeypatch.setattr(tempfile, "tempdir", str(empty))
    read_overlay(gpkg, "laea.gpkg")
    read_overlay(_geojson(), "front.geojson")
    assert list(empty.iterdir()) == []


def test_with_overlay_leaves_the_cached_scene_alone():
    scene = build_scene(get_scenario("efp-2017"))
    layer = read_overlay(_geojson(), "front.geojson")
    mine = with_overlay(scene, layer, label="My front", attribution="Me")
    assert scene.overlay.empty
    assert set(mine.overlay["label"]) == {"My front"}
    assert set(layer["label"]) == {"front"}


# --- the app ----------------------------------------------------------------------------------


def test_app_draws_the_overlay_in_its_legend_and_shows_the_occupation_note():
    at = run_app(scenario="latest")
    assert any("no openly licensed line" in info.value for info in at.info)
    at.session_state[f"{KEY}overlay"] = read_overlay(_geojson({"name": [MARKUP, MARKUP]}), "a.json")
    at.session_state[f"{KEY}overlay_attribution"] = MARKUP
    at.run()
    no_traceback(at)
    legend = page_html(at)
    assert "a (your overlay; &lt;img src=x onerror=alert(1)&gt;" in legend
    assert "<img" not in legend


# --- in every export ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def overlaid():
    layer = read_overlay(_geojson(), "front.geojson", attribution="Drawn by me, CC0")
    return with_overlay(build_scene(get_scenario("latest")), layer)


def test_overlay_in_geojson_export(overlaid):
    collection = json.loads(export_bytes(overlaid, "geojson"))
    mine = [f for f in collection["features"] if f["properties"]["layer"] == "overlay"]
    assert len(mine) == 2
    assert mine[0]["properties"]["source"] == "Drawn by me, CC0"
    assert mine[0]["properties"]["status"] == "front"


def test_overlay_in_gpkg_export(overlaid, tmp_path):
    path = tmp_path / "overlaid.gpkg"
    path.write_bytes(export_bytes(overlaid, "gpkg"))
    frame = gpd.read_file(path, layer="overlay")
    assert len(frame) == 2
    assert set(frame["source"]) == {"Drawn by me, CC0"}


def test_overlay_in_html_legend_and_png(overlaid):
    page = export_bytes(overlaid, "html").decode()
    assert "front (your overlay; Drawn by me, CC0)" in page
    png = export_bytes(overlaid, "png")
    assert png.startswith(b"\x89PNG")


# --- flankmap export --overlay -----------------------------------------------------------------


def _export(run_cli, tmp_path, overlay: Path, fmt: str = "geojson", *extra: str):
    target = tmp_path / f"out.{fmt}"
    argv = ["export", "--scenario", "latest", "--format", fmt, "--out", str(target)]
    status, out, err = run_cli([*argv, "--overlay", str(overlay), *extra])
    return status, out, err, target


def test_cli_good_overlay(tmp_path, run_cli):
    source = tmp_path / "front.geojson"
    source.write_bytes(_geojson())
    status, _, err, target = _export(
        run_cli, tmp_path, source, "geojson", "--overlay-attribution", "Me, CC BY 4.0"
    )
    assert (status, err) == (0, "")
    frame = gpd.read_file(target)
    mine = frame[frame["layer"] == "overlay"]
    assert len(mine) == 2
    assert set(mine["source"]) == {"Me, CC BY 4.0"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "big.geojson",
            _too_large(),
            "big.geojson: 5,242,881 bytes; an overlay may be at most 5 MB",
        ),
        ("photo.png", PNG_BYTES, "photo.png: not a GeoJSON or GeoPackage file"),
    ],
)
def test_cli_bad_overlay_is_one_line_exit_2_and_no_file(tmp_path, run_cli, name, content, message):
    source = tmp_path / name
    source.write_bytes(content)
    status, out, err, target = _export(run_cli, tmp_path, source)
    assert status == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1
    assert not target.exists()


def test_cli_missing_overlay_file(tmp_path, run_cli):
    status, _, err, _ = _export(run_cli, tmp_path, tmp_path / "nope.geojson")
    assert status == 2
    assert "nope.geojson" in err


def test_cli_overlay_with_markup_is_escaped_in_html(tmp_path, run_cli):
    source = tmp_path / "marked.geojson"
    source.write_bytes(_geojson({"name": [MARKUP, MARKUP]}))
    status, _, err, target = _export(
        run_cli, tmp_path, source, "html", "--overlay-attribution", MARKUP
    )
    assert (status, err) == (0, "")
    page = target.read_text(encoding="utf-8")
    assert "<img src=x" not in page
    assert "\\u003cimg" not in page  # nor a raw tag inside the page's JSON
    assert "lt;img src=x onerror=alert(1)" in page  # shown, as text
    assert "Zed49Zed" not in page


def test_cli_overlay_in_another_crs(tmp_path, run_cli):
    source = tmp_path / "laea.gpkg"
    source.write_bytes(_gpkg_3035(tmp_path / "tmp"))
    status, _, err, target = _export(run_cli, tmp_path, source)
    assert (status, err) == (0, "")
    frame = gpd.read_file(target)
    line = frame[frame["layer"] == "overlay"].geometry.iloc[0]
    assert line.equals_exact(LINE, tolerance=1e-6)
