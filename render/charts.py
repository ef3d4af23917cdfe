"""Charts beside the map: each battle group's sourced strength over time.

Pure functions: they take data frames and return Altair charts (Altair comes with Streamlit);
the app only places them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

#: Words for the marks, one home.
SCOPE_LABELS = {"present": "present strength", "planned": "planned size"}
FORMATION_LABELS = {"battle_group": "battle group", "brigade": "brigade"}
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


def strength_chart(data: pd.DataFrame, as_of: dt.date, *, height: int = 260):
    """Return an Altair chart: each group's figures as steps, the as-of date as a rule.

    Planned sizes are hollow marks, present strengths filled: shape and fill, not colour
    alone, tell them apart. ``data`` is :func:`strength_chart_data`'s result.

    Examples
    --------
    >>> chart = strength_chart(pd.DataFrame({"group": ["Estonia"], "day": [pd.Timestamp(
    ...     "2017-05-12")], "troops": [1000], "scope": ["present strength"], "formation":
    ...     ["battle group"], "as_of": ["2017-05-12"], "source": ["https://nato.int"]}),
    ...     dt.date(2018, 1, 1))
    >>> spec = chart.to_dict()
    >>> len(spec["layer"])
    3
    """
    import altair as alt

    day = pd.Timestamp(as_of)
    base = alt.Chart(data).encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%b %Y", labelOverlap=True)),
        y=alt.Y("troops:Q", title="troops (sourced figures)"),
        color=alt.Color("group:N", title="Battle group", legend=alt.Legend(orient="bottom")),
    )
    steps = base.mark_line(interpolate="step-after", opacity=0.6)
    marks = base.mark_point(size=60, filled=False).encode(
        shape=alt.Shape("scope:N", legend=None),  # KEY_TEXT says it: the legend drew no symbol
        fill=alt.condition(
            alt.datum.scope == SCOPE_LABELS["present"], "group:N", alt.value("white")
        ),
        tooltip=[
            alt.Tooltip("group:N", title="Battle group"),
            alt.Tooltip("as_of:N", title="Reported"),
            alt.Tooltip("troops:Q", title="Troops", format=","),
            alt.Tooltip("scope:N", title="Figure"),
            alt.Tooltip("formation:N", title="Counts"),
            alt.Tooltip("source:N", title="Source"),
        ],
    )
    rule = (
        alt.Chart(pd.DataFrame({"day": [day], "label": [f"as of {as_of.isoformat()}"]}))
        .mark_rule(color="#222222", strokeDash=[4, 3])
        .encode(x="day:T", tooltip=alt.Tooltip("label:N", title="Map date"))
    )
    return alt.layer(steps, marks, rule).properties(height=height)
