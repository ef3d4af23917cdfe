"""What the user is looking at, and its share link.

``parse_view`` turns URL query parameters (strings a stranger typed) into a :class:`View`. It is
pure and never raises: an unknown scenario, a bad date or an unknown layer is replaced by the
default and reported in a warning that names the bad value and the default used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from geo.dates import parse_as_of
from geo.errors import FlankmapError
from layers.scenario.scenarios import DEFAULT_SCENARIO, LAYER_IDS, Scenario

#: Basemaps; only the first, the default, needs no network.
BASEMAPS: dict[str, str] = {
    "plain": "Plain (offline)",
    "osm": "OpenStreetMap tiles (needs internet)",
}
DEFAULT_BASEMAP = next(iter(BASEMAPS))

_MAX_PARAM = 200


@dataclass(frozen=True)
class View:
    """A scenario, its date, the layers switched on, the basemap, and an optional comparison."""

    scenario: str = DEFAULT_SCENARIO
    as_of: dt.date | None = None  # None: the scenario's own date
    layers: tuple[str, ...] | None = None  # None: the scenario's own layers
    basemap: str = DEFAULT_BASEMAP
    compare: str | None = None  # a second scenario shown beside the first

    def resolved(self, scenario: Scenario) -> View:
        """Fill the defaults that depend on the scenario."""
        return replace(
            self,
            as_of=self.as_of or scenario.as_of,
            layers=self.layers if self.layers is not None else scenario.layers,
        )


def _first(value: object) -> str:
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value)[:_MAX_PARAM]


def _shown(value: str) -> str:
    """Quote a user's value for a warning (the app escapes it again when it shows it)."""
    return repr(value if len(value) <= 60 else value[:57] + "…")


def parse_layers(text: str) -> tuple[tuple[str, ...], list[str]]:
    """Split a comma-separated layer list; return the known ids and the unknown ones.

    Examples
    --------
    >>> parse_layers("members,battlegroups,nope")
    (('members', 'battlegroups'), ['nope'])
    """
    known: list[str] = []
    unknown: list[str] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if part in LAYER_IDS:
            if part not in known:
                known.append(part)
        else:
            unknown.append(part)
    return tuple(known), unknown


def parse_view(params: Mapping[str, object], scenario_ids: Iterable[str]) -> tuple[View, list[str]]:
    """Read a view from query parameters; return it and the warnings for the user.

    Unknown parameter names are ignored. ``scenario_ids`` are the ids that may be chosen.

    Examples
    --------
    >>> view, problems = parse_view({"scenario": "nope"}, ["efp-2017", "proposal-2022"])
    >>> view.scenario, problems
    ('proposal-2022', ["Unknown scenario 'nope'; showing 'proposal-2022' instead."])
    """
    scenario_ids = list(scenario_ids)
    problems: list[str] = []
    view = View(scenario=DEFAULT_SCENARIO if DEFAULT_SCENARIO in scenario_ids else scenario_ids[0])

    if "scenario" in params:
        wanted = _first(params["scenario"]).strip()
        if wanted in scenario_ids:
            view = replace(view, scenario=wanted)
        else:
            problems.append(
                f"Unknown scenario {_shown(wanted)}; showing {view.scenario!r} instead."
            )

    if "as_of" in params:
        text = _first(params["as_of"]).strip()
        try:
            view = replace(view, as_of=parse_as_of(text))
        except FlankmapError as err:
            problems.append(f"Ignored as_of {_shown(text)} ({err}); showing the scenario's date.")

    if "layers" in params:
        text = _first(params["layers"])
        layers, unknown = parse_layers(text)
        if unknown:
            problems.append(
                f"Unknown layer(s) {', '.join(_shown(u) for u in unknown)} ignored; "
                f"known layers: {', '.join(LAYER_IDS)}."
            )
        if layers or not text.strip() or not unknown:
            view = replace(view, layers=layers)
        else:
            problems.append("No known layer left; showing the scenario's layers.")

    if "compare" in params:
        wanted = _first(params["compare"]).strip()
        if wanted in scenario_ids:
            view = replace(view, compare=wanted)
        elif wanted:
            problems.append(f"Unknown scenario to compare {_shown(wanted)}; compare mode is off.")

    if "basemap" in params:
        wanted = _first(params["basemap"]).strip()
        if wanted in BASEMAPS:
            view = replace(view, basemap=wanted)
        else:
            problems.append(
                f"Unknown basemap {_shown(wanted)}; showing {DEFAULT_BASEMAP!r} instead."
            )
    return view, problems


def view_to_params(view: View, scenario: Scenario) -> dict[str, str]:
    """Return the query parameters that restore ``view`` exactly (a share link)."""
    view = view.resolved(scenario)
    params = {
        "scenario": view.scenario,
        "as_of": view.as_of.isoformat(),
        "layers": ",".join(view.layers),
    }
    if view.basemap != DEFAULT_BASEMAP:
        params["basemap"] = view.basemap
    if view.compare:
        params["compare"] = view.compare
    return params
