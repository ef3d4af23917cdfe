"""The app as the README's command starts it: it asks nothing of the network and offers no Deploy.

The server is ``streamlit run app.py`` in the checkout (conftest), so it reads the project's
``.streamlit/config.toml`` as a user's does. Streamlit's own defaults would make every visit
fetch ``https://data.streamlit.io/metrics.json`` and show a "Deploy" button.
"""

import pytest
from playwright.sync_api import expect

from .guard import close_and_check, shared_tab

pytestmark = pytest.mark.browser


def test_a_visit_asks_nothing_beyond_loopback_and_shows_no_deploy_button(tab):
    tab.settle()
    tab.page.wait_for_load_state("networkidle")
    assert tab.blocked == [], f"requests beyond loopback were made: {tab.blocked}"
    expect(tab.page.get_by_test_id("stToolbar")).to_be_attached()
    expect(tab.page.get_by_test_id("stAppDeployButton")).to_have_count(0)
    expect(tab.page.get_by_role("button", name="Deploy")).to_have_count(0)


def test_a_page_given_back_serves_the_next_test_with_a_record_of_its_own(shared_context):
    """The guard itself, on the pages tests share: a dialog is dismissed and goes on the record
    of the test that has the page now, not on an earlier one's."""
    earlier = shared_tab(shared_context)
    close_and_check([earlier], shared_context)
    now = shared_tab(shared_context)
    assert now.page is earlier.page, "a page given back should serve the next test"
    now.page.evaluate("() => alert('probe')")  # returns once the guard has dismissed it
    assert (now.dialogs, earlier.dialogs) == (["probe"], [])
    now.dialogs.clear()  # expected here; every other test must leave the record empty
    close_and_check([now], shared_context)
