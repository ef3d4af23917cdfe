"""A page of the app in Chromium, as the browser tests see it: where things are, waiting for
what a person would see, doing what a person does, and counting the bytes it moves."""

from __future__ import annotations

import base64
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import (
    BrowserContext,
    Frame,
    FrameLocator,
    Locator,
    Page,
    expect,
)
from playwright.sync_api import (
    TimeoutError as PlaywrightTimeoutError,
)
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from render.styles import POINT_STYLES

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
WAIT_MS = 30_000
#: How often a wait looks at the page again: often enough, and cheap next to every frame.
POLL_MS = 100
#: How long :meth:`Tab.settle_after` waits for the run an action asks for to show.
RUN_START_MS = 5_000

#: An SVG path that is a battle-group marker: its outline colour and width come from the style
#: table, which tells them apart from reinforcements, build-up points (white outline) and
#: Crimea (same orange, thinner line).
BATTLEGROUP_MARKERS = ", ".join(
    f'path.leaflet-interactive[stroke="{s["color"]}"][stroke-width="{s["weight"]}"]'
    for s in (POINT_STYLES[c] for c in ("existing", "proposed", "hypothetical"))
)

expect.set_options(timeout=WAIT_MS)


@dataclass
class Tab:
    """One page of the app, its browser context, and what it tried that it must not."""

    context: BrowserContext
    page: Page
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    #: Requests beyond loopback that were answered: the browser's refusal failed.
    reached: list[str] = field(default_factory=list)
    #: What undoes the listeners and CDP sessions a test hung on the page (:meth:`release`).
    _undo: list[Callable[[], object]] = field(default_factory=list)

    # -- where things are

    @property
    def map(self) -> FrameLocator:
        """The map: streamlit-folium's component frame (one once the page has settled)."""
        return self.page.frame_locator(MAP_FRAME)

    def map_frame(self) -> Frame:
        """The map frame as a ``Frame``, looked up afresh (it is replaced if remounted)."""
        frame = self.page.locator(MAP_FRAME).element_handle().content_frame()
        assert frame is not None, "the map iframe has no document"
        return frame

    @property
    def sidebar(self) -> Locator:
        return self.page.get_by_test_id("stSidebar")

    @property
    def polygons(self) -> Locator:
        return self.map.locator("path.leaflet-interactive")

    @property
    def battlegroups(self) -> Locator:
        return self.map.locator(BATTLEGROUP_MARKERS)

    @property
    def labels(self) -> Locator:
        return self.map.locator(".fm-label")

    @property
    def legend(self) -> Locator:
        return self.page.locator(".fm-legend")

    def metric(self, label: str) -> Locator:
        """The value of the metric labelled ``label`` (read it once the page has settled)."""
        box = self.page.get_by_test_id("stMetric").filter(
            has=self.page.get_by_test_id("stMetricLabel").filter(has_text=label)
        )
        return box.get_by_test_id("stMetricValue")

    @property
    def scenario_box(self) -> Locator:
        """The scenario picker: above the map, so a phone shows it without the sidebar."""
        return self.page.get_by_test_id("stMain").get_by_role("combobox", name="Scenario")

    def snapshot(self) -> dict:
        """What the page shows now, for failure messages."""
        return self.page.evaluate(_SNAPSHOT_JS, [MAP_FRAME, BATTLEGROUP_MARKERS])

    # -- waiting for what a person would see

    def _until(self, predicate: str, what: str, timeout_ms: int = WAIT_MS) -> None:
        """Wait until ``predicate(snapshot)`` (JavaScript) holds, else fail saying ``what``."""
        try:
            self.page.wait_for_function(
                f"([frame, markers]) => ({predicate})(({_SNAPSHOT_JS})([frame, markers]))",
                arg=[MAP_FRAME, BATTLEGROUP_MARKERS],
                timeout=timeout_ms,
                polling=POLL_MS,
            )
        except PlaywrightTimeoutError:
            pytest.fail(
                f"waited {timeout_ms / 1000:.0f} s for {what}; the page shows {self.snapshot()}"
            )

    def wait_drawn(self, polygons: int = 50, *, whole: bool = True) -> None:
        """Wait until the map shows more than ``polygons`` country shapes, and the whole page is
        there (``whole=False``: the map alone, which a first visit gets first:
        ``ui.state.map_alone``)."""
        self._until(
            f"s => s.frames >= 1 && s.paths > {polygons} && ({'s.whole' if whole else 'true'})",
            f"more than {polygons} country shapes on the map"
            + (", and the page around it" if whole else ""),
            timeout_ms=2 * WAIT_MS,
        )

    def settle(self) -> None:
        """Wait until the script run is over and its leftovers are gone: one map, no stale box."""
        self._until(
            "s => s.state === 'notRunning' && s.stale === 0 && s.frames === 1 && s.paths > 50"
            " && s.whole",
            "the end of the script run",
        )

    def settle_after(self, action: Callable[[], object]) -> None:
        """Do ``action``, wait for the script run it starts, then :meth:`settle`.

        :meth:`settle` alone can pass before a run the action asked for has begun, and the next
        step then meets a page about to change (a stale button, an uploader re-rendered).
        """
        self.page.evaluate(_WATCH_RUNS_JS)
        action()
        with contextlib.suppress(PlaywrightTimeoutError):  # too short to be seen: settle decides
            self.page.wait_for_function("() => window.__fmRunSeen", timeout=RUN_START_MS)
        self.settle()

    def expect_metric(self, label: str, value: str) -> None:
        """Wait until exactly one metric is labelled ``label`` and it shows ``value``."""
        self._until(
            f"s => s.metrics.filter(m => m[0] === {json.dumps(label)})"
            f".map(m => m[1]).join('|') === {json.dumps(value)}",
            f"metric {label!r} = {value!r}",
        )

    def expect_battlegroups(self, count: int) -> None:
        """Wait until the one map shows ``count`` battle-group markers."""
        self._until(
            f"s => s.frames === 1 && s.battlegroups === {int(count)}",
            f"{count} battle-group markers on the map",
        )

    # -- what a person does

    def choose(self, label: str, option: str) -> None:
        """Pick ``option`` in the selectbox labelled ``label`` (above the map or in the sidebar)."""
        box = self.page.get_by_role("combobox", name=label, exact=True)
        box.scroll_into_view_if_needed()
        for _ in range(3):  # a click that scrolls the sidebar can close the list it opened
            box.click()
            try:
                expect(box).to_have_attribute("aria-expanded", "true", timeout=2_000)
                break
            except AssertionError:
                continue
        self.page.get_by_role("option", name=option, exact=True).click()
        expect(box).to_have_value(option)

    def toggle(self, label: str) -> None:
        """Flip the sidebar toggle labelled ``label``."""
        switch = self.sidebar.get_by_role("switch", name=label)
        before = switch.is_checked()
        label_box = self.page.get_by_role("switch", name=label)
        self.sidebar.locator("label").filter(has=label_box).click()
        expect(switch).to_be_checked(checked=not before)

    def count_bytes(self, tap=None) -> ByteCounter:
        """Start counting what the page moves (on the wire, if it was opened through ``tap``)."""
        cdp = self.context.new_cdp_session(self.page)
        self._undo.append(cdp.detach)
        return ByteCounter(cdp, tap)

    def on(self, event: str, handler: Callable) -> None:
        """Listen to the page's ``event`` for this test only (the page may serve the next)."""
        self.page.on(event, handler)
        self._undo.append(lambda: self.page.remove_listener(event, handler))

    def release(self) -> None:
        """Drop what this test hung on the page: its listeners and CDP sessions."""
        while self._undo:
            with contextlib.suppress(Exception):  # a closed page has nothing left to drop
                self._undo.pop()()

    def view_state(self) -> dict:
        """Zoom and centre of the map as Leaflet has them, and the map pane's offset.

        Waits until the map has stopped moving (zoom animation, inertia after a drag).
        """
        frame = self.map_frame()
        frame.wait_for_function(
            """() => {
                const c = window.map.getCenter();
                const now = [c.lat, c.lng, window.map.getZoom()].join();
                const still = window.__fmLastView === now;
                window.__fmLastView = now;
                return still && !document.querySelector(".leaflet-zoom-anim");
            }""",
            polling=250,
        )
        return frame.evaluate(
            """() => {
                const c = window.map.getCenter();
                const pane = document.querySelector(".leaflet-map-pane");
                return {zoom: window.map.getZoom(), lat: +c.lat.toFixed(6),
                        lng: +c.lng.toFixed(6), transform: pane.style.transform};
            }"""
        )


