"""Charts beside the map: each battle group's sourced strength over time.

Pure functions: they take data frames and return Vega-Lite specs as plain dicts; the app only
places them (``st.vega_lite_chart``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

#: Words for the marks, one home.
SCOPE_LABELS = {"present": "present strength", "planned": "planned size"}
FORMATION_LABELS = {"battle_group": "battle group", "brigade": "brigade"}
#: The Vega-Lite version the specs are written for (the one Streamlit's frontend draws).
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
#: What the marks mean (shown above the chart; Vega's shape legend drew no symbols here).
KEY_TEXT = (
    "○ hollow circle: planned size · ■ filled square: present strength · dashed line: map date"
)


def strength_chart_data(
    frame: pd.DataFrame, names: Mapping[str, str], as_of: dt.date
) -> pd.DataFrame:
    """Return the chart's rows: one per figure, up to ``as_of`` (a map never shows later ones).

    ``frame`` is ``layers.thematic.strengths.timeline_frame``; ``names`` maps battle-group ids to the
    label shown (e.g. the host's name).

    Examples
    --------
    >>> frame = pd.DataFrame({"bg_id": ["bg_a", "bg_a"], "day": pd.to_datetime(["2017-03-31",
    ...     "2023-01-01"]), "troops": [1200, 900], "scope": ["planned", "present"],
    ...     "formation": ["battle_group"] * 2, "as_of": ["2017-03", "2023-01-01"], "source": ["x"] * 2})
    >>> strength_chart_data(frame, {"bg_a": "Estonia"}, dt.date(2022, 2, 23))[["group", "scope"]]
         group         scope
    0  Estonia  planned size
    """  # noqa: E501
    rows = frame[frame["day"] <= pd.Timestamp(as_of)].copy()
    rows["group"] = [names.get(b, b) for b in rows["bg_id"]]
    rows["scope"] = rows["scope"].map(SCOPE_LABELS)
    rows["formation"] = rows["formation"].map(FORMATION_LABELS)
    return rows[["group", "day", "troops", "scope", "formation", "as_of", "source"]].reset_index(
        drop=True
    )


def strength_chart(data: pd.DataFrame, as_of: dt.date, *, height: int = 260) -> dict[str, Any]:
    """Return a Vega-Lite spec: each group's figures as steps, the as-of date as a rule.

    Planned sizes are hollow marks, present strengths filled: shape and fill, not colour
    alone, tell them apart. ``data`` is :func:`strength_chart_data`'s result. The spec is a
    plain dict with its rows under ``datasets`` (days as ISO timestamps), for
    ``st.vega_lite_chart``: written out, not built with Altair, whose import alone took about
    a second of a fresh server's first view.

    Examples
    --------
    >>> spec = strength_chart(pd.DataFrame({"group": ["Estonia"], "day": [pd.Timestamp(
    ...     "2017-05-12")], "troops": [1000], "scope": ["present strength"], "formation":
    ...     ["battle group"], "as_of": ["2017-05-12"], "source": ["https://nato.int"]}),
    ...     dt.date(2018, 1, 1))
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['line', 'point', 'rule']
    >>> spec["datasets"]["map_date"]
    [{'day': '2018-01-01T00:00:00', 'label': 'as of 2018-01-01'}]
    """
    figures = data.assign(day=[day.isoformat() for day in data["day"]])
    rows = [
        {key: (None if pd.isna(value) else value) for key, value in row.items()}
        for row in figures.to_dict("records")
    ]
    day = pd.Timestamp(as_of).isoformat()
    position = {
        "x": {
            "field": "day",
            "type": "temporal",
            "title": None,
            "axis": {"format": "%b %Y", "labelOverlap": True},
        },
        "y": {"field": "troops", "type": "quantitative", "title": "troops (sourced figures)"},
        "color": {
            "field": "group",
            "type": "nominal",
            "title": "Battle group",
            "legend": {"orient": "bottom"},
        },
    }
    steps = {
        "data": {"name": "figures"},
        "mark": {"type": "line", "interpolate": "step-after", "opacity": 0.6},
        "encoding": position,
    }
    present = json.dumps(SCOPE_LABELS["present"])
    marks = {
        "data": {"name": "figures"},
        "mark": {"type": "point", "filled": False, "size": 60},
        "encoding": {
            **position,
            # KEY_TEXT says it: the legend drew no symbol.
            "shape": {"field": "scope", "type": "nominal", "legend": None},
            "fill": {
                "condition": {
                    "test": f"(datum.scope === {present})",
                    "field": "group",
                    "type": "nominal",
                },
                "value": "white",
            },
            "tooltip": [
                {"field": "group", "type": "nominal", "title": "Battle group"},
                {"field": "as_of", "type": "nominal", "title": "Reported"},
                {"field": "troops", "type": "quantitative", "title": "Troops", "format": ","},
                {"field": "scope", "type": "nominal", "title": "Figure"},
                {"field": "formation", "type": "nominal", "title": "Counts"},
                {"field": "source", "type": "nominal", "title": "Source"},
            ],
        },
    }
    rule = {
        "data": {"name": "map_date"},
        "mark": {"type": "rule", "color": "#222222", "strokeDash": [4, 3]},
        "encoding": {
            "x": {"field": "day", "type": "temporal"},
            "tooltip": {"field": "label", "type": "nominal", "title": "Map date"},
        },
    }
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "height": height,
        "layer": [steps, marks, rule],
        "datasets": {
            "figures": rows,
            "map_date": [{"day": day, "label": f"as of {as_of.isoformat()}"}],
        },
    }
