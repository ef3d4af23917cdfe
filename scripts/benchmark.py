"""Measure the map against the naive way, side by side, on the same layers.

    pip install -e ".[bench]" && python scripts/benchmark.py

Prints, in one run: the map payload (GeoJSON bytes of the country layers and the whole HTML) and
build time of this app's map vs ``GeoDataFrame.explore()`` on the full-resolution 10m data; a
warm scenario switch (server time through Streamlit's AppTest) vs a cold one; the all-pairs
border table; the PNG export. Targets (not test failures): payload at least 15x smaller than
the naive way, warm switch at most 100 ms.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from geo.boundaries import load_countries  # noqa: E402
from geo.measure import border_pairs, clear_cache  # noqa: E402
from layers.scenarios import get_scenario, load_presets  # noqa: E402
from layers.scene import build_scene  # noqa: E402
from render.folium_map import COUNTRY_FIELDS, build_map, feature_collection  # noqa: E402

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

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    ids = list(load_presets())
    cold: list[float] = []
    warm: list[float] = []
    round_trip: list[float] = []
    for bucket in (cold, warm, warm):
        for scenario_id in ids:
            start = time.perf_counter()
            at.selectbox(key="fm_scenario").set_value(scenario_id).run()
            round_trip.append(time.perf_counter() - start)
            assert not at.exception, at.exception
            bucket.append(at.session_state["fm_run_ms"] / 1000)
    return (
        statistics.median(cold),
        statistics.median(warm),
        statistics.median(round_trip[len(ids) :]),
    )


def main() -> None:
    build_scene(get_scenario(SCENARIO))  # load data once: both sides then start warm
    load_countries("full")
    scene = build_scene(get_scenario(SCENARIO))

    app_time, app_html = best_of(lambda: app_map(scene))
    naive_time, naive_html = best_of(naive_map, repeat=3)
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
        ("whole map HTML (KB)", len(app_html) / 1024, len(naive_html) / 1024),
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


if __name__ == "__main__":
    main()
