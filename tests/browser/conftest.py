"""Real-browser fixtures: one ``streamlit run app.py`` per session, Chromium, network refused.

Under pytest-xdist each worker is a session of its own: its own server and its own Chromium.

Chromium itself refuses every request beyond loopback (its proxy is a closed loopback port, and
only loopback bypasses it), and every page's requests are watched: whatever a page asks beyond
loopback is recorded, and so is every JavaScript dialog. At the end of each test the record must
be empty: the app works offline and never runs a stranger's text.

Every page comes from :func:`open_app`. Pages share one browser context per session, so the
Streamlit frontend is fetched and compiled once, not once per test (watching, unlike
intercepting requests, leaves Chromium's cache on); ``open_app(fresh=True)`` gives a context of
its own, as a first visit or a second person has.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Frame,
    FrameLocator,
    Locator,
    Page,
    expect,
    sync_playwright,
)
from playwright.sync_api import (
    TimeoutError as PlaywrightTimeoutError,
)
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from render.styles import POINT_STYLES

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
#: Loopback port 1: nothing listens there, so a request sent to this "proxy" is refused at once.
DEAD_PROXY = "http://127.0.0.1:1"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Every request goes through a proxy that refuses it, except loopback's: "<-loopback>" drops
    # Chromium's own exceptions (link-local addresses among them), the rest names loopback.
    f"--proxy-server={DEAD_PROXY}",
    "--proxy-bypass-list=<-loopback>;localhost;127.0.0.1;[::1]",
]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
SERVER_START_S = 90
WAIT_MS = 30_000
#: How often a wait looks at the page again: often enough, and cheap next to every frame.
POLL_MS = 100
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about"}

#: An SVG path that is a battle-group marker: its outline colour and width come from the style
#: table, which tells them apart from reinforcements, build-up points (white outline) and
#: Crimea (same orange, thinner line).
BATTLEGROUP_MARKERS = ", ".join(
    f'path.leaflet-interactive[stroke="{s["color"]}"][stroke-width="{s["weight"]}"]'
    for s in (POINT_STYLES[c] for c in ("existing", "proposed", "hypothetical"))
)

expect.set_options(timeout=WAIT_MS)


def is_loopback(url: str) -> bool:
    """Whether a request stays on this machine (or never leaves the page)."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname in LOOPBACK


def pytest_collection_modifyitems(items) -> None:
    """Run the first-load test first, so its first-paint figure is a fresh server's.

    Under pytest-xdist (``--dist loadfile --no-loadscope-reorder``) its file is then the first
    unit of work the first worker gets; :func:`fresh_server` covers any other order.
    """
    here = Path(__file__).parent

    def first_load(item) -> bool:
        return item.path.parent == here and item.name.startswith("test_first_load")

    items.sort(key=lambda item: not first_load(item))  # stable: the rest keep their order


# -- the server ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running ``streamlit run app.py``."""

    url: str
    process: subprocess.Popen
    log: Path
    pages_opened: int = 0

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def start_server(
    log: Path, env: dict[str, str] | None = None, app: Path | None = None, base_path: str = ""
) -> Server:
    """Start the app (or ``app``) on a free loopback port; return once its health check answers.

    The command is the README's, ``streamlit run app.py`` in the checkout, so the page reads the
    same ``.streamlit/config.toml`` a user's does (no usage statistics, no Deploy button) and the
    network guard sees what a user's browser would. Port and address come through the
    environment variables Streamlit reads itself; so does the file watcher being off, because
    others may edit the checkout while the suite runs and the server must keep the code it
    started with (a watcher only offers a rerun; it changes no request the page makes).
    ``base_path``: served under it (``server.baseUrlPath``), as behind a proxy.
    """
    port = _free_port()
    command = [str(Path(sys.executable).with_name("streamlit")), "run", str(app or "app.py")]
    env = {
        "STREAMLIT_SERVER_PORT": str(port),
        "STREAMLIT_SERVER_ADDRESS": "127.0.0.1",
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
        **({"STREAMLIT_SERVER_BASE_URL_PATH": base_path} if base_path else {}),
        **(env or {}),
    }
    handle = log.open("wb")
    process = subprocess.Popen(
        command,
        cwd=REPO,
        stdout=handle,
        stderr=subprocess.STDOUT,
        env={**os.environ, **env},
    )
    handle.close()
    server = Server(
        f"http://127.0.0.1:{port}" + (f"/{base_path}" if base_path else ""), process, log
    )
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"streamlit run app.py exited with status {process.returncode} before answering "
                f"its health check; its log ends:\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as answer:
                if answer.read().decode().strip() == "ok":
                    return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(server)
    pytest.fail(
        f"streamlit run app.py did not answer {server.url}/_stcore/health with 'ok' within "
        f"{SERVER_START_S} s; its log ends:\n{server.log_tail()}"
    )


