"""``flankmap contributors``: the nations contributing to each battle group on a date."""

from __future__ import annotations

import argparse
import csv
import json
import sys

from layers.facts.schema import ISO_SEP

FORMATS = ("text", "json", "csv")


def add_parser(sub) -> None:
    """Register the command."""
    from cli.main import date_arg

    parser = sub.add_parser(
        "contributors",
        help="contributing nations of each battle group on a date",
        description=(
            "Print one record per battle group: host, framework (ISO alpha-3), contributors "
            "(ISO alpha-3 of the nations the latest sourced roster on or before --as-of names; "
            "host and framework nations are not listed), as_of (the roster's date), complete "
            "(false for a planned pledge, a partial list or none), scope, source."
        ),
    )
    parser.add_argument("--as-of", type=date_arg, default=None, help="YYYY-MM-DD (default today)")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the records."""
    from layers.thematic.contributors import SCOPE_TEXT, contributor_records

    records = contributor_records(args.as_of)
    if args.format == "json":
        json.dump(records, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow(
                {
                    **record,
                    "contributors": ISO_SEP.join(record["contributors"]),
                    "troops": ISO_SEP.join(f"{k}={v}" for k, v in record["troops"].items()),
                }
            )
    else:
        for r in records:
            nations = ", ".join(
                c + (f" {r['troops'][c]:,}" if c in r["troops"] else "") for c in r["contributors"]
            )
            when = f"as of {r['as_of']}, {r['source']}" if r["as_of"] else ""
            print(
                f"{r['id']}  {r['host']} (framework {r['framework'] or 'not named'}): "
                f"{nations or '-'}  [{SCOPE_TEXT[r['scope']]}{'; ' + when if when else ''}]"
            )
    return 0
