"""``flankmap scenarios``: the shipped scenario presets."""

from __future__ import annotations

import argparse
import json
import sys

FORMATS = ("text", "json")


def add_parser(sub) -> None:
    """Register the command."""
    parser = sub.add_parser("scenarios", help="list the shipped scenarios")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print id, title and as-of date of each scenario."""
    from layers.scenarios import load_presets

    presets = load_presets()
    if args.format == "json":
        rows = [
            {"id": s.id, "title": s.title, "as_of": s.as_of.isoformat(), "kind": s.kind}
            for s in presets.values()
        ]
        json.dump(rows, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        width = max(len(s) for s in presets)
        for s in presets.values():
            print(f"{s.id:<{width}}  {s.as_of}  {s.title}")
    return 0
