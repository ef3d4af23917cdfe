"""The map first on a desktop and a phone, the timeline played, and what axe-core finds."""

import datetime as dt
import itertools
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from layers.facts.tables import event_dates
from layers.scenario.scenarios import load_presets
from layers.scenario.scene import build_scene

from .conftest import MAP_FRAME

pytestmark = pytest.mark.browser

DESKTOP = (1440, 900)
PHONE = (390, 844)
TABLES = "What the map shows (as tables)"
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def viewport_box(tab, locator):
    """The element's box, and whether it lies (wholly) in the first viewport of the page."""
    box = locator.bounding_box()
    assert box is not None, "the element is not on the page"
    return box, tab.page.viewport_size


def test_desktop_shows_the_whole_map_first(open_app, artifacts):
    tab = open_app(viewport=DESKTOP)
    tab.settle()
    box, size = viewport_box(tab, tab.page.locator(MAP_FRAME))
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= size["height"], (
        f"the map ends at {box['y'] + box['height']:.0f} px, below the first {size['height']} px"
    )
    picker, _ = viewport_box(tab, tab.scenario_box)
    assert picker["y"] + picker["height"] <= box["y"], "the scenario picker is above the map"
    badge = tab.page.locator(".stMarkdownBadge").filter(has_text="Proposal (not a decision)")
    expect(badge).to_be_in_viewport()
    description = load_presets()["proposal-2022"].description
    shown = tab.page.get_by_text(description[:60])
    expect(shown).to_have_count(1)  # once, under the map: not in a warning and the sidebar too
    tab.page.screenshot(path=artifacts / "desktop_1440x900.png")


def test_phone_shows_the_picker_and_the_top_of_the_map(open_app, artifacts):
    tab = open_app(viewport=PHONE)
    tab.settle()
    expect(tab.sidebar).not_to_be_in_viewport()  # collapsed on a phone
    picker, size = viewport_box(tab, tab.scenario_box)
    assert picker["y"] + picker["height"] <= size["height"], "the scenario picker is off screen"
    expect(tab.scenario_box).to_be_in_viewport()
    box, _ = viewport_box(tab, tab.page.locator(MAP_FRAME))
    assert 0 <= box["y"] < size["height"] - 100, (
        f"the map starts at {box['y']:.0f} px: not in the first {size['height']} px"
    )
    tab.page.screenshot(path=artifacts / "phone_390x844.png")

    tab.choose("Scenario", "Enhanced Forward Presence (end of 2017)")
    tab.expect_battlegroups(4)


def count_changes(scenario_id: str, after: str, first: int) -> list[tuple[str, int]]:
    """``after`` and the dated records after it where the battle-group count changes (the
    ``first`` of them: each is a scene to build)."""
    scenario = load_presets()[scenario_id]
    changes, last = [], None
    for day in [after, *(d for d in event_dates() if d > after)]:
        count = build_scene(scenario, dt.date.fromisoformat(day), scenario.layers).metrics
        if count.battlegroups != last:
            changes.append((day, count.battlegroups))
            last = count.battlegroups
            if len(changes) == first:
                break
    return changes


def test_play_steps_through_the_dated_records_in_place(open_app):
    start = "2014-03-27"  # after Crimea, before the first eFP battle group
    changes = count_changes("latest", start, first=5)
    assert changes[0][1] == 0, "the start shows no battle group yet"
    tab = open_app(f"scenario=latest&as_of={start}")
    tab.expect_battlegroups(0)
    tab.settle()
    date_box = tab.page.locator(".fm-date")
    expect(date_box).to_have_text(start)
    tab.map.locator("a.leaflet-control-zoom-in").click()
    tab.map_frame().wait_for_function("() => window.map.getZoom() === 5")
    before = tab.view_state()

    tab.page.get_by_role("button", name="Play").click()
    seen = []
    for (day, count), (following, _) in itertools.pairwise(changes[1:5]):
        tab.expect_battlegroups(count)  # e.g. eFP in 2017: 1, then 3, then 4 battle groups
        shown = DAY.search(date_box.inner_text()).group()
        assert day <= shown < following, f"{count} battle groups shown on {shown}"
        seen.append(shown)
    assert seen == sorted(set(seen)), f"three dates in order, each once: {seen}"
    assert tab.view_state()["zoom"] == before["zoom"], "playing must keep the user's zoom"
    expect(tab.page.locator(MAP_FRAME)).to_have_count(1)

    tab.page.get_by_role("button", name="Pause").click()
    expect(tab.page.get_by_role("button", name="Play")).to_be_visible()
    tab.settle()
    stopped = date_box.inner_text()
    tab.page.wait_for_timeout(3_000)
    assert date_box.inner_text() == stopped, "paused, the date stays"
    assert f"as_of={DAY.search(stopped).group()}" in tab.page.url, "the link keeps the date shown"


def serious(results) -> list[str]:
    """The critical and serious violations of an axe-core run, one line each."""
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in {"critical", "serious"}
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_nothing_serious_on_the_page_and_the_map(open_app, viewport):
    tab = open_app(viewport=viewport)
    tab.settle()
    tab.page.get_by_text(TABLES).click()  # the tables are checked too
    expect(tab.page.get_by_test_id("stTable").first).to_be_visible()
    axe = Axe()
    page = axe.run(tab.page)
    frame = axe.run(tab.map_frame())
    assert page.response["passes"], "axe-core checked nothing on the page"
    assert serious(page) == [], page.generate_report()
    assert serious(frame) == [], frame.generate_report()


def test_map_has_a_name_and_its_content_is_a_click_away(tab):
    tab.settle()
    frame = tab.page.locator(MAP_FRAME)
    expect(frame).to_have_attribute(
        "aria-label", re.compile(r"^Map of NATO's eastern flank on 2022-02-23: The February 2022")
    )
    tab.page.get_by_text(TABLES).click()
    tables = tab.page.get_by_test_id("stTable")
    expect(tables).to_have_count(2)
    expect(tab.page.get_by_text("Battle groups on 2022-02-23")).to_be_visible()
    romania = tables.first.locator("tr").filter(has_text="Romania")
    expect(romania).to_contain_text("France")
    expect(romania).to_contain_text("PROPOSED")
    expect(tables.first.locator("tbody tr")).to_have_count(8)
    expect(tab.page.get_by_text("NATO members on 2022-02-23")).to_be_visible()
    expect(tables.last.locator("tbody tr")).to_have_count(30)
