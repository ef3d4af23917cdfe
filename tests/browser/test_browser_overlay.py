"""A line of the user's own in the sidebar: drawn, listed, escaped; a bad file changes nothing."""

import json

import pytest
from playwright.sync_api import expect

from render.styles import AREA_STYLES

pytestmark = pytest.mark.browser

MARKUP = "<img src=x onerror=alert(1)> Zed{{ 7*7 }}Zed"
GOOD = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": MARKUP},
                "geometry": {"type": "LineString", "coordinates": [[35, 47.8], [35.2, 47.5]]},
            }
        ],
    }
).encode()
PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)
INJECTED = "img[src=x]"
OVERLAY_LINE = (
    f'path.leaflet-interactive[stroke="{AREA_STYLES["overlay"]["color"]}"]'
    f'[stroke-width="{AREA_STYLES["overlay"]["weight"]}"]'
)


def upload_overlay(tab, name: str, data: bytes) -> None:
    tab.sidebar.locator(".st-key-fm_overlay_upload input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "application/geo+json", "buffer": data}]
    )


def test_overlay_is_drawn_listed_and_shown_as_text(tab):
    tab.settle()
    attribution = tab.sidebar.get_by_label("Attribution: who drew it, under which licence")
    attribution.fill(MARKUP)
    tab.settle_after(lambda: attribution.press("Enter"))
    upload_overlay(tab, "front.geojson", GOOD)
    expect(tab.legend).to_contain_text(f"front (your overlay; {MARKUP})")
    expect(tab.map.locator(OVERLAY_LINE)).to_have_count(1)
    tab.settle()
    for where in (tab.page, tab.map):
        expect(where.locator(INJECTED)).to_have_count(0)
        expect(where.locator("body")).not_to_contain_text("Zed49Zed")


def test_bad_overlay_is_one_error_and_the_view_stays(tab):
    tab.settle()
    upload_overlay(tab, "front.geojson", GOOD)
    expect(tab.legend).to_contain_text("front (your overlay;")
    tab.settle()
    before = tab.view_state()

    upload_overlay(tab, "photo.geojson", PNG)
    error = tab.sidebar.get_by_test_id("stAlert").filter(has_text="not a GeoJSON or GeoPackage")
    expect(error).to_have_text(
        "photo.geojson: not a GeoJSON or GeoPackage file; an overlay must be one"
    )
    tab.settle()
    expect(tab.legend).to_contain_text("front (your overlay;")
    expect(tab.map.locator(OVERLAY_LINE)).to_have_count(1)
    assert tab.view_state() == before, "a refused file must not move the map"
    expect(tab.page.get_by_test_id("stException")).to_have_count(0)

    tab.sidebar.get_by_role("button", name="Remove your line").click()
    tab.settle()
    expect(tab.legend).not_to_contain_text("your overlay")
    expect(tab.map.locator(OVERLAY_LINE)).to_have_count(0)
