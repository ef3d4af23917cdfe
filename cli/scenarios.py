"""``flankmap scenarios``: the shipped scenario presets; ``scenarios show ID``: one as a file."""

from __future__ import annotations

import argparse
import sys

from cli.common import add_print_format, print_json


def add_parser(sub) -> None:
    """Register the command."""
    parser = sub.add_parser(
        "scenarios",
        help="list the shipped scenarios, or show one as a scenario file",
        description=(
            "List the shipped scenarios, or print one (`scenarios show ID`) as a scenario file "
            "to start your own from."
        ),
    )
    add_print_format(parser, "text", "json")
    parser.set_defaults(run=run)
    actions = parser.add_subparsers(dest="action", parser_class=type(parser))
    show = actions.add_parser("show", help="print one scenario as YAML (or JSON)")
    show.add_argument("id", metavar="ID", help="scenario id")
    add_print_format(show, "yaml", "json", dest="show_format")
    show.set_defaults(run=run_show)


def run(args: argparse.Namespace) -> int:
    """Print id, title and as-of date of each scenario."""
    from layers.scenario.scenarios import load_presets

    presets = load_presets()
    if args.format == "json":
        rows = [
            {"id": s.id, "title": s.title, "as_of": s.as_of.isoformat(), "kind": s.kind}
            for s in presets.values()
        ]
        print_json(rows)
    else:
        width = max(len(s) for s in presets)
        for s in presets.values():
            print(f"{s.id:<{width}}  {s.as_of}  {s.title}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Print one scenario in the format of a scenario file."""
    from layers.scenario.scenario_io import scenario_to_dict, scenario_to_yaml
    from layers.scenario.scenarios import get_scenario

    scenario = get_scenario(args.id)
    if args.show_format == "json":
        print_json(scenario_to_dict(scenario))
    else:
        sys.stdout.write(scenario_to_yaml(scenario))
    return 0
