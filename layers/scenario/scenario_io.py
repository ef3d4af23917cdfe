"""Scenarios as documents: write one back as YAML, read a user's file, edit a copy.

Every function here is pure: an edit returns a new :class:`~layers.scenario.scenarios.Scenario`,
checked by parsing it again exactly as a file would be, so an edited scenario can always be saved
with :func:`scenario_to_yaml` and loaded back unchanged. Text is kept as typed (HTML included); the
renderers escape it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import yaml

from geo.errors import ScenarioError
from layers.facts.tables import load_table
from layers.scenario.scenarios import (
    MAX_FILE_BYTES,
    MAX_FILE_MB,
    CustomEntry,
    RefEntry,
    Scenario,
    load_presets,
    parse_scenario,
    read_scenario_text,
    record_to_dict,
)

#: Where a battle group added with :func:`with_hypothetical_battlegroup` says it comes from.
USER_SOURCE = "user hypothesis (flankmap)"

#: Longest ref entry written on one line (``- {ref: bg_est}``).
_FLOW_WIDTH = 96
#: Text longer than this is written folded (``>-``) over several lines.
_FOLD_AT = 80


def known_refs() -> frozenset[str]:
    """Return the ids of the sourced battle groups a ``ref`` entry may name."""
    return frozenset(load_table("battlegroups")["id"])


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """Return ``scenario`` as a plain, JSON-ready mapping, keys in the shipped presets' order.

    Dates are ``YYYY-MM-DD`` text; ``demand`` is left out when the scenario has none.
    :func:`~layers.scenario.scenarios.parse_scenario` turns the result back into an equal scenario.

    Examples
    --------
    >>> from layers.scenario.scenarios import get_scenario
    >>> d = scenario_to_dict(get_scenario("efp-2017"))
    >>> list(d)[:4], d["as_of"], d["battlegroups"][0]
    (['id', 'title', 'kind', 'as_of'], '2017-12-31', {'ref': 'bg_est'})
    """
    out: dict[str, Any] = {
        "id": scenario.id,
        "title": scenario.title,
        "kind": scenario.kind,
        "as_of": scenario.as_of.isoformat(),
        "description": scenario.description,
        "layers": list(scenario.layers),
        "battlegroups": [record_to_dict(e) for e in scenario.battlegroups],
    }
    if scenario.demand is not None:
        out["demand"] = record_to_dict(scenario.demand)
    out["sources"] = [record_to_dict(s) for s in scenario.sources]
    return out


class _Flow(dict):
    """A mapping written on one line."""


class _FlowList(list):
    """A list written on one line."""


class _Dumper(yaml.SafeDumper):
    """Safe YAML with one-line short entries, folded long text and indented lists."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Indent a list under its key, as the shipped presets do."""
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = ">" if len(text) > _FOLD_AT and " " in text and "\n" not in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(
    _Flow, lambda d, m: d.represent_mapping("tag:yaml.org,2002:map", m, flow_style=True)
)
_Dumper.add_representer(
    _FlowList, lambda d, s: d.represent_sequence("tag:yaml.org,2002:seq", s, flow_style=True)
)
_Dumper.add_representer(str, _represent_str)


def _one_line(entry: dict[str, Any]) -> bool:
    text = yaml.dump(
        entry, Dumper=yaml.SafeDumper, default_flow_style=True, width=10_000, sort_keys=False
    )
    return "ref" in entry and len(text.strip()) <= _FLOW_WIDTH


def scenario_to_yaml(scenario: Scenario) -> str:
    """Return ``scenario`` as YAML text, in the shape of the shipped presets.

    Keys as :func:`scenario_to_dict` orders them, layers and short ``ref`` entries on one line,
    long text folded.
    ``read_scenario_text(scenario_to_yaml(s), origin) == s`` for every valid scenario.

    Examples
    --------
    >>> from layers.scenario.scenarios import get_scenario
    >>> print(scenario_to_yaml(get_scenario("efp-2017")).split("battlegroups:")[1][:38])
    <BLANKLINE>
      - {ref: bg_est}
      - {ref: bg_lva}
    """
    doc = scenario_to_dict(scenario)
    doc["layers"] = _FlowList(doc["layers"])
    doc["battlegroups"] = [_Flow(e) if _one_line(e) else e for e in doc["battlegroups"]]
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=96, indent=2)


