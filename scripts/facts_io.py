"""Reading and writing the tables for scripts/build_facts.py, and its error."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from geo.dates import period_start
from layers.facts.schema import URL_SEP, split_urls


class BuildError(RuntimeError):
    """The source tables don't say what this script expects."""


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
