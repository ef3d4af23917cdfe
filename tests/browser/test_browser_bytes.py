"""What a switch costs on the wire: at most 60 KB per scenario switch or layer toggle.

Bytes are deterministic (times are not: those live in scripts/benchmark.py). Leaflet and the
country shapes travel once, as static files; a switch sends only what differs between views,
compressed (``server.enableWebsocketCompression``). Counted as they cross the wire, through a
relay in front of the server (``wire.WireTap``).
"""

import time

import pytest

from layers.scenario.scenarios import load_presets
from tests.browser.wire import WireTap

pytestmark = pytest.mark.browser

BUDGET_KB = 60
TITLES = {scenario_id: scenario.title for scenario_id, scenario in load_presets().items()}
EFP = TITLES["efp-2017"]
PROPOSAL = TITLES["proposal-2022"]
HESITATION = TITLES["hesitation-2022"]
LATEST = TITLES["latest"]
MOSCOW = TITLES["moscow-1997"]


@pytest.fixture(scope="module")
def tap(server):
    relay = WireTap(int(server.url.rsplit(":", 1)[1]))
    yield relay
    relay.close()


def wire_quiet(tap, quiet_s: float = 1.0, timeout_s: float = 60) -> None:
    """Wait until no byte has crossed the relay for ``quiet_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() - tap.last < quiet_s:
        assert time.monotonic() < deadline, f"the wire never went quiet ({tap.bytes} bytes)"
        time.sleep(0.1)


def _step(tab, counter, action, *args) -> tuple[str, float, str, list[str]]:
    counter.reset()
    if action == "switch":
        tab.choose("Scenario", args[0])
    else:
        tab.toggle(args[0])
    counter.wait_quiet(tab.page)  # the whole script run, and what trails it
    tab.settle()
    return f"{action} {args[0]}", counter.total / 1024, counter.report(), list(counter.urls)


@pytest.mark.parametrize(
    ("start", "steps"),
    [
        pytest.param(
            "",
            [
                ("switch", EFP),
                ("switch", HESITATION),
                ("toggle", "Battle groups"),
                ("toggle", "Battle groups"),
                ("switch", PROPOSAL),
                ("switch", LATEST),
            ],
            id="from-the-default-view",
        ),
        pytest.param(
            # 2017 has no context tables: the switch brings them (build-up, reinforcements)
            "scenario=efp-2017",
            [("switch", PROPOSAL), ("toggle", "Labels"), ("switch", MOSCOW)],
            id="into-the-context-tables",
        ),
    ],
)
def test_switch_or_toggle_moves_at_most_60_kb(open_app, tap, start, steps):
    tab = open_app(start, base_url=tap.url)
    tab.settle()
    wire_quiet(tap)  # the page's own load may still fetch a script or two: not the switch's
    counter = tab.count_bytes(tap)
    done = [_step(tab, counter, *step) for step in steps]
    report = "\n".join(f"{name}: {text}" for name, _, text, _ in done)
    print("\n" + report)
    assert all(kb <= BUDGET_KB for _, kb, _, _ in done), f"over {BUDGET_KB} KB:\n{report}"
    fetched = [url for *_, urls in done for url in urls if "/app/static/" in url]
    assert not fetched, f"a switch fetched the static files again: {fetched}"


def test_the_map_part_of_a_switch_stays_small_when_the_context_tables_arrive(open_app):
    """From 2017 to February 2022 the page also gains two context tables (about 24 KB, sent
    once per session by Streamlit, not by the map): the map's own message stays small."""
    tab = open_app("scenario=efp-2017")
    tab.settle()
    counter = tab.count_bytes()
    name, _, report, _ = _step(tab, counter, "switch", PROPOSAL)
    print(f"\n{name}: {report}")
    assert counter.parts["element:component_instance"] <= 35 * 1024, report
