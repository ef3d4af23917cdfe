"""Where a new visitor's first map paint goes: milestones and main-thread CPU, app vs bare page.

    python scripts/first_paint.py                  # 5 new visitors of each, interleaved
    python scripts/first_paint.py --visits 9 --app path/to/variant.py

Starts this app (or ``--app``, a script beside ``app.py``) and a bare one-line Streamlit page on
loopback, as ``scripts/benchmark.py`` does, opens each in a fresh Chromium context (nothing
cached, non-loopback requests refused) and prints the median time from navigation to each step
of the map's way onto the screen: the page's own script, the websocket, the first element and
the map's element of the script run, Streamlit's component chunk, the map frame, the frame's
``componentReady``, the map's arguments, the country shapes, the shapes drawn, and the rest of
the page (which a first visit gets once the map's frame reports it drawn). Then the
page's main-thread CPU time until then (Chromium's ``ThreadTime``; the map frame shares that
thread): on a shared machine wall times swing twofold from one visit to the next, CPU far less.
"""

from __future__ import annotations

import argparse
import base64
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE_PAGE = 'import streamlit as st\n\nst.title("Eastern Flank Map")\n'

#: Marks when the page gets the frame's messages and the frame the page's (both run it).
_MARKS_JS = """
(() => {
    const marks = window.__fmMarks = {};
    const mark = name => { if (!(name in marks)) { marks[name] = performance.timeOrigin
                                                               + performance.now(); } };
    window.addEventListener("message", e => { if (e.data && e.data.type) { mark(e.data.type); } });
    document.addEventListener("DOMContentLoaded", () => mark("DOMContentLoaded"));
})();
"""

#: (label, key) in the order they happen. Keys: ``page:``/``frame:`` a message or event seen
#: there, ``res:``/``frame-res:`` a resource (part of its URL) loaded there, else from the network
#: log. A bare page has the first three; its "drawn" is its heading shown.
STEPS = [
    ("page script loaded (DOMContentLoaded)", "page:DOMContentLoaded"),
    ("websocket open", "ws-open"),
    ("first element of the script run", "first-delta"),
    ("the map's element", "map-delta"),
    ("component chunk (ComponentInstance) loaded", "res:/ComponentInstance."),
    ("map frame requested", "frame-request"),
    ("frame says componentReady", "page:streamlit:componentReady"),
    ("map arguments in the frame", "frame:streamlit:render"),
    ("country shapes loaded", "frame-res:/countries.json"),
    ("drawn: > 50 country shapes (bare: heading)", "drawn"),
    ("the rest: picker, figures, sidebar", "whole"),
]


def _kind(raw: bytes) -> str:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    message = ForwardMsg()
    try:
        message.ParseFromString(raw)
    except Exception:  # not a ForwardMsg
        return ""
    if message.WhichOneof("type") != "delta":
        return ""
    delta = message.delta
    if delta.WhichOneof("type") != "new_element":
        return "delta"
    return delta.new_element.WhichOneof("type") or "delta"


