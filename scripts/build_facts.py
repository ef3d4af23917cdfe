"""Build data/facts/ from the compiled fact tables in ../shared/facts/.

Usage::

    python scripts/build_facts.py [--source DIR] [--seeds DIR] [--out DIR]

The source tables are read, never changed. Every output row keeps its source URL(s) and the
``verified`` flag of the statement it comes from; rows flagged ``verified=no`` are not shipped.
Battle-group events are derived only from sourced statements: each one below names the text it
rests on (``evidence``), and the build stops if that text is no longer in the source, so a
corrected source can't leave a stale event behind. The script also writes data/facts/README.md,
which lists where every file came from and every change made.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import facts_strengths
import yaml
from facts_strengths import LSM_MARK
from facts_upgrades import improve, read_upgrades, replaced_rows, swap_urls

from geo.boundaries import KALININGRAD
from geo.dates import period_end, period_start
from layers.facts.schema import TABLES, URL_SEP, split_urls

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO.parent / "shared" / "facts"
DEFAULT_OUT = REPO / "data" / "facts"

#: The Reuters report of 2022-02-15 that the seed copies, in Reuters' words (via Metro US): it
#: replaces the seed's copy (archyde.com), which source_upgrades.csv replaced.
REUTERS_2022_02_15 = "https://www.metro.us/nato-to-consider-new/"


class BuildError(RuntimeError):
    """The source tables don't say what this script expects."""


# -- reading and writing ----------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        raise BuildError(f"{path.name}: no rows")
    return [{k: (v or "").strip() for k, v in row.items()} for row in rows]


def write_csv(path: Path, columns: list[str], rows: list[dict[str, object]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: "" if row.get(c) is None else row.get(c) for c in columns})
    path.write_text(buf.getvalue(), encoding="utf-8")


def by_id(rows: list[dict[str, str]], key: str = "id") -> dict[str, dict[str, str]]:
    out = {row[key]: row for row in rows}
    if len(out) != len(rows):
        raise BuildError(f"duplicate {key} in source")
    return out


def pick_urls(value: str, *marks: str) -> str:
    """Return the URLs of a source_url cell that contain one of ``marks``, in source order."""
    chosen = [u for u in split_urls(value) if any(m in u for m in marks)]
    if len(chosen) != len(marks):
        raise BuildError(f"expected one URL for each of {marks} in {value!r}")
    return URL_SEP.join(chosen)


def shipped(rows: list[dict[str, str]], name: str, dropped: dict[str, int]) -> list[dict[str, str]]:
    """Drop rows that no source confirms (verified=no); count them for the README."""
    bad = [r for r in rows if r["verified"] not in {"yes", "partial"}]
    for row in bad:
        if row["verified"] != "no":
            raise BuildError(f"{name}: verified={row['verified']!r}; expected yes, partial or no")
    dropped[name] = len(bad)
    return [r for r in rows if r["verified"] in {"yes", "partial"}]


def check_date(value: str, where: str) -> str:
    if value:
        period_start(value)  # raises on anything that isn't YYYY, YYYY-MM or YYYY-MM-DD
    return value


