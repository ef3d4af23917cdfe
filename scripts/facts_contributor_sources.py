"""Better sources for contributor rows citing a copy: scripts/facts_added/contributor_sources.csv.

Used by scripts/facts_editorial.py. Each line names the compiled rows it applies to (host,
``as_of``, the old URL and the contributors, all of which must match) and what to do:

- ``replace``: the rows take the new ``source_url``, ``source_title``, ``source_kind`` and
  ``note``; ``quote`` keeps the new source's words here (the shipped table has no quotes).
- ``drop``: the rows go, because another compiled row of the same host and period names the
  same nation from a better source (``source_url``); ``quote`` is that row's compiled quote, and
  the build checks that it still says so.

The compiled rows are never changed: :func:`apply` returns new rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from facts_io import BuildError, read_csv

from geo.dates import period_end, period_start
from layers.facts.schema import ISO_SEP, URL_SEP, split_urls
from layers.facts.sources import domain

FILE = Path(__file__).resolve().parent / "facts_added" / "contributor_sources.csv"
_REPLACED = ("source_url", "source_title", "source_kind", "note")


@dataclass(frozen=True)
class Change:
    """One line of contributor_sources.csv."""

    host: str
    as_of: str
    contributors: tuple[str, ...]
    action: str
    old_url: str
    source_url: str
    fields: dict[str, str]
    quote: str

    def matches(self, row: dict[str, str]) -> bool:
        return (
            (row["host_iso3"], row["as_of"]) == (self.host, self.as_of)
            and row["contributor_iso3"] in self.contributors
            and self.old_url in split_urls(row["source_url"])
        )

    @property
    def label(self) -> str:
        return f"{self.host} {self.as_of} ({', '.join(self.contributors)})"


def read_changes(path: Path = FILE) -> list[Change]:
    changes = []
    for line in read_csv(path):
        if line["action"] not in {"replace", "drop"}:
            raise BuildError(f"{path.name}: action {line['action']!r}; use replace or drop")
        if not (line["quote"] and line["reason"] and line["source_url"].startswith("http")):
            raise BuildError(f"{path.name} {line['host_iso3']} {line['as_of']}: no quote or source")
        fields = {k: line[k] for k in _REPLACED}
        if line["action"] == "replace" and not all(fields.values()):
            raise BuildError(f"{path.name} {line['host_iso3']} {line['as_of']}: empty field")
        changes.append(
            Change(
                line["host_iso3"],
                line["as_of"],
                tuple(line["contributors"].split(ISO_SEP)),
                line["action"],
                line["old_url"],
                line["source_url"],
                fields,
                line["quote"],
            )
        )
    return changes


def _covered(change: Change, nation: str, rows: list[dict[str, str]]) -> bool:
    """Whether another row of the same host and period names ``nation`` from the given source."""
    first, last = period_start(change.as_of), period_end(change.as_of)
    for row in rows:
        if (row["host_iso3"], row["contributor_iso3"]) != (change.host, nation):
            continue
        start = period_start(row["as_of"].split("/")[0])
        if (
            first <= start <= last
            and change.source_url in split_urls(row["source_url"])
            and change.quote in row["quote"]
        ):
            return True
    return False


def apply(
    changes: list[Change], rows: list[dict[str, str]]
) -> tuple[list[dict[str, str]], list[str]]:
    """Return ``rows`` with the changes applied, and one README line per change."""
    out: list[dict[str, str]] = []
    hits: dict[int, list[str]] = {i: [] for i in range(len(changes))}
    for row in rows:
        at = next((i for i, c in enumerate(changes) if c.matches(row)), None)
        if at is None:
            out.append(dict(row))
            continue
        change = changes[at]
        hits[at].append(row["contributor_iso3"])
        if change.action == "replace":
            out.append({**row, **change.fields})
        elif not _covered(change, row["contributor_iso3"], rows):
            raise BuildError(
                f"contributor_sources.csv {change.label}: no row from {change.source_url} "
                f"names {row['contributor_iso3']} with the quoted words"
            )
    log = []
    for i, change in enumerate(changes):
        if sorted(hits[i]) != sorted(change.contributors):
            raise BuildError(
                f"contributor_sources.csv {change.label}: matched {sorted(hits[i]) or 'no rows'}"
            )
        new = ", ".join(dict.fromkeys(domain(u) for u in split_urls(change.source_url)))
        if change.action == "replace":
            log.append(f"{change.label}: source replaced, {domain(change.old_url)} -> {new}.")
        else:
            log.append(
                f"{change.label}: dropped, a copy ({domain(change.old_url)}); the same nations "
                f"in the same period are sourced by {new}."
            )
    return out, log


def replaced_rows(changes: list[Change], banned: set[str]) -> list[dict[str, str]]:
    """Rows for replaced_sources.csv: each old URL of a banned site, with what took its place."""
    return [
        {
            "domain": domain(c.old_url),
            "old_url": c.old_url,
            "source_url": URL_SEP.join(split_urls(c.source_url)),
            "upgrade": f"contributors {c.host} {c.as_of} {ISO_SEP.join(c.contributors)} "
            f"({c.action})",
        }
        for c in changes
        if domain(c.old_url) in banned
    ]