def read_scenario_bytes(data: bytes, origin: str) -> Scenario:
    """Read an uploaded scenario file (UTF-8 YAML, at most 1 MB) into a checked scenario.

    Parameters
    ----------
    data : bytes
        The file's content.
    origin : str
        Its name, used in error messages.

    Raises
    ------
    ScenarioError
        Naming ``origin``, where in the document the problem is, and what is allowed.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(
            f"{origin}: file is larger than {MAX_FILE_MB} MB ({len(data):,} bytes); "
            "scenario files are small"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ScenarioError(
            f"{origin}: not UTF-8 text (byte {err.start}); save the file as UTF-8"
        ) from None
    return read_scenario_text(text, origin, known_refs())


def read_scenario_file(path: str | PathLike[str]) -> Scenario:
    """Read a scenario file from disk; a file over 1 MB is refused before it is read.

    Raises
    ------
    ScenarioError
        The file is missing, unreadable, too large, or breaks the scenario schema.
    """
    path = Path(path)
    origin = str(path)
    try:
        if not path.is_file():
            reason = "is a folder" if path.is_dir() else "no such file"
            raise ScenarioError(f"{origin}: cannot read: {reason}")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ScenarioError(
                f"{origin}: file is larger than {MAX_FILE_MB} MB; scenario files are small"
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        raise ScenarioError(f"{origin}: cannot read: {err.strerror or err}") from None
    return read_scenario_bytes(data, origin)


# --- edits -----------------------------------------------------------------------------------


Entry = RefEntry | CustomEntry


def _index(scenario: Scenario, bg_id: str) -> int | None:
    for i, entry in enumerate(scenario.battlegroups):
        if entry.id == bg_id:
            return i
    return None


def _reparse(doc: dict[str, Any], origin: str) -> Scenario:
    return parse_scenario(doc, origin, known_refs())


def _edited(scenario: Scenario, battlegroups: Iterable[Entry | Mapping[str, Any]]) -> Scenario:
    """Return ``scenario`` with new battle groups, checked; hypothetical unless it is a preset.

    An entry is a record, or a mapping as a file holds it (checked like a file's).
    """
    origin = scenario.origin if scenario.origin.endswith("(edited)") else f"{scenario.id} (edited)"
    doc = scenario_to_dict(scenario)
    doc["kind"] = "hypothetical"
    doc["battlegroups"] = [
        dict(e) if isinstance(e, Mapping) else record_to_dict(e) for e in battlegroups
    ]
    checked = _reparse(doc, origin)
    preset = load_presets().get(scenario.id)
    if preset is not None and dataclasses.replace(checked, kind=preset.kind) == preset:
        return dataclasses.replace(checked, kind=preset.kind)
    return checked


def _insert_key(entry: Entry, preset: Scenario | None, facts: list[str]) -> tuple:
    """Where an entry goes: in the preset's order, then sourced groups in fact order, then ours."""
    in_preset = [e.id for e in preset.battlegroups] if preset is not None else []
    if entry.id in in_preset:
        return (0, in_preset.index(entry.id))
    if isinstance(entry, RefEntry) and entry.ref in facts:
        return (1, facts.index(entry.ref))
    return (2, 0)


def with_battlegroup_toggled(scenario: Scenario, bg_id: str, on: bool) -> Scenario:
    """Return a copy of ``scenario`` with battle group ``bg_id`` shown (``on``) or left out.

    Switching on brings back the entry of the shipped preset with the same id if it has one
    (with its overrides, or its scenario-only group), else adds a sourced battle group (a fact id
    such as ``bg_hun``) as ``{ref: bg_id}``. Any other scenario-only group is added with
    :func:`with_hypothetical_battlegroup`. A change makes the copy ``kind: hypothetical``, unless
    it turns an edited preset back into the preset itself.

    Raises
    ------
    ScenarioError
        Switching on an id that is neither in the preset nor a sourced battle group.

    Examples
    --------
    >>> from layers.scenario.scenarios import get_scenario
    >>> s = with_battlegroup_toggled(get_scenario("efp-2017"), "bg_pol", on=False)
    >>> [e.ref for e in s.battlegroups], s.kind
    (['bg_est', 'bg_lva', 'bg_ltu'], 'hypothetical')
    >>> with_battlegroup_toggled(s, "bg_pol", on=True) == get_scenario("efp-2017")
    True
    """
    at = _index(scenario, bg_id)
    entries = list(scenario.battlegroups)
    if on == (at is not None):
        return dataclasses.replace(scenario)
    if not on:
        del entries[at]
        return _edited(scenario, entries)
    facts = list(load_table("battlegroups")["id"])
    preset = load_presets().get(scenario.id)
    from_preset = [e for e in (preset.battlegroups if preset else ()) if e.id == bg_id]
    if from_preset:
        new: Entry = from_preset[0]
    elif bg_id in facts:
        new = RefEntry(ref=bg_id)
    else:
        raise ScenarioError(
            f"cannot add battle group {bg_id!r} to {scenario.id!r}: not a sourced battle group; "
            f"choose one of: {', '.join(sorted(facts))}, or add a hypothetical one"
        )
    key = _insert_key(new, preset, facts)
    position = next(
        (i for i, e in enumerate(entries) if _insert_key(e, preset, facts) > key), len(entries)
    )
    entries.insert(position, new)
    return _edited(scenario, entries)


def with_battlegroup_changed(
    scenario: Scenario,
    bg_id: str,
    status: str | None = None,
    framework: str | None = None,
) -> Scenario:
    """Return a copy with the status and/or framework nation(s) of ``bg_id`` set.

    On a sourced battle group the values become the scenario's overrides of the facts. A group
    that exists only in the scenario is always ``hypothetical``; only its framework can change.
    ``framework`` is ISO alpha-3 (``"FRA"``, or ``"FRA;DEU"``; ``""`` for none named) of members
    on the scenario's date. ``None`` leaves a field as it is.

    Raises
    ------
    ScenarioError
        ``bg_id`` is not in the scenario, or a value is not allowed (the message says which).

    Examples
    --------
    >>> from layers.scenario.scenarios import get_scenario
    >>> s = with_battlegroup_changed(get_scenario("proposal-2022"), "bg_svk", framework="cze")
    >>> s.battlegroups[6].framework, s.kind
    ('CZE', 'hypothetical')
    """
    at = _index(scenario, bg_id)
    if at is None:
        present = ", ".join(e.id for e in scenario.battlegroups) or "none"
        raise ScenarioError(
            f"battle group {bg_id!r} is not in scenario {scenario.id!r}; it has: {present}"
        )
    entry = record_to_dict(scenario.battlegroups[at])
    if status is not None:
        entry["status"] = status
    if framework is not None:
        entry["framework"] = framework
    if entry == record_to_dict(scenario.battlegroups[at]):
        return dataclasses.replace(scenario)
    entries = list(scenario.battlegroups)
    entries[at] = entry
    return _edited(scenario, entries)


def with_hypothetical_battlegroup(
    scenario: Scenario,
    host: str,
    framework: str | None,
    troops: int | None = None,
    note: str = "",
) -> Scenario:
    """Return a copy with one more battle group, hypothetical, hosted by ``host``.

    The new group is the last entry of ``battlegroups``; its id is ``custom_<host>_<n>``, its
    status ``hypothetical`` and its source :data:`USER_SOURCE`.

    Parameters
    ----------
    scenario : Scenario
        The scenario to extend.
    host : str
        ISO alpha-3 code of a member on the scenario's date, drawn on the map.
    framework : str or None
        Framework nation(s), members on that date (``"FRA"``, ``"FRA;DEU"``); ``None`` or ``""``
        for none named.
    troops : int, optional
        Troops, a whole number 1..100000.
    note : str
        Free text shown with the group.

    Raises
    ------
    ScenarioError
        The host or a framework nation is not a member on the date, or a value is not allowed.

    Examples
    --------
    >>> from layers.scenario.scenarios import get_scenario
    >>> s = with_hypothetical_battlegroup(get_scenario("efp-2017"), "rou", "FRA", troops=800)
    >>> {k: getattr(s.battlegroups[-1], k) for k in ("id", "host", "status", "troops_approx")}
    {'id': 'custom_rou_1', 'host': 'ROU', 'status': 'hypothetical', 'troops_approx': 800}
    >>> with_hypothetical_battlegroup(get_scenario("efp-2017"), "UKR", None)
    Traceback (most recent call last):
    ...
    geo.errors.ScenarioError: efp-2017 (edited): battlegroups[4].host: UKR is not a NATO member ...
    """
    entry: dict[str, Any] = {"host": host, "status": "hypothetical", "source": USER_SOURCE}
    if framework:
        entry["framework"] = framework
    if troops is not None:
        entry["troops_approx"] = troops
    if note:
        entry["note"] = note
    return _edited(scenario, [*scenario.battlegroups, entry])


def as_custom(scenario: Scenario, new_id: str, title: str) -> Scenario:
    """Return ``scenario`` as the user's own: a new id and title, ready to save or export.

    If it differs from the shipped preset it was edited from, the copy is ``kind:
    hypothetical`` and its description says so; an unedited copy keeps its kind.

    Raises
    ------
    ScenarioError
        ``new_id`` is a shipped scenario's id or not a valid id (letters, digits, ``-``, ``_``),
        or ``title`` is empty.

    Examples
    --------
    >>> from layers.scenario.scenarios import get_scenario
    >>> s = with_battlegroup_toggled(get_scenario("proposal-2022"), "bg_hun", on=False)
    >>> mine = as_custom(s, "no-hungary", "Without Hungary")
    >>> mine.id, mine.kind, mine.description.split(" (")[0]
    ('no-hungary', 'hypothetical', "HYPOTHETICAL. Edited from 'proposal-2022'")
    """
    presets = load_presets()
    if new_id in presets:
        raise ScenarioError(
            f"id {new_id!r} belongs to a shipped scenario; choose another id for your own"
        )
    preset = presets.get(scenario.id)
    changes: dict[str, Any] = {"id": new_id, "title": title}
    if preset is not None and preset != scenario:
        changes["kind"] = "hypothetical"
        if not scenario.description.startswith("HYPOTHETICAL"):
            changes["description"] = (
                f"HYPOTHETICAL. Edited from {scenario.id!r} ({preset.title}). "
                f"{scenario.description}"
            )
    return _reparse(
        scenario_to_dict(dataclasses.replace(scenario, **changes)), f"{new_id} (custom)"
    )