def stop_server(server: Server) -> None:
    """Terminate the server, then kill it if it does not stop."""
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    """The app, served once for the whole session (of this xdist worker)."""
    running = start_server(tmp_path_factory.mktemp("streamlit") / "server.log")
    yield running
    stop_server(running)


@pytest.fixture
def fresh_server(server, tmp_path_factory) -> Iterator[Server]:
    """A server no page has visited yet: the session's while still unvisited, else a new one."""
    if server.pages_opened == 0:
        yield server
        return
    running = start_server(tmp_path_factory.mktemp("fresh") / "server.log")
    yield running
    stop_server(running)


# -- the browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. Run "
            "scripts/test.sh, which installs it with apt (never `playwright install`)."
        )
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def shared_context(browser: Browser) -> Iterator[BrowserContext]:
    """The browser context the session's ordinary pages share (one cache, one set of cookies)."""
    context = browser.new_context()
    Guard.of(context)
    yield context
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``test-artifacts/`` in the checkout (gitignored): screenshots and timings."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@dataclass
class Tab:
    """One page of the app, its browser context, and what it tried that it must not."""

    context: BrowserContext
    page: Page
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    #: Requests beyond loopback that were answered: the browser's refusal failed.
    reached: list[str] = field(default_factory=list)

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
        return ByteCounter(self.context.new_cdp_session(self.page), tap)

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


def _guard(context: BrowserContext, blocked: list[str]) -> None:
    """Refuse and record every request of ``context`` beyond loopback, by intercepting them all.

    For scripts/benchmark.py, which measures pages as they were measured before: intercepting
    turns Chromium's cache off. The tests use :class:`Guard`, which only watches (Chromium's own
    proxy settings refuse the requests, :data:`CHROMIUM_ARGS`).
    """

    def route(route) -> None:
        url = route.request.url
        if is_loopback(url):
            route.continue_()
        else:
            blocked.append(url)
            route.abort("blockedbyclient")

    def websocket(ws) -> None:
        blocked.append(ws.url)
        ws.close()

    context.route("**/*", route)
    context.route_web_socket(lambda url: not is_loopback(url), websocket)


class Guard:
    """Records what the pages of one browser context ask beyond loopback, page by page.

    Chromium refuses such requests itself (:data:`CHROMIUM_ARGS`); this tells which page asked.
    What no page of ours asked (a worker, a pop-up) is recorded in ``stray``; what got an answer
    despite the refusal in the page's ``reached``.
    """

    def __init__(self, context: BrowserContext):
        self.tabs: dict[Page, Tab] = {}
        self.stray: list[str] = []
        self.stray_reached: list[str] = []
        context.on("request", lambda request: self._note(request, "blocked", self.stray))
        context.on("response", lambda answer: self._note(answer, "reached", self.stray_reached))
        context.on("page", self._watch_websockets)
        self._watched: set[Page] = set()

    @classmethod
    def of(cls, context: BrowserContext) -> Guard:
        """The guard of ``context``, made on first use."""
        if not hasattr(context, "_flankmap_guard"):
            context._flankmap_guard = cls(context)
        return context._flankmap_guard

    def tab(self, context: BrowserContext, page: Page) -> Tab:
        """A :class:`Tab` for ``page`` whose record this guard keeps, dialogs included."""
        tab = Tab(context, page)
        self.tabs[page] = tab
        self._watch_websockets(page)
        page.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
        return tab

    def _watch_websockets(self, page: Page) -> None:
        if page not in self._watched:
            self._watched.add(page)
            page.on("websocket", lambda ws: self._record(page, ws.url, "blocked", self.stray))

    def _note(self, event, kind: str, stray: list[str]) -> None:
        request = getattr(event, "request", event)
        try:
            page = request.frame.page
        except Exception:  # a service worker's request has no frame
            page = None
        self._record(page, event.url, kind, stray)

    def _record(self, page: Page | None, url: str, kind: str, stray: list[str]) -> None:
        if is_loopback(url):
            return
        tab = self.tabs.get(page)
        (getattr(tab, kind) if tab else stray).append(url)

    def check(self) -> None:
        """Fail if anything outside our pages asked beyond loopback (and forget it)."""
        stray, reached = self.stray[:], self.stray_reached[:]
        self.stray.clear()
        self.stray_reached.clear()
        assert not reached, f"requests beyond loopback were answered: {reached}"
        assert not stray, f"requests beyond loopback were made: {stray}"


def new_tab(browser: Browser, viewport: tuple[int, int] = (1400, 1000)) -> Tab:
    """A fresh browser context and page, guarded: loopback only, dialogs recorded."""
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    return Guard.of(context).tab(context, context.new_page())


