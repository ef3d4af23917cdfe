"""Scenario presets: YAML files under ``data/scenarios/``, read and checked here.

A scenario names a date (``as_of``), the layers it shows and the battle groups it includes. A
battle group entry either points at a sourced fact record (``ref: bg_rou``), optionally with
overrides that carry their own source, or describes a group that only exists in the scenario
(``host``, ``status``, ``source``): such a group is always hypothetical.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from geo.dates import parse_as_of, period_start
from geo.errors import FlankmapError, ScenarioError
from geo.paths import data_path
from layers.schema import ISO_SEP

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
    "occupied": "Occupied and breakaway territory",
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
_DEMAND_KEYS = ("joined_after", "label", "source")
_SOURCE_KEYS = ("title", "url")
#: Accepted on input in place of ``troops_approx``; never written back.
TROOPS_ALIAS = "troops"
MAX_FILE_BYTES = 1_000_000
_ISO3 = re.compile(r"^[A-Z]{3}$")
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60
_SHORT.maxlevel = 2


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


def _short(value: Any) -> str:
    """Return a bounded ``repr`` of a value read from a file (a YAML alias can nest deeply)."""
    text = _SHORT.repr(value)
    return text if len(text) <= 80 else f"{text[:77]}..."


def _text(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(f"{where}: key {key!r} must be a non-empty text, got {_short(value)}")
    return value.strip()


def _entry_text(value: Any, at: str, *, empty: bool = False) -> str:
    """Check a text field of a battle-group entry; ``at`` names it (``…battlegroups[2].host``)."""
    if not isinstance(value, str) or not (empty or value.strip()):
        kind = "a text" if empty else "a non-empty text"
        raise ScenarioError(f"{at} must be {kind}, got {_short(value)}")
    return value.strip()


def _date_text(value: Any, key: str, where: str) -> str:
    """Return a partial ISO date (YYYY, YYYY-MM or YYYY-MM-DD) as text, checked."""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    try:
        period_start(text)
    except FlankmapError as err:
        raise ScenarioError(f"{where}: key {key!r}: {err}") from None
    return text


@dataclass(frozen=True)
class _Alliance:
    """The codes an entry may name, for one scenario date."""

    as_of: dt.date
    known: frozenset[str]
    on_map: frozenset[str]
    members: frozenset[str]

    def code(self, value: str, at: str) -> str:
        """Return ``value`` as a known ISO alpha-3 code, upper-cased."""
        code = value.strip().upper()
        if not _ISO3.match(code) or code not in self.known:
            raise ScenarioError(
                f"{at}: unknown ISO code {_short(value)}; use an ISO 3166-1 alpha-3 code, "
                f"one of: {', '.join(sorted(self.known))}"
            )
        return code

    def host(self, value: str, at: str) -> str:
        """Return ``value`` as the code of a member on the map on ``as_of``."""
        code = self.code(value, at)
        hosts = ", ".join(sorted(self.members & self.on_map)) or "none"
        if code not in self.members:
            raise ScenarioError(
                f"{at}: {code} is not a NATO member on {self.as_of}; a host must be a member "
                f"on the scenario's date, one of: {hosts}"
            )
        if code not in self.on_map:
            raise ScenarioError(
                f"{at}: {code} is not on the map; a host must be a member drawn on the map, "
                f"one of: {hosts}"
            )
        return code

    def framework(self, value: Any, at: str) -> str:
        """Return framework nation codes (``;``-separated, may be empty) of members on ``as_of``."""
        if value is None:
            return ""
        text = _entry_text(value, at, empty=True)
        codes = [self.code(part, at) for part in text.split(ISO_SEP) if part.strip()]
        outside = [c for c in codes if c not in self.members]
        if outside:
            verb = "is" if len(outside) == 1 else "are"
            raise ScenarioError(
                f"{at}: {', '.join(outside)} {verb} not a NATO member on {self.as_of}; a "
                "framework nation must be a member on the scenario's date, one of: "
                f"{', '.join(sorted(self.members)) or 'none'}"
            )
        return ISO_SEP.join(codes)


def _alliance(as_of: dt.date) -> _Alliance:
    from geo.boundaries import known_iso3
    from layers.facts import load_table
    from layers.members import member_codes

    on_map = known_iso3()
    return _Alliance(
        as_of=as_of,
        known=on_map | frozenset(load_table("members")["iso3"]),
        on_map=on_map,
        members=member_codes(as_of),
    )


def _check_troops(entry: dict, at: str) -> None:
    if TROOPS_ALIAS in entry:
        if "troops_approx" in entry:
            raise ScenarioError(
                f"{at}: give 'troops_approx' or its alias {TROOPS_ALIAS!r}, not both"
            )
        entry["troops_approx"] = entry.pop(TROOPS_ALIAS)
    if "troops_approx" in entry:
        troops = entry["troops_approx"]
        if troops is not None and (
            isinstance(troops, bool) or not isinstance(troops, int) or not 0 < troops <= 100_000
        ):
            raise ScenarioError(
                f"{at}.troops_approx must be a whole number 1..100000, got {_short(troops)}"
            )
        if "troops_as_of" in entry:
            entry["troops_as_of"] = _date_text(entry["troops_as_of"], "troops_as_of", at)


def _check_entry(
    raw: Any,
    index: int,
    where: str,
    known_refs: frozenset[str] | None,
    alliance: _Alliance,
) -> dict:
    at = f"{where}: battlegroups[{index}]"
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"{at} must be a mapping, got {type(raw).__name__}")
    entry = {str(k): v for k, v in raw.items()}
    if "ref" in entry:
        unknown = set(entry) - _REF_KEYS - {TROOPS_ALIAS}
        if unknown:
            raise ScenarioError(
                f"{at}: unknown keys {sorted(unknown)}; allowed: {sorted(_REF_KEYS)}"
            )
        ref = _text(entry["ref"], "ref", at)
        if known_refs is not None and ref not in known_refs:
            raise ScenarioError(
                f"{at}: unknown battle group {ref!r}; known: {', '.join(sorted(known_refs))}"
            )
        _check_troops(entry, at)
        if "troops_approx" in entry and "troops_source" not in entry:
            raise ScenarioError(f"{at}: key 'troops_approx' needs a 'troops_source'")
        if "troops_source" in entry:
            entry["troops_source"] = _entry_text(entry["troops_source"], f"{at}.troops_source")
    else:
        unknown = set(entry) - _CUSTOM_KEYS - {TROOPS_ALIAS}
        if unknown:
            raise ScenarioError(
                f"{at}: unknown keys {sorted(unknown)}; allowed: {sorted(_CUSTOM_KEYS)} or 'ref'"
            )
        if "id" in entry:
            entry["id"] = _entry_text(entry["id"], f"{at}.id")
        _entry_text(entry.get("host"), f"{at}.host")
        entry["source"] = _entry_text(entry.get("source"), f"{at}.source")
        entry["host"] = alliance.host(entry["host"], f"{at}.host")
        if entry.get("status", "hypothetical") != "hypothetical":
            raise ScenarioError(
                f"{at}.status: {_short(entry['status'])} is not allowed; a battle group that "
                "exists only in the scenario is always 'hypothetical' (use 'ref' for a sourced one)"
            )
        if entry.get("hypothetical", True) is not True:
            raise ScenarioError(f"{at}.hypothetical: must be true (or left out)")
        if "name" in entry:
            entry["name"] = _entry_text(entry["name"], f"{at}.name", empty=True)
        entry["status"] = "hypothetical"
        entry["hypothetical"] = True
        _check_troops(entry, at)
    if "framework" in entry:
        entry["framework"] = alliance.framework(entry["framework"], f"{at}.framework")
    if "note" in entry:
        entry["note"] = _entry_text(entry["note"], f"{at}.note", empty=True)
    if "status" in entry and (
        not isinstance(entry["status"], str) or entry["status"] not in ENTRY_STATUSES
    ):
        raise ScenarioError(
            f"{at}: status {_short(entry['status'])} is not allowed; "
            f"use one of {list(ENTRY_STATUSES)}"
        )
    return entry


def _derive_ids(entries: tuple[dict, ...]) -> None:
    """Give each scenario-only entry without an ``id`` a stable one: ``custom_<host>_<n>``."""
    taken = {e.get("ref") or e.get("id") for e in entries}
    for entry in entries:
        if "ref" in entry or "id" in entry:
            continue
        n = 1
        while f"custom_{entry['host'].lower()}_{n}" in taken:
            n += 1
        entry["id"] = f"custom_{entry['host'].lower()}_{n}"
        taken.add(entry["id"])


def _check_demand(demand: Any, origin: str) -> dict | None:
    if demand is None:
        return None
    if not isinstance(demand, Mapping) or "joined_after" not in demand or "source" not in demand:
        raise ScenarioError(f"{origin}: key 'demand' needs 'joined_after' and 'source'")
    unknown = sorted(str(k) for k in demand if k not in _DEMAND_KEYS)
    if unknown:
        raise ScenarioError(
            f"{origin}: demand: unknown key(s) {', '.join(unknown)}; allowed: "
            f"{', '.join(_DEMAND_KEYS)}"
        )
    checked = {
        **demand,
        "joined_after": _date_text(demand["joined_after"], "joined_after", f"{origin}: demand"),
        "source": _entry_text(demand["source"], f"{origin}: demand.source"),
    }
    if "label" in demand:
        checked["label"] = _entry_text(demand["label"], f"{origin}: demand.label")
    return checked


def _check_sources(sources: Any, origin: str) -> tuple[dict, ...]:
    if not isinstance(sources, list) or not all(
        isinstance(s, Mapping) and s.get("url") for s in sources
    ):
        raise ScenarioError(f"{origin}: key 'sources' must be a list of mappings with a 'url'")
    checked = []
    for index, source in enumerate(sources):
        at = f"{origin}: sources[{index}]"
        unknown = sorted(str(k) for k in source if k not in _SOURCE_KEYS)
        if unknown:
            raise ScenarioError(
                f"{at}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(_SOURCE_KEYS)}"
            )
        item = {"title": _entry_text(source["title"], f"{at}.title")} if "title" in source else {}
        item["url"] = _entry_text(source["url"], f"{at}.url")
        checked.append({key: item[key] for key in source})
    return tuple(checked)


def parse_scenario(
    raw: Any, origin: str = "<scenario>", known_refs: frozenset[str] | None = None
) -> Scenario:
    """Check a scenario mapping (as read from YAML) and return a :class:`Scenario`.

    Besides the shape, a battle group that exists only in the scenario needs a ``host`` that is
    a NATO member on the scenario's date (and drawn on the map) and a non-empty ``source``; its
    ``id`` may be left out (it becomes ``custom_<host>_<n>``). Every ``framework`` code must be a
    member on that date. ``troops`` is read as ``troops_approx``. Text is kept as typed (HTML
    included): the renderers escape it.

    Parameters
    ----------
    raw : Any
        The document, as ``yaml.safe_load`` returns it.
    origin : str
        What to call the document in error messages (a file name).
    known_refs : frozenset of str, optional
        Battle-group fact ids a ``ref`` may name; ``None`` skips that check.

    Raises
    ------
    ScenarioError
        Naming ``origin`` and the offending key (``battlegroups[2].host``), and what is allowed.
    """
    if not isinstance(raw, Mapping):
        raise ScenarioError(
            f"{origin}: a scenario must be a YAML mapping, got {type(raw).__name__}"
        )
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        raise ScenarioError(f"{origin}: missing key(s) {', '.join(missing)}")
    unknown = {str(key) for key in raw} - set(_REQUIRED) - set(_OPTIONAL)
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
    if not isinstance(kind, str) or kind not in KINDS:
        raise ScenarioError(
            f"{origin}: kind {_short(kind)} is not allowed; use one of {list(KINDS)}"
        )
    layers = raw.get("layers", list(LAYER_IDS))
    if not isinstance(layers, list) or any(
        not isinstance(layer, str) or layer not in LAYER_IDS for layer in layers
    ):
        raise ScenarioError(f"{origin}: key 'layers' must list layer ids from {list(LAYER_IDS)}")
    entries = raw["battlegroups"]
    if not isinstance(entries, list):
        raise ScenarioError(f"{origin}: key 'battlegroups' must be a list")
    alliance = _alliance(as_of)
    checked = tuple(_check_entry(e, i, origin, known_refs, alliance) for i, e in enumerate(entries))
    ids = [e.get("ref") or e.get("id") for e in checked if "ref" in e or "id" in e]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ScenarioError(f"{origin}: duplicate battle group id(s) {', '.join(duplicates)}")
    _derive_ids(checked)
    return Scenario(
        id=scenario_id,
        title=_text(raw["title"], "title", origin),
        description=_text(raw["description"], "description", origin),
        as_of=as_of,
        kind=kind,
        layers=tuple(layer for layer in LAYER_IDS if layer in layers),
        battlegroups=checked,
        demand=_check_demand(raw.get("demand"), origin),
        sources=_check_sources(raw.get("sources", []), origin),
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
