"""Hostile input, end to end: markup and templates in the data and in share links.

The app must show every text as text and answer a bad link with a warning, never a traceback;
the command line must refuse a bad argument with one line on stderr and exit 2. Changed data
lives in a copy of ``data/`` that ``FLANKMAP_DATA_DIR`` points at (``data_copy``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import (
    HOSTILE,
    KEY,
    app_start,
    assert_one_line_error,
    errors,
    metric,
    no_traceback,
    page_html,
    run_app,
    set_cell,
    warnings,
)
from streamlit.testing.v1 import AppTest

from layers.scenario.scenarios import load_presets
from layers.scenario.view import parse_view
from render.folium_map import shared_texts

TEMPLATE = "Zed{{ 7*7 }}Zed"  # rendered by Jinja it would read Zed49Zed
RAN = "Zed49Zed"
HOSTILE_TEXT = f"{HOSTILE} {TEMPLATE}"
HOSTILE_URL = f"https://example.org/{HOSTILE}/{TEMPLATE.replace(' ', '')}"


@pytest.fixture
def data(data_copy) -> Path:
    return data_copy


def map_payload(at: AppTest) -> str:
    """Everything the map receives: the script, its HTML, the layer groups and the shared texts.

    A row's tooltip text travels inline or as an index into the texts the server wrote at its
    start (``texts.json``): which one depends on whether the server saw the text then.
    """
    (component,) = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    parts = [str(args.get(k, "")) for k in ("script", "html", "header", "feature_group")]
    return "\n".join([*parts, *shared_texts()])


def escaped(text: str) -> bool:
    """Whether the hostile markup is in ``text`` as HTML entities (perhaps inside JSON)."""
    return "&lt;script&gt;" in text or "\\u0026lt;script\\u0026gt;" in text


def assert_shown_as_text(text: str) -> None:
    assert HOSTILE not in text, "markup from the data reached the page unescaped"
    assert RAN not in text, "a template in the data was rendered"


# -- hostile text in the data ------------------------------------------------------------------

HOSTILE_CELLS = [
    pytest.param("members.csv", "ROU", "name", HOSTILE_TEXT, id="member-name"),
    pytest.param("members.csv", "ROU", "source_url", HOSTILE_URL, id="member-source"),
    pytest.param("battlegroups.csv", "bg_est", "base_name", HOSTILE_TEXT, id="base-name"),
    pytest.param("reinforcements.csv", "", "what", HOSTILE_TEXT, id="reinforcement-what"),
    pytest.param("reinforcements.csv", "", "source_url", HOSTILE_URL, id="reinforcement-source"),
    pytest.param("buildup_areas.csv", "", "name", HOSTILE_TEXT, id="buildup-name"),
    pytest.param("statements.csv", "MDA", "text", HOSTILE_TEXT, id="border-state-note"),
]


@pytest.mark.parametrize(("table", "key", "column", "value"), HOSTILE_CELLS)
def test_markup_and_templates_in_the_data_stay_text(data, table, key, column, value):
    set_cell(data / "facts" / table, key, column, value)
    page, legend = app_start()
    assert_shown_as_text(page)
    assert_shown_as_text(legend)
    assert escaped(page), "the hostile cell should be on the map, escaped"


def test_markup_in_the_data_stays_text_on_the_apps_map(data):
    set_cell(data / "facts" / "members.csv", "ROU", "name", HOSTILE_TEXT)
    set_cell(data / "facts" / "battlegroups.csv", "bg_est", "base_name", HOSTILE_TEXT)
    at = run_app()
    assert not at.error, errors(at)
    assert metric(at, "Battle groups") == "8"
    payload = map_payload(at)
    assert_shown_as_text(payload)
    assert_shown_as_text(page_html(at))
    assert escaped(payload), "the hostile cells should be on the map, escaped"


def test_hostile_text_stays_text_in_the_html_download(data):
    set_cell(data / "facts" / "members.csv", "ROU", "name", HOSTILE_TEXT)
    set_cell(data / "facts" / "reinforcements.csv", "", "what", HOSTILE_TEXT)
    at = run_app()
    at.selectbox(key=f"{KEY}export_format").set_value("html").run()
    at.button(key=f"{KEY}export_prepare").click().run()
    no_traceback(at)
    name, payload = at.session_state[f"{KEY}export"]
    assert name.endswith(".html")
    html = payload.decode("utf-8")
    assert escaped(html)
    assert_shown_as_text(html)


def test_hostile_scenario_title_stays_text(data):
    path = data / "scenarios" / "efp-2017.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "title: Enhanced Forward Presence (end of 2017)", f"title: '{HOSTILE_TEXT}'"
    )
    path.write_text(text, encoding="utf-8")
    at = run_app(scenario="efp-2017")
    no_traceback(at)
    assert not at.error, errors(at)
    assert metric(at, "Battle groups") == "4"
    assert_shown_as_text(page_html(at))
    assert_shown_as_text(map_payload(at))
    assert "&lt;script&gt;" in page_html(at)
    # Markdown widgets get the title backslash-escaped: shown as typed, never as HTML.
    assert at.subheader[0].value.startswith("\\<script\\>")
    # and the title that stands above a first visit's map while the controls come
    first = run_app(map_alone=True, scenario="efp-2017")
    assert_shown_as_text(page_html(first))
    assert 'fm-head-title">&lt;script&gt;' in page_html(first)


# -- share links: dates and values no calendar has ---------------------------------------------

BAD_DATES = [
    "-2022-01-01",
    "0000-01-01",
    "0001-01-01",
    "1900-01-01",
    "2999-01-01",
    "9999-12-31",
    "99999-99-99",
    "2022-02-30",
    "2022-13-01",
    "20220223",
    "1" * 200,
    "2022-02-23T00:00:00",
    "２０２２-０２-２３",
    "NaN",
    "",
]


@pytest.mark.parametrize("as_of", BAD_DATES)
def test_impossible_dates_in_a_link_are_ignored_with_a_warning(as_of):
    view, problems = parse_view({"scenario": "efp-2017", "as_of": as_of}, list(load_presets()))
    assert any("Ignored as_of" in p for p in problems)
    assert view.scenario == "efp-2017", "the good part of the link stays"
    assert view.as_of is None  # the scenario's own date


def test_an_impossible_date_in_a_link_warns_and_falls_back():
    at = run_app(scenario="efp-2017", as_of="99999-99-99")
    assert not at.error, errors(at)
    assert "Ignored as_of" in warnings(at)
    assert at.session_state[f"{KEY}scenario"] == "efp-2017", "the good part of the link stays"
    assert at.session_state[f"{KEY}as_of"].isoformat() == "2017-12-31"
    assert metric(at, "Battle groups") == "4"


HOSTILE_LINKS = [
    pytest.param({"scenario": HOSTILE, "layers": HOSTILE}, id="markup"),
    pytest.param({"scenario": TEMPLATE, "basemap": TEMPLATE}, id="template"),
    pytest.param({"scenario": "x" * 10_000}, id="long"),
    pytest.param({"scenario": "../../etc/passwd", "compare": "../../etc/passwd"}, id="path"),
    pytest.param({"scenario": "efp-2017\x00", "layers": "members\x00"}, id="nul"),
    pytest.param({"layers": ",,,,", "compare": HOSTILE}, id="empty-layers"),
]


@pytest.mark.parametrize("params", HOSTILE_LINKS)
def test_hostile_link_values_fall_back_to_a_known_view(params):
    presets = load_presets()
    view, problems = parse_view(params, list(presets))
    assert view.scenario in presets
    assert view.compare in (None, *presets)
    assert all(len(p) < 400 for p in problems), "a warning quotes a long value in full"


def test_hostile_link_values_warn_as_text():
    at = run_app(scenario=HOSTILE, layers=HOSTILE, basemap=TEMPLATE, compare=HOSTILE)
    assert not at.error, errors(at)
    assert metric(at, "Battle groups") == "8"
    assert len(at.warning) >= 3
    for w in at.warning:
        assert HOSTILE not in w.value, "a warning must escape the value it names"
    assert_shown_as_text(page_html(at))
    assert_shown_as_text(map_payload(at))


# -- the command line: exit 2, one line on stderr -------------------------------------------------


PNG = ["--format", "png", "--out", "{tmp}"]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["borders", "--as-of", "99999-99-99"], "99999-99-99"),
        (["borders", "--as-of=-2022-01-01"], "-2022-01-01"),
        (["borders", "--as-of", "1900-01-01"], "1900-01-01"),
        (["borders", "--as-of", "2999-01-01"], "2999-01-01"),
        (["borders", "--as-of", "1" * 200], "111"),
        (["borders", "--format", HOSTILE], HOSTILE),
        (["scenarios", "show", HOSTILE], HOSTILE),
        (["scenarios", "show", TEMPLATE], TEMPLATE),
        (["diff", "efp-2017", HOSTILE], HOSTILE),
        (["diff", "../../etc/passwd", "efp-2017"], "passwd"),
        (["export", "--scenario", HOSTILE, *PNG], HOSTILE),
        (["export", "--scenario", "efp-2017", "--layers", ";;", *PNG], ";;"),
        (
            ["export", "--scenario", "efp-2017", "--as-of", "0000-01-01", *PNG],
            "0000-01-01",
        ),
        (["export", "--scenario-file", "{tmp}/nope.yaml", *PNG], "nope.yaml"),
        (["export", "--scenario-file", "{tmp}", *PNG], ""),
    ],
)
def test_cli_bad_arguments_exit_2_with_one_line(tmp_path, run_cli, argv, named):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    status, out, err = run_cli(argv)
    assert_one_line_error(status, out, err, named)
    assert not any(tmp_path.glob("flankmap_*")), "a refused export must leave no file"
