"""Scenario presets: YAML files under ``data/scenarios/``, read and checked here.

A scenario names a date (``as_of``), the layers it shows and the battle groups it includes. A
battle group entry either points at a sourced fact record (``ref: bg_rou``), optionally with
overrides that carry their own source, or describes a group that only exists in the scenario
(``host``, ``status``, ``source``): such a group is always hypothetical.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from geo.dates import parse_as_of, period_start
from geo.errors import FlankmapError, ScenarioError
from geo.paths import data_path

#: Every layer a view can show, in drawing order; ids are stable (they appear in share links).
LAYER_IDS: tuple[str, ...] = (
    "members",
    "border_states",
    "occupied",
    "demand_area",
    "buildup",
    "reinforcements",
    "battlegroups",
    "labels",
)

#: How the layers are named in the app and in exports.
LAYER_TITLES: dict[str, str] = {
    "members": "NATO members",
    "border_states": "Border states",
    "occupied": "Occupied territory (Crimea)",
    "demand_area": "Moscow's demand (area)",
    "buildup": "Russian build-up",
    "reinforcements": "UK/US reinforcements",
    "battlegroups": "Battle groups",
    "labels": "Labels",
}

#: What a scenario says about itself; shown on the map and in the legend.
KINDS: dict[str, str] = {
    "historical": "Historical",
    "proposal": "Proposal (not a decision)",
    "hypothetical": "Hypothetical",
    "demand": "Demand (not a posture)",
}

#: Battle-group statuses a scenario may set. ``hypothetical`` is forced on scenario-only groups.
ENTRY_STATUSES = (
    "considered",
    "offered_lead",
    "proposed",
    "established",
    "brigade",
    "hypothetical",
)

_REQUIRED = ("id", "title", "description", "as_of", "battlegroups")
_OPTIONAL = ("kind", "layers", "sources", "demand")
_REF_KEYS = {"ref", "status", "framework", "troops_approx", "troops_as_of", "troops_source", "note"}
_CUSTOM_KEYS = {"id", "name", "host", "framework", "status", "troops_approx", "troops_as_of"}
_CUSTOM_KEYS |= {"note", "source", "hypothetical"}
MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class Scenario:
    """One scenario, checked; ``battlegroups`` holds plain mappings (see module docstring)."""

    id: str
    title: str
    description: str
    as_of: dt.date
    kind: str = "historical"
    layers: tuple[str, ...] = LAYER_IDS
    battlegroups: tuple[Mapping[str, Any], ...] = ()
    demand: Mapping[str, Any] | None = None
    sources: tuple[Mapping[str, str], ...] = ()
    origin: str = field(default="", compare=False)

    @property
    def is_hypothetical(self) -> bool:
        """Whether the whole scenario is something that did not happen."""
        return self.kind in ("hypothetical", "demand")


def scenario_dir() -> Path:
    """Return the folder of the shipped scenario presets."""
    return data_path("scenarios")


def _text(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(f"{where}: key {key!r} must be a non-empty text, got {value!r}")
    return value.strip()


def _date_text(value: Any, key: str, where: str) -> str:
    """Return a partial ISO date (YYYY, YYYY-MM or YYYY-MM-DD) as text, checked."""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    try:
        period_start(text)
    except FlankmapError as err:
        raise ScenarioError(f"{where}: key {key!r}: {err}") from None
    return text


def _check_entry(raw: Any, index: int, where: str, known_refs: frozenset[str] | None) -> dict:
    at = f"{where}: battlegroups[{index}]"
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"{at} must be a mapping, got {type(raw).__name__}")
    entry = {str(k): v for k, v in raw.items()}
    if "ref" in entry:
        unknown = set(entry) - _REF_KEYS
        if unknown:
            raise ScenarioError(
                f"{at}: unknown keys {sorted(unknown)}; allowed: {sorted(_REF_KEYS)}"
            )
        ref = _text(entry["ref"], "ref", at)
        if known_refs is not None and ref not in known_refs:
            raise ScenarioError(
                f"{at}: unknown battle group {ref!r}; known: {', '.join(sorted(known_refs))}"
            )
        has_troops = "troops_approx" in entry
        if has_troops and "troops_source" not in entry:
            raise ScenarioError(f"{at}: key 'troops_approx' needs a 'troops_source'")
    else:
        unknown = set(entry) - _CUSTOM_KEYS
        if unknown:
            raise ScenarioError(
                f"{at}: unknown keys {sorted(unknown)}; allowed: {sorted(_CUSTOM_KEYS)} or 'ref'"
            )
        for key in ("id", "host", "source"):
            _text(entry.get(key), key, at)
        entry["host"] = entry["host"].strip().upper()
        entry["status"] = "hypothetical"
        entry["hypothetical"] = True
    if "status" in entry and entry["status"] not in ENTRY_STATUSES:
        raise ScenarioError(
            f"{at}: status {entry['status']!r} is not allowed; use one of {list(ENTRY_STATUSES)}"
        )
    if "troops_approx" in entry:
        troops = entry["troops_approx"]
        if troops is not None and (
            isinstance(troops, bool) or not isinstance(troops, int) or not 0 < troops <= 100_000
        ):
            raise ScenarioError(
                f"{at}: troops_approx must be a whole number 1..100000, got {troops!r}"
            )
        if "troops_as_of" in entry:
            entry["troops_as_of"] = _date_text(entry["troops_as_of"], "troops_as_of", at)
    return entry


def parse_scenario(
    raw: Any, origin: str = "<scenario>", known_refs: frozenset[str] | None = None
) -> Scenario:
    """Check a scenario mapping (as read from YAML) and return a :class:`Scenario`.

    Raises
    ------
    ScenarioError
        Naming ``origin`` and the offending key, and what is allowed.
    """
    if not isinstance(raw, Mapping):
        raise ScenarioError(
            f"{origin}: a scenario must be a YAML mapping, got {type(raw).__name__}"
        )
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        raise ScenarioError(f"{origin}: missing key(s) {', '.join(missing)}")
    unknown = set(raw) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        allowed = ", ".join((*_REQUIRED, *_OPTIONAL))
        raise ScenarioError(
            f"{origin}: unknown key(s) {', '.join(sorted(unknown))}; allowed: {allowed}"
        )
    scenario_id = _text(raw["id"], "id", origin)
    if not all(c.isalnum() or c in "-_" for c in scenario_id) or len(scenario_id) > 64:
        raise ScenarioError(f"{origin}: id {scenario_id!r} may use only letters, digits, - and _")
    try:
        as_of = parse_as_of(raw["as_of"])
    except FlankmapError as err:
        raise ScenarioError(f"{origin}: key 'as_of': {err}") from None
    kind = raw.get("kind", "historical")
    if kind not in KINDS:
        raise ScenarioError(f"{origin}: kind {kind!r} is not allowed; use one of {list(KINDS)}")
    layers = raw.get("layers", list(LAYER_IDS))
    if not isinstance(layers, list) or any(layer not in LAYER_IDS for layer in layers):
        raise ScenarioError(f"{origin}: key 'layers' must list layer ids from {list(LAYER_IDS)}")
    entries = raw["battlegroups"]
    if not isinstance(entries, list):
        raise ScenarioError(f"{origin}: key 'battlegroups' must be a list")
    checked = tuple(_check_entry(e, i, origin, known_refs) for i, e in enumerate(entries))
    ids = [e.get("ref") or e.get("id") for e in checked]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ScenarioError(f"{origin}: duplicate battle group id(s) {', '.join(duplicates)}")
    demand = raw.get("demand")
    if demand is not None:
        if (
            not isinstance(demand, Mapping)
            or "joined_after" not in demand
            or "source" not in demand
        ):
            raise ScenarioError(f"{origin}: key 'demand' needs 'joined_after' and 'source'")
        demand = {
            **demand,
            "joined_after": _date_text(demand["joined_after"], "joined_after", origin),
        }
    sources = raw.get("sources", [])
    if not isinstance(sources, list) or not all(
        isinstance(s, Mapping) and s.get("url") for s in sources
    ):
        raise ScenarioError(f"{origin}: key 'sources' must be a list of mappings with a 'url'")
    return Scenario(
        id=scenario_id,
        title=_text(raw["title"], "title", origin),
        description=_text(raw["description"], "description", origin),
        as_of=as_of,
        kind=kind,
        layers=tuple(layer for layer in LAYER_IDS if layer in layers),
        battlegroups=checked,
        demand=demand,
        sources=tuple(dict(s) for s in sources),
        origin=origin,
    )


def read_scenario_text(
    text: str, origin: str, known_refs: frozenset[str] | None = None
) -> Scenario:
    """Parse scenario YAML text (a file or an upload) into a checked :class:`Scenario`."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise ScenarioError(f"{origin}: file is larger than 1 MB")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or "invalid YAML"
        raise ScenarioError(f"{origin}: invalid YAML{where}: {problem}") from None
    return parse_scenario(raw, origin, known_refs)


