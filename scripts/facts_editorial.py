"""Contributors, dated statements and other allies' reinforcements, for scripts/build_facts.py.

Each function reads the compiled tables (and the editorial tables in scripts/facts_added/,
which say how a note is split or a roster judged) and returns rows and the README lines that
explain them.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from facts_contributor_sources import apply, read_changes
from facts_io import BuildError, check_date, read_csv

from geo.boundaries import KALININGRAD
from geo.dates import period_end, period_start
from layers.facts.schema import URL_SEP

ADDED = Path(__file__).resolve().parent / "facts_added"
_MEMBER_ITEM = re.compile(r"([A-Z][a-z]+(?: [A-Z][a-z]+)*) \(([\d,]+)(?: km)?\)")


def contributor_rows(source: Path) -> tuple[list[dict[str, object]], list[str]]:
    """Return battlegroup_contributors.csv rows and the README lines that explain them.

    A snapshot is the set of rows with one host, date and source. It counts from the LAST day of
    its period (a roster dated only "2022" may describe December), a range from the last day of
    its start. ``scope`` is ``planned`` where the compiled note says so, ``partial`` where
    scripts/facts_added/contributor_scopes.csv judges the list incomplete, else ``complete``.
    Rows that cite a copy first get a better source or go (scripts/facts_added/
    contributor_sources.csv).
    """
    bgs = {r["host_iso3"]: r["id"] for r in read_csv(source / "battlegroups.csv")}
    rows, changed = apply(read_changes(), read_csv(source / "battlegroup_contributors.csv"))
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
        "Rows that cited a copy or aggregator got a better source, or were dropped where another "
        "row of the same group and period names the same nation from a better source "
        "(scripts/facts_added/contributor_sources.csv, with the new sources' words):",
        *changed,
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