def shared_tab(context: BrowserContext, viewport: tuple[int, int] = (1400, 1000)) -> Tab:
    """A new page in the shared ``context``, guarded like :func:`new_tab`."""
    page = context.new_page()
    width, height = viewport
    page.set_viewport_size({"width": width, "height": height})
    return Guard.of(context).tab(context, page)


def close_and_check(tabs: list[Tab], shared: BrowserContext | None = None) -> None:
    """Close the tabs (their contexts, unless shared); fail if any asked beyond loopback."""
    for tab in tabs:
        if tab.context is shared:
            if not tab.page.is_closed():
                tab.page.close()
        else:
            tab.context.close()
    for tab in tabs:
        assert not tab.reached, f"requests beyond loopback were answered: {tab.reached}"
        assert not tab.blocked, f"requests beyond loopback were made: {tab.blocked}"
        assert not tab.dialogs, f"the page opened dialogs: {tab.dialogs}"
    if shared is not None:
        Guard.of(shared).check()


def open_tab(
    browser: Browser,
    shared: BrowserContext,
    url: str,
    *,
    wait: bool = True,
    viewport: tuple[int, int] = (1400, 1000),
    fresh: bool = False,
) -> Tab:
    """Open ``url`` in a new page of ``shared`` (or of a context of its own, ``fresh``)."""
    tab = new_tab(browser, viewport) if fresh else shared_tab(shared, viewport)
    tab.page.goto(url)
    if wait:
        tab.wait_drawn()
    return tab


@pytest.fixture
def open_app(
    browser: Browser, shared_context: BrowserContext, server: Server
) -> Iterator[Callable[..., Tab]]:
    """Open the app in a new page: ``open_app("scenario=efp-2017")``.

    ``viewport=(390, 844)`` opens it as a phone would show it; ``fresh=True`` in a browser
    context of its own (a first visit, a second person); ``on=`` another server.

    Waits for the map's country shapes. On teardown, asserts that no page asked for anything
    beyond loopback and none opened a dialog.
    """
    tabs: list[Tab] = []

    def open_(
        query: str | dict[str, str] | None = None,
        *,
        wait: bool = True,
        viewport: tuple[int, int] = (1400, 1000),
        base_url: str | None = None,
        fresh: bool = False,
        on: Server | None = None,
    ) -> Tab:
        if isinstance(query, dict):
            query = urlencode(query)
        target = on or server
        target.pages_opened += 1
        url = f"{base_url or target.url}/" + (f"?{query}" if query else "")
        tab = open_tab(browser, shared_context, url, wait=False, viewport=viewport, fresh=fresh)
        tabs.append(tab)
        if wait:
            tab.wait_drawn()
        return tab

    yield open_
    close_and_check(tabs, shared_context)


@pytest.fixture(scope="module")
def module_tab(browser: Browser, shared_context: BrowserContext, server: Server) -> Iterator[Tab]:
    """One page on the default view for a module whose tests each leave it as they found it.

    Use it through a function fixture that calls :func:`check_tab` after each test.
    """
    server.pages_opened += 1
    tab = open_tab(browser, shared_context, f"{server.url}/")
    yield tab
    close_and_check([tab], shared_context)


def check_tab(tab: Tab, shared: BrowserContext) -> None:
    """After a test on a kept page: nothing asked beyond loopback, no dialog (and forget it)."""
    blocked, reached, dialogs = tab.blocked[:], tab.reached[:], tab.dialogs[:]
    for record in (tab.blocked, tab.reached, tab.dialogs):
        record.clear()
    assert not reached, f"requests beyond loopback were answered: {reached}"
    assert not blocked, f"requests beyond loopback were made: {blocked}"
    assert not dialogs, f"the page opened dialogs: {dialogs}"
    Guard.of(shared).check()


@pytest.fixture
def tab(open_app) -> Tab:
    """The app on its default view, drawn."""
    return open_app()


def query_of(url: str) -> dict[str, str]:
    """The query parameters of ``url``, decoded (last value wins)."""
    from urllib.parse import parse_qsl

    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


@pytest.fixture
def url_query() -> Callable[[str], dict[str, str]]:
    """``url_query(page.url)``: the decoded query parameters of a URL."""
    return query_of


@pytest.fixture
def png_size() -> Callable[[bytes], tuple[int, int]]:
    """``png_size(data)``: width and height from a PNG's IHDR chunk (asserts the signature)."""

    def size(data: bytes) -> tuple[int, int]:
        assert data[:8] == b"\x89PNG\r\n\x1a\n", f"not a PNG: starts with {data[:8]!r}"
        assert data[12:16] == b"IHDR", "PNG without an IHDR chunk first"
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")

    return size
