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
import re
import sys
from pathlib import Path

import facts_strengths
from facts_contributor_sources import read_changes
from facts_contributor_sources import replaced_rows as contributor_replaced
from facts_editorial import contributor_rows, other_allies_rows, statement_rows
from facts_events import check_evidence, events_log, load_events, replay, troop_events
from facts_io import BuildError, by_id, check_date, read_csv, shipped, write_csv
from facts_upgrades import improve, read_upgrades, replaced_rows, swap_urls

from geo.boundaries import KALININGRAD
from layers.facts.schema import TABLES, split_urls
from layers.facts.sources import domain

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO.parent / "shared" / "facts"
DEFAULT_OUT = REPO / "data" / "facts"

#: The Reuters report of 2022-02-15 that the seed copies, in Reuters' words (via Metro US): it
#: replaces the seed's copy (archyde.com), which source_upgrades.csv replaced.
REUTERS_2022_02_15 = "https://www.metro.us/nato-to-consider-new/"


#: A compiled `observed` value with a qualifier: a date, then words in parentheses.
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
    banned = upgrades.replaced_domains()

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
    log["battlegroup_events.csv"] = events_log(status_events, events)

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
    for row in contributors:
        copies = {domain(u) for u in split_urls(str(row["source_url"]))} & banned
        if copies:
            raise BuildError(
                f"battlegroup_contributors.csv {row['host_iso3']} {row['as_of']}: cites "
                f"{sorted(copies)}; give it a better source in contributor_sources.csv"
            )
    emit("battlegroup_contributors.csv", contributors)
    statements, log["statements.csv"] = statement_rows(source, REUTERS_2022_02_15)
    for row in statements:  # the members' sources as upgraded in members.csv
        row["source_url"] = swap_urls(upgrades, "nato_members.csv", str(row["source_url"]))
    log["statements.csv"].append(
        "Member sources in `source_url` are those of members.csv, after the source upgrades."
    )
    emit("statements.csv", statements)

    # replaced_sources.csv
    replaced = replaced_rows(upgrades) + contributor_replaced(read_changes(), banned)
    emit(
        "replaced_sources.csv",
        sorted(replaced, key=lambda r: (r["domain"], r["old_url"], r["upgrade"])),
    )
    log["replaced_sources.csv"] = [
        "The web sites that source_upgrades.csv replaced with better sources, one row per old "
        "URL, with its replacement (`source_url`): no shipped row may cite them (tests check "
        "data/facts, data/scenarios and the exports).",
        "Rows `contributors ...`: contributor rows that cited one of these sites "
        "(scripts/facts_added/contributor_sources.csv); `source_url` is the new source "
        "(`replace`) or the better-sourced row that states the same (`drop`).",
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
        "replaced_sources.csv": "source_upgrades.csv, scripts/facts_src/source_upgrades.yaml, "
        "scripts/facts_added/contributor_sources.csv",
        "battlegroup_strengths.csv": "battlegroup_strengths.csv, battlegroups.csv, "
        "scripts/facts_src/battlegroup_strengths.yaml",
        "reinforcements.csv": "deployments_2022.csv, scripts/facts_added/reinforcements_2022.csv",
        "buildup_estimates.csv": "russian_buildup.csv",
        "buildup_areas.csv": "buildup_areas.csv",
        "crimea.csv": "crimea.csv",
        "border_lengths.csv": "border_lengths.csv",
        "battlegroup_contributors.csv": "battlegroup_contributors.csv, "
        "scripts/facts_added/contributor_scopes.csv, scripts/facts_added/contributor_sources.csv",
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
