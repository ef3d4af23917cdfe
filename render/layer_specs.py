"""The one declaration of the map's layers: for each, its group name, tooltip fields and style.

The app's map, the exported HTML and the compare view all draw from :data:`LAYER_SPECS`, so a
layer added here shows in each of them. A layer a scenario can switch is named by its title in
the scenario schema (``LAYER_TITLES``), as the app's layer switches name it.
"""

from __future__ import annotations

from dataclasses import dataclass

from layers.scenario.map_table import BATTLEGROUP_HEADINGS
from layers.scenario.scenario_schema import LAYER_TITLES


@dataclass(frozen=True)
class LayerSpec:
    """How one scene layer is drawn: its group name, tooltip fields and style."""

    name: str
    attribute: str  # the Scene attribute holding the frame
    fields: tuple[str, ...]
    aliases: tuple[str, ...]
    style: str | None = None  # None: styled per feature (``category`` or ``status_class``)
    points: bool = False
    popup: bool = False
    #: The shared shape set (``SHAPE_SETS``) each row names by key, e.g. a country by ``iso3``;
    #: None: the rows carry their own points or geometry (the user's overlay).
    shapes: str | None = None

    @property
    def styled_by(self) -> str | None:
        """The column that picks each feature's style, or None for one style for the layer."""
        if self.style is not None:
            return None
        return "status_class" if self.points else "category"

    def data_fields(self) -> list[str]:
        """Return the columns the layer sends: its tooltip fields and the style column."""
        return [*self.fields, *([self.styled_by] if self.styled_by else [])]


COUNTRY_FIELDS = ["name", "status", "note", "source"]

#: Every drawn layer, bottom to top (labels are drawn last, from the battle groups).
LAYER_SPECS = (
    LayerSpec(
        "Countries",
        "countries",
        tuple(COUNTRY_FIELDS),
        ("Country", "Status", "Note", "Source"),
        shapes="countries",
    ),
    LayerSpec(
        LAYER_TITLES["occupied"],
        "occupied",
        ("name", "label", "source_url"),
        ("Area", "Status", "Source"),
        shapes="occupied",
    ),
    LayerSpec(
        LAYER_TITLES["demand_area"],
        "demand_area",
        ("name", "status", "source"),
        ("Country", "Demand", "Source"),
        style="demand_area",
        shapes="countries",
    ),
    LayerSpec(
        "Your overlay",
        "overlay",
        ("label", "name", "attribution"),
        ("Overlay", "Feature", "Attribution"),
        style="overlay",
    ),
    LayerSpec(
        LAYER_TITLES["buildup"],
        "buildup",
        ("name", "kind", "observed", "notes", "coord_source", "source_url"),
        ("Place", "Kind", "Observed", "Note", "Location from", "Source"),
        style="buildup",
        points=True,
    ),
    LayerSpec(
        LAYER_TITLES["reinforcements"],
        "reinforcements",
        ("what", "where_name", "announced_date", "coord_source", "source_url"),
        ("What", "Where", "Announced", "Location from", "Source"),
        style="reinforcement",
        points=True,
    ),
    LayerSpec(
        LAYER_TITLES["battlegroups"],
        "battlegroups",
        tuple(BATTLEGROUP_HEADINGS),
        tuple(BATTLEGROUP_HEADINGS.values()),
        points=True,
        popup=True,
    ),
)
