"""``flankmap diff A B``: what changes from one shipped scenario to another."""

from __future__ import annotations

import argparse

from cli.common import add_print_format, print_json


def add_parser(sub) -> None:
    """Register the command."""
    parser = sub.add_parser(
        "diff",
        help="compare two scenarios",
        description=(
            "Compare scenario A with scenario B, each on its own date: battle groups added, "
            "removed or changed (status, framework nation, troops), troop totals, host "
            "countries, the land border with Russia and Belarus along hosts, and NATO members."
        ),
    )
    parser.add_argument("a", metavar="A", help="scenario id, before (see `flankmap scenarios`)")
    parser.add_argument("b", metavar="B", help="scenario id, after")
    add_print_format(parser, "text", "json")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the differences."""
    from layers.scenario.diff import diff_scenarios, diff_text
    from layers.scenario.scenarios import get_scenario

    d = diff_scenarios(get_scenario(args.a), get_scenario(args.b))
    if args.format == "json":
        print_json(d.as_dict())
    else:
        print(diff_text(d))
    return 0
