"""Two people on one server: each sees only their own scenario, before and after either acts."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

EFP = "Enhanced Forward Presence (end of 2017)"
PROPOSAL = "The February 2022 proposal (eve of the invasion)"
PRE_2014 = "Before Crimea (January 2014)"


def shows(tab, title: str, battlegroups: int, scenario_id: str, url_query) -> None:
    tab.expect_metric("Battle groups", str(battlegroups))
    tab.expect_battlegroups(battlegroups)
    tab.settle()
    expect(tab.scenario_box).to_have_value(title)
    expect(tab.page.get_by_test_id("stMain").get_by_role("heading", name=title)).to_be_visible()
    assert url_query(tab.page.url)["scenario"] == scenario_id


def test_two_sessions_do_not_share_state(open_app, url_query):
    alice = open_app("scenario=efp-2017")  # two people: two browser contexts
    bob = open_app("scenario=proposal-2022", fresh=True)
    shows(alice, EFP, 4, "efp-2017", url_query)
    shows(bob, PROPOSAL, 8, "proposal-2022", url_query)

    bob.choose("Scenario", PRE_2014)
    shows(bob, PRE_2014, 0, "pre-2014", url_query)
    alice.toggle("Labels")  # a rerun for Alice: the server builds her page again
    expect(alice.labels).to_have_count(0)
    shows(alice, EFP, 4, "efp-2017", url_query)

    alice.choose("Scenario", PROPOSAL)
    shows(alice, PROPOSAL, 8, "proposal-2022", url_query)
    bob.toggle("Battle groups")
    shows(bob, PRE_2014, 0, "pre-2014", url_query)
    expect(bob.sidebar.get_by_role("switch", name="Labels")).to_be_checked()
    expect(alice.sidebar.get_by_role("switch", name="Labels")).to_be_checked()
