"""Sources a briefing can trust: replaced copies gone, tiers declared, best first, method shown."""

import csv
import json
import re
from pathlib import Path

import pytest

from layers.facts.schema import TABLES, split_urls
from layers.facts.sources import COPY_MARK, TIERS, domain, rank_sources, source_tier
from layers.facts.tables import load_table
from layers.scenario.scenarios import get_scenario
from layers.scenario.scene import build_scene
from layers.thematic.contributors import rosters
from render.export import export_bytes

REPO = Path(__file__).resolve().parent.parent
URL = re.compile(r"https?://[^\s|\"',)<>]+")


def _replaced():
    return set(load_table("replaced_sources")["domain"])


def _shipped_files():
    facts = sorted((REPO / "data" / "facts").glob("*.csv"))
    scenarios = sorted((REPO / "data" / "scenarios").glob("*.yaml"))
    return [p for p in facts if p.name != "replaced_sources.csv"] + scenarios


def test_the_replaced_sites_include_the_copies_the_issue_names():
    assert {
        "archyde.com",
        "moderngreatgame.watch",
        "library.kiwix.org",
        "scribd.com",
        "truthandliberty.com",
        "defence-blog.com",
    } <= _replaced()
    # replaced for one row only, first-rate elsewhere: not banned
    assert not {"lc.nato.int", "english.radio.cz", "forces.net"} & _replaced()


