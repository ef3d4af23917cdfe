"""The battle groups' dated status events, for scripts/build_facts.py.

Read from scripts/facts_src/battlegroup_events.yaml, each checked against the text it rests on,
plus one troop-figure event per battle group; :func:`replay` orders them on the time line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from facts_io import BuildError, pick_urls
from facts_strengths import LSM_MARK

from geo.dates import period_start
from layers.facts.schema import URL_SEP


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


EVENTS_FILE = Path(__file__).resolve().parent / "facts_src" / "battlegroup_events.yaml"


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


def events_log(status_events: list[Event], rows: list[dict[str, object]]) -> list[str]:
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
