"""Hostile input, end to end: markup and templates in the data, impossible dates, unknown codes,
empty and corrupt files, a scenario pointing at a battle group that does not exist.

The app must answer with a clear ``st.error`` or ``st.warning`` and never a traceback, keep the
user's view where it already has one, and show every text as text. The command line must exit 2
with one line on stderr. Broken data lives in a copy of ``data/`` that ``FLANKMAP_DATA_DIR``
points at; every cache is cleared on the way in and out.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import (
    HOSTILE,
    KEY,
    assert_one_line_error,
    clear_caches,
    metric,
    no_traceback,
    page_html,
    run_app,
    set_cell,
)
from streamlit.testing.v1 import AppTest

from geo.errors import FlankmapError
from layers.facts import event_dates
from layers.scenario_io import scenario_to_yaml
from layers.scenarios import DEFAULT_SCENARIO, get_scenario, load_presets
from layers.scene import build_scene
from layers.view import parse_view
from render.export_html import to_html
from render.folium_map import layer_groups, scene_features
from render.legend import legend_html

TEMPLATE = "Zed{{ 7*7 }}Zed"  # rendered by Jinja it would read Zed49Zed
RAN = "Zed49Zed"
HOSTILE_TEXT = f"{HOSTILE} {TEMPLATE}"
HOSTILE_URL = f"https://example.org/{HOSTILE}/{TEMPLATE.replace(' ', '')}"


@pytest.fixture
def data(data_copy) -> Path:
    return data_copy


def plain(markdown: str) -> str:
    """The text a Markdown widget shows for ``markdown`` (its backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def errors(at: AppTest) -> str:
    return " ".join(plain(e.value) for e in at.error)


def warnings(at: AppTest) -> str:
    return " ".join(plain(w.value) for w in at.warning)


def map_payload(at: AppTest) -> str:
    """Everything the map component receives: the script, its HTML and the layer groups."""
    (component,) = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    return "\n".join(str(args.get(k, "")) for k in ("script", "html", "header", "feature_group"))


def escaped(text: str) -> bool:
    """Whether the hostile markup is in ``text`` as HTML entities (perhaps inside JSON)."""
    return "&lt;script&gt;" in text or "\\u0026lt;script\\u0026gt;" in text


def assert_shown_as_text(text: str) -> None:
    assert HOSTILE not in text, "markup from the data reached the page unescaped"
    assert RAN not in text, "a template in the data was rendered"


def app_start() -> tuple[str, str]:
    """Do what the app does on a first visit, without Streamlit: load the presets and dates,
    build the default scene and draw it. Return the map page and the legend."""
    presets = load_presets()
    event_dates()
    scene = build_scene(presets[DEFAULT_SCENARIO])
    layer_groups(scene, scene_features(scene))
    return to_html(scene), str(legend_html(scene))


# -- hostile text in the data ------------------------------------------------------------------

HOSTILE_CELLS = [
    pytest.param("members.csv", "ROU", "name", HOSTILE_TEXT, id="member-name"),
    pytest.param("members.csv", "ROU", "source_url", HOSTILE_URL, id="member-source"),
    pytest.param("battlegroups.csv", "bg_est", "base_name", HOSTILE_TEXT, id="base-name"),
    pytest.param("reinforcements.csv", "", "what", HOSTILE_TEXT, id="reinforcement-what"),
    pytest.param("reinforcements.csv", "", "source_url", HOSTILE_URL, id="reinforcement-source"),
    pytest.param("buildup_areas.csv", "", "name", HOSTILE_TEXT, id="buildup-name"),
    pytest.param("border_states.csv", "MDA", "notes", HOSTILE_TEXT, id="border-state-note"),
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


# -- broken data: a clear error, no traceback ---------------------------------------------------


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _header_only(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")


def _unbalanced_quote(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = '"' + lines[1]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _not_utf8(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:200] + b"\xff\xfe\xfa broken")


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00\x01garbage" * 100)


def _missing(path: Path) -> None:
    path.unlink()


def _missing_column(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace("source_url", "source")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _set(table: str, key: str, column: str, value: str):
    def edit(data: Path) -> None:
        set_cell(data / "facts" / table, key, column, value)

    return edit


def _on(relative: str, damage):
    def edit(data: Path) -> None:
        damage(data / relative)

    return edit


def _scenario_file(text: str, name: str = "broken.yaml"):
    def edit(data: Path) -> None:
        (data / "scenarios" / name).write_text(text, encoding="utf-8")

    return edit


def _scenario_bytes(raw: bytes, name: str = "broken.yaml"):
    def edit(data: Path) -> None:
        (data / "scenarios" / name).write_bytes(raw)

    return edit


def _no_scenarios(data: Path) -> None:
    for path in (data / "scenarios").glob("*.yaml"):
        path.unlink()


MISSING_REF = """\
id: broken
title: A scenario with a battle group nobody recorded
description: Points at bg_nope, which no fact table has.
as_of: 2022-02-23
battlegroups:
  - {ref: bg_est}
  - {ref: bg_nope}
"""

BROKEN_DATA = [
    pytest.param(_on("facts/members.csv", _empty), "members.csv", id="members-empty"),
    pytest.param(_on("facts/members.csv", _header_only), "members.csv", id="members-header"),
    pytest.param(_on("facts/members.csv", _unbalanced_quote), "members.csv", id="members-quote"),
    pytest.param(_on("facts/members.csv", _not_utf8), "members.csv", id="members-not-utf8"),
    pytest.param(_on("facts/members.csv", _missing), "members.csv", id="members-missing"),
    pytest.param(_on("facts/members.csv", _missing_column), "source_url", id="members-column"),
    pytest.param(_on("facts/battlegroups.csv", _garbage), "battlegroups.csv", id="bg-garbage"),
    pytest.param(
        _on("facts/battlegroup_events.csv", _empty), "battlegroup_events.csv", id="events-empty"
    ),
    pytest.param(_set("battlegroups.csv", "bg_rou", "host_iso3", "XXX"), "XXX", id="bg-iso"),
    pytest.param(_set("battlegroups.csv", "bg_rou", "host_iso3", HOSTILE), "bg_rou", id="bg-tag"),
    pytest.param(_set("border_states.csv", "RUS", "iso3", "QQQ"), "QQQ", id="border-iso"),
    pytest.param(_set("reinforcements.csv", "", "nation_iso3", "Z1Z"), "Z1Z", id="nation-iso"),
    pytest.param(
        _set("members.csv", "ROU", "accession_date", "99999-01-01"), "99999", id="member-huge"
    ),
    pytest.param(
        _set("members.csv", "ROU", "accession_date", "-2004-03-29"), "-2004", id="member-negative"
    ),
    pytest.param(
        _set("reinforcements.csv", "", "announced_date", "2022-02-30"), "2022-02-30", id="day"
    ),
    pytest.param(_set("battlegroups.csv", "bg_rou", "base_lat", "91"), "base_lat", id="lat"),
    pytest.param(_set("battlegroups.csv", "bg_rou", "base_lon", "nan"), "base_lon", id="lon"),
    pytest.param(_on("boundaries.gpkg", _garbage), "boundaries.gpkg", id="boundaries-garbage"),
    pytest.param(_on("boundaries.gpkg", _empty), "boundaries.gpkg", id="boundaries-empty"),
    pytest.param(_on("boundaries.gpkg", _missing), "boundaries.gpkg", id="boundaries-missing"),
    pytest.param(_scenario_file(MISSING_REF), "bg_nope", id="scenario-missing-ref"),
    pytest.param(_scenario_file(""), "broken.yaml", id="scenario-empty"),
    pytest.param(_scenario_file("id: [unclosed\n"), "broken.yaml", id="scenario-bad-yaml"),
    pytest.param(_scenario_file("- just\n- a list\n"), "broken.yaml", id="scenario-list"),
    pytest.param(
        _scenario_file(MISSING_REF.replace("2022-02-23", "99999-02-23")), "as_of", id="sc-huge"
    ),
    pytest.param(
        _scenario_file(MISSING_REF.replace("2022-02-23", "-2022-02-23")), "as_of", id="sc-neg"
    ),
    pytest.param(
        _scenario_file(MISSING_REF.replace("{ref: bg_nope}", "{id: x, host: ZZZ, source: s}")),
        "ZZZ",
        id="scenario-unknown-host",
    ),
    pytest.param(_scenario_bytes(b"\xff\xfe\x00garbage"), "broken.yaml", id="scenario-binary"),
    pytest.param(
        _scenario_file("id: x\n" + "# padding\n" * 120_000), "1 MB", id="scenario-too-big"
    ),
    pytest.param(_scenario_file("a: &a [*a, *a]\n"), "broken.yaml", id="scenario-alias-loop"),
    pytest.param(_scenario_file("!!python/object/apply:os.system ['echo hi']\n"), "", id="py-tag"),
    pytest.param(_no_scenarios, "scenario", id="no-scenarios"),
]


@pytest.mark.parametrize(("damage", "named"), BROKEN_DATA)
def test_broken_data_is_one_clear_error(data, damage, named):
    damage(data)
    with pytest.raises(FlankmapError) as err:  # the app shows these with st.error
        app_start()
    assert named in str(err.value)
    assert "\n" not in str(err.value).strip()


@pytest.mark.parametrize(
    "damage",
    [
        _on("facts/members.csv", _missing),
        _scenario_bytes(b"\xff\xfe\x00garbage"),
        # BUG (reported): geo.boundaries names the file by its absolute path, and pyogrio's
        # message repeats it, so a visitor learns where the server keeps its files.
        _on("boundaries.gpkg", _garbage),
        _on("boundaries.gpkg", _missing),
    ],
    ids=["facts-missing", "scenario-binary", "boundaries-garbage", "boundaries-missing"],
)
def test_broken_data_errors_do_not_show_server_paths(data, damage):
    damage(data)
    with pytest.raises(FlankmapError) as err:
        app_start()
    assert str(data) not in str(err.value), f"BUG: the error shows the data folder: {err.value}"


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        pytest.param(_on("facts/members.csv", _unbalanced_quote), "members.csv", id="facts"),
        pytest.param(_on("boundaries.gpkg", _garbage), "boundaries.gpkg", id="boundaries"),
        pytest.param(_scenario_file(MISSING_REF), "bg_nope", id="scenario"),
    ],
)
def test_broken_data_is_a_clear_error_in_the_app(data, damage, named):
    damage(data)
    at = run_app()
    assert at.error, "a broken data file must be reported"
    assert named in errors(at), errors(at)
    assert "Traceback" not in errors(at)
    assert str(data) not in errors(at)


# -- the user's view survives a failure -----------------------------------------------------------


def test_data_breaking_mid_session_keeps_the_users_view(data):
    at = run_app()
    at.selectbox(key=f"{KEY}scenario").set_value("efp-2017").run()
    at.toggle(key=f"{KEY}layer_labels").set_value(False).run()
    assert metric(at, "Battle groups") == "4"

    good = (data / "boundaries.gpkg").read_bytes()
    _garbage(data / "boundaries.gpkg")
    clear_caches()
    at.toggle(key=f"{KEY}layer_occupied").set_value(False).run()
    no_traceback(at)
    assert "boundaries.gpkg" in errors(at)
    assert at.session_state[f"{KEY}scenario"] == "efp-2017"
    assert at.session_state[f"{KEY}layer_labels"] is False

    (data / "boundaries.gpkg").write_bytes(good)
    clear_caches()
    at.run()
    no_traceback(at)
    assert not at.error, errors(at)
    assert at.session_state[f"{KEY}scenario"] == "efp-2017"
    assert at.session_state[f"{KEY}layer_labels"] is False
    assert at.session_state[f"{KEY}layer_occupied"] is False
    assert metric(at, "Battle groups") == "4"


def test_scenario_file_breaking_mid_session_keeps_the_users_view(data):
    at = run_app()
    at.selectbox(key=f"{KEY}scenario").set_value("efp-2017").run()
    at.toggle(key=f"{KEY}layer_labels").set_value(False).run()

    _scenario_file(MISSING_REF)(data)
    clear_caches()
    at.run()
    no_traceback(at)
    assert "bg_nope" in errors(at)

    (data / "scenarios" / "broken.yaml").unlink()
    clear_caches()
    at.run()
    no_traceback(at)
    assert not at.error, errors(at)
    assert at.session_state[f"{KEY}scenario"] == "efp-2017", "the user's scenario was lost"
    assert at.session_state[f"{KEY}layer_labels"] is False, "the user's layers were lost"
    assert metric(at, "Battle groups") == "4"


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


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (MISSING_REF, "bg_nope"),
        (b"\xff\xfe\x00garbage", "scenario"),
        ("", "scenario"),
        ("id: [unclosed\n", "YAML"),
        ("# pad\n" * 200_000, "1 MB"),
        (MISSING_REF.replace("{ref: bg_nope}", "{id: x, host: ZZZ, source: s}"), "ZZZ"),
        (MISSING_REF.replace("2022-02-23", "99999-02-23"), "as_of"),
        ("!!python/object/apply:os.system ['echo hi']\n", "scenario"),
        (b"id: \xff\n", "not UTF-8"),
        (
            scenario_to_yaml(get_scenario("efp-2017")).replace(
                "  - {ref: bg_pol}\n", "  - {ref: bg_pol}\n  - {host: UKR, source: mine}\n"
            ),
            "battlegroups[4].host: UKR is not a NATO member on 2017-12-31",
        ),
    ],
    ids=[
        "missing-ref",
        "binary",
        "empty",
        "bad-yaml",
        "too-big",
        "unknown-host",
        "huge",
        "py-tag",
        "not-utf8",
        "host-outside-the-alliance",
    ],
)
def test_cli_bad_scenario_file_exits_2_with_one_line(tmp_path, run_cli, content, named):
    path = tmp_path / "mine.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    argv = ["export", "--scenario-file", str(path), "--format", "geojson", "--out", str(out)]
    status, stdout, err = run_cli(argv)
    assert_one_line_error(status, stdout, err, named)
    assert str(path) in err
    assert not any(out.iterdir()), "a refused export must leave no file"


@pytest.mark.parametrize(
    ("argv", "damage", "named"),
    [
        (["borders"], _on("boundaries.gpkg", _garbage), "boundaries.gpkg"),
        (["borders"], _on("facts/members.csv", _empty), "members.csv"),
        (["borders"], _on("facts/border_lengths.csv", _unbalanced_quote), "border_lengths.csv"),
        (["scenarios"], _scenario_file(MISSING_REF), "bg_nope"),
        (["scenarios"], _no_scenarios, "scenario"),
        (["diff", "efp-2017", "proposal-2022"], _on("facts/members.csv", _not_utf8), "members"),
        (
            ["export", "--scenario", "efp-2017", "--format", "geojson", "--out", "{tmp}"],
            _set("battlegroups.csv", "bg_est", "host_iso3", "XXX"),
            "XXX",
        ),
    ],
    ids=[
        "borders-gpkg",
        "borders-members",
        "borders-lengths",
        "missing-ref",
        "none",
        "diff",
        "iso",
    ],
)
def test_cli_broken_data_exits_2_with_one_line(data, tmp_path, run_cli, argv, damage, named):
    damage(data)
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    status, out, err = run_cli(argv)
    assert_one_line_error(status, out, err, named)
