"""Custom scenario files: every bad document named precisely, hostile text kept as text."""

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import scenario_doc as _doc

from geo.errors import ScenarioError
from layers.scenario.scenario_io import (
    read_scenario_bytes,
    read_scenario_file,
    scenario_to_dict,
    scenario_to_yaml,
)
from layers.scenario.scenarios import (
    get_scenario,
    load_presets,
    parse_scenario,
    read_scenario_text,
    scenario_dir,
    scenario_schema,
)

KNOWN = frozenset({"bg_est", "bg_rou"})


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
        ["battlegroups[0].troops", "whole number", "'many'"],
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


def test_a_self_referencing_alias_is_one_clear_error():
    with pytest.raises(ScenarioError, match=r"upload\.yaml: missing key\(s\) id, title"):
        read_scenario_text("a: &a [*a, *a]\n", "upload.yaml")
    with pytest.raises(ScenarioError, match=r"battlegroups\[0\] must be a mapping, got list"):
        read_scenario_text(
            _text(_doc())[: -len("battlegroups: []\n")] + "battlegroups: &b [*b]\n", "u.yaml"
        )


def test_custom_entry_needs_only_host_and_source():
    scenario = parse_scenario(_doc({"host": "rou", "source": "user hypothesis"}), "upload.yaml")
    (entry,) = scenario.battlegroups
    assert entry.host == "ROU"
    assert entry.id == "custom_rou_1"
    assert entry.status == "hypothetical"


def test_derived_ids_are_stable_and_skip_taken_ones():
    doc = _doc(
        {"host": "ROU", "source": "a"},
        {"host": "ROU", "source": "b", "id": "custom_rou_2"},
        {"host": "ROU", "source": "c"},
        {"host": "BGR", "source": "d"},
    )
    ids = [e.id for e in parse_scenario(doc, "upload.yaml").battlegroups]
    assert ids == ["custom_rou_1", "custom_rou_2", "custom_rou_3", "custom_bgr_1"]
    assert ids == [e.id for e in parse_scenario(doc, "upload.yaml").battlegroups]


def test_troops_is_an_alias_of_troops_approx():
    scenario = parse_scenario(_doc({**CUSTOM, "troops": 800}), "upload.yaml")
    assert scenario.battlegroups[0].troops_approx == 800
    ref = parse_scenario(
        _doc({"ref": "bg_rou", "troops": 900, "troops_source": "https://example.org"}), "u.yaml"
    )
    assert ref.battlegroups[0].troops_approx == 900


def test_host_that_joined_by_the_date_is_allowed():
    scenario = parse_scenario(_doc({**CUSTOM, "host": "FIN"}, as_of="2023-04-04"), "upload.yaml")
    assert scenario.battlegroups[0].host == "FIN"


def test_framework_codes_are_normalised():
    scenario = parse_scenario(_doc({**CUSTOM, "framework": "fra; deu"}), "upload.yaml")
    assert scenario.battlegroups[0].framework == "FRA;DEU"


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
    assert (entry.name, entry.note, entry.source) == (hostile_text,) * 3


# --- writing scenarios back ------------------------------------------------------------------

PRESET_IDS = list(load_presets())
PRESET_PATHS = sorted(scenario_dir().glob("*.yaml"))


@pytest.mark.parametrize("scenario_id", PRESET_IDS)
def test_yaml_round_trip(scenario_id):
    scenario = get_scenario(scenario_id)
    text = scenario_to_yaml(scenario)
    again = read_scenario_text(text, "again.yaml")
    assert again == scenario
    assert again.origin == "again.yaml"
    assert scenario_to_yaml(again) == text


@pytest.mark.parametrize("scenario_id", PRESET_IDS)
def test_dict_is_json_and_in_key_order(scenario_id):
    d = scenario_to_dict(get_scenario(scenario_id))
    assert json.loads(json.dumps(d)) == d
    expected = [
        "id", "title", "kind", "as_of", "description", "layers", "battlegroups", "demand",
        "sources",
    ]  # fmt: skip
    assert list(d) == [key for key in expected if key in d]
    assert dt.date.fromisoformat(d["as_of"])
    assert parse_scenario(d, "x") == get_scenario(scenario_id)


def test_round_trip_of_hostile_and_awkward_text(hostile_text):
    awkward = [
        hostile_text,
        "{{ config }} {% raw %}",
        "  leading and trailing  ",
        "a: b # not a comment " * 8,
        "'quotes' and \"doubles\" — and ünïcödé, long enough to be folded over several lines",
        "yes",
        "2022-02-23",
        "null",
    ]
    for text in awkward:
        doc = _doc({**CUSTOM, "note": text, "name": text}, title=text, description=text)
        scenario = parse_scenario(doc, "u.yaml")
        assert read_scenario_text(scenario_to_yaml(scenario), "u.yaml") == scenario, text


def test_hostile_title_round_trips_unchanged(hostile_text):
    scenario = parse_scenario(_doc(title=hostile_text), "u.yaml")
    again = read_scenario_text(scenario_to_yaml(scenario), "u.yaml")
    assert again.title == "<script>alert(1)</script>"


@pytest.mark.parametrize("scenario_id", PRESET_IDS)
def test_a_scenario_is_a_frozen_hashable_value(scenario_id):
    scenario = get_scenario(scenario_id)
    again = read_scenario_text(scenario_to_yaml(scenario), "again.yaml")
    assert hash(again) == hash(scenario)  # the app caches a scene on the scenario itself
    assert {scenario: 1}[again] == 1
    for entry in scenario.battlegroups:
        with pytest.raises(dataclasses.FrozenInstanceError):
            entry.framework = "FRA"


