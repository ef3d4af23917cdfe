"""Map layers built from the sourced facts: pure functions, each returning a new frame."""

from layers.facts.tables import event_dates, load_table
from layers.thematic.battlegroups import battlegroups, timeline
from layers.thematic.border_states import border_states
from layers.thematic.context import (
    buildup_areas,
    buildup_areas_table,
    buildup_estimates,
    occupied,
    reinforcements,
    reinforcements_period,
    reinforcements_table,
    transnistria_note,
)
from layers.thematic.members import member_codes, members

__all__ = [
    "battlegroups",
    "border_states",
    "buildup_areas",
    "buildup_areas_table",
    "buildup_estimates",
    "event_dates",
    "load_table",
    "member_codes",
    "members",
    "occupied",
    "reinforcements",
    "reinforcements_period",
    "reinforcements_table",
    "timeline",
    "transnistria_note",
]
