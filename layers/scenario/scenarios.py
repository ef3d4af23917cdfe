"""Scenario presets: YAML files under ``data/scenarios/``, read and checked here.

A scenario names a date (``as_of``), the layers it shows and the battle groups it includes. A
battle group entry either points at a sourced fact record (``ref: bg_rou``), optionally with
overrides that carry their own source, or describes a group that only exists in the scenario
(``host``, ``source``): such a group is always hypothetical.

``data/scenario.schema.json`` is the one description of the file's shape: every document is
validated against it, and the allowed layer ids, kinds and statuses below are read from it. This
module checks in code only what needs dates and facts (see :func:`parse_scenario`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from geo.boundaries import known_iso3
from geo.dates import parse_as_of, period_start
from geo.errors import FlankmapError, ScenarioError
from geo.paths import data_path
from layers.facts.schema import ISO_SEP
from layers.facts.tables import load_table
from layers.scenario.scenario_schema import DEFAULT_KIND, LAYER_IDS, check_shape, short_repr
from layers.scenario.scenario_schema import ENTRY_STATUSES as ENTRY_STATUSES  # the schema's names,
from layers.scenario.scenario_schema import KINDS as KINDS  # re-exported for the app and the CLI
from layers.scenario.scenario_schema import LAYER_TITLES as LAYER_TITLES
from layers.scenario.scenario_schema import scenario_schema as scenario_schema
from layers.thematic.members import member_codes

MAX_FILE_MB = 1  # scenario files are small: what the app and the CLI read, at most
MAX_FILE_BYTES = MAX_FILE_MB * 1_000_000


@dataclass(frozen=True, kw_only=True)
class RefEntry:
    """A sourced battle group (``ref``), with the scenario's overrides; ``None``: not overridden.

    A troop figure overrides the fact's only with its own ``troops_source`` (``troops_approx``
    may then be ``None``: the source gives no figure). Fields are in the order a file lists them.
    """

    ref: str
    status: str | None = None
    framework: str | None = None  # ";"-separated codes; "" for none named
    troops_approx: int | None = None
    troops_as_of: str | None = None
    troops_source: str | None = None
    note: str | None = None

    @property
    def id(self) -> str:
        """The battle group's id: its fact record's."""
        return self.ref


@dataclass(frozen=True, kw_only=True)
class CustomEntry:
    """A battle group that exists only in the scenario: always hypothetical, drawn at the host."""

    id: str
    name: str | None = None
    host: str
    framework: str | None = None
    status: str = field(default="hypothetical", init=False)
    troops_approx: int | None = None
    troops_as_of: str | None = None
    note: str | None = None
    source: str


@dataclass(frozen=True, kw_only=True)
class Demand:
    """The area a demand covers: the members that joined after ``joined_after``."""

    joined_after: str
    label: str | None = None
    source: str


@dataclass(frozen=True, kw_only=True)
class Source:
    """A source the scenario cites."""

    title: str | None = None
    url: str


@dataclass(frozen=True)
class Scenario:
    """One scenario, checked; every part is a frozen record, so a scenario is hashable."""

    id: str
    title: str
    description: str
    as_of: dt.date
    kind: str = DEFAULT_KIND
    layers: tuple[str, ...] = LAYER_IDS
    battlegroups: tuple[RefEntry | CustomEntry, ...] = ()
    demand: Demand | None = None
    sources: tuple[Source, ...] = ()
    origin: str = field(default="", compare=False)


def record_to_dict(record: RefEntry | CustomEntry | Demand | Source) -> dict[str, Any]:
    """Return a record as the mapping a file holds: fields in file order, unset ones left out.

    Examples
    --------
    >>> record_to_dict(RefEntry(ref="bg_rou", troops_approx=None, troops_source="https://x.org"))
    {'ref': 'bg_rou', 'troops_approx': None, 'troops_source': 'https://x.org'}
    """
    out = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    keep_troops = isinstance(record, RefEntry) and record.troops_source is not None
    return {k: v for k, v in out.items() if v is not None or (k == "troops_approx" and keep_troops)}


def scenario_dir() -> Path:
    """Return the folder of the shipped scenario presets."""
    return data_path("scenarios")


# --- dates and facts ---------------------------------------------------------------------------


def _partial_date(text: str, at: str) -> str:
    """Return a partial ISO date (YYYY, YYYY-MM or YYYY-MM-DD) that names a real period."""
    try:
        period_start(text.strip())
    except FlankmapError as err:
        raise ScenarioError(f"{at}: {err}") from None
    return text.strip()


def _optional(value: str | None) -> str | None:
    return None if value is None else value.strip()


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
        if code not in self.known:
            raise ScenarioError(
                f"{at}: unknown ISO code {short_repr(value)}; use an ISO 3166-1 alpha-3 code, "
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

    def framework(self, value: str, at: str) -> str:
        """Return framework nation codes (``;``-separated, may be empty) of members on ``as_of``."""
        codes = [self.code(part, at) for part in value.split(ISO_SEP) if part.strip()]
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
    on_map = known_iso3()
    return _Alliance(
        as_of=as_of,
        known=on_map | frozenset(load_table("members")["iso3"]),
        on_map=on_map,
        members=member_codes(as_of),
    )


def _entry(
    raw: dict[str, Any], at: str, known_refs: frozenset[str] | None, alliance: _Alliance
) -> RefEntry | CustomEntry:
    """Return one battle-group entry (shape already checked) as a record; ``id`` may be ""."""
    troops = raw.get("troops_approx", raw.get("troops"))
    as_of = raw.get("troops_as_of")
    common = {
        "framework": (  # null, like "", names none; left out, the fact's stands
            alliance.framework(raw["framework"] or "", f"{at}.framework")
            if "framework" in raw
            else None
        ),
        "troops_as_of": None if as_of is None else _partial_date(as_of, f"{at}.troops_as_of"),
        "troops_approx": None if troops is None else int(troops),
        "note": _optional(raw.get("note")),
    }
    if "ref" not in raw:
        return CustomEntry(
            id=(raw.get("id") or "").strip(),
            name=_optional(raw.get("name")),
            host=alliance.host(raw["host"], f"{at}.host"),
            source=raw["source"].strip(),
            **common,
        )
    ref = raw["ref"].strip()
    if known_refs is not None and ref not in known_refs:
        raise ScenarioError(
            f"{at}: unknown battle group {ref!r}; known: {', '.join(sorted(known_refs))}"
        )
    figure = "troops_approx" in raw or "troops" in raw  # the schema asks a troops_source of it
    if not figure:  # a troop date or source alone overrides nothing
        common["troops_as_of"] = None
    source = raw["troops_source"].strip() if figure else None
    return RefEntry(ref=ref, status=raw.get("status"), troops_source=source, **common)


def _with_ids(entries: list[RefEntry | CustomEntry], at: str) -> tuple[RefEntry | CustomEntry, ...]:
    """Check that ids are unique; name each scenario-only group without one custom_<host>_<n>."""
    ids = [e.id for e in entries if e.id]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ScenarioError(f"{at}: duplicate battle group id(s) {', '.join(duplicates)}")
    taken = set(ids)
    out = []
    for entry in entries:
        if not entry.id:
            n = 1
            while f"custom_{entry.host.lower()}_{n}" in taken:
                n += 1
            entry = dataclasses.replace(entry, id=f"custom_{entry.host.lower()}_{n}")
            taken.add(entry.id)
        out.append(entry)
    return tuple(out)


def parse_scenario(
    raw: Any, origin: str = "<scenario>", known_refs: frozenset[str] | None = None
) -> Scenario:
    """Check a scenario mapping (as read from YAML) and return a :class:`Scenario`.

    The shape is checked against ``data/scenario.schema.json``. Then what needs dates and facts:
    ``as_of`` and every partial date name real days (``as_of`` from 1949-04-04 to today); a
    battle group that exists only in the scenario needs a ``host`` that is a NATO member on the
    scenario's date (and drawn on the map); every ``framework`` code must be a member on that date;
    a ``ref`` must name a sourced battle group; ids must be unique (a missing one becomes
    ``custom_<host>_<n>``). ``troops`` is read as ``troops_approx``. Text is kept as typed (HTML
    included; surrounding blanks dropped): the renderers escape it.

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
    doc = check_shape(raw, origin)
    try:
        as_of = parse_as_of(doc["as_of"].strip())
    except FlankmapError as err:
        raise ScenarioError(f"{origin}: key 'as_of': {err}") from None
    alliance = _alliance(as_of)
    entries = [
        _entry(entry, f"{origin}: battlegroups[{i}]", known_refs, alliance)
        for i, entry in enumerate(doc["battlegroups"])
    ]
    demand = doc.get("demand")
    if demand is not None:
        demand = Demand(
            joined_after=_partial_date(demand["joined_after"], f"{origin}: demand.joined_after"),
            label=_optional(demand.get("label")),
            source=demand["source"].strip(),
        )
    layers = doc.get("layers", LAYER_IDS)
    return Scenario(
        id=doc["id"].strip(),
        title=doc["title"].strip(),
        description=doc["description"].strip(),
        as_of=as_of,
        kind=doc.get("kind", DEFAULT_KIND),
        layers=tuple(layer for layer in LAYER_IDS if layer in layers),
        battlegroups=_with_ids(entries, origin),
        demand=demand,
        sources=tuple(
            Source(title=_optional(s.get("title")), url=s["url"].strip())
            for s in doc.get("sources", [])
        ),
        origin=origin,
    )


def read_scenario_text(
    text: str, origin: str, known_refs: frozenset[str] | None = None
) -> Scenario:
    """Parse scenario YAML text (a file or an upload) into a checked :class:`Scenario`."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise ScenarioError(f"{origin}: file is larger than {MAX_FILE_MB} MB")
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
