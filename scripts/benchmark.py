"""Measure the map against the naive way, side by side, on the same layers.

    pip install -e ".[bench,test]" && python scripts/benchmark.py
    python scripts/benchmark.py --load 20        # only the load figure, one line

Prints, in one run: the map payload (GeoJSON bytes of the country layers and the whole HTML) and
build time of this app's map vs ``GeoDataFrame.explore()`` on the full-resolution 10m data; a
warm scenario switch (server time through Streamlit's AppTest) vs a cold one; the all-pairs
border table; the PNG export. Then, in Chromium against real ``streamlit run`` servers on
loopback: a new visitor's first map paint vs a bare one-line Streamlit page, and the bytes a
scenario switch or layer toggle moves (websocket + HTTP) in this app vs the inline way it had
before (the same app with ``server.enableStaticServing`` off: Leaflet and every layer's GeoJSON
inside each message). Targets (not test failures): payload at least 15x smaller than the naive
way, warm switch at most 100 ms, first paint at most 1.6x the bare page, a switch or toggle at
most 60 KB; with ``--load 20``: median switch at most 1.0 s, worst 2.5 s, no error, no
cross-talk. Timings on a shared machine are noisy: run it on a quiet one for figures to quote.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from geo.boundaries import load_countries  # noqa: E402
from geo.measure import border_pairs, clear_cache  # noqa: E402
from layers.scenario.scenarios import get_scenario, load_presets  # noqa: E402
from layers.scenario.scene import build_scene  # noqa: E402
from render.folium_map import build_map, feature_collection  # noqa: E402
from render.layer_specs import COUNTRY_FIELDS  # noqa: E402

SCENARIO = "proposal-2022"
REPEAT = 5


def best_of(fn, repeat: int = REPEAT) -> tuple[float, object]:
    """Return the median wall time in seconds of ``fn()`` and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def app_map(scene):
    return build_map(scene).get_root().render()


def naive_map():
    countries = load_countries("full")
    bgs = build_scene(get_scenario(SCENARIO)).battlegroups
    m = countries.explore()
    bgs.explore(m=m, color="red", marker_kwds={"radius": 8})
    return m.get_root().render()


def country_payload(scene) -> int:
    fields = [*COUNTRY_FIELDS, "category"]  # what the app's country layer sends
    return len(json.dumps(feature_collection(scene.countries, fields)).encode())


def naive_payload() -> int:
    return len(load_countries("full").to_json().encode())


def switch_times() -> tuple[float, float, float]:
    """Return the median cold and warm switch in seconds, and AppTest's warm round trip.

    The first two are the script's own run time (server time); the round trip adds AppTest
    parsing the ~500 KB of messages the map sends.
    """
    from streamlit.testing.v1 import AppTest

    from ui.state import PAGE_DRAWN, key

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state[PAGE_DRAWN] = True  # the whole page, as once the map is drawn
    at.run()
    ids = list(load_presets())
    cold: list[float] = []
    warm: list[float] = []
    round_trip: list[float] = []
    for bucket in (cold, warm, warm):
        for scenario_id in ids:
            start = time.perf_counter()
            at.selectbox(key=key("scenario")).set_value(scenario_id).run()
            round_trip.append(time.perf_counter() - start)
            assert not at.exception, at.exception
            bucket.append(at.session_state[key("run_ms")] / 1000)
    return (
        statistics.median(cold),
        statistics.median(warm),
        statistics.median(round_trip[len(ids) :]),
    )


BARE_PAGE = 'import streamlit as st\n\nst.title("Eastern Flank Map")\n'
#: What a visitor does after the default view opens: switches and toggles, each view new.
STEPS = [
    ("switch", "Enhanced Forward Presence (end of 2017)"),
    ("switch", "Hypothetical: Slovakia and Hungary decline"),
    ("toggle", "Labels"),
    ("toggle", "Battle groups"),
    ("switch", "Latest posture (facts as of 2026-11-28)"),
    ("switch", "The February 2022 proposal (eve of the invasion)"),
]
PAINTS = 5  # new visitors of each page: the bare page alone swings by a third
#: The naive way, for figures side by side: everything inline in each switch, uncompressed.
AS_BEFORE = {
    "STREAMLIT_SERVER_ENABLE_STATIC_SERVING": "false",
    "STREAMLIT_SERVER_ENABLE_WEBSOCKET_COMPRESSION": "false",
}