def visit(browser, conftest, url: str, *, bare: bool = False) -> dict[str, float]:
    """Open ``url`` in a fresh context; return ms from navigation to each step, and ``cpu_s``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(_MARKS_JS)
    tab = conftest.Tab(context, context.new_page())
    conftest._guard(context, tab.blocked)
    cdp = context.new_cdp_session(tab.page)
    events: list[tuple[str, float]] = []  # (what, CDP monotonic seconds)
    clock: list[tuple[float, float]] = []  # (monotonic, wall) of the first request

    def request(event) -> None:
        if not clock:
            clock.append((event["timestamp"], event["wallTime"]))
        if "/component/" in event["request"]["url"]:
            events.append(("frame-request", event["timestamp"]))

    def received(event) -> None:
        payload = event["response"]["payloadData"]
        raw = base64.b64decode(payload) if event["response"]["opcode"] == 2 else b""
        kind = _kind(raw)
        if kind:
            events.append(("first-delta", event["timestamp"]))
        if kind == "component_instance":
            events.append(("map-delta", event["timestamp"]))

    cdp.on("Network.requestWillBeSent", request)
    cdp.on(
        "Network.webSocketHandshakeResponseReceived",
        lambda e: events.append(("ws-open", e["timestamp"])),
    )
    cdp.on("Network.webSocketFrameReceived", received)
    cdp.send("Network.enable")
    cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
    tab.page.goto(url)
    if bare:
        tab.page.get_by_role("heading", name="Eastern Flank Map").wait_for()
    else:
        tab.wait_drawn(whole=False)  # a first visit gets the map alone first
    steps = {"drawn": tab.page.evaluate("performance.now()")}
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    if not bare:
        tab.wait_drawn()
        steps["whole"] = tab.page.evaluate("performance.now()")
    origin = tab.page.evaluate("performance.timeOrigin")
    frames = [(tab.page, "page", "res")]
    if not bare:
        frames.append((tab.map_frame(), "frame", "frame-res"))
    for frame, where, resources in frames:
        shift = frame.evaluate("performance.timeOrigin") - origin
        for name, at in frame.evaluate("window.__fmMarks").items():
            steps[f"{where}:{name}"] = at - origin
        loaded = frame.evaluate(
            "performance.getEntriesByType('resource').map(e => [e.name, e.responseEnd])"
        )
        for _, step in STEPS:
            kind, _, part = step.partition(":")
            if kind == resources:
                ends = [end for name, end in loaded if part in name]
                if ends:
                    steps[step] = shift + min(ends)
    assert not tab.blocked, tab.blocked
    context.close()
    monotonic, wall = clock[0]
    for name, at in events:  # CDP's monotonic clock to ms since navigation
        steps.setdefault(name, (at - monotonic + wall) * 1000 - origin)
    steps["cpu_s"] = metrics["ThreadTime"]
    return steps


def run(visits: int, app: Path | None = None) -> dict[str, list[dict[str, float]]]:
    """Start the app and a bare page; return each one's visits, interleaved, after a warm-up."""
    from playwright.sync_api import sync_playwright

    from tests.browser import conftest

    folder = Path(tempfile.mkdtemp(prefix="flankmap-paint-"))
    (folder / "bare_page.py").write_text(BARE_PAGE, encoding="utf-8")
    servers = {
        "app": conftest.start_server(folder / "app.log", app=app),
        "bare": conftest.start_server(folder / "bare.log", app=folder / "bare_page.py"),
    }
    found: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
    try:
        with sync_playwright() as p:
            browser = conftest.launch_visitor_browser(p)
            for name, server in servers.items():  # the first visitor warms the caches
                visit(browser, conftest, server.url, bare=name == "bare")
            for _ in range(visits):
                for name, server in servers.items():
                    found[name].append(visit(browser, conftest, server.url, bare=name == "bare"))
            browser.close()
    finally:
        for server in servers.values():
            conftest.stop_server(server)
    return found


def _median(rows: list[dict[str, float]], key: str) -> float:
    values = [row[key] for row in rows if key in row]
    return statistics.median(values) if values else float("nan")


def report(found: dict[str, list[dict[str, float]]]) -> None:
    """Print the median of each step, this app beside the bare page."""
    app, bare = found["app"], found["bare"]
    title = f"median of {len(app)} new visitors, ms from navigation"
    print(f"{title:<50}this app  bare page")
    for label, step in STEPS:
        shown = [f"{v:.0f}" if v == v else "-" for v in (_median(app, step), _median(bare, step))]
        print(f"  {label:<48}{shown[0]:>8}{shown[1]:>11}")
    paint, bare_paint = _median(app, "drawn"), _median(bare, "drawn")
    cpu, bare_cpu = _median(app, "cpu_s"), _median(bare, "cpu_s")
    print(f"  {'first paint: ratio to the bare page':<48}{paint / bare_paint:>7.2f}x")
    print(f"  {'main-thread CPU until drawn (s)':<48}{cpu:>8.2f}{bare_cpu:>11.2f}")
    print(f"  {'ratio of CPU to the bare page':<48}{cpu / bare_cpu:>7.2f}x")
    for name, rows in found.items():
        print(f"each visit, {name} (s): {[round(row['drawn'] / 1000, 2) for row in rows]}")


def main() -> None:
    """Parse the options, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=5, help="new visitors of each page")
    parser.add_argument("--app", type=Path, help="another script beside app.py (a variant)")
    args = parser.parse_args()
    report(run(args.visits, args.app.resolve() if args.app else None))


if __name__ == "__main__":
    main()