# -- battle-group events ----------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """A piece of source text an event rests on: ``text`` must occur in ``where``.

    ``where`` is ``"seed"``, ``"readme"`` (the compiled tables' README, whitespace collapsed),
    ``"<file>:<row id>:<column>"`` of a compiled table, or ``"read"``: a quote from the page
    ``url`` (one of the event's sources), read when the event was added; it cannot be checked
    offline, so it is kept with the event as the record of what the page says.
    """

    where: str
    text: str
    url: str = ""


@dataclass(frozen=True)
class Event:
    bg_id: str
    date: str
    status: str
    framework_iso3: str
    event: str
    source_url: str
    verified: str
    evidence: tuple[Evidence, ...]
    troops_approx: int | None = None
    troops_as_of: str = ""
    # The day the replay applies the event, when it can't be the first day of `date`'s period.
    in_effect_from: str = ""
    placement_note: str = ""


EVENTS_FILE = REPO / "scripts" / "facts_src" / "battlegroup_events.yaml"


def _bg(col: str, bg: str) -> str:
    return f"battlegroups.csv:{bg}:{col}"


_EVENT_KEYS = {
    "bg_id",
    "date",
    "in_effect_from",
    "status",
    "framework_iso3",
    "event",
    "source_url",
    "verified",
    "troops_approx",
    "troops_as_of",
    "evidence",
    "placement_note",
}


def load_events(path: Path = EVENTS_FILE) -> list[Event]:
    """Read the dated status events from their data file (one mapping per event).

    Every event names its source URLs and the text it rests on (``evidence``); dates are
    read as text, so ``2022`` and ``2022-02`` keep their precision.
    """
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise BuildError(f"{path.name}: not valid YAML ({err})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("events"), list):
        raise BuildError(f"{path.name}: expected a mapping with an 'events' list")
    out = []
    for number, item in enumerate(doc["events"], start=1):
        where = f"{path.name}: event {number}"
        if not isinstance(item, dict):
            raise BuildError(f"{where}: expected a mapping")
        unknown = set(item) - _EVENT_KEYS
        if unknown:
            raise BuildError(f"{where}: unknown keys {sorted(unknown)}")
        missing = {"bg_id", "date", "status", "event", "source_url", "verified", "evidence"}
        missing -= set(item)
        if missing:
            raise BuildError(f"{where}: missing {sorted(missing)}")
        sources = item["source_url"]
        if not isinstance(sources, list) or not sources:
            raise BuildError(f"{where}: source_url must be a non-empty list of URLs")
        evidence = []
        for ev in item["evidence"] or []:
            if set(ev) - {"where", "text", "url"} or "where" not in ev or "text" not in ev:
                raise BuildError(f"{where}: evidence needs 'where' and 'text' (and 'url' if read)")
            if ev["where"] == "read" and ev.get("url") not in sources:
                raise BuildError(f"{where}: evidence read at {ev.get('url')!r}, not a source")
            evidence.append(Evidence(str(ev["where"]), str(ev["text"]), str(ev.get("url", ""))))
        if not evidence:
            raise BuildError(f"{where}: no evidence")
        troops = item.get("troops_approx")
        out.append(
            Event(
                bg_id=str(item["bg_id"]),
                date=str(item["date"]),
                status=str(item["status"]),
                framework_iso3=str(item.get("framework_iso3") or ""),
                event=str(item["event"]),
                source_url=URL_SEP.join(str(u) for u in sources),
                verified=str(item["verified"]),
                evidence=tuple(evidence),
                troops_approx=None if troops is None else int(troops),
                troops_as_of=str(item.get("troops_as_of") or ""),
                in_effect_from=str(item.get("in_effect_from") or ""),
                placement_note=str(item.get("placement_note") or ""),
            )
        )
    return out


def troop_events(bgs: dict[str, dict[str, str]]) -> list[Event]:
    """One event per battle group for the NATO press-office figures (status carried later)."""
    out = []
    for bg_id, row in bgs.items():
        if not row["troops_approx"]:
            continue
        out.append(
            Event(
                bg_id,
                row["troops_as_of"],
                "",
                "",
                f"NATO press-office figure: {int(row['troops_approx']):,} troops "
                "(reported by LSM; may include support personnel); status unchanged",
                pick_urls(row["source_url"], LSM_MARK),
                "yes",
                (
                    Evidence(_bg("troops_approx", bg_id), row["troops_approx"]),
                    Evidence(_bg("troops_as_of", bg_id), row["troops_as_of"]),
                ),
                troops_approx=int(row["troops_approx"]),
                troops_as_of=row["troops_as_of"],
            )
        )
    return out


def check_evidence(ev: Event, tables: dict, seed: str) -> None:
    for item in ev.evidence:
        if item.where == "read":
            continue
        if item.where == "seed":
            haystack = seed
        elif item.where == "readme":
            haystack = tables["README.md"]
        elif item.where == "claims_checked.md":
            haystack = tables["claims_checked.md"]
        else:
            fname, row_id, col = item.where.split(":")
            haystack = tables[fname][row_id][col]
        if item.text not in haystack:
            raise BuildError(f"{ev.bg_id} {ev.date} {ev.status}: {item.text!r} not in {item.where}")


def replay(events: list[Event]) -> list[dict[str, object]]:
    """Order the events on the time line and fill in the carried status of troop-only rows."""
    rows = []
    for seq, ev in enumerate(events):
        start = ev.in_effect_from or period_start(ev.date).isoformat()
        if ev.in_effect_from:
            lo = period_start(ev.date)
            if not lo.isoformat() <= start or not start.startswith(ev.date):
                raise BuildError(f"{ev.bg_id}: in_effect_from {start} outside {ev.date}")
        rows.append({"seq": seq, "ev": ev, "in_effect_from": start})
    rows.sort(key=lambda r: (r["ev"].bg_id, r["in_effect_from"], r["seq"]))
    out: list[dict[str, object]] = []
    state: dict[str, tuple[str, str]] = {}
    for r in rows:
        ev: Event = r["ev"]
        status, framework = ev.status, ev.framework_iso3
        if not status:  # troop figure: carries the state in force that day
            if ev.bg_id not in state:
                raise BuildError(f"{ev.bg_id}: troop figure {ev.date} before any status event")
            status, framework = state[ev.bg_id]
        state[ev.bg_id] = (status, framework)
        out.append(
            {
                "bg_id": ev.bg_id,
                "date": ev.date,
                "in_effect_from": r["in_effect_from"],
                "status": status,
                "framework_iso3": framework,
                "troops_approx": ev.troops_approx,
                "troops_as_of": ev.troops_as_of,
                "event": ev.event,
                "source_url": ev.source_url,
                "verified": ev.verified,
            }
        )
    return out


# -- tables -----------------------------------------------------------------------------------

_OBSERVED_NOTE = re.compile(r"^(\d{4}(?:-\d{2}){0,2}) \(([^)]+)\)$")


def build(source: Path, seeds: Path, out: Path) -> dict[str, int]:
    seed_files = sorted(seeds.glob("*.txt"))
    if len(seed_files) != 1:
        raise BuildError(f"expected one seed report in {seeds}, found {len(seed_files)}")
    seed = seed_files[0].read_text(encoding="utf-8")
    dropped: dict[str, int] = {}
    log: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    out.mkdir(parents=True, exist_ok=True)
    upgrades = read_upgrades(source)

    def emit(name: str, rows: list[dict[str, object]]) -> None:
        """Write ``rows`` to ``name`` with the columns layers/facts/schema.py declares for it."""
        write_csv(out / name, [c.name for c in TABLES[name.removesuffix(".csv")].columns], rows)
        counts[name] = len(rows)

    # members.csv
    members = shipped(read_csv(source / "nato_members.csv"), "nato_members.csv", dropped)
    members = improve(upgrades, "nato_members.csv", members)
    if len(members) != 32:
        raise BuildError(f"nato_members.csv: {len(members)} rows, expected 32")
    for row in members:
        check_date(row["accession_date"], "nato_members.csv")
    emit("members.csv", members)
    log["members.csv"] = ["Copied row for row; columns unchanged; sources upgraded as listed."]

    # border_states.csv
    border = []
    for row in read_csv(source / "border_states.csv"):
        feature_id = KALININGRAD if row["role"] == "russia_exclave" else row["iso3"]
        border.append({**row, "feature_id": feature_id, "verified": "yes"})
    expected = {"BLR", "GEO", "MDA", "RUS", KALININGRAD, "UKR"}
    if sorted(r["feature_id"] for r in border) != sorted(expected):
        raise BuildError("border_states.csv: unexpected rows")
    emit("border_states.csv", border)
    log["border_states.csv"] = [
        "Added `feature_id`, the map key: the iso3 code, except `RUS-KGD` for the Kaliningrad "
        "row (role `russia_exclave`), which shares iso3 `RUS` with the main Russia row.",
        "Added `verified` = `yes` on every row: the source table has no such column. The rows "
        "are the compiled table's summary of the cited page; the border lengths quoted in "
        "`notes` are the CIA World Factbook's (see border_lengths.csv), and the Transnistria "
        "troop figure is the Factbook's 2025 value, not a February 2022 count.",
    ]

    # battlegroups.csv and battlegroup_events.csv
    bg_rows = shipped(read_csv(source / "battlegroups.csv"), "battlegroups.csv", dropped)
    bgs = by_id(bg_rows)
    deps_rows = read_csv(source / "deployments_2022.csv")
    deps = by_id(deps_rows)
    emit("battlegroups.csv", improve(upgrades, "battlegroups.csv", bg_rows))
    log["battlegroups.csv"] = [
        "One row per battle group with its static facts; `notes`, `decided`, coordinates and "
        "`source_url` verbatim. `decided` is free text (`2016 (Warsaw Summit)` or an ISO date) "
        "and is not an event on the map.",
        "Dropped `framework_nation`, `framework_iso3`, `status_2022_02`, `established`, "
        "`troops_approx` and `troops_as_of`: they change over time and live in "
        "battlegroup_events.csv, where each value carries its own date and source.",
        "`verified` is the compiled table's: bg_ltu is `partial` because of the Panzerbrigade 45 "
        "date (secondary source).",
    ]

    status_events = load_events()
    all_events = status_events + troop_events(bgs)
    readme = " ".join((source / "README.md").read_text(encoding="utf-8").split())
    claims = " ".join((source / "claims_checked.md").read_text(encoding="utf-8").split())
    tables = {
        "battlegroups.csv": bgs,
        "deployments_2022.csv": deps,
        "README.md": readme,
        "claims_checked.md": claims,
        "source_upgrades.csv": {r["row_key"]: r for r in upgrades.rows},
    }
    for ev in all_events:
        check_evidence(ev, tables, seed)
        check_date(ev.date, "events")
        if ev.bg_id not in bgs:
            raise BuildError(f"event for unknown battle group {ev.bg_id}")
    events = replay(all_events)
    emit("battlegroup_events.csv", events)
    log["battlegroup_events.csv"] = _events_log(status_events, events)

    # battlegroup_strengths.csv
    strengths, strength_log = facts_strengths.derive(
        read_csv(source / "battlegroup_strengths.csv"), bgs
    )
    for row in strengths:
        check_date(str(row["as_of"]), "battlegroup_strengths.csv")
    figures = {(r["bg_id"], r["as_of"], r["troops"]) for r in strengths}
    for ev in all_events:
        if ev.troops_approx is not None and (
            (ev.bg_id, ev.troops_as_of, ev.troops_approx) not in figures
        ):
            raise BuildError(
                f"{ev.bg_id} {ev.date}: troop figure {ev.troops_approx} ({ev.troops_as_of}) is "
                "not in battlegroup_strengths.csv"
            )
    emit("battlegroup_strengths.csv", strengths)
    log["battlegroup_strengths.csv"] = [
        "One row per sourced troop figure of one battle group, with the compiled row's source "
        "URL, title, quote, `source_kind` and `note` (scripts/facts_src/"
        "battlegroup_strengths.yaml says how each row is read).",
        "`scope` is `present` (a count or a strength reported as current) or `planned` (a size "
        "announced or intended). `formation` is `battle_group`, `brigade` (the battle group "
        "upgraded: Latvia from 2024-07-03) or `other_formation` (another unit in the host: "
        "Germany's Panzerbrigade 45 in Lithuania, shown apart, never as the battle group's "
        "strength); `formation_name` names an `other_formation` as the map shows it "
        "(`formation_names` in the rules file).",
        "`in_effect_from` is the first day the map shows the figure: the day given, or the LAST "
        "day of a month or year (a figure reported in 'March 2017' is shown from 2017-03-31), "
        "so a map never shows a figure before it was reported. A battle group's strength on a "
        "date is the latest figure in effect (`layers.thematic.strengths`).",
        "Every troop figure in battlegroup_events.csv is also a row here (the build checks it).",
        *strength_log,
    ]

    # reinforcements.csv
    improved = improve(upgrades, "deployments_2022.csv", deps_rows)
    reinf = shipped(improved, "deployments_2022.csv", dropped)
    others, others_log = other_allies_rows()
    reinf += others
    for row in reinf:
        row["nation_iso3"] = row.pop("nation")
        check_date(row["announced_date"], "deployments_2022.csv")
        if bool(row["lat"]) != bool(row["lon"]):
            raise BuildError(f"deployments_2022.csv {row['id']}: only one of lat/lon")
    emit("reinforcements.csv", reinf)
    log["reinforcements.csv"] = [
        *others_log,
        "From deployments_2022.csv: `nation` renamed `nation_iso3`; everything else verbatim.",
        "Empty `lat`/`lon` stay empty: those rows (ships, regions, offers, unnamed locations) "
        "have no sourced point and are listed, never plotted or geolocated.",
        "`where_iso3` may hold several `;`-separated codes (e.g. `EST;LVA;LTU`) or be empty "
        "(open sea). `CYP` for RAF Akrotiri is geographic only: the base is a UK Sovereign Base "
        "Area.",
        "The sources put HMS Trent and HMS Diamond in the eastern Mediterranean, NOT the Black "
        "Sea.",
        "The rows also include the French (fra_rou_offer, fra_rou_parly) and Bulgarian "
        "(bgr_offer) offers to lead battle groups; their lat/lon are empty.",
    ]

    # buildup_estimates.csv
    estimates = shipped(read_csv(source / "russian_buildup.csv"), "russian_buildup.csv", dropped)
    estimates = improve(upgrades, "russian_buildup.csv", estimates)
    est_out = []
    for row in estimates:
        check_date(row["date"], "russian_buildup.csv")
        low = int(row["estimate_low"])
        high = int(row["estimate_high"]) if row["estimate_high"] else None
        if high is not None and high < low:
            raise BuildError(f"russian_buildup.csv {row['date']}: high < low")
        est_out.append(
            {
                "date": row["date"],
                "estimate_label": row["estimate_troops"],
                "troops_low": low,
                "troops_high": high,
                **{k: row[k] for k in ("who", "what", "source_url", "verified", "notes")},
            }
        )
    emit("buildup_estimates.csv", est_out)
    log["buildup_estimates.csv"] = [
        "From russian_buildup.csv: `estimate_troops` renamed `estimate_label` (the figure as "
        "reported, text); `estimate_low`/`estimate_high` renamed `troops_low`/`troops_high` "
        '(integers). An empty `troops_high` means "more than `troops_low`".',
        "Figures differ in scope (Russian troops only vs incl. Rosgvardia and separatist "
        "forces; actual vs planned): read `what` and `notes` before comparing rows.",
    ]

    # buildup_areas.csv
    areas = shipped(read_csv(source / "buildup_areas.csv"), "buildup_areas.csv", dropped)
    areas = improve(upgrades, "buildup_areas.csv", areas)
    area_log = [
        "Empty `lat`/`lon` stay empty (no sourced coordinate): those areas are listed, not "
        "plotted. Points stand for the named town, not the training area or camp; see "
        "`coord_source`."
    ]
    for row in areas:
        observed = row["observed"]
        if " / " in observed:
            row["observed"] = observed.replace(" / ", "/")
            area_log.append(
                f"{row['name']}: `observed` {observed!r} written {row['observed']!r} (ISO range "
                "`first/last` sourced observation)."
            )
        elif match := _OBSERVED_NOTE.match(observed):
            row["observed"] = match.group(1)
            row["notes"] = f"Observed: {observed}. {row['notes']}"
            area_log.append(
                f"{row['name']}: `observed` {observed!r} written {row['observed']!r}; the "
                f"qualifier ({match.group(2)}) moved to the start of `notes`."
            )
        for part in row["observed"].split("/"):
            check_date(part, "buildup_areas.csv")
    emit("buildup_areas.csv", areas)
    log["buildup_areas.csv"] = area_log

    # crimea.csv
    crimea = shipped(read_csv(source / "crimea.csv"), "crimea.csv", dropped)
    for row in crimea:
        check_date(row["date"], "crimea.csv")
    emit("crimea.csv", crimea)
    log["crimea.csv"] = [
        "Copied verbatim. `crimea_annexation` (2014-03-18) is when the occupied-Crimea layer "
        "starts; `unga_68_262` is the basis for drawing Crimea as Ukrainian territory."
    ]

    # border_lengths.csv
    lengths = []
    swapped = []
    for row in read_csv(source / "border_lengths.csv"):
        a, b = row["a"], row["b"]
        if a > b:
            a, b = b, a
            swapped.append(f"{row['a']}-{row['b']}")
        lengths.append({**row, "a": a, "b": b, "length_km": int(row["km"]), "verified": "yes"})
    pairs = [(r["a"], r["b"]) for r in lengths]
    if len(set(pairs)) != len(pairs):
        raise BuildError("border_lengths.csv: duplicate pair")
    emit("border_lengths.csv", lengths)
    log["border_lengths.csv"] = [
        "`km` renamed `length_km` (integer). Land-boundary lengths as given by the CIA World "
        "Factbook (GitHub mirror factbook/factbook.json at commit 8662a8b, checked on both "
        "countries' pages); Russia-Ukraine is the Factbook's 1,944 km with no Crimea qualifier.",
        f"Pairs written with `a` < `b` alphabetically; swapped: {', '.join(swapped) or 'none'}.",
        "Added `verified` = `yes`: the source table has no such column; its README says every "
        "pair was checked against both countries' Factbook pages and agrees.",
    ]

    contributors, log["battlegroup_contributors.csv"] = contributor_rows(source)
    emit("battlegroup_contributors.csv", contributors)
    statements, log["statements.csv"] = statement_rows(source, REUTERS_2022_02_15)
    for row in statements:  # the members' sources as upgraded in members.csv
        row["source_url"] = swap_urls(upgrades, "nato_members.csv", str(row["source_url"]))
    log["statements.csv"].append(
        "Member sources in `source_url` are those of members.csv, after the source upgrades."
    )
    emit("statements.csv", statements)

    # replaced_sources.csv
    emit("replaced_sources.csv", replaced_rows(upgrades))
    log["replaced_sources.csv"] = [
        "The web sites that source_upgrades.csv replaced with better sources, one row per old "
        "URL, with its replacement (`source_url`): no shipped row may cite them (tests check "
        "data/facts, data/scenarios and the exports).",
        "Not listed: sites an upgrade replaced for one row only and that stay first-rate "
        "elsewhere (scripts/facts_src/source_upgrades.yaml `kept_domains`: "
        + ", ".join(sorted(upgrades.rules["kept_domains"]))
        + "), and copies for which nothing better was found (their rows keep them, marked as "
        "copies).",
    ]

    shipped_as = {
        "nato_members.csv": "members.csv",
        "battlegroups.csv": "battlegroups.csv",
        "deployments_2022.csv": "reinforcements.csv",
        "russian_buildup.csv": "buildup_estimates.csv",
        "buildup_areas.csv": "buildup_areas.csv",
    }
    for compiled, lines in upgrades.log.items():
        if lines:
            log[shipped_as[compiled]] += [
                "Sources upgraded and fields corrected (scripts/facts_src/source_upgrades.yaml, "
                "from ../shared/facts/source_upgrades.csv and claims_checked.md):",
                *lines,
            ]
    (out / "README.md").write_text(_readme(log, counts, dropped), encoding="utf-8")
    return counts


# -- issue 15: contributors, dated statements, other allies' reinforcements --------------------
# Self-contained: each function reads the compiled tables (and the editorial tables in
# scripts/facts_added/, which say how a note is split or a roster judged) and returns rows.

ADDED = Path(__file__).resolve().parent / "facts_added"
_MEMBER_ITEM = re.compile(r"([A-Z][a-z]+(?: [A-Z][a-z]+)*) \(([\d,]+)(?: km)?\)")


def contributor_rows(source: Path) -> tuple[list[dict[str, object]], list[str]]:
    """Return battlegroup_contributors.csv rows and the README lines that explain them.

    A snapshot is the set of rows with one host, date and source. It counts from the LAST day of
    its period (a roster dated only "2022" may describe December), a range from the last day of
    its start. ``scope`` is ``planned`` where the compiled note says so, ``partial`` where
    scripts/facts_added/contributor_scopes.csv judges the list incomplete, else ``complete``.
    """
    bgs = {r["host_iso3"]: r["id"] for r in read_csv(source / "battlegroups.csv")}
    rows = read_csv(source / "battlegroup_contributors.csv")
    judged = read_csv(ADDED / "contributor_scopes.csv")
    used = [0] * len(judged)
    out: list[dict[str, object]] = []
    for row in rows:
        host, as_of = row["host_iso3"], row["as_of"]
        if host not in bgs:
            raise BuildError(f"battlegroup_contributors.csv: unknown host {host}")
        start = as_of.split("/")[0]
        check_date(start, "battlegroup_contributors.csv")
        scope = "planned" if re.search(r"\bPLANNED\b|^Planned", row["note"]) else "complete"
        for i, j in enumerate(judged):
            if (j["host_iso3"], j["as_of"]) == (host, as_of) and j["url_contains"] in row[
                "source_url"
            ]:
                scope, used[i] = j["scope"], used[i] + 1
        if row["troops"] and not row["troops"].isdigit():
            raise BuildError(f"battlegroup_contributors.csv: troops {row['troops']!r}")
        out.append(
            {
                "bg_id": bgs[host],
                "host_iso3": host,
                "framework_iso3": row["framework_iso3"],
                "as_of": as_of,
                "in_effect_from": period_end(start).isoformat(),
                "scope": scope,
                "contributor_iso3": row["contributor_iso3"],
                "troops": row["troops"],
                "source_url": row["source_url"],
                "source_title": row["source_title"],
                "source_kind": row["source_kind"],
                "note": row["note"],
            }
        )
    stale = [j for j, n in zip(judged, used, strict=True) if not n]
    if stale:
        raise BuildError(f"contributor_scopes.csv: no snapshot for {stale[0]}")
    log = [
        "One row per contributing nation per snapshot, from the compiled "
        "battlegroup_contributors.csv (host and framework nations are not contributors). "
        "Added `bg_id` (by host), `in_effect_from` and `scope`; the compiled `quote` column is "
        "not shipped (the quotes stay in the compiled table with their URLs).",
        "`in_effect_from` is the LAST day of the snapshot's period: a roster dated only by year "
        "or month may describe its last day (the undated 2022 lists name North Macedonia, which "
        "joined in July), so a map shows it only once the whole period has passed. A range "
        "`start/end` counts from the last day of `start`.",
        "`scope`: `planned` where the compiled note says PLANNED or Planned (pledges, cabinet "
        "decisions); `partial` where scripts/facts_added/contributor_scopes.csv names the "
        'snapshot with a reason (one nation\'s own contribution, "such as", a cut-off copy); '
        "else `complete` (the source's list as read).",
        "On a date, each battle group shows its latest snapshot that is not partial; only if "
        "there is none, its latest partial one (layers/thematic/contributors.py).",
    ]
    return out, log


def statement_rows(source: Path, seed_url: str) -> tuple[list[dict[str, object]], list[str]]:
    """Return statements.csv: the border states' notes split into dated statements.

    scripts/facts_added/statements.csv gives each statement with the text it rests on
    (``evidence``, which must occur in the compiled note) and the date it holds from. ``since``
    ``members`` expands the note's list of NATO neighbours into one statement per span of
    membership, so no map calls a state a member before it joined.
    """
    notes = {
        (KALININGRAD if r["role"] == "russia_exclave" else r["iso3"]): r
        for r in read_csv(source / "border_states.csv")
    }
    members = {r["name"]: r for r in read_csv(source / "nato_members.csv")}
    out: list[dict[str, object]] = []
    for spec in read_csv(ADDED / "statements.csv"):
        row = notes[spec["feature_id"]]
        if spec["evidence"] not in row["notes"]:
            raise BuildError(f"statements.csv: {spec['evidence']!r} not in {spec['feature_id']}")
        url = {"": row["source_url"], "seed": seed_url}.get(spec["source_url"], spec["source_url"])
        base = {
            "feature_id": spec["feature_id"],
            "until": "",
            "source_url": url,
            "verified": "yes",
            "basis": spec["basis"],
        }
        if spec["since"] != "members":
            check_date(spec["since"], "statements.csv")
            out.append({**base, "since": spec["since"], "text": spec["text"]})
            continue
        items = _MEMBER_ITEM.findall(spec["evidence"])
        joined = sorted({members[name]["accession_date"] for name, _ in items})
        for i, day in enumerate(joined):
            listed = [
                f"{name} ({km} km)" if n == 0 else f"{name} ({km})"
                for n, (name, km) in enumerate(
                    (name, km) for name, km in items if members[name]["accession_date"] <= day
                )
            ]
            until = ""
            if i + 1 < len(joined):
                until = (period_start(joined[i + 1]) - dt.timedelta(days=1)).isoformat()
            sources = URL_SEP.join(
                dict.fromkeys(
                    [url]
                    + [
                        members[name]["source_url"]
                        for name, _ in items
                        if members[name]["accession_date"] <= day
                    ]
                )
            )
            out.append(
                {
                    **base,
                    "since": day,
                    "until": until,
                    "text": spec["text"].format(members=", ".join(listed)),
                    "source_url": sources,
                }
            )
    log = [
        "The `notes` of border_states.csv split into statements, each with the date it holds "
        "from (`since`; empty for undated geography and standing status) and, where it stops "
        "holding, the last day (`until`). A view shows a statement only from `since` on, so a "
        "map of 2017 does not speak of 2022. The split, the evidence each text rests on (checked "
        "against the compiled note) and why each date was chosen (`basis`) are in "
        "scripts/facts_added/statements.csv.",
        'Russia\'s "Land borders with NATO members ..." becomes one statement per span of '
        "membership: a neighbour is called a member from its accession date (members.csv) on, "
        "e.g. Finland from 2023-04-04.",
        "Texts are the compiled notes' words, lightly edited: an attribution such as "
        '"(The National, 2023)" or "(Factbook 2025)" moved to the source or the basis, the '
        "Factbook edition kept where it dates a figure.",
    ]
    return out, log


def other_allies_rows() -> tuple[list[dict[str, str]], list[str]]:
    """Return the other allies' reinforcements and the planning step of early 2022.

    Read and quoted by hand (scripts/facts_added/reinforcements_2022.csv): NATO's statement of
    2022-01-24 as carried by wire services, national ministries, and the defence ministers'
    decision of 2022-02-16. Only a row with a coordinate read from a source is plotted.
    """
    rows = read_csv(ADDED / "reinforcements_2022.csv")
    for row in rows:
        check_date(row["announced_date"], "reinforcements_2022.csv")
        if not row["notes"] or not row["source_url"]:
            raise BuildError(f"reinforcements_2022.csv {row['id']}: no quote or source")
    log = [
        "Added from scripts/facts_added/reinforcements_2022.csv: other allies' reinforcements "
        "of January-February 2022 (Denmark, Spain, the Netherlands) and the NATO defence "
        "ministers' planning step of 2022-02-16 (`kind` `planning`, no nation). Each row quotes "
        "its sources in `notes`; dated by the first sourced day of the announcement. Only the "
        "Danish F-16s are plotted (Šiauliai air base, a Wikipedia infobox read via mirrors); "
        "no coordinate of Graf Ignatievo was read, so the Spanish Eurofighters are listed only.",
    ]
    return rows, log


def _events_log(status_events: list[Event], rows: list[dict[str, object]]) -> list[str]:
    lines = [
        "Read from scripts/facts_src/battlegroup_events.yaml (one entry per change, each with "
        "its source URLs and the text it rests on) plus one row per battle group for NATO's "
        "figures of 2022-06-28 (battlegroups.csv `troops_approx`, via LSM). The build checks "
        "that each quoted statement is still in its compiled source (battlegroups.csv, "
        "deployments_2022.csv, claims_checked.md, source_upgrades.csv, the seed report); quotes "
        "from pages read for this build (`read`) are kept with the event.",
        "`date` keeps the source's precision (YYYY, YYYY-MM or YYYY-MM-DD). `in_effect_from` is "
        "the day the map applies the event: the first day of `date`'s period (geo.dates."
        "period_start), except where noted below; each month- or year-dated event says below "
        "why its first day is not before the event. `battlegroups(as_of)` replays the rows in "
        "(`in_effect_from`, file order).",
        "Troop figures here are a record of the events; the map reads every figure from "
        "battlegroup_strengths.csv, which holds each of them too (the build checks it). The "
        "1,000 on the `proposed` rows of 2022-02-15 is the planned size Reuters reported, not a "
        'count; Latvia\'s brigade row carries "more than 3,500", a planned size, as 3500.',
        "`verified` is the flag of the statement the event rests on.",
        "Judgements: Lithuania's battle group is dated by its welcome ceremony at Rukla "
        '(2017-02-07; first troops from 2017-01-25), not by NATO LANDCOM\'s "March 2017", '
        "which the German and Lithuanian governments contradict. Germany's Panzerbrigade 45 "
        "(2025-04-01) is a different formation, not a status of the battle group. Bulgaria's "
        "February 2022 status is `proposed` (compiled `status_2022_02` and the Reuters report), "
        "preceded by the `offered_lead` row of 2022-02-02.",
    ]
    for ev in status_events:
        if ev.placement_note:
            lines.append(f"{ev.bg_id} `{ev.status}` dated {ev.date}: {ev.placement_note}.")
    lines.append("Rows shipped:")
    lines.append("")
    lines.append("| bg_id | date | in effect | status | framework | troops | troops as of |")
    lines.append("|---|---|---|---|---|---|---|")
    for r in rows:
        troops = "" if r["troops_approx"] is None else f"{r['troops_approx']:,}"
        lines.append(
            f"| {r['bg_id']} | {r['date']} | {r['in_effect_from']} | {r['status']} | "
            f"{r['framework_iso3']} | {troops} | {r['troops_as_of']} |"
        )
    return lines


def _readme(log: dict[str, list[str]], counts: dict[str, int], dropped: dict[str, int]) -> str:
    out = [
        "# Facts: NATO's eastern flank",
        "",
        "Written by `scripts/build_facts.py` (do not edit by hand; re-run the script) from the "
        "compiled, sourced fact tables in `../shared/facts/` (compiled 2026-11-28) and the seed "
        "report in `../shared/seeds/`.",
        "",
        "Conventions: CSV, UTF-8, header row; ISO 3166-1 alpha-3 join keys, several codes "
        "`;`-separated; dates ISO 8601 with the precision the source gives (YYYY, YYYY-MM or "
        "YYYY-MM-DD, never padded; ranges `start/end`); units in column names; `source_url` "
        "holds one or more URLs separated by ` | `; `verified` is `yes` (the row's facts were "
        "seen in the source) or `partial` (the main fact is sourced, a detail such as the day "
        "is not; `notes` say which). Rows marked `verified=no` in the source are not shipped "
        f"(dropped: {sum(dropped.values())}). Column types and allowed values: "
        "`layers/facts/schema.py`.",
        "",
        "Coordinates are WGS84 decimal degrees from the page named in `coord_source`; they mark "
        "the named town, airport or training area, not a specific barracks. Empty means not "
        "sourced: not plotted.",
        "",
    ]
    sources = {
        "members.csv": "nato_members.csv",
        "border_states.csv": "border_states.csv",
        "battlegroups.csv": "battlegroups.csv",
        "battlegroup_events.csv": "scripts/facts_src/battlegroup_events.yaml (checked against "
        "battlegroups.csv, deployments_2022.csv, claims_checked.md, the seed report)",
        "replaced_sources.csv": "source_upgrades.csv, scripts/facts_src/source_upgrades.yaml",
        "battlegroup_strengths.csv": "battlegroup_strengths.csv, battlegroups.csv, "
        "scripts/facts_src/battlegroup_strengths.yaml",
        "reinforcements.csv": "deployments_2022.csv, scripts/facts_added/reinforcements_2022.csv",
        "buildup_estimates.csv": "russian_buildup.csv",
        "buildup_areas.csv": "buildup_areas.csv",
        "crimea.csv": "crimea.csv",
        "border_lengths.csv": "border_lengths.csv",
        "battlegroup_contributors.csv": "battlegroup_contributors.csv, "
        "scripts/facts_added/contributor_scopes.csv",
        "statements.csv": "border_states.csv, nato_members.csv, scripts/facts_added/statements.csv",
    }
    for name, lines in log.items():
        out += [f"## {name}", "", f"Rows: {counts[name]}. From: {sources[name]}.", ""]
        for line in lines:
            if line.startswith("|") or not line:
                out.append(line)
            else:
                out.append(f"- {line}")
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--seeds", type=Path, default=None, help="default: SOURCE/../seeds")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    seeds = args.seeds or args.source.parent / "seeds"
    try:
        counts = build(args.source, seeds, args.out)
    except (BuildError, OSError, KeyError, ValueError) as err:
        print(f"build_facts: {err}", file=sys.stderr)
        return 2
    for name, n in counts.items():
        print(f"{name}: {n} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