def test_short_ref_entries_are_one_line():
    text = scenario_to_yaml(get_scenario("efp-2017"))
    assert "  - {ref: bg_est}\n" in text
    assert "as_of: '2017-12-31'" in text


# --- JSON Schema -----------------------------------------------------------------------------


def _json(value):
    """A YAML document as JSON would carry it: dates become YYYY-MM-DD text."""
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json(item) for item in value]
    return value.isoformat() if isinstance(value, dt.date) else value


@pytest.fixture(scope="module")
def validator():
    schema = scenario_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", PRESET_PATHS, ids=lambda p: p.stem)
def test_every_preset_meets_the_schema(validator, path):
    doc = _json(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(doc)] == []


@pytest.mark.parametrize("scenario_id", PRESET_IDS)
def test_written_scenarios_meet_the_schema(validator, scenario_id):
    doc = yaml.safe_load(scenario_to_yaml(get_scenario(scenario_id)))
    assert [e.message for e in validator.iter_errors(doc)] == []


SCHEMA_BAD = {
    "missing battlegroups": {k: v for k, v in _doc().items() if k != "battlegroups"},
    "unknown top-level key": _doc(colour="red"),
    "as_of not a day": _doc(as_of="Feb 2022"),
    "title a number": _doc(title=42),
    "empty title": _doc(title="  "),
    "bad kind": _doc(kind="fantasy"),
    "bad layer": _doc(layers=["members", "tanks"]),
    "host not alpha-3": _doc({"host": "RO", "source": "x"}),
    "custom without source": _doc({"host": "ROU"}),
    "custom claims to exist": _doc({**CUSTOM, "status": "established"}),
    "ref and host together": _doc({"ref": "bg_rou", "host": "ROU", "source": "x"}),
    "troops a text": _doc({**CUSTOM, "troops": "many"}),
    "troops too many": _doc({**CUSTOM, "troops_approx": 1_000_000}),
    "ref troops without source": _doc({"ref": "bg_rou", "troops_approx": 1000}),
    "bad status": _doc({"ref": "bg_rou", "status": "invaded"}),
    "source without url": _doc(sources=[{"title": "t"}]),
    "demand without source": _doc(demand={"joined_after": "1997-05-27"}),
}


@pytest.mark.parametrize("doc", SCHEMA_BAD.values(), ids=SCHEMA_BAD.keys())
def test_bad_documents_fail_the_schema_and_the_parser(validator, doc):
    assert list(validator.iter_errors(doc))
    with pytest.raises(ScenarioError):
        parse_scenario(doc, "u.yaml", KNOWN)


#: Errors only code can find: dates, facts, uniqueness. The schema must accept these documents,
#: so each rule lives in one place; it must refuse every other bad document.
NEEDS_FACTS = {
    "unknown ISO code",
    "unknown framework code",
    "host UKR, never a member",
    "host FIN before it joined",
    "host off the map",
    "framework SWE before it joined",
    "framework override outside the alliance",
    "date out of range",
    "duplicate ids",
    "duplicate of a ref",
}
NOT_A_DOCUMENT = {"invalid YAML", "over 1 MB"}


@pytest.mark.parametrize("name", sorted(set(BAD) - NOT_A_DOCUMENT))
def test_every_error_example_is_the_schemas_or_needs_facts(validator, name):
    doc = _json(yaml.safe_load(BAD[name][0]))
    errors = list(validator.iter_errors(doc))
    if name in NEEDS_FACTS:
        assert errors == [], "a rule checked by both the schema and the code"
    else:
        assert errors, "a shape rule missing from the schema"


def test_a_minimal_custom_document_meets_the_schema(validator):
    doc = _doc({"host": "ROU", "source": "user hypothesis", "troops": 500})
    assert list(validator.iter_errors(doc)) == []
    assert parse_scenario(doc, "u.yaml").battlegroups[0].troops_approx == 500


# --- reading files ---------------------------------------------------------------------------


def test_read_file(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(scenario_to_yaml(get_scenario("hesitation-2022")), encoding="utf-8")
    assert read_scenario_file(path) == get_scenario("hesitation-2022")


def test_read_file_refuses_a_big_file_unread(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * 1_000_001)
    with pytest.raises(ScenarioError, match=r"big\.yaml: file is larger than 1 MB"):
        read_scenario_file(path)


@pytest.mark.parametrize(
    ("setup", "named"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: p.write_bytes(b"title: \xff\xfe"), "not UTF-8"),
        (lambda p: p.write_text("id: [unclosed\n"), "invalid YAML"),
        (lambda p: p.write_text(_text(_doc({"ref": "bg_nope"}))), "bg_nope"),
    ],
    ids=["missing", "folder", "not UTF-8", "invalid YAML", "unknown ref"],
)
def test_read_file_names_the_problem(tmp_path, setup, named):
    path = tmp_path / "mine.yaml"
    setup(path)
    with pytest.raises(ScenarioError, match=named) as err:
        read_scenario_file(path)
    assert str(err.value).startswith(f"{path}: ")


def test_read_bytes_checks_refs_and_size():
    with pytest.raises(ScenarioError, match="bg_nope"):
        read_scenario_bytes(_text(_doc({"ref": "bg_nope"})).encode(), "upload.yaml")
    with pytest.raises(ScenarioError, match="larger than 1 MB"):
        read_scenario_bytes(b" " * 1_000_001, "upload.yaml")


def test_the_readme_example_is_a_valid_scenario(validator):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Custom scenarios", 1)[1]
    example = re.search(r"```yaml\n(.*?)```", section, re.DOTALL).group(1)
    scenario = read_scenario_bytes(example.encode(), "README.md")
    assert scenario.battlegroups[-1].id == "custom_fin_1"
    assert list(validator.iter_errors(_json(yaml.safe_load(example)))) == []
