"""Downloads from the sidebar parse, and the exported HTML map works from disk with no network.

The tests share one page (a download leaves the view as it was): each picks its format,
prepares and downloads the file anew, and must leave the page's record clean.
"""

import re
import sqlite3
from pathlib import Path

import geopandas as gpd
import pytest
import yaml
from playwright.sync_api import expect

from .conftest import check_tab
from .guard import CONTEXT_OPTIONS

pytestmark = pytest.mark.browser

FILE_NAME = "flankmap_proposal-2022_2022-02-23"


@pytest.fixture
def tab(module_tab, shared_context):
    """The module's page on the default view; checked after each test."""
    yield module_tab
    check_tab(module_tab, shared_context)


def download_export(tab, label: str, suffix: str, tmp_path: Path) -> Path:
    """Choose ``label`` as "Export format", prepare it, download it; return the saved file.

    The button is awaited by its full name: the previous format's button can still be on
    the page for a moment after the choice, and clicking it would save the wrong file.
    """
    tab.settle()
    if tab.page.get_by_role("combobox", name="Export format").input_value() != label:
        tab.settle_after(lambda: tab.choose("Export format", label))
    tab.sidebar.get_by_role("button", name="Prepare download").click()
    button = tab.sidebar.get_by_role("button", name=f"Download {FILE_NAME}{suffix}", exact=True)
    expect(button).to_be_visible(timeout=120_000)
    with tab.page.expect_download() as info:
        button.click()
    download = info.value
    assert download.failure() is None
    assert button.inner_text().strip() == f"Download {download.suggested_filename}"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return path


def test_png_download_is_a_1600_by_1200_image(tab, tmp_path, png_size):
    path = download_export(tab, "PNG image", ".png", tmp_path)
    assert path.name == f"{FILE_NAME}.png"
    data = path.read_bytes()
    assert png_size(data) == (1600, 1200)
    from PIL import Image

    with Image.open(path) as image:
        image.verify()


@pytest.fixture(scope="module")
def html_download(module_tab, shared_context, tmp_path_factory) -> Path:
    """The HTML map, prepared and downloaded once for the two tests that read it."""
    path = download_export(
        module_tab, "HTML (offline, interactive)", ".html", tmp_path_factory.mktemp("html")
    )
    check_tab(module_tab, shared_context)
    return path


def test_html_download_is_an_offline_leaflet_map(html_download):
    path = html_download
    assert path.name == f"{FILE_NAME}.html"
    text = path.read_text(encoding="utf-8")
    assert "leaflet" in text.lower()
    assert not re.search(r"<script[^>]*\ssrc=[\"']?(https?:)?//", text, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\shref=[\"']?(https?:)?//", text, re.IGNORECASE)


def test_geojson_download_parses_with_a_layer_property(tab, tmp_path):
    path = download_export(tab, "GeoJSON", ".geojson", tmp_path)
    assert path.name == f"{FILE_NAME}.geojson"
    gdf = gpd.read_file(path)
    assert "layer" in gdf.columns
    assert {"member", "border_state", "battlegroup"} <= set(gdf["layer"])
    assert (gdf["layer"] == "battlegroup").sum() == 8


def test_geopackage_download_opens(tab, tmp_path):
    path = download_export(tab, "GeoPackage", ".gpkg", tmp_path)
    assert path.name == f"{FILE_NAME}.gpkg"
    with sqlite3.connect(path) as db:
        (application_id,) = db.execute("PRAGMA application_id").fetchone()
    assert application_id == 0x47504B47, "not a GeoPackage ('GPKG' application id)"
    import pyogrio

    layers = pyogrio.list_layers(path)
    assert len(layers) > 0
    assert len(gpd.read_file(path, layer=layers[0][0])) > 0


def test_scenario_yaml_download_parses(tab, tmp_path):
    button = tab.sidebar.get_by_role("button", name="Download this scenario as YAML")
    with tab.page.expect_download() as info:
        button.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["id"] == "proposal-2022"


def test_exported_html_draws_offline_from_disk(html_download, browser):
    path = html_download
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, **CONTEXT_OPTIONS)
    requested: list[str] = []
    dialogs: list[str] = []

    def refuse_network(route) -> None:
        url = route.request.url
        if url.split(":", 1)[0] in {"file", "data", "blob", "about"}:
            route.continue_()
        else:
            requested.append(url)
            route.abort("internetdisconnected")

    context.route("**/*", refuse_network)
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri())
        page.wait_for_function(
            "() => document.querySelectorAll('path.leaflet-interactive').length > 50"
        )
        expect(page.locator(".fm-legend")).to_be_visible()
        expect(page.locator(".fm-legend")).to_contain_text("The February 2022 proposal")
        assert page.locator("path.leaflet-interactive").count() > 50
        assert page.title() == "The February 2022 proposal (eve of the invasion)"
    finally:
        context.close()
    assert requested == [], f"the exported map asked the network for: {requested}"
    assert dialogs == []
