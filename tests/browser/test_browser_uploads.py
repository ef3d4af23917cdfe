"""A stranger's scenario file in the uploader: markup stays text, a bad file changes nothing."""

import pytest
from playwright.sync_api import expect

from render.styles import POINT_STYLES

pytestmark = pytest.mark.browser

PROPOSAL = "The February 2022 proposal (eve of the invasion)"
TITLE = "<img src=x onerror=alert(1)> Zed{{ 7*7 }}Zed **bold** <script>alert(2)</script>"
NOTE = "<img src=y onerror=alert(5)>"
MINE = f"""\
id: mine
title: '{TITLE}'
kind: hypothetical
as_of: '2017-12-31'
description: 'A [link](javascript:alert(3)) and <b>markup</b> {{% raw %}} $x$'
layers: [members, border_states, battlegroups, labels]
battlegroups:
  - {{ref: bg_est}}
  - {{ref: bg_lva}}
  - {{ref: bg_ltu}}
  - {{ref: bg_pol}}
  - {{host: ROU, framework: FRA, source: 'https://example.org/<script>alert(4)</script>',
     note: '{NOTE}'}}
sources:
  - title: '<img src=z onerror=alert(6)>'
    url: https://example.org/
"""
BAD_REF = "<script>alert(7)</script>"
BAD_NAME = "<img src=q onerror=alert(8)>.yaml"
INJECTED = "img[src=x], img[src=y], img[src=z], img[src=q], a[href^='javascript']"


def upload(tab, name: str, text: str) -> None:
    tab.sidebar.locator(".st-key-fm_upload input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "application/yaml", "buffer": text.encode()}]
    )


def test_bad_upload_is_an_error_shown_as_text_and_the_view_stays(tab):
    tab.settle()
    tab.map.locator("a.leaflet-control-zoom-in").click()
    tab.map_frame().wait_for_function("() => window.map.getZoom() === 5")
    before, link = tab.view_state(), tab.page.url

    upload(tab, BAD_NAME, MINE.replace("{ref: bg_pol}", f"{{ref: '{BAD_REF}'}}"))
    error = tab.sidebar.get_by_test_id("stAlert").filter(has_text="unknown battle group")
    expect(error).to_contain_text(BAD_NAME)
    expect(error).to_contain_text(f"'{BAD_REF}'")
    tab.settle()
    expect(tab.scenario_box).to_have_value(PROPOSAL)
    tab.expect_metric("Battle groups", "8")
    tab.expect_battlegroups(8)
    assert tab.view_state() == before, "a refused file must not move the map"
    assert tab.page.url == link
    expect(tab.page.locator(INJECTED)).to_have_count(0)
    expect(tab.page.get_by_test_id("stException")).to_have_count(0)


def test_uploaded_scenario_with_markup_is_shown_as_text(tab):
    upload(tab, "mine.yaml", MINE)
    tab.expect_metric("Battle groups", "5")
    tab.expect_battlegroups(5)
    tab.settle()
    expect(tab.scenario_box).to_have_value("✎ Your own scenario")
    heading = tab.page.get_by_test_id("stMain").get_by_role("heading").first
    expect(heading).to_have_text(TITLE)
    expect(tab.legend).to_contain_text(TITLE)
    expect(tab.sidebar.get_by_test_id("stCaptionContainer").first).to_have_text(
        "A [link](javascript:alert(3)) and <b>markup</b> {% raw %} $x$"
    )

    hypothetical = POINT_STYLES["hypothetical"]
    marker = tab.map.locator(
        f'path.leaflet-interactive[stroke="{hypothetical["color"]}"]'
        f'[stroke-width="{hypothetical["weight"]}"]'
    )
    expect(marker).to_have_count(1)
    marker.hover()
    tooltip = tab.map.locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text(NOTE)
    expect(tooltip).to_contain_text("Romania")

    for where in (tab.page, tab.map):
        expect(where.locator(INJECTED)).to_have_count(0)
        expect(where.locator("body")).not_to_contain_text("Zed49Zed")
    expect(tab.page.locator("strong", has_text="bold")).to_have_count(0)