def _browser_tools():
    """The browser tests' own server, tab and byte counter (one way to measure, not two)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import conftest

    return sync_playwright, conftest


def _new_tab(browser, conftest, url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = conftest.Tab(context, context.new_page())
    conftest._guard(context, tab.blocked)
    tab.page.goto(url)
    return tab


def _paint(browser, conftest, url: str, bare: bool = False) -> tuple[float, float, float]:
    """Seconds from navigation to the map drawn (bare: the heading), main-thread CPU until
    then, and seconds to the whole page (the rest comes once the map is drawn)."""
    from scripts.first_paint import visit

    steps = visit(browser, conftest, url, bare=bare)
    return steps["drawn"] / 1000, steps["cpu_s"], steps.get("whole", steps["drawn"]) / 1000


def _switch_bytes(browser, conftest, url: str) -> list[tuple[str, float]]:
    """Bytes (KB, on the wire) each step of ``STEPS`` moves, from the default view, one tab."""
    from tests.browser.wire import WireTap

    tap = WireTap(int(url.rsplit(":", 1)[1]))
    tab = _new_tab(browser, conftest, tap.url)
    tab.wait_drawn()
    tab.settle()
    counter = tab.count_bytes(tap)
    done = []
    for action, label in STEPS:
        counter.reset()
        if action == "switch":
            tab.choose("Scenario", label)
        else:
            tab.toggle(label)
        counter.wait_quiet(tab.page)
        tab.settle()
        done.append((f"{action} {label[:34]}", counter.total / 1024))
    assert not tab.blocked, tab.blocked
    tab.context.close()
    tap.close()
    return done


def browser_figures() -> None:
    """First paint vs a bare page, and bytes per switch vs the inline way, in Chromium."""
    sync_playwright, conftest = _browser_tools()
    folder = Path(tempfile.mkdtemp(prefix="flankmap-bench-"))
    (folder / "bare_page.py").write_text(BARE_PAGE, encoding="utf-8")
    inline_env = AS_BEFORE
    servers = {
        "app": conftest.start_server(folder / "app.log"),
        "inline": conftest.start_server(folder / "inline.log", env=inline_env),
        "bare": conftest.start_server(folder / "bare.log", app=folder / "bare_page.py"),
    }
    try:
        with sync_playwright() as p:
            browser = conftest.launch_visitor_browser(p)
            # Each server's first visitor warms its caches; the figures are the next visitors'.
            for name, server in servers.items():
                _paint(browser, conftest, server.url, bare=name == "bare")
            paints: dict[str, list[tuple[float, float, float]]] = {
                "app": [],
                "inline": [],
                "bare": [],
            }
            for _ in range(PAINTS):  # interleaved, so a busy moment hits all three alike
                for name, server in servers.items():
                    paints[name].append(_paint(browser, conftest, server.url, name == "bare"))
            ours = _switch_bytes(browser, conftest, servers["app"].url)
            inline = _switch_bytes(browser, conftest, servers["inline"].url)
            browser.close()
    finally:
        for server in servers.values():
            conftest.stop_server(server)

    wall = {name: statistics.median(p[0] for p in runs) for name, runs in paints.items()}
    cpu = {name: statistics.median(p[1] for p in runs) for name, runs in paints.items()}
    whole = {name: statistics.median(p[2] for p in runs) for name, runs in paints.items()}
    app_s, inline_s, bare = wall["app"], wall["inline"], wall["bare"]
    print(
        f"\nIn Chromium, loopback, non-loopback requests refused; median of {PAINTS} new visitors:"
    )
    print(f"{'first paint (s)':<32}{'this app':>12}{'inline':>12}{'bare page':>12}")
    print(f"{'  navigation -> countries drawn':<32}{app_s:>12.2f}{inline_s:>12.2f}{bare:>12.2f}")
    print(f"{'  ratio to the bare page':<32}{app_s / bare:>11.2f}x{inline_s / bare:>11.2f}x")
    print(
        f"{'  main-thread CPU until then':<32}{cpu['app']:>12.2f}{cpu['inline']:>12.2f}"
        f"{cpu['bare']:>12.2f}"
    )
    print(
        f"{'  navigation -> whole page':<32}{whole['app']:>12.2f}{whole['inline']:>12.2f}"
        f"{whole['bare']:>12.2f}"
    )
    print("  (where the time goes: python scripts/first_paint.py)")
    print(f"\n{'bytes on the wire (KB, ws + HTTP)':<44}{'this app':>10}{'inline':>10}{'ratio':>8}")
    for (name, kb), (_, old_kb) in zip(ours, inline, strict=True):
        print(f"{'  ' + name:<44}{kb:>10.1f}{old_kb:>10.1f}{old_kb / kb:>7.1f}x")
    worst = max(kb for _, kb in ours)
    print(
        f"\ntargets (first paint <= 1.6x bare page, switch/toggle <= 60 KB): "
        f"{'met' if app_s / bare <= 1.6 and worst <= 60 else 'NOT met'}"
        f" ({app_s / bare:.2f}x, worst step {worst:.1f} KB)"
    )


def load_figure(sessions: int, seconds: float, inline: bool = False) -> None:
    """Start the app and run the load check (``tests/test_load.py``); print its one line.

    ``inline``: the app with static serving off (the way it was), for a figure side by side.
    """
    from tests.browser.conftest import start_server, stop_server
    from tests.test_load import load_check

    env = AS_BEFORE if inline else None
    server = start_server(Path(tempfile.mkdtemp(prefix="flankmap-load-")) / "server.log", env=env)
    try:
        result = load_check(server.url.removeprefix("http://"), sessions, seconds)
    finally:
        stop_server(server)
    print(result.line() + (" (inline, as before)" if inline else ""))
    for problem in [*result.errors, *result.crosstalk][:5]:
        print("  " + problem)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--load", type=int, metavar="SESSIONS", help="only the load figure")
    parser.add_argument("--seconds", type=float, default=28, help="how long the load runs")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium figures")
    parser.add_argument("--inline", action="store_true", help="--load against the inline way")
    args = parser.parse_args()
    if args.load:
        load_figure(args.load, args.seconds, args.inline)
        return

    build_scene(get_scenario(SCENARIO))  # load data once: both sides then start warm
    load_countries("full")
    scene = build_scene(get_scenario(SCENARIO))

    app_time, app_html = best_of(lambda: app_map(scene))
    try:
        naive_time, naive_html = best_of(naive_map, repeat=3)
    except ImportError as err:  # mapclassify: pip install -e ".[bench]"
        print(f"explore() not measured: {err}\n")
        naive_time, naive_html = float("nan"), ""
    app_payload, naive_geojson = country_payload(scene), naive_payload()
    pairs_time, pairs = best_of(border_pairs)
    compute_time, _ = best_of(lambda: (clear_cache(), border_pairs()), repeat=3)
    cold_switch, warm_switch, round_trip = switch_times()
    try:
        from render.export_png import to_png

        to_png(scene)
        png_time, _ = best_of(lambda: to_png(scene), repeat=3)
    except ImportError:
        png_time = float("nan")

    rows = [
        ("country GeoJSON payload (KB)", app_payload / 1024, naive_geojson / 1024),
        ("whole map HTML (KB)", len(app_html) / 1024, len(naive_html) / 1024 or float("nan")),
        ("map build + render (ms)", app_time * 1000, naive_time * 1000),
    ]
    print(f"Scenario {SCENARIO}; median of repeated runs; {len(pairs)} border pairs.\n")
    print(f"{'measure':<32}{'this app':>12}{'explore()':>12}{'ratio':>9}")
    for name, ours, naive in rows:
        print(f"{name:<32}{ours:>12.1f}{naive:>12.1f}{naive / ours:>8.1f}x")
    print()
    print(f"{'measure':<32}{'warm':>12}{'cold':>12}{'ratio':>9}")
    print(
        f"{'scenario switch, server (ms)':<32}{warm_switch * 1000:>12.1f}"
        f"{cold_switch * 1000:>12.1f}{cold_switch / warm_switch:>8.1f}x"
    )
    print(f"{'  same, AppTest round trip (ms)':<32}{round_trip * 1000:>12.1f}")
    print()
    print(f"all-pairs border table (ms, computed): {compute_time * 1000:.0f}")
    print(f"all-pairs border table (ms, cached):   {pairs_time * 1000:.2f}")
    print(f"PNG export 1600x1200 (ms, warm):     {png_time * 1000:.0f}")
    target_ok = naive_geojson / app_payload >= 15 and warm_switch <= 0.1
    verdict = "met" if target_ok else "NOT met"
    print(f"\ntargets (payload >= 15x smaller, warm switch <= 100 ms): {verdict}")
    if not args.no_browser:
        browser_figures()


if __name__ == "__main__":
    main()
