"""What the map shows, as tables: for screen readers, for copying, and to check the map against.

Pure: each function reads a :class:`~layers.scenario.scene.Scene` and returns a new DataFrame with
plain-text cells and readable column names; the app shows them with ``st.dataframe``.
"""

from __future__ import annotations

import pandas as pd

from layers.facts.tables import load_table
from layers.scenario.scene import Scene
from layers.thematic.members import member_codes

#: Battle-group columns of the scene and their headings, here and in the map's tooltips.
BATTLEGROUP_HEADINGS = {
    "host": "Host",
    "framework": "Framework nation",
    "status": "Status",
    "troops": "Troops",
    "contributors_text": "Contributing nations",
    "base": "Base",
    "note": "Note",
    "source": "Source",
    "verified": "Verified",
}
#: The battle-group columns of the table.
BATTLEGROUP_COLUMNS = ("host", "framework", "status", "troops", "base", "source")

#: Columns of the members fact table, and their headings in the table.
MEMBER_COLUMNS = {
    "name": "Member",
    "iso3": "Code",
    "accession_date": "Member since",
    "source_url": "Source",
}


def battlegroup_table(scene: Scene) -> pd.DataFrame:
    """Return one row per battle group on the map: host, framework, status, troops and source.

    Examples
    --------
    >>> import datetime as dt
    >>> from layers.scenario.scenarios import load_presets
    >>> from layers.scenario.scene import build_scene
    >>> s = load_presets()["efp-2017"]
    >>> table = battlegroup_table(build_scene(s, dt.date(2018, 6, 1), s.layers))
    >>> list(table.columns)
    ['Host', 'Framework nation', 'Status', 'Troops', 'Base', 'Source']
    >>> table["Host"].tolist()
    ['Estonia', 'Latvia', 'Lithuania', 'Poland']
    """
    frame = pd.DataFrame(scene.battlegroups.drop(columns="geometry"))
    frame = frame.reindex(columns=list(BATTLEGROUP_COLUMNS)).fillna("")
    return frame.rename(columns=BATTLEGROUP_HEADINGS).reset_index(drop=True)


def member_table(scene: Scene) -> pd.DataFrame:
    """Return one row per NATO member on the map's date, by name, with the accession's source.

    Every member counts, also those beyond the map's frame (Canada, the United States).

    Examples
    --------
    >>> import datetime as dt
    >>> from layers.scenario.scenarios import load_presets
    >>> from layers.scenario.scene import build_scene
    >>> s = load_presets()["efp-2017"]
    >>> table = member_table(build_scene(s, dt.date(2018, 6, 1), s.layers))
    >>> len(table), table.iloc[0].tolist()[:3]
    (29, ['Albania', 'ALB', '2009-04-01'])
    """
    facts = load_table("members")
    members = facts[facts["iso3"].isin(member_codes(scene.as_of))]
    members = members.reindex(columns=list(MEMBER_COLUMNS)).sort_values("name", kind="stable")
    return members.rename(columns=MEMBER_COLUMNS).reset_index(drop=True)
