"""What a switch costs on the wire: at most 60 KB per scenario switch or layer toggle.

Bytes are deterministic (times are not: those live in scripts/benchmark.py). Leaflet and the
country shapes travel once, as static files; a switch sends only what differs between views,
compressed (``server.enableWebsocketCompression``). Counted as they cross the wire, through a
relay in front of the server (``wire.WireTap``).
"""

import time
from typing import NamedTuple

import pytest

from layers.scenario.scenarios import load_presets
from tests.browser.wire import WireTap

pytestmark = pytest.mark.browser

BUDGET_KB = 60
#: The map's own message in a switch (``element:component_instance``), decompressed.
MAP_BUDGET_KB = 35
TITLES = {scenario_id: scenario.title for scenario_id, scenario in load_presets().items()}
EFP = TITLES["efp-2017"]
PROPOSAL = TITLES["proposal-2022"]
HESITATION = TITLES["hesitation-2022"]
LATEST = TITLES["latest"]
MOSCOW = TITLES["moscow-1997"]


class Step(NamedTuple):
    name: str
    kb: float  # on the wire
    map_kb: float  # the map's message, as read
    report: str
    urls: list[str]


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


def _step(tab, counter, action, *args) -> Step:
    counter.reset()
    if action == "switch":
        tab.choose("Scenario", args[0])
    else:
        tab.toggle(args[0])
    counter.wait_quiet(tab.page)  # the whole script run, and what trails it
    tab.settle()
    return Step(
        f"{action} {args[0]}",
        counter.total / 1024,
        counter.parts.get("element:component_instance", 0) / 1024,
        counter.report(),
        list(counter.urls),
    )


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
    """Each step within budget on the wire; none fetches the static files again; and the map's
    own message stays small, also where the page gains the two context tables (about 24 KB,
    sent once per session by Streamlit, not by the map: from 2017 to February 2022)."""
    tab = open_app(start, base_url=tap.url)
    tab.settle()
    wire_quiet(tap)  # the page's own load may still fetch a script or two: not the switch's
    counter = tab.count_bytes(tap)
    done = [_step(tab, counter, *step) for step in steps]
    report = "\n".join(f"{step.name}: {step.report}" for step in done)
    print("\n" + report)
    assert all(step.kb <= BUDGET_KB for step in done), f"over {BUDGET_KB} KB:\n{report}"
    fetched = [url for step in done for url in step.urls if "/app/static/" in url]
    assert not fetched, f"a switch fetched the static files again: {fetched}"
    big = [step.name for step in done if step.map_kb > MAP_BUDGET_KB]
    assert not big, f"the map's own message is over {MAP_BUDGET_KB} KB in {big}:\n{report}"
