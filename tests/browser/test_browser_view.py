"""What a person sees in Chromium: the first map, scenario switches, pan and zoom, a layer off."""

import json
import re

import pytest
from playwright.sync_api import expect
from streamlit.proto.BackMsg_pb2 import BackMsg

from render.folium_map import DRAWN
from render.styles import POINT_STYLES

from .conftest import MAP_FRAME

pytestmark = pytest.mark.browser

EFP = "Enhanced Forward Presence (end of 2017)"
PROPOSAL = "The February 2022 proposal (eve of the invasion)"
HESITATION = "Hypothetical: Slovakia and Hungary decline"


def test_first_load_draws_map_legend_and_metrics(open_app, fresh_server, artifacts):
    """A first visitor of a fresh server (a browser context of its own): the map first, then
    the legend, the figures and the picker. How long it takes is measured by
    scripts/benchmark.py against a bare page, not here."""
    tab = open_app(wait=False, fresh=True, on=fresh_server)
    tab.wait_drawn(whole=False)  # the map comes first, the rest once it is drawn
    tab.wait_drawn()

    assert tab.polygons.count() > 50
    expect(tab.legend).to_be_visible()
    metrics = tab.page.get_by_test_id("stMetric")
    expect(metrics).to_have_count(4)
    for i in range(4):
        expect(metrics.nth(i)).to_be_visible()
    tab.expect_metric("Battle groups", "8")
    expect(tab.scenario_box).to_have_value(PROPOSAL)
    tab.settle()
    tab.page.screenshot(path=artifacts / "default_view.png")


def _reports_map_drawn(payload: bytes | str) -> bool:
    """Whether a message the page sent is the map frame's report that its shapes are drawn."""
    if isinstance(payload, str):
        return False
    message = BackMsg()
    message.ParseFromString(payload)
    widgets = message.rerun_script.widget_states.widgets
    return any(w.json_value and json.loads(w.json_value) == DRAWN for w in widgets)


def test_a_first_visit_gets_the_map_first_and_it_stays_put(open_app):
    tab = open_app(wait=False)
    reports = []
    tab.on(
        "websocket",
        lambda ws: ws.on(
            "framesent",
            lambda payload: reports.append(payload) if _reports_map_drawn(payload) else None,
        ),
    )
    tab.page.reload()  # a new session: the first visit, watched from its start
    tab.wait_drawn(whole=False)  # the map's shapes, whatever else is there yet
    top = tab.page.locator(MAP_FRAME).bounding_box()["y"]
    tab.wait_drawn()  # and the page around it: picker, figures, sidebar
    assert reports, "the map's frame never reported its shapes drawn"
    expect(tab.scenario_box).to_have_value(PROPOSAL)
    tab.expect_metric("Battle groups", "8")
    moved = tab.page.locator(MAP_FRAME).bounding_box()["y"] - top
    assert abs(moved) < 1, f"the map moved {moved:+.0f} px when the page around it came"


def test_scenario_switch_changes_battle_groups_and_metrics(tab):
    tab.expect_battlegroups(8)
    tab.expect_metric("Battle groups", "8")

    tab.choose("Scenario", EFP)
    tab.expect_metric("Battle groups", "4")
    tab.expect_metric("Host countries", "4")
    tab.expect_battlegroups(4)
    tab.settle()
    expect(tab.labels).to_have_count(4)

    tab.choose("Scenario", PROPOSAL)
    tab.expect_metric("Battle groups", "8")
    tab.expect_battlegroups(8)


@pytest.mark.parametrize(
    ("target", "battlegroups"),
    [
        pytest.param(HESITATION, 6, id="proposal-to-hypothetical"),
        # Every kind has its badge in the same place, so a switch between kinds leaves the
        # map where it is in Streamlit's element tree (else the frontend remounts it).
        pytest.param(EFP, 4, id="proposal-to-historical"),
    ],
)
def test_switching_scenario_keeps_pan_and_zoom(tab, target, battlegroups):
    tab.settle()
    start = tab.view_state()
    tab.map.locator("a.leaflet-control-zoom-in").click()
    tab.map_frame().wait_for_function(f"() => window.map.getZoom() === {start['zoom'] + 1}")
    tab.view_state()  # the zoom animation is over
    box = tab.page.locator(MAP_FRAME).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    tab.page.mouse.move(x, y)
    tab.page.mouse.down()
    tab.page.mouse.move(x - 120, y + 60, steps=6)
    tab.page.mouse.up()
    tab.map_frame().wait_for_function(f"() => window.map.getCenter().lng > {start['lng'] + 1}")
    before = tab.view_state()
    assert before["zoom"] == start["zoom"] + 1

    tab.choose("Scenario", target)
    tab.expect_metric("Battle groups", str(battlegroups))
    tab.expect_battlegroups(battlegroups)
    tab.settle()
    after = tab.view_state()
    assert (after["zoom"], after["lat"], after["lng"]) == (
        before["zoom"],
        before["lat"],
        before["lng"],
    ), f"BUG: switching to {target!r} lost the user's pan/zoom: {before} -> {after}"


