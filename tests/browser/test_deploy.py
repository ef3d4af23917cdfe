"""The scale-out recipe: ``deploy/run-local.sh`` (2 replicas behind nginx, at ``/flankmap/``).

One browser draws the map through the proxy and switches scenario; a second browser, placed by
the proxy on the other replica, opens the first one's share link and sees the same view. Every
request of each browser (page, scripts, websocket, the map's iframe) stays on its own replica,
and neither asks for anything beyond loopback. A replica alone is the app under a base path
(``server.baseUrlPath``): its map loads every static file from under that path.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from .conftest import REPO, SERVER_START_S, Tab, _free_port, new_tab

pytestmark = [pytest.mark.browser, pytest.mark.deploy]

EFP = "Enhanced Forward Presence (end of 2017)"
ROUTE_COOKIE = "flankmap_route"
LOG_LINE = re.compile(r'"(?P<request>[^"]*)" \d+ route=(?P<route>\S+) upstream=(?P<upstream>\S+)')
TRIES = 30


@dataclass
class Proxy:
    url: str
    replicas: list[str]
    log: Path

    def upstreams(self, route: str) -> set[str]:
        """The replicas that served the requests of the browser holding ``route``."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return {m["upstream"] for m in LOG_LINE.finditer(text) if m["route"] == route}

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


@pytest.fixture(scope="module")
def proxy(tmp_path_factory) -> Iterator[Proxy]:
    """``deploy/run-local.sh`` with 2 replicas, on free loopback ports."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is missing: scripts/test.sh installs Debian's nginx with apt")
    proxy_port, *ports = (_free_port() for _ in range(3))
    log = tmp_path_factory.mktemp("deploy") / "run-local.log"
    env = {
        **os.environ,
        "FLANKMAP_PROXY_PORT": str(proxy_port),
        "FLANKMAP_REPLICA_PORTS": " ".join(map(str, ports)),
        "PYTHON": sys.executable,
        "NGINX": nginx,
        # As in conftest.start_server: keep the code the servers started with.
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
    }
    with log.open("wb") as handle:
        process = subprocess.Popen(
            ["bash", str(REPO / "deploy" / "run-local.sh")],
            cwd=REPO,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Proxy(
        f"http://127.0.0.1:{proxy_port}/flankmap/",
        [f"127.0.0.1:{port}" for port in ports],
        log,
    )
    try:
        deadline = time.monotonic() + SERVER_START_S
        while "Eastern Flank Map: http" not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"deploy/run-local.sh did not start; log ends:\n{running.log_tail()}")
            time.sleep(0.3)
        yield running
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the script and the servers it started
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def route_of(tab: Tab) -> str:
    cookies = {c["name"]: c["value"] for c in tab.context.cookies()}
    assert ROUTE_COOKIE in cookies, f"the proxy set no {ROUTE_COOKIE} cookie: {cookies}"
    return cookies[ROUTE_COOKIE]


def served_by(proxy: Proxy, route: str) -> str:
    """The one replica that served every request of ``route`` (the access log may lag a bit)."""
    for _ in range(20):
        upstreams = proxy.upstreams(route)
        if upstreams:
            break
        time.sleep(0.1)
    assert len(upstreams) == 1, f"one browser was served by {upstreams or 'no replica'}"
    (upstream,) = upstreams
    assert upstream in proxy.replicas
    return upstream


def tab_on_another_replica(browser: Browser, proxy: Proxy, taken: str, tabs: list[Tab]) -> Tab:
    """A fresh browser whose first request the proxy sent to a replica other than ``taken``."""
    for _ in range(TRIES):  # each fresh browser lands on either replica, about half the time
        tab = new_tab(browser)
        tabs.append(tab)
        answer = tab.context.request.get(f"{proxy.url}_stcore/health")
        assert answer.ok, f"health check through the proxy: {answer.status}"
        if served_by(proxy, route_of(tab)) != taken:
            return tab
        tab.context.close()
    pytest.fail(f"{TRIES} fresh browsers all landed on {taken}: is the proxy sticky on the IP?")


def view_of(tab: Tab) -> dict:
    tab.settle()
    return {
        "scenario": tab.scenario_box.input_value(),
        "battle groups": tab.metric("Battle groups").inner_text(),
        "host countries": tab.metric("Host countries").inner_text(),
        "markers": tab.battlegroups.count(),
        "labels": tab.labels.count(),
        "map": tab.view_state(),
    }


def test_two_replicas_behind_nginx_at_a_sub_path(browser, proxy):
    tabs: list[Tab] = []
    try:
        alice = new_tab(browser)
        tabs.append(alice)
        alice.page.goto(proxy.url)
        alice.wait_drawn()
        alice.choose("Scenario", EFP)
        alice.expect_metric("Battle groups", "4")
        alice.expect_battlegroups(4)
        alice.toggle("Labels")
        expect(alice.labels).to_have_count(0)
        shown = view_of(alice)
        link = alice.page.url
        assert link.startswith(proxy.url), link
        assert "scenario=efp-2017" in link, link
        first = served_by(proxy, route_of(alice))

        bob = tab_on_another_replica(browser, proxy, first, tabs)
        bob.page.goto(link)
        bob.wait_drawn()
        bob.expect_metric("Battle groups", "4")
        assert view_of(bob) == shown
        assert bob.page.url == link
        assert served_by(proxy, route_of(bob)) != first
        assert served_by(proxy, route_of(alice)) == first, "Alice's session moved replica"
    finally:
        for tab in tabs:
            tab.context.close()
    for tab in tabs:
        assert not tab.reached, f"requests beyond loopback were answered: {tab.reached}"
        assert not tab.blocked, f"requests beyond loopback were made: {tab.blocked}"
        assert not tab.dialogs, f"the page opened dialogs: {tab.dialogs}"


def test_map_draws_under_a_base_path(browser, proxy):
    tab = new_tab(browser)
    try:
        tab.page.goto(f"http://{proxy.replicas[0]}/flankmap/")  # the replica, not the proxy
        tab.wait_drawn()
        tab.expect_battlegroups(8)
        static = tab.page.evaluate(
            "() => performance.getEntriesByType('resource').map(e => e.name)"
            ".concat([...document.querySelectorAll('iframe')].flatMap(f => "
            "f.contentWindow.performance.getEntriesByType('resource').map(e => e.name)))"
            ".filter(u => u.includes('/app/static/'))"
        )
        assert static, "the map loaded no static file"
        assert all("/flankmap/app/static/flankmap/" in url for url in static), static
    finally:
        tab.context.close()
    assert not tab.blocked, tab.blocked
    assert not tab.reached, tab.reached
    assert not tab.dialogs, tab.dialogs
