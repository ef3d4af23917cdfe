"""What changes between two scenes: battle groups, troops, hosts, covered frontier, members.

:func:`diff_scenes` is pure: it reads two :class:`~layers.scenario.scene.Scene` objects and returns
a frozen :class:`ScenarioDiff` that :meth:`ScenarioDiff.as_dict` turns into plain JSON types and
:func:`diff_text` into lines a person reads. Battle groups are matched by ``id`` (the fact id such
as ``bg_rou``, or a scenario-only group's own id).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from layers.facts.schema import ISO_SEP
from layers.scenario.scenarios import Scenario
from layers.scenario.scene import STATUS_TEXT, Scene, build_scene
from layers.thematic.members import member_codes

#: The battle-group fields compared, in the order changes are listed.
COMPARED = ("host", "status", "framework", "troops")


@dataclass(frozen=True)
class BattlegroupSummary:
    """A battle group one scene has and the other has not."""

    id: str
    host_iso3: str
    host: str
    framework_iso3: str
    status: str
    troops_approx: int | None


@dataclass(frozen=True)
class BattlegroupChange:
    """One field of a battle group both scenes have, before and after.

    ``field`` is one of :data:`COMPARED`: ``host`` and ``framework`` hold ISO alpha-3 codes
    (``;``-separated for several framework nations, empty when none is named), ``status`` a status
    code (``proposed``, ``established``, ``brigade``…), ``troops`` the sourced figure or ``None``.
    """

    id: str
    host_iso3: str
    host: str
    field: str
    before: str | int | None
    after: str | int | None


@dataclass(frozen=True)
class ScenarioDiff:
    """The differences from scene A (``*_before``) to scene B (``*_after``).

    ``troops_*`` sum the sourced figures of existing groups only (a proposal's planned size is
    not added to them); ``troops_counted_*`` say how many existing groups have one.
    ``frontier_km_*`` is the alliance's land border with Russia and Belarus on each date,
    ``covered_km_*`` the part of it along battle-group hosts. Members are NATO's on each date.
    """

    scenario_before: str
    scenario_after: str
    title_before: str
    title_after: str
    as_of_before: dt.date
    as_of_after: dt.date
    added: tuple[BattlegroupSummary, ...]
    removed: tuple[BattlegroupSummary, ...]
    changed: tuple[BattlegroupChange, ...]
    battlegroups_before: int
    battlegroups_after: int
    troops_before: int
    troops_after: int
    troops_counted_before: int
    troops_counted_after: int
    hosts_added: tuple[str, ...]
    hosts_removed: tuple[str, ...]
    frontier_km_before: float
    frontier_km_after: float
    covered_km_before: float
    covered_km_after: float
    members_added: tuple[str, ...]
    members_removed: tuple[str, ...]
    #: The frontier with Russia, Belarus and Ukraine apart: ``{iso3: {"km", "covered_km"}}``.
    covered_frontier_before: dict[str, dict[str, float]] = dataclasses.field(default_factory=dict)
    covered_frontier_after: dict[str, dict[str, float]] = dataclasses.field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """Whether nothing a reader compares differs (the ids and dates may)."""
        return not (
            self.added
            or self.removed
            or self.changed
            or self.hosts_added
            or self.hosts_removed
            or self.members_added
            or self.members_removed
            or self.troops_before != self.troops_after
            or self.troops_counted_before != self.troops_counted_after
            or self.frontier_km_before != self.frontier_km_after
            or self.covered_km_before != self.covered_km_after
            or self.covered_frontier_before != self.covered_frontier_after
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the diff as JSON-ready types: dates as ``YYYY-MM-DD``, tuples as lists."""
        out = dataclasses.asdict(self)
        out["as_of_before"] = self.as_of_before.isoformat()
        out["as_of_after"] = self.as_of_after.isoformat()
        out["is_empty"] = self.is_empty
        return _lists(out)


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lists(item) for item in value]
    return value


