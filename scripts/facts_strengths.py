"""Derive data/facts/battlegroup_strengths.csv: the battle groups' troop figures over time.

Used by scripts/build_facts.py, with the rules in scripts/facts_src/battlegroup_strengths.yaml.
Every shipped row keeps the compiled row's source URL, title and quote; the rules only say
what a figure is (planned or present; the battle group, its brigade, or another formation) and
from which day the map may show it: a figure dated to a month or a year counts from the LAST
day of that period, so a map never shows it before it was reported.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from geo.dates import period_end, period_start
from geo.errors import InputError
from layers.facts.schema import ISO_SEP, URL_SEP, split_urls

RULES_FILE = Path(__file__).resolve().parent / "facts_src" / "battlegroup_strengths.yaml"
#: The web site of the LSM report of NATO's press-office figures of 2022-06-28.
LSM_MARK = "eng.lsm.lv"


class StrengthError(RuntimeError):
    """The compiled strengths and the rules that classify them disagree."""


def _domain(url: str) -> str:
    host = url.split("://", 1)[-1].split("/", 1)[0].lower()
    return host[4:] if host.startswith("www.") else host


def derive(
    compiled: list[dict[str, str]],
    bgs: dict[str, dict[str, str]],
    rules_file: Path = RULES_FILE,
) -> tuple[list[dict[str, object]], list[str]]:
    """Return the shipped rows (sorted by battle group and day) and the README log lines."""
    rules = yaml.safe_load(rules_file.read_text(encoding="utf-8"))
    by_host = {row["host_iso3"]: bg_id for bg_id, row in bgs.items()}

    def formation_name(formation: str, host: str) -> str:
        """The other formation's name (formation_names in the rules); "" for the battle group."""
        if formation != "other_formation":
            return ""
        if host not in rules["formation_names"]:
            raise StrengthError(f"{host}: an other_formation figure but no formation_names entry")
        return rules["formation_names"][host]

    used: set[int] = set()
    out: list[dict[str, object]] = []
    log: list[str] = []
    totals = 0
    for row in compiled:
        hosts = row["host_iso3"].split(ISO_SEP)
        if len(hosts) > 1:
            totals += 1
            continue
        matches = [
            i
            for i, r in enumerate(rules["rows"])
            if (r["host"], str(r["as_of"])) == (row["host_iso3"], row["as_of"])
            and r["domain"] == _domain(row["source_url"])
        ]
        if len(matches) > 1:
            raise StrengthError(f"{row['host_iso3']} {row['as_of']}: more than one rule")
        rule = rules["rows"][matches[0]] if matches else {}
        used.update(matches)
        if "exclude" in rule:
            log.append(
                f"Left out {row['host_iso3']} {row['as_of']} ({int(row['troops']):,}, "
                f"{_domain(row['source_url'])}): {' '.join(rule['exclude'].split())}."
            )
            continue
        as_of = str(rule.get("as_of_value", row["as_of"]))
        try:
            period_start(as_of)
        except InputError:
            raise StrengthError(f"{row['host_iso3']} {row['as_of']}: no date; add a rule") from None
        start = str(rule.get("in_effect_from") or period_end(as_of).isoformat())
        if "why" in rule:
            log.append(
                f"{row['host_iso3']} {row['as_of']} ({int(row['troops']):,}): "
                f"{' '.join(rule['why'].split())}."
            )
        out.append(
            {
                "bg_id": by_host[row["host_iso3"]],
                "as_of": as_of,
                "in_effect_from": start,
                "troops": int(row["troops"]),
                "scope": rule.get("scope", "present"),
                "formation": rule.get("formation", "battle_group"),
                "formation_name": formation_name(
                    rule.get("formation", "battle_group"), row["host_iso3"]
                ),
                "source_url": row["source_url"],
                "source_title": row["source_title"],
                "quote": row["quote"],
                "source_kind": row["source_kind"],
                "note": row["note"],
                "verified": "yes",
            }
        )
    unused = [r for i, r in enumerate(rules["rows"]) if i not in used]
    if unused:
        raise StrengthError(f"rules match no compiled row: {unused}")
    for extra in rules["extra"]:
        for bg_id in extra["bg_id"]:
            if extra.get("from_battlegroups"):
                fact = bgs[bg_id]
                lsm = [u for u in split_urls(fact["source_url"]) if LSM_MARK in u]
                out.append(
                    {
                        "bg_id": bg_id,
                        "as_of": fact["troops_as_of"],
                        "in_effect_from": fact["troops_as_of"],
                        "troops": int(fact["troops_approx"]),
                        "scope": "present",
                        "formation": "battle_group",
                        "source_url": URL_SEP.join(lsm),
                        "source_title": extra["source_title"],
                        "quote": extra["quote"],
                        "source_kind": "news",
                        "note": extra["note"]
                        + " Per-group figure: the compiled battlegroups.csv `troops_approx`.",
                        "verified": "yes",
                    }
                )
                continue
            out.append(
                {
                    "bg_id": bg_id,
                    "as_of": extra["as_of"],
                    "in_effect_from": extra["as_of"],
                    "troops": int(extra["troops"]),
                    "scope": extra["scope"],
                    "formation": extra["formation"],
                    "formation_name": formation_name(extra["formation"], bgs[bg_id]["host_iso3"]),
                    "source_url": " ".join(extra["source_url"].split()),
                    "source_title": extra["source_title"],
                    "quote": " ".join(extra["quote"].split()),
                    "source_kind": extra["source_kind"],
                    "note": " ".join(extra["note"].split()),
                    "verified": "yes",
                }
            )
    order = {bg_id: i for i, bg_id in enumerate(bgs)}
    out.sort(key=lambda r: (order[r["bg_id"]], r["in_effect_from"], str(r["as_of"])))
    log.insert(
        0,
        f"{totals} totals over several battle groups are not per-group figures: they are "
        "listed in data/method.md with their sources, not shipped here.",
    )
    return out, log
