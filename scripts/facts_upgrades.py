"""Apply ../shared/facts/source_upgrades.csv and the field corrections of
scripts/facts_src/source_upgrades.yaml to the compiled rows before they are shipped.

Used by scripts/build_facts.py. The compiled rows are never changed: every function returns
new rows, so the build's evidence checks still read the compiled text.
"""

from __future__ import annotations

import copy
import csv
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from layers.facts.schema import URL_SEP, split_urls
from layers.facts.sources import domain

RULES_FILE = Path(__file__).resolve().parent / "facts_src" / "source_upgrades.yaml"
NONE_FOUND = "(none found)"

#: The column that names a row of each compiled table.
ROW_KEY = {
    "battlegroups.csv": "id",
    "deployments_2022.csv": "id",
    "russian_buildup.csv": "date",
    "nato_members.csv": "iso3",
    "buildup_areas.csv": "name",
}


class UpgradeError(RuntimeError):
    """The upgrades table and the rules that apply it disagree with the compiled rows."""


@dataclass
class Upgrades:
    """The upgrades to apply, read from the compiled table and the rules file."""

    rows: list[dict[str, str]]
    rules: dict
    log: dict[str, list[str]] = field(default_factory=dict)

    def replaced_domains(self) -> set[str]:
        """Domains an upgrade replaced that no shipped row may cite any more."""
        return replaced_domains(self.rows, self.rules)


def _urls(value: str) -> list[str]:
    return [u for u in split_urls(value) if u.startswith("http")]


def read_upgrades(source: Path, rules_file: Path = RULES_FILE) -> Upgrades:
    with (source / "source_upgrades.csv").open(encoding="utf-8", newline="") as fh:
        rows = [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(fh)]
    rules = yaml.safe_load(rules_file.read_text(encoding="utf-8"))
    known = {r["row_key"] for r in rows}
    declared = set(rules["upgrades"])
    if known != declared:
        raise UpgradeError(
            f"{rules_file.name}: upgrades to declare {sorted(known - declared)}, "
            f"unknown {sorted(declared - known)}"
        )
    return Upgrades(rows, rules)


def replaced_domains(rows: list[dict[str, str]], rules: dict) -> set[str]:
    """Domains of the old URLs an upgrade replaced, less those still needed elsewhere.

    A domain stays allowed if some upgrade found nothing better for it ("(none found)") or if
    the rules keep it for other rows (``kept_domains``, each with its reason).
    """
    replaced, kept = set(), set(rules.get("kept_domains", {}))
    for row in rows:
        olds = {domain(u) for u in _urls(row["old_url"])}
        if row["new_url"] == NONE_FOUND or rules["upgrades"][row["row_key"]]["mode"] == "add":
            kept |= olds
        else:
            replaced |= olds
    return replaced - kept


def improve(upgrades: Upgrades, name: str, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Return copies of ``rows`` (compiled table ``name``) with their upgrades and fixes applied."""
    key = ROW_KEY[name]
    out = copy.deepcopy(rows)
    index: dict[str, list[dict[str, str]]] = {}
    for row in out:
        index.setdefault(row[key], []).append(row)
    log = upgrades.log.setdefault(name, [])
    for up in upgrades.rows:
        rule = upgrades.rules["upgrades"][up["row_key"]]
        if rule["file"] != name or up["new_url"] == NONE_FOUND:
            continue
        olds, news = _urls(up["old_url"]), _urls(up["new_url"])
        for row_id in rule["rows"]:
            if row_id not in index:
                raise UpgradeError(f"{up['row_key']}: no row {row_id!r} in {name}")
            for row in index[row_id]:
                cited = _urls(row["source_url"])
                hit = [u for u in cited if u in olds]
                if not hit and rule["mode"] == "replace":
                    continue  # e.g. one of two rows sharing a date cites the other old URL
                if rule["mode"] == "replace":
                    at = cited.index(hit[0])
                    cited = [u for u in cited if u not in olds]
                    cited[at:at] = news
                else:
                    cited += news
                row["source_url"] = URL_SEP.join(dict.fromkeys(cited))
                if "notes" in row and up["note"]:
                    said = " ".join(up["note"].split())
                    row["notes"] = " ".join(
                        p for p in (row["notes"], f"Source upgrade: {said}") if p
                    )
                verb = "replaced" if rule["mode"] == "replace" else "added"
                log.append(
                    f"{row_id}: source {verb} ({up['row_key']}): "
                    f"{', '.join(domain(u) for u in (hit or olds))} -> "
                    f"{', '.join(domain(u) for u in news)}."
                )
    for fix in upgrades.rules.get("row_fixes", []):
        if fix["file"] != name:
            continue
        if fix["row"] not in index:
            raise UpgradeError(f"row_fixes: no row {fix['row']!r} in {name}")
        for row in index[fix["row"]]:
            value = " ".join(str(fix["value"]).split())
            if fix["field"] not in row:
                raise UpgradeError(f"row_fixes: no column {fix['field']!r} in {name}")
            row[fix["field"]] = value
        reason = " ".join(str(fix["reason"]).split())
        log.append(f"{fix['row']}: `{fix['field']}` corrected ({reason}).")
    for new in upgrades.rules.get("new_rows", []):
        if new["file"] != name:
            continue
        row = {k: " ".join(str(v).split()) for k, v in new["row"].items()}
        if set(row) != set(out[0]):
            raise UpgradeError(f"new_rows {row.get(key)!r}: columns differ from {name}")
        out.append(row)
        log.append(f"{row[key]}: row added ({' '.join(str(new['reason']).split())}).")
    return out


def replaced_rows(upgrades: Upgrades) -> list[dict[str, str]]:
    """One row per old URL whose site no shipped row may cite any more, with its replacement."""
    banned = upgrades.replaced_domains()
    out = []
    for up in upgrades.rows:
        for old in _urls(up["old_url"]):
            if domain(old) in banned:
                out.append(
                    {
                        "domain": domain(old),
                        "old_url": old,
                        "source_url": URL_SEP.join(_urls(up["new_url"])),
                        "upgrade": up["row_key"],
                    }
                )
    return sorted(out, key=lambda r: (r["domain"], r["old_url"], r["upgrade"]))


def swap_urls(upgrades: Upgrades, name: str, cell: str) -> str:
    """Replace in a ``" | "`` cell each old URL an upgrade of table ``name`` replaced.

    For rows derived from that table elsewhere (e.g. statements quoting the members' sources).
    """
    mapping: dict[str, list[str]] = {}
    for up in upgrades.rows:
        rule = upgrades.rules["upgrades"][up["row_key"]]
        if rule["file"] == name and rule["mode"] == "replace" and up["new_url"] != NONE_FOUND:
            for old in _urls(up["old_url"]):
                mapping.setdefault(old, []).extend(_urls(up["new_url"]))
    out: list[str] = []
    for url in split_urls(cell):
        out.extend(mapping.get(url, [url]))
    return URL_SEP.join(dict.fromkeys(out))
