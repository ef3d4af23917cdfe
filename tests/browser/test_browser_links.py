"""Share links in a fresh browser: a good link restores its view, a hostile one is shown as text."""

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

EFP = "Enhanced Forward Presence (end of 2017)"
PROPOSAL = "The February 2022 proposal (eve of the invasion)"
HOSTILE = "<script>alert(1)</script>"


def test_share_link_restores_its_view(open_app, url_query):
    link = {"scenario": "efp-2017", "as_of": "2018-06-01", "layers": "members,battlegroups"}
    tab = open_app("scenario=efp-2017&as_of=2018-06-01&layers=members,battlegroups")

    tab.expect_metric("Battle groups", "4")
    tab.expect_metric("Host countries", "4")
    tab.expect_battlegroups(4)
    tab.settle()
    expect(tab.scenario_box).to_have_value(EFP)
    expect(tab.sidebar.get_by_test_id("stSlider")).to_contain_text("2018-06-01")
    expect(tab.legend).to_contain_text("as of 2018-06-01")
    for title, on in [
        ("NATO members", True),
        ("Battle groups", True),
        ("Border states", False),
        ("Labels", False),
    ]:
        expect(tab.sidebar.get_by_role("switch", name=title)).to_be_checked(checked=on)
    expect(tab.labels).to_have_count(0)
    expect(tab.page.get_by_test_id("stAlert")).to_have_count(0)
    assert url_query(tab.page.url) == link


def test_hostile_link_warns_and_shows_the_default_view(open_app, url_query):
    query = "&".join(
        f"{name}={quote(value, safe='')}"
        for name, value in [("scenario", HOSTILE), ("as_of", "99999-99-99"), ("layers", ";;")]
    )
    tab = open_app(query)

    tab.expect_metric("Battle groups", "8")
    tab.expect_battlegroups(8)
    tab.settle()
    alerts = tab.page.locator('[data-testid="stAlert"], [data-testid="stAlertContainer"]')
    warning = " ".join(alerts.all_inner_texts())
    assert HOSTILE in warning, f"the bad scenario should be named, as text: {warning!r}"
    assert "99999-99-99" in warning
    assert "';;'" in warning
    expect(tab.scenario_box).to_have_value(PROPOSAL)
    expect(tab.page.get_by_test_id("stException")).to_have_count(0)
    expect(tab.page.locator("script", has_text="alert(1)")).to_have_count(0)
    assert tab.dialogs == []
    assert url_query(tab.page.url)["scenario"] == "proposal-2022", "the link now says what is shown"
