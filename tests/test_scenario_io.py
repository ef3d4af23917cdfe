"""Custom scenario files: every bad document named precisely, hostile text kept as text."""

import pytest
import yaml

from geo.errors import ScenarioError
from layers.scenarios import parse_scenario, read_scenario_text

KNOWN = frozenset({"bg_est", "bg_rou"})


def _doc(*entries, **top):
    return {
        "id": "mine",
        "title": "Mine",
        "description": "A test.",
        "as_of": "2022-02-23",
        "battlegroups": list(entries),
        **top,
    }


def _text(doc) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


CUSTOM = {"host": "ROU", "framework": "FRA", "source": "user hypothesis"}

BAD = {
    "invalid YAML": ("id: x\n\ttitle: tab\n", ["invalid YAML at line 2"]),
    "not a mapping": ("- just\n- a list\n", ["must be a YAML mapping", "list"]),
    "title not text": (_text(_doc(title=42)), ["'title'", "non-empty text", "42"]),
    "kind a list": (_text(_doc(kind=["historical"])), ["kind", "historical"]),
    "entry not a mapping": (_text(_doc("bg_est")), ["battlegroups[0]", "mapping", "str"]),
    "troops a text": (
        _text(_doc({**CUSTOM, "troops": "many"})),
        ["battlegroups[0].troops_approx", "whole number", "'many'"],
    ),
    "troops and alias": (
        _text(_doc({**CUSTOM, "troops": 5, "troops_approx": 5})),
        ["battlegroups[0]", "not both"],
    ),
    "framework a number": (
        _text(_doc({**CUSTOM, "framework": 7})),
        ["battlegroups[0].framework", "text", "7"],
    ),
    "source empty": (
        _text(_doc({"host": "ROU", "source": " "})),
        ["battlegroups[0].source", "non-empty text"],
    ),
    "source missing": (_text(_doc({"host": "ROU"})), ["battlegroups[0].source"]),
    "host missing": (_text(_doc({"source": "x"})), ["battlegroups[0].host"]),
    "sources url not text": (
        _text(_doc(sources=[{"title": "t", "url": 5}])),
        ["sources[0].url", "non-empty text"],
    ),
    "demand extra key": (
        _text(_doc(demand={"joined_after": "1997-05-27", "source": "x", "area": "all"})),
        ["demand", "area", "joined_after, label, source"],
    ),
    "unknown ISO code": (
        _text(_doc({"ref": "bg_est"}, {**CUSTOM, "host": "XYZ"})),
        ["battlegroups[1].host", "unknown ISO code 'XYZ'", "ROU"],
    ),
    "unknown framework code": (
        _text(_doc({**CUSTOM, "framework": "FRA;QQQ"})),
        ["battlegroups[0].framework", "unknown ISO code 'QQQ'"],
    ),
    "host UKR, never a member": (
        _text(_doc({**CUSTOM, "host": "UKR"})),
        ["battlegroups[0].host", "UKR is not a NATO member on 2022-02-23", "ROU"],
    ),
    "host FIN before it joined": (
        _text(_doc({**CUSTOM, "host": "FIN"})),
        ["battlegroups[0].host", "FIN is not a NATO member on 2022-02-23"],
    ),
    "host off the map": (
        _text(_doc({**CUSTOM, "host": "USA"})),
        ["battlegroups[0].host", "USA is not on the map", "ROU"],
    ),
    "framework SWE before it joined": (
        _text(_doc({**CUSTOM, "framework": "SWE"})),
        ["battlegroups[0].framework", "SWE is not a NATO member on 2022-02-23", "FRA"],
    ),
    "framework override outside the alliance": (
        _text(_doc({"ref": "bg_rou", "framework": "UKR"})),
        ["battlegroups[0].framework", "UKR is not a NATO member"],
    ),
    "scenario-only group claims to exist": (
        _text(_doc({**CUSTOM, "status": "established"})),
        ["battlegroups[0].status", "always 'hypothetical'"],
    ),
    "date out of range": (_text(_doc(as_of="2999-01-01")), ["as_of", "out of range"]),
    "date malformed": (_text(_doc(as_of="23.02.2022")), ["as_of", "YYYY-MM-DD"]),
    "over 1 MB": ("#" * 1_000_001, ["larger than 1 MB"]),
    "duplicate ids": (
        _text(_doc({**CUSTOM, "id": "x"}, {**CUSTOM, "id": "x"})),
        ["duplicate battle group id(s) x"],
    ),
    "duplicate of a ref": (
        _text(_doc({"ref": "bg_rou"}, {**CUSTOM, "id": "bg_rou"})),
        ["duplicate battle group id(s) bg_rou"],
    ),
}