def test_layer_toggled_off_leaves_the_map(tab):
    tab.expect_battlegroups(8)
    polygons = tab.polygons.count()

    tab.toggle("Battle groups")
    tab.expect_battlegroups(0)
    tab.settle()
    expect(tab.labels).to_have_count(0)
    expect(tab.legend).not_to_contain_text("Battle group")
    assert tab.polygons.count() == polygons - 8, "only the battle-group markers should go"
    expect(tab.page).to_have_url(re.compile(r"[?&]layers=(?![^&]*battlegroups)[^&]*(&|$)"))

    tab.toggle("Battle groups")
    tab.expect_battlegroups(8)
    tab.settle()
    expect(tab.legend).to_contain_text("Battle group")


def test_battle_group_tooltip_names_host_and_lead_nation(tab):
    tab.settle()
    proposed = POINT_STYLES["proposed"]
    markers = tab.map.locator(
        f'path.leaflet-interactive[stroke="{proposed["color"]}"]'
        f'[stroke-width="{proposed["weight"]}"]'
    )
    expect(markers).to_have_count(4)
    tooltip = tab.map.locator(".leaflet-tooltip")
    texts = []
    for i in range(4):
        markers.nth(i).hover()
        expect(tooltip).to_be_visible()
        texts.append(tooltip.inner_text())
    romania = [t for t in texts if "Romania" in t]
    assert len(romania) == 1, texts
    assert "France" in romania[0], "the tooltip names the framework nation"
    assert "proposed" in romania[0].lower()
    assert "Contributing nations" in romania[0]
    assert "no sourced list on this date" in romania[0], "nothing pledged yet on 2022-02-23"


def test_web_tiles_are_refused_and_recorded(tab):
    """The guard itself: the one option that needs the internet is caught asking for it, and
    Chromium refuses the requests (none is answered)."""
    refused: list[str] = []
    tab.on("requestfailed", lambda request: refused.append(request.url))
    tab.sidebar.get_by_text("OpenStreetMap tiles (needs internet)").click()
    tab.settle()
    for _ in range(100):  # the tile requests follow the map's first draw
        if tab.blocked and refused:
            break
        tab.page.wait_for_timeout(100)
    assert tab.blocked, "choosing web tiles should have asked the network for tiles"
    assert set(refused) & set(tab.blocked), f"no tile request was refused: {refused}"
    tab.page.close()
    assert all("openstreetmap" in url for url in tab.blocked), tab.blocked
    assert tab.reached == [], f"tile requests were answered: {tab.reached}"
    tab.blocked.clear()  # expected here; every other test must leave the record empty


def test_compare_view_draws_both_maps_offline_in_step(open_app):
    tab = open_app("scenario=proposal-2022&compare=efp-2017", wait=False)
    frame = tab.page.frame_locator('iframe[data-testid="stIFrame"]')
    expect(frame.locator(".leaflet-container")).to_have_count(2, timeout=60_000)
    tab.page.wait_for_function(
        """() => {
            const doc = document.querySelector('iframe[data-testid="stIFrame"]').contentDocument;
            return doc.querySelectorAll("path.leaflet-interactive").length > 100;
        }""",
        timeout=60_000,
    )
    expect(frame.locator(".fm-legend")).to_have_count(2)
    expect(frame.locator(".fm-legend").first).to_contain_text("The February 2022 proposal")
    expect(frame.locator(".fm-legend").last).to_contain_text("Enhanced Forward Presence")
    expect(tab.page.get_by_test_id("stMain")).to_contain_text("What changes from left to right")

    frame.locator("a.leaflet-control-zoom-in").first.click()
    tab.page.wait_for_function(
        """() => {
            const win = document.querySelector('iframe[data-testid="stIFrame"]').contentWindow;
            return win.flankmapMaps && win.flankmapMaps.every(m => m.getZoom() === 5);
        }"""
    )
