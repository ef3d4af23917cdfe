"""Map layers built from the sourced facts: pure functions, each returning a new frame."""

from layers.battlegroups import battlegroups, timeline
from layers.border_states import border_states
from layers.context import (
    buildup_areas,
    buildup_areas_table,
    buildup_estimates,
    occupied,
    reinforcements,
    reinforcements_table,
    transnistria_note,
)
from layers.facts import event_dates, load_table
from layers.members import member_codes, members

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
    "reinforcements_table",
    "timeline",
    "transnistria_note",
]