def _troops(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _records(scene: Scene) -> dict[str, dict[str, Any]]:
    """Return the scene's battle groups by id, with the compared fields as plain values."""
    frame = scene.battlegroups
    return {
        row["id"]: {
            "name": row["host"],
            "host": row["host_iso3"],
            "status": row["status_code"],
            "framework": row["framework_iso3"] or "",
            "troops": _troops(row["troops_approx"]),
        }
        for row in frame.to_dict("records")
    }


def _summary(bg_id: str, record: dict[str, Any]) -> BattlegroupSummary:
    return BattlegroupSummary(
        id=bg_id,
        host_iso3=record["host"],
        host=record["name"],
        framework_iso3=record["framework"],
        status=record["status"],
        troops_approx=record["troops"],
    )


def _with_battlegroups(scene: Scene) -> Scene:
    """Return ``scene``, rebuilt with its battle-group layer if it was built without it."""
    if "battlegroups" in scene.layers:
        return scene
    return build_scene(scene.scenario, scene.as_of, ("battlegroups",))


def diff_scenes(a: Scene, b: Scene) -> ScenarioDiff:
    """Return what changes from scene ``a`` to scene ``b``.

    A scene built without the ``battlegroups`` layer is rebuilt with it (same scenario and date),
    so the result never depends on which layers a view shows.

    Parameters
    ----------
    a, b : Scene
        From :func:`layers.scenario.scene.build_scene`; ``a`` is "before", ``b`` "after".

    Returns
    -------
    ScenarioDiff
        Empty (:attr:`ScenarioDiff.is_empty`) when both show the same battle groups, troops,
        hosts, covered frontier and members.

    Examples
    --------
    >>> from layers.scenario.scenarios import get_scenario
    >>> d = diff_scenarios(get_scenario("efp-2017"), get_scenario("proposal-2022"))
    >>> [bg.host_iso3 for bg in d.added], d.members_added
    (['ROU', 'BGR', 'SVK', 'HUN'], ('MKD',))
    """
    a, b = _with_battlegroups(a), _with_battlegroups(b)
    before, after = _records(a), _records(b)
    changed = []
    for bg_id, new in after.items():
        old = before.get(bg_id)
        if old is None:
            continue
        for name in COMPARED:
            if old[name] != new[name]:
                changed.append(
                    BattlegroupChange(
                        id=bg_id,
                        host_iso3=new["host"],
                        host=new["name"],
                        field=name,
                        before=old[name],
                        after=new[name],
                    )
                )
    hosts_a, hosts_b = set(a.metrics.hosts), set(b.metrics.hosts)
    members_a, members_b = member_codes(a.as_of), member_codes(b.as_of)
    return ScenarioDiff(
        scenario_before=a.scenario.id,
        scenario_after=b.scenario.id,
        title_before=a.scenario.title,
        title_after=b.scenario.title,
        as_of_before=a.as_of,
        as_of_after=b.as_of,
        added=tuple(_summary(i, r) for i, r in after.items() if i not in before),
        removed=tuple(_summary(i, r) for i, r in before.items() if i not in after),
        changed=tuple(changed),
        battlegroups_before=a.metrics.battlegroups,
        battlegroups_after=b.metrics.battlegroups,
        troops_before=a.metrics.troops,
        troops_after=b.metrics.troops,
        troops_counted_before=a.metrics.troops_counted,
        troops_counted_after=b.metrics.troops_counted,
        hosts_added=tuple(sorted(hosts_b - hosts_a)),
        hosts_removed=tuple(sorted(hosts_a - hosts_b)),
        frontier_km_before=a.metrics.frontier_km,
        frontier_km_after=b.metrics.frontier_km,
        covered_km_before=a.metrics.covered_km,
        covered_km_after=b.metrics.covered_km,
        members_added=tuple(sorted(members_b - members_a)),
        members_removed=tuple(sorted(members_a - members_b)),
        covered_frontier_before=_plain(a.metrics.frontier_by_state),
        covered_frontier_after=_plain(b.metrics.frontier_by_state),
    )


def _plain(by_state: Any) -> dict[str, dict[str, float]]:
    return {state: dict(values) for state, values in dict(by_state).items()}


def diff_scenarios(
    a: Scenario,
    b: Scenario,
    as_of_a: dt.date | None = None,
    as_of_b: dt.date | None = None,
) -> ScenarioDiff:
    """Build both scenes (battle groups only; default: each scenario's date) and diff them."""
    return diff_scenes(
        build_scene(a, as_of_a, ("battlegroups",)), build_scene(b, as_of_b, ("battlegroups",))
    )


def _value_text(name: str, value: Any) -> str:
    if value is None or value == "":
        return {"troops": "no sourced figure", "framework": "not named"}.get(name, "none")
    if name == "status":
        return STATUS_TEXT.get(value, str(value))
    if name == "framework":
        return str(value).replace(ISO_SEP, "/")
    if name == "troops":
        return f"{value:,}"
    return str(value)


def _bg_text(bg: BattlegroupSummary) -> str:
    troops = "no sourced troop figure"
    if bg.troops_approx is not None:
        troops = f"about {bg.troops_approx:,} troops"
    framework = _value_text("framework", bg.framework_iso3)
    status = _value_text("status", bg.status)
    return f"{bg.id}  {bg.host} ({bg.host_iso3}), framework {framework}, {status}, {troops}"


def _from_to(before: Any, after: Any, fmt: str = "{:,}") -> str:
    """Format ``before → after``, or ``after (unchanged)``; a tuple fills several fields."""

    def one(value: Any) -> str:
        return fmt.format(*value) if isinstance(value, tuple) else fmt.format(value)

    return f"{one(after)} (unchanged)" if before == after else f"{one(before)} → {one(after)}"


def _codes(added: tuple[str, ...], removed: tuple[str, ...]) -> str:
    parts = [f"+ {', '.join(added)}"] if added else []
    parts += [f"- {', '.join(removed)}"] if removed else []
    return "; ".join(parts) or "unchanged"


def diff_text(d: ScenarioDiff) -> str:
    """Return the diff as lines of plain text (unescaped: the caller escapes for HTML).

    Examples
    --------
    >>> from layers.scenario.scenarios import get_scenario
    >>> s = get_scenario("efp-2017")
    >>> print(diff_text(diff_scenarios(s, s)).splitlines()[1])
    No difference in battle groups, troops, hosts, covered frontier or members.
    """
    lines = [
        f"{d.scenario_before} ({d.as_of_before}) → {d.scenario_after} ({d.as_of_after})",
    ]
    if d.is_empty:
        lines.append("No difference in battle groups, troops, hosts, covered frontier or members.")
        return "\n".join(lines)
    lines.append(f"Battle groups: {_from_to(d.battlegroups_before, d.battlegroups_after)}")
    lines += [f"  + {_bg_text(bg)}" for bg in d.added]
    lines += [f"  - {_bg_text(bg)}" for bg in d.removed]
    lines += [
        f"  ~ {c.id}  {c.host} ({c.host_iso3}): {c.field} "
        f"{_value_text(c.field, c.before)} → {_value_text(c.field, c.after)}"
        for c in d.changed
    ]
    lines.append(
        f"Troops of existing groups (sourced figures): "
        f"{_from_to(d.troops_before, d.troops_after)}; groups with a "
        f"figure: {_from_to(d.troops_counted_before, d.troops_counted_after)}"
    )
    lines.append(f"Host countries: {_codes(d.hosts_added, d.hosts_removed)}")
    lines.append(
        "Land border with Russia and Belarus along host countries: "
        + _from_to(
            (d.covered_km_before, d.frontier_km_before),
            (d.covered_km_after, d.frontier_km_after),
            "{:,.1f} of {:,.1f} km",
        )
    )
    for state, after in d.covered_frontier_after.items():
        before = d.covered_frontier_before.get(state, {"km": 0.0, "covered_km": 0.0})
        lines.append(
            f"  with {state} along hosts: "
            + _from_to(
                (before["covered_km"], before["km"]),
                (after["covered_km"], after["km"]),
                "{:,.1f} of {:,.1f} km",
            )
        )
    lines.append(f"NATO members: {_codes(d.members_added, d.members_removed)}")
    return "\n".join(lines)
