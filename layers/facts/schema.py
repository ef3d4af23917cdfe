"""The fact tables in ``data/``: their columns, types, allowed values and row rules, named once.

``layers.facts.tables.load_table`` validates every file against :data:`TABLES`; the build
script (``scripts/build_facts.py``) writes each of its files with the columns declared here.
A column's ``kind`` says how its text is checked and parsed:

``text``       any text (``required`` means not empty)
``choice``     one of ``allowed``
``iso3``       an ISO 3166-1 alpha-3 code known to the map (or a member state's code)
``iso3_list``  ``;``-separated ``iso3`` codes
``date``       ISO 8601 of year, month or day precision: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``
``date_range`` a ``date`` or ``start/end``
``day``        ``YYYY-MM-DD`` only
``int``        a whole number ≥ 0, parsed to pandas ``Int64``
``lat``/``lon`` decimal degrees (WGS84) in range, parsed to float; a row has both or neither
``urls``       one or more ``http(s)://`` URLs separated by `` | ``
``verified``   ``yes`` or ``partial`` (rows no source confirms are never shipped)

Examples
--------
>>> TABLES["battlegroup_events"].column("status").allowed
('considered', 'offered_lead', 'proposed', 'established', 'brigade')
>>> [c.name for c in TABLES["crimea"].columns]
['id', 'event', 'date', 'source_url', 'verified', 'notes']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from geo.dates import period_start

#: Battle-group status, in the order a battle group moves through them.
STATUS: tuple[str, ...] = ("considered", "offered_lead", "proposed", "established", "brigade")

#: Whether a troop figure is a count (or a strength reported as current) or a size intended.
STRENGTH_SCOPE: tuple[str, ...] = ("present", "planned")

#: What a troop figure counts: the battle group, the battle group upgraded to a brigade, or
#: another unit in the same host (shown apart, never as the battle group's strength).
FORMATION: tuple[str, ...] = ("battle_group", "brigade", "other_formation")

#: The compiled table's kind of source of a troop figure.
SOURCE_KIND: tuple[str, ...] = ("nato", "government", "news", "other")

#: What a row of ``occupied_areas`` is: an outline drawn with a dashed outline, one drawn with
#: a dotted one, or an area only named (no openly licensed line of it exists).
OCCUPATION: tuple[str, ...] = ("occupied", "breakaway", "not_drawn")

#: Roles of the states on the alliance's eastern border.
ROLE: tuple[str, ...] = ("russia", "russia_exclave", "belarus_ally", "partner_invaded", "partner")

#: What a reinforcement sends.
KIND: tuple[str, ...] = ("troops", "aircraft", "ships", "planning")

#: What was observed at a Russian build-up area.
AREA_KIND: tuple[str, ...] = (
    "ground_forces_camp",
    "training_area",
    "airfield_camp",
    "exercise",
    "garrison",
)

#: How complete a battle group's list of contributing nations is (``battlegroup_contributors``).
CONTRIBUTOR_SCOPE: tuple[str, ...] = ("complete", "planned", "partial")

#: Separator of several URLs in one ``source_url`` cell (the compiled tables in ../shared/facts
#: use it too, sometimes without the spaces: :func:`split_urls` reads both).
URL_SEP = " | "

#: Separator of several ISO codes in one cell (here and in the compiled tables).
ISO_SEP = ";"


def split_urls(cell: object) -> list[str]:
    """Return the parts of a source cell, stripped, empty ones left out.

    Examples
    --------
    >>> split_urls("https://a.org | https://b.org|https://c.org ")
    ['https://a.org', 'https://b.org', 'https://c.org']
    >>> split_urls("")
    []
    """
    return [part.strip() for part in str(cell).split(URL_SEP.strip()) if part.strip()]


def join_urls(cells: Iterable[object]) -> str:
    """Join source cells (each one or more URLs) into one cell: each URL once, in order.

    Examples
    --------
    >>> join_urls(["https://a.org | https://b.org", "", "https://a.org "])
    'https://a.org | https://b.org'
    """
    return URL_SEP.join(dict.fromkeys(url for cell in cells if cell for url in split_urls(cell)))


#: What each column kind accepts, for error messages.
KIND_RULES: dict[str, str] = {
    "text": "any text",
    "choice": "one of the allowed values",
    "iso3": "an ISO 3166-1 alpha-3 code on the map or of a member state",
    "iso3_list": "';'-separated ISO 3166-1 alpha-3 codes",
    "date": "YYYY, YYYY-MM or YYYY-MM-DD",
    "date_range": "YYYY, YYYY-MM or YYYY-MM-DD, or start/end",
    "day": "YYYY-MM-DD",
    "int": "a whole number >= 0",
    "lat": "a latitude in -90..90 (decimal degrees)",
    "lon": "a longitude in -180..180 (decimal degrees)",
    "urls": "http(s) URLs separated by ' | '",
    "verified": "yes or partial",
}


@dataclass(frozen=True)
class Column:
    """One column of a fact table."""

    name: str
    kind: str = "text"
    required: bool = True
    allowed: tuple[str, ...] = ()

    def rule(self) -> str:
        """Describe what the column accepts, for error messages."""
        if self.kind == "choice":
            return "one of: " + ", ".join(self.allowed)
        text = KIND_RULES[self.kind]
        return text if self.required else f"{text}, or empty"


#: A check across the cells of one row (stripped text by column name, every cell already valid):
#: returns what is wrong and what is allowed, or ``None`` for a good row.
RowRule = Callable[[Mapping[str, str]], str | None]


@dataclass(frozen=True)
class Ref:
    """Each value of ``column`` names a row of table ``table`` by its ``key`` (a ``noun``)."""

    column: str
    table: str
    key: str
    noun: str


@dataclass(frozen=True)
class Table:
    """One fact table: ``data/<folder>/<name>.csv``.

    ``key`` names the columns whose values must be unique together (and the first of them names
    a row in error messages); ``point`` names its latitude/longitude columns, if any (a row has
    both or neither); ``rows`` are its checks across the cells of a row; ``refs`` its columns
    that name rows of another table. ``folder`` is ``facts`` for the tables
    ``scripts/build_facts.py`` writes, ``""`` for those written by hand beside their geometry;
    ``made_by`` says what restores a missing file.
    """

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    point: tuple[str, str] | None = None
    rows: tuple[RowRule, ...] = ()
    refs: tuple[Ref, ...] = ()
    folder: str = "facts"
    made_by: str = "run scripts/build_facts.py"

    @property
    def path(self) -> str:
        """The file's path inside ``data/``.

        Examples
        --------
        >>> TABLES["members"].path, TABLES["occupied_areas"].path
        ('facts/members.csv', 'occupied_areas.csv')
        """
        return f"{self.folder}/{self.name}.csv" if self.folder else f"{self.name}.csv"

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def _src() -> tuple[Column, Column]:
    return Column("source_url", "urls"), Column("verified", "verified")


def _effect_within(column: str) -> RowRule:
    """``in_effect_from`` must be a day within the period of ``column`` (of a range: its start)."""

    def rule(row: Mapping[str, str]) -> str | None:
        date, start = row[column].split("/")[0], row["in_effect_from"]
        if start[: len(date)] != date:
            return (
                f"in_effect_from {start!r} is outside the period of {column} {date!r}; "
                "allowed: a day within that period"
            )
        return None

    return rule


def _troops_dated(row: Mapping[str, str]) -> str | None:
    if bool(row["troops_approx"]) != bool(row["troops_as_of"]):
        return "troops_approx and troops_as_of must be given together; allowed: both or neither"
    if row["troops_as_of"] and period_start(row["troops_as_of"]) > period_start(
        row["in_effect_from"]
    ):
        return (
            f"troops_as_of {row['troops_as_of']!r} is after in_effect_from "
            f"{row['in_effect_from']!r}; allowed: a figure dated on or before the event"
        )
    return None


def _named_if_other(row: Mapping[str, str]) -> str | None:
    other = row["formation"] == "other_formation"
    if other != bool(row["formation_name"]):
        return (
            f"formation_name {row['formation_name']!r} with formation {row['formation']!r}; "
            "allowed: a name for other_formation, empty for the battle group or its brigade"
        )
    return None


def _high_not_below_low(row: Mapping[str, str]) -> str | None:
    high, low = row["troops_high"], row["troops_low"]
    if high and int(high) < int(low):
        return (
            f"troops_high {high} is below troops_low {low}; allowed: high >= low, "
            "or empty for 'more than low'"
        )
    return None


def _not_before(start: str, end: str) -> RowRule:
    """Column ``end``, where given, must not lie before column ``start``."""

    def rule(row: Mapping[str, str]) -> str | None:
        since, until = row[start], row[end]
        if since and until and period_start(until) < period_start(since):
            return (
                f"{end} {until!r} is before {start} {since!r}; allowed: on or after {start}, "
                "or empty"
            )
        return None

    return rule


def _pair_in_order(row: Mapping[str, str]) -> str | None:
    if not row["a"] < row["b"]:
        return f"pair {row['a']}-{row['b']} is not in order; allowed: a < b alphabetically"
    return None


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "members",
            (
                Column("iso3", "iso3"),
                Column("name"),
                Column("accession_date", "date"),
                *_src(),
                Column("notes", required=False),
            ),
            key=("iso3",),
        ),
        Table(
            "border_states",
            (
                Column("feature_id"),
                Column("iso3", "iso3"),
                Column("name"),
                Column("role", "choice", allowed=ROLE),
                Column("notes", required=False),
                *_src(),
            ),
            key=("feature_id",),
        ),
        Table(
            "battlegroups",
            (
                Column("id"),
                Column("host_iso3", "iso3"),
                Column("host_name"),
                Column("base_name"),
                Column("base_lat", "lat", required=False),
                Column("base_lon", "lon", required=False),
                Column("coord_source", required=False),
                Column("decided", required=False),
                *_src(),
                Column("notes", required=False),
            ),
            key=("id",),
            point=("base_lat", "base_lon"),
        ),
        Table(
            "battlegroup_events",
            (
                Column("bg_id"),
                Column("date", "date"),
                Column("in_effect_from", "day"),
                Column("status", "choice", allowed=STATUS),
                Column("framework_iso3", "iso3_list", required=False),
                Column("troops_approx", "int", required=False),
                Column("troops_as_of", "date", required=False),
                Column("event"),
                *_src(),
            ),
            key=("bg_id", "date", "status", "framework_iso3", "troops_approx"),
            rows=(_effect_within("date"), _troops_dated),
            refs=(Ref("bg_id", "battlegroups", "id", "battle group"),),
        ),
        Table(
            "battlegroup_strengths",
            (
                Column("bg_id"),
                Column("as_of", "date"),
                Column("in_effect_from", "day"),
                Column("troops", "int"),
                Column("scope", "choice", allowed=STRENGTH_SCOPE),
                Column("formation", "choice", allowed=FORMATION),
                Column("formation_name", required=False),  # names an other_formation
                Column("source_url", "urls"),
                Column("source_title"),
                Column("quote"),
                Column("source_kind", "choice", allowed=SOURCE_KIND),
                Column("note", required=False),
                Column("verified", "verified"),
            ),
            key=("bg_id", "as_of", "troops", "source_url"),
            rows=(_named_if_other,),
            refs=(Ref("bg_id", "battlegroups", "id", "battle group"),),
        ),
        Table(
            "replaced_sources",
            (
                Column("domain"),
                Column("old_url", "urls"),
                Column("source_url", "urls"),
                Column("upgrade"),
            ),
            key=("old_url", "upgrade"),
        ),
        Table(
            "reinforcements",
            (
                Column("id"),
                Column("nation_iso3", "iso3", required=False),  # empty: an alliance decision
                Column("kind", "choice", allowed=KIND),
                Column("what"),
                Column("where_name"),
                Column("where_iso3", "iso3_list", required=False),
                Column("lat", "lat", required=False),
                Column("lon", "lon", required=False),
                Column("coord_source", required=False),
                Column("announced_date", "date"),
                *_src(),
                Column("notes", required=False),
            ),
            key=("id",),
            point=("lat", "lon"),
        ),
        Table(
            "buildup_estimates",
            (
                Column("date", "date"),
                Column("estimate_label"),
                Column("troops_low", "int"),
                Column("troops_high", "int", required=False),
                Column("who"),
                Column("what"),
                *_src(),
                Column("notes", required=False),
            ),
            key=("date", "who", "troops_low"),
            rows=(_high_not_below_low,),
        ),
        Table(
            "buildup_areas",
            (
                Column("name"),
                Column("lat", "lat", required=False),
                Column("lon", "lon", required=False),
                Column("kind", "choice", allowed=AREA_KIND),
                Column("country_iso3", "iso3"),
                Column("observed", "date_range"),
                Column("coord_source", required=False),
                *_src(),
                Column("notes", required=False),
            ),
            key=("name",),
            point=("lat", "lon"),
        ),
        Table(
            "crimea",
            (
                Column("id"),
                Column("event"),
                Column("date", "date"),
                *_src(),
                Column("notes", required=False),
            ),
            key=("id",),
        ),
        Table(
            "battlegroup_contributors",
            (
                Column("bg_id"),
                Column("host_iso3", "iso3"),
                Column("framework_iso3", "iso3"),
                Column("as_of", "date_range"),
                Column("in_effect_from", "day"),
                Column("scope", "choice", allowed=CONTRIBUTOR_SCOPE),
                Column("contributor_iso3", "iso3"),
                Column("troops", "int", required=False),
                Column("source_url", "urls"),
                Column("source_title"),
                Column("source_kind", "choice", allowed=SOURCE_KIND),
                Column("note", required=False),
            ),
            key=("bg_id", "as_of", "source_url", "contributor_iso3"),
            rows=(_effect_within("as_of"),),
            refs=(Ref("bg_id", "battlegroups", "id", "battle group"),),
        ),
        Table(
            "statements",
            (
                Column("feature_id"),
                Column("since", "date", required=False),
                Column("until", "day", required=False),
                Column("text"),
                *_src(),
                Column("basis"),
            ),
            key=("feature_id", "since", "text"),
            rows=(_not_before("since", "until"),),
        ),
        Table(
            "border_lengths",
            (
                Column("a", "iso3"),
                Column("b", "iso3"),
                Column("length_km", "int"),
                Column("source"),
                Column("source_url", "urls"),
                Column("as_of", "date"),
                Column("notes", required=False),
                Column("verified", "verified"),
            ),
            key=("a", "b"),
            rows=(_pair_in_order,),
        ),
        Table(
            "occupied_areas",
            (
                Column("id"),
                Column("name"),
                Column("iso3", "iso3"),
                Column("category", "choice", allowed=OCCUPATION),
                Column("from_date", "date"),
                Column("until", "date", required=False),  # empty: still in force
                Column("label"),
                *_src(),
                Column("notes", required=False),
            ),
            key=("id", "from_date"),
            rows=(_not_before("from_date", "until"),),
            folder="",
            made_by="it is written by hand: restore it from the repository (see data/README.md)",
        ),
    )
}