@functools.lru_cache(maxsize=1)
def _load_presets(folder: str) -> dict[str, Scenario]:
    from layers.facts import load_table

    known = frozenset(load_table("battlegroups")["id"])
    presets: dict[str, Scenario] = {}
    paths = sorted(Path(folder).glob("*.yaml"))
    if not paths:
        raise ScenarioError(f"no scenario files (*.yaml) in {Path(folder).name}/")
    for path in paths:
        name = f"scenarios/{path.name}"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise ScenarioError(f"{name}: cannot read: {err}") from None
        scenario = read_scenario_text(text, name, known)
        if scenario.id != path.stem:
            raise ScenarioError(f"{name}: key 'id' is {scenario.id!r}, must match the file name")
        presets[scenario.id] = scenario
    return presets


def load_presets() -> dict[str, Scenario]:
    """Return every shipped scenario by id, in a stable order (the default one first)."""
    presets = _load_presets(str(scenario_dir()))
    order = sorted(presets, key=lambda s: (s != DEFAULT_SCENARIO, presets[s].as_of, s))
    return {key: presets[key] for key in order}


def get_scenario(scenario_id: str) -> Scenario:
    """Return the shipped scenario ``scenario_id``.

    Raises
    ------
    ScenarioError
        For an unknown id, naming the known ones.
    """
    presets = load_presets()
    if scenario_id not in presets:
        raise ScenarioError(
            f"unknown scenario {scenario_id!r}; choose one of: {', '.join(presets)}"
        )
    return presets[scenario_id]


#: The view a first-time visitor sees: the report's own moment.
DEFAULT_SCENARIO = "proposal-2022"