class ByteCounter:
    """Bytes a page moves, since it was made (or reset).

    From Chromium's own network log (CDP): websocket messages by kind (Streamlit's protobuf
    messages, decompressed), HTTP responses as they came over the wire. Same-origin frames (the
    map) share the page's log. With a ``tap`` (a page opened through ``wire.WireTap``), ``total``
    is what crossed the wire instead, compressed websocket frames and HTTP both ways.
    """

    def __init__(self, cdp, tap=None):
        self.tap = tap
        self._tap_start = tap.bytes if tap else 0
        self.websocket = 0
        self.http = 0
        self.urls: list[str] = []
        self.parts: dict[str, int] = {}  # bytes by kind of Streamlit message, for reports
        self.last = time.monotonic()
        self._cdp = cdp
        self._requests: dict[str, str] = {}
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.on("Network.webSocketFrameSent", lambda event: self._frame(event, sent=True))
        cdp.on("Network.requestWillBeSent", self._request)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})

    def _frame(self, event, sent: bool = False) -> None:
        data = event["response"]["payloadData"]
        binary = event["response"]["opcode"] == 2  # base64 in the log
        raw = base64.b64decode(data) if binary else data.encode()
        self.websocket += len(raw)
        self.last = time.monotonic()
        kind = "sent by the page" if sent else _message_kind(raw)
        self.parts[kind] = self.parts.get(kind, 0) + len(raw)

    def wait_quiet(self, page, quiet_s: float = 1.0, timeout_s: float = 60) -> None:
        """Wait until a frame has come and then none for ``quiet_s``: the run is over."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            page.wait_for_timeout(100)
            if self.websocket and time.monotonic() - self.last >= quiet_s:
                return
        pytest.fail(f"the page never went quiet: {self.report()}")

    def report(self) -> str:
        parts = sorted(self.parts.items(), key=lambda kv: -kv[1])
        shown = ", ".join(f"{kind} {size / 1024:.1f}" for kind, size in parts[:8])
        wire = f"{self.total / 1024:.1f} KB on the wire; " if self.tap else ""
        return (
            f"{wire}{(self.websocket + self.http) / 1024:.1f} KB as read (websocket "
            f"{self.websocket / 1024:.1f}: {shown}; HTTP {self.http / 1024:.1f}: {self.urls})"
        )

    def _request(self, event) -> None:
        self._requests[event["requestId"]] = event["request"]["url"]

    def _finished(self, event) -> None:
        self.http += int(event["encodedDataLength"])
        self.urls.append(self._requests.get(event["requestId"], "?"))

    @property
    def total(self) -> int:
        if self.tap:
            return self.tap.bytes - self._tap_start
        return self.websocket + self.http

    def reset(self) -> None:
        self._tap_start = self.tap.bytes if self.tap else 0
        self.websocket = self.http = 0
        self.urls.clear()
        self.parts.clear()


def _message_kind(raw: bytes) -> str:
    """What a websocket message from Streamlit carries (``element:component_instance``, …)."""
    message = ForwardMsg()
    try:
        message.ParseFromString(raw)
    except Exception:  # not a ForwardMsg: counted all the same
        return "other"
    kind = message.WhichOneof("type") or "other"
    if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
        return "element:" + (message.delta.new_element.WhichOneof("type") or "")
    return kind


#: Notes (in ``window.__fmRunSeen``) the next time the page shows a script run going on.
_WATCH_RUNS_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__fmRunSeen = false;
    new MutationObserver((_, observer) => {
        if (app.getAttribute("data-test-script-state") === "running") {
            window.__fmRunSeen = true;
            observer.disconnect();
        }
    }).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
}"""

_SNAPSHOT_JS = """([frameSelector, markers]) => {
    const frames = [...document.querySelectorAll(frameSelector)];
    const doc = frames.length === 1 ? frames[0].contentDocument : null;
    const app = document.querySelector('[data-testid="stApp"]');
    return {
        state: app && app.getAttribute("data-test-script-state"),
        stale: document.querySelectorAll('[data-testid="stElementContainer"][data-stale="true"]')
            .length,
        frames: frames.length,
        whole: !!document.querySelector('[data-testid="stMain"] [data-testid="stSelectbox"]'),
        paths: doc ? doc.querySelectorAll("path.leaflet-interactive").length : -1,
        battlegroups: doc ? doc.querySelectorAll(markers).length : -1,
        metrics: [...document.querySelectorAll('[data-testid="stMetric"]')].map(m => [
            ((m.querySelector('[data-testid="stMetricLabel"]') || {}).innerText || "").trim(),
            ((m.querySelector('[data-testid="stMetricValue"]') || {}).innerText || "").trim(),
        ]),
    };
}"""