@pytest.mark.parametrize("path", _shipped_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_shipped_row_cites_a_replaced_site(path):
    text = path.read_text(encoding="utf-8")
    cited = {domain(u) for u in URL.findall(text)}
    bad = cited & _replaced()
    assert not bad, f"{path.name} cites {sorted(bad)}"


def test_rosters_once_from_copies_now_cite_a_broadcaster_or_nato():
    bulgaria = rosters("2022-12-20")["bg_bgr"]  # full operational capability, 2022-12-14
    assert (bulgaria.as_of, set(bulgaria.contributors)) == (
        "2022-12-14",
        {"ALB", "GRC", "MKD", "USA"},
    )
    assert {source_tier(u) for u in split_urls(bulgaria.source_url)} == {
        "wire_broadcaster",
        "nato_gov",
    }
    hungary = rosters("2022-04-01")["bg_hun"]  # the five nations pledged on 2022-03-24
    assert (hungary.scope, set(hungary.contributors)) == (
        "planned",
        {"USA", "TUR", "HRV", "MNE", "ITA"},
    )
    assert source_tier(hungary.source_url) == "wire_broadcaster"
    table = load_table("battlegroup_contributors")
    france = table[(table["host_iso3"] == "LTU") & (table["contributor_iso3"] == "FRA")]
    assert "nato_gov" in {source_tier(u) for u in france[france["as_of"] == "2020"]["source_url"]}


@pytest.mark.parametrize("scenario_id", ["efp-2017", "proposal-2022", "latest"])
@pytest.mark.parametrize("fmt", ["geojson", "html"])
def test_exports_cite_no_replaced_site(scenario_id, fmt):
    scene = build_scene(get_scenario(scenario_id))
    text = export_bytes(scene, fmt).decode("utf-8")
    cited = {domain(u) for u in URL.findall(text)}
    assert cited, "the export names its sources"
    assert not cited & _replaced(), sorted(cited & _replaced())


def test_every_tier_is_one_of_the_five_and_there_is_a_default():
    with (REPO / "data" / "source_tiers.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["tier"] for r in rows} <= set(TIERS)
    assert [r["tier"] for r in rows if r["domain"] == "*"] == ["other"]
    assert source_tier("https://jfcnaples.nato.int/x") == "nato_gov"
    assert source_tier("https://news.err.ee/x") == "wire_broadcaster"
    assert source_tier("https://unknown.example/x") == "other"


def test_sources_are_listed_best_tier_first_and_copies_marked():
    text = rank_sources(
        "https://imalbania.com/a | https://www.axios.com/b | https://www.nato.int/c"
    )
    assert text.split(" | ") == [
        "https://www.nato.int/c",
        "https://www.axios.com/b",
        "https://imalbania.com/a" + COPY_MARK,
    ]
    assert rank_sources("user hypothesis") == "user hypothesis"


def test_tooltips_list_the_best_tier_first():
    scene = build_scene(get_scenario("proposal-2022"))
    for frame, column in (
        (scene.battlegroups, "source"),
        (scene.countries[scene.countries["category"] != "other"], "source"),
        (scene.reinforcements, "source_url"),
        (scene.buildup, "source_url"),
    ):
        for cell in frame[column]:
            urls = [u.removesuffix(COPY_MARK) for u in cell.split(" | ")]
            ranks = [list(TIERS).index(source_tier(u)) for u in urls]
            assert ranks == sorted(ranks), cell
            for shown, url in zip(cell.split(" | "), urls, strict=True):
                assert shown.endswith(COPY_MARK) == (source_tier(url) == "other")


def test_geojson_marks_copies():
    scene = build_scene(get_scenario("proposal-2022"))
    data = json.loads(export_bytes(scene, "geojson"))
    sources = [f["properties"].get("source", "") for f in data["features"]]
    assert any(COPY_MARK in (s or "") for s in sources)


def test_replaced_sources_is_a_checked_table():
    assert "replaced_sources" in TABLES
    table = load_table("replaced_sources")
    assert (table["old_url"].str.startswith("http")).all()
    assert set(table["domain"]) == _replaced()


# -- method ----------------------------------------------------------------------------------


def _conflicts(text):
    start = text.index("## Conflicts between sources, and the choice made")
    end = text.index("\n## ", start + 3)
    return text[start:end].strip()


def test_method_lists_each_conflict_with_its_choice_and_links():
    text = (REPO / "data" / "method.md").read_text(encoding="utf-8")
    items = [i for i in _conflicts(text).split("\n- ")[1:]]
    assert len(items) >= 15
    for item in items:
        assert "**Chosen:**" in item or "not the Black Sea" in item, item[:60]
        assert "](http" in item, item[:60]


def test_readme_carries_the_same_conflicts_as_the_app():
    method = (REPO / "data" / "method.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert _conflicts(method) in readme


def test_method_links_cite_no_replaced_site():
    text = (REPO / "data" / "method.md").read_text(encoding="utf-8")
    cited = {domain(u) for u in URL.findall(text)}
    assert not cited & _replaced()


# -- the Belarus build-up ---------------------------------------------------------------------


def test_belarus_build_up_is_listed_where_sourced_and_plotted_only_with_a_point():
    scene = build_scene(get_scenario("proposal-2022"))
    table = scene.buildup_table.set_index("name")
    belarus = table[table["country_iso3"] == "BLR"]
    names = " ".join(belarus.index)
    for needed in ("Union Resolve", "Zyabrovka", "Rechitsa"):
        assert needed in names
    assert not belarus["located"].any()
    assert not set(belarus.index) & set(scene.buildup["name"])
    for cell in belarus["source_url"]:
        assert cell.startswith("http")
    before = build_scene(get_scenario("proposal-2022"), as_of=get_scenario("efp-2017").as_of)
    assert before.buildup_table.empty or "BLR" not in set(before.buildup_table["country_iso3"])


# -- no event before its day -------------------------------------------------------------------


def test_reinforcements_and_buildup_show_from_a_sourced_day():
    for day in load_table("reinforcements")["announced_date"]:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", day), day
    areas = load_table("buildup_areas")
    early = areas[areas["observed"].str.startswith("202")]  # the 2021-2022 build-up
    early = early[~early["name"].str.startswith("Transnistria")]  # a 2025 Factbook figure
    for observed in early["observed"]:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", observed.split("/")[0]), observed


def test_announcements_of_february_2022_are_not_shown_from_the_first():
    scene = build_scene(get_scenario("proposal-2022"), as_of=get_scenario("proposal-2022").as_of)
    early = build_scene(get_scenario("proposal-2022"), as_of=scene.as_of.replace(day=1))
    assert early.battlegroups.empty or set(early.battlegroups["status_code"]) <= {
        "established",
        "offered_lead",
    }
    table = early.reinforcements_table
    assert table.empty or "uk_pol_marines" not in set(table["id"])
    assert table.empty or "bgr_offer" not in set(table["id"])


def test_f15s_are_eight_then_eight_more():
    table = load_table("reinforcements").set_index("id")
    assert table.loc["us_f15_lask", "what"].startswith("8 F-15")
    assert table.loc["us_f15_lask", "announced_date"] == "2022-02-10"
    assert table.loc["us_f15_lask_2", "what"].startswith("8 more")
    assert table.loc["us_f15_lask_2", "announced_date"] == "2022-02-14"
    assert "tech.wp.pl" not in table.loc["us_f15_lask", "source_url"]
