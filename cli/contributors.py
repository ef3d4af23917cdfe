"""``flankmap contributors``: the nations contributing to each battle group on a date."""

from __future__ import annotations

import argparse

from cli.common import add_as_of, add_print_format, print_csv, print_json
from layers.facts.schema import ISO_SEP


def add_parser(sub) -> None:
    """Register the command."""
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
    add_as_of(parser)
    add_print_format(parser, "text", "json", "csv")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the records."""
    from layers.thematic.contributors import SCOPE_TEXT, contributor_records

    records = contributor_records(args.as_of)
    if args.format == "json":
        print_json(records)
    elif args.format == "csv":
        print_csv(
            (
                {
                    **record,
                    "contributors": ISO_SEP.join(record["contributors"]),
                    "troops": ISO_SEP.join(f"{k}={v}" for k, v in record["troops"].items()),
                }
                for record in records
            ),
            list(records[0]),
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