@pytest.mark.parametrize(("text", "named"), BAD.values(), ids=BAD.keys())
def test_bad_document_names_file_location_and_allowed(text, named):
    with pytest.raises(ScenarioError) as err:
        read_scenario_text(text, "upload.yaml", KNOWN)
    message = str(err.value)
    assert message.startswith("upload.yaml: ")
    assert "\n" not in message
    for part in named:
        assert part in message


def test_an_alias_bomb_is_not_expanded_in_the_message():
    # 9**8 (43 million) leaves if expanded: the message must stay short and come back fast.
    anchors = ["&a [x, x, x, x, x, x, x, x, x]"]
    for level in "bcdefgh":
        anchors.append(f"&{level} [{', '.join([f'*{chr(ord(level) - 1)}'] * 9)}]")
    text = f"id: [{', '.join(anchors)}]\ntitle: t\ndescription: d\nas_of: 2022-02-23\n"
    text += "battlegroups: []\n"
    with pytest.raises(ScenarioError, match=r"upload\.yaml: key 'id' must be") as err:
        read_scenario_text(text, "upload.yaml")
    assert len(str(err.value)) < 300


def test_custom_entry_needs_only_host_and_source():
    scenario = parse_scenario(_doc({"host": "rou", "source": "user hypothesis"}), "upload.yaml")
    (entry,) = scenario.battlegroups
    assert entry["host"] == "ROU"
    assert entry["id"] == "custom_rou_1"
    assert entry["status"] == "hypothetical"


def test_derived_ids_are_stable_and_skip_taken_ones():
    doc = _doc(
        {"host": "ROU", "source": "a"},
        {"host": "ROU", "source": "b", "id": "custom_rou_2"},
        {"host": "ROU", "source": "c"},
        {"host": "BGR", "source": "d"},
    )
    ids = [e["id"] for e in parse_scenario(doc, "upload.yaml").battlegroups]
    assert ids == ["custom_rou_1", "custom_rou_2", "custom_rou_3", "custom_bgr_1"]
    assert ids == [e["id"] for e in parse_scenario(doc, "upload.yaml").battlegroups]


def test_troops_is_an_alias_of_troops_approx():
    scenario = parse_scenario(_doc({**CUSTOM, "troops": 800}), "upload.yaml")
    assert scenario.battlegroups[0]["troops_approx"] == 800
    assert "troops" not in scenario.battlegroups[0]
    ref = parse_scenario(
        _doc({"ref": "bg_rou", "troops": 900, "troops_source": "https://example.org"}), "u.yaml"
    )
    assert ref.battlegroups[0]["troops_approx"] == 900


def test_host_that_joined_by_the_date_is_allowed():
    scenario = parse_scenario(_doc({**CUSTOM, "host": "FIN"}, as_of="2023-04-04"), "upload.yaml")
    assert scenario.battlegroups[0]["host"] == "FIN"


def test_framework_codes_are_normalised():
    scenario = parse_scenario(_doc({**CUSTOM, "framework": "fra; deu"}), "upload.yaml")
    assert scenario.battlegroups[0]["framework"] == "FRA;DEU"


def test_html_is_kept_as_text(hostile_text):
    doc = _doc(
        {**CUSTOM, "name": hostile_text, "note": hostile_text, "source": hostile_text},
        title=hostile_text,
        description=hostile_text,
    )
    scenario = read_scenario_text(_text(doc), "upload.yaml")
    assert scenario.title == hostile_text == "<script>alert(1)</script>"
    assert scenario.description == hostile_text
    entry = scenario.battlegroups[0]
    assert (entry["name"], entry["note"], entry["source"]) == (hostile_text,) * 3
