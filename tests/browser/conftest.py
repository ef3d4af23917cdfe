"""Real-browser fixtures: one ``streamlit run app.py`` per session, Chromium, network refused.

Under pytest-xdist each worker is a session of its own: its own server and its own Chromium.

Chromium itself refuses every request beyond loopback (its proxy is a closed loopback port, and
only loopback bypasses it), and every page's requests are watched: whatever a page asks beyond
loopback is recorded, and so is every JavaScript dialog. At the end of each test the record must
be empty: the app works offline and never runs a stranger's text.

Every page comes from :func:`open_app`. Pages share one browser context per session, so the
Streamlit frontend is fetched once, not once per test (watching, unlike intercepting requests,
leaves Chromium's cache on), and a page a test is done with serves the next one, its scripts
compiled (``guard.shared_tab``); ``open_app(fresh=True)`` gives a context of its own, as a first
visit or a second person has.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

# What the tests and scripts/ import from here: the page and the guard live in their modules.
from .guard import (
    CONTEXT_OPTIONS,
    Guard,
    _guard,
    close_and_check,
    is_loopback,
    new_tab,
    shared_tab,
)
from .tab import MAP_FRAME, ByteCounter, Tab

__all__ = ["MAP_FRAME", "ByteCounter", "Guard", "Tab", "_guard", "is_loopback"]

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
#: The browser the tests drive: Debian's ``chromium-headless-shell``, its Chromium's engine without
#: the desktop browser around it (what Playwright itself runs for headless tests). The same pages
#: cost it about a quarter less CPU, and the suite's time on two cores follows its CPU.
CHROMIUM = Path("/usr/bin/chromium-headless-shell")
#: The desktop browser, for the figures of what a visitor sees (``scripts/benchmark.py``,
#: ``scripts/first_paint.py``; the README's first-paint figures are its).
VISITOR_CHROMIUM = Path("/usr/bin/chromium")
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
SERVER_START_S = 90


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
    """Debian's Chromium headless shell, driven by Playwright (never a downloaded browser)."""
    with sync_playwright() as p:
        try:
            chromium = launch_chromium(p)
        except FileNotFoundError as missing:
            pytest.fail(f"{missing} Run scripts/test.sh, which installs it with apt.")
        yield chromium
        chromium.close()


def launch_chromium(playwright, executable: Path = CHROMIUM) -> Browser:
    """Launch Debian's ``executable`` with the tests' flags (loopback only).

    Raises ``FileNotFoundError`` naming the apt package when it is not installed.
    """
    if not executable.exists():
        raise FileNotFoundError(
            f"{executable} is missing: install Debian's {executable.name} with apt "
            "(never `playwright install`)."
        )
    return playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)


def launch_visitor_browser(playwright) -> Browser:
    """Launch :data:`VISITOR_CHROMIUM` for the scripts' figures; exit saying how to install it."""
    try:
        return launch_chromium(playwright, VISITOR_CHROMIUM)
    except FileNotFoundError as missing:
        raise SystemExit(str(missing)) from None


@pytest.fixture(scope="session")
def shared_context(browser: Browser) -> Iterator[BrowserContext]:
    """The browser context the session's ordinary pages share (one cache, one set of cookies)."""
    context = browser.new_context(**CONTEXT_OPTIONS)
    Guard.of(context)
    yield context
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``test-artifacts/`` in the checkout (gitignored): screenshots and timings."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


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
