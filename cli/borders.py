"""``flankmap borders``: every pair of neighbouring states in the region, with lengths in km."""

from __future__ import annotations

import argparse
import math

from cli.common import add_as_of, add_print_format, print_csv, print_json
from geo.paths import BOUNDARY_SCALE


def add_parser(sub) -> None:
    """Register the command."""
    parser = sub.add_parser(
        "borders",
        help="land borders between neighbouring states (geodesic km)",
        description=(
            "Print every pair of neighbouring states in the map region: a, b (ISO alpha-3, "
            f"a < b), km (geodesic, on {BOUNDARY_SCALE}), published_km (CIA World Factbook, "
            "where the facts have it), and whether each side is a NATO member on --as-of."
        ),
    )
    add_as_of(parser)
    add_print_format(parser, "json", "csv")
    parser.set_defaults(run=run)


def border_rows(as_of=None) -> list[dict]:
    """Return the pairs as dicts with the keys the command prints."""
    from geo.measure import border_pairs
    from layers.facts.tables import load_table
    from layers.thematic.members import member_codes

    members = member_codes(as_of)
    published = {
        (row.a, row.b): float(row.length_km)
        for row in load_table("border_lengths").itertuples(index=False)
    }
    rows = []
    for pair in border_pairs().itertuples(index=False):
        known = published.get((pair.a, pair.b))
        rows.append(
            {
                "a": pair.a,
                "b": pair.b,
                "km": float(pair.km),
                "published_km": None if known is None or math.isnan(known) else known,
                "a_member": pair.a in members,
                "b_member": pair.b in members,
            }
        )
    return rows


def run(args: argparse.Namespace) -> int:
    """Print the table."""
    rows = border_rows(args.as_of)
    if args.format == "json":
        print_json(rows)
    else:
        print_csv(rows, list(rows[0]) if rows else ["a", "b", "km"])
    return 0
