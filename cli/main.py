"""``flankmap``: the command line. One module per command, each with ``add_parser`` and ``run``.

Errors the project raises on purpose (``FlankmapError``) and bad arguments print one line on
stderr and exit with status 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cli import borders, contributors, diff, export, scenarios
from geo.errors import FlankmapError

#: The commands, in the order ``flankmap --help`` lists them.
COMMANDS = (borders, scenarios, diff, export, contributors)


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line on stderr (no usage dump) and exit 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the parser with every subcommand registered."""
    parser = _Parser(
        prog="flankmap",
        description="NATO's eastern flank: border analytics, scenarios and map exports.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except FlankmapError as err:
        print(f"flankmap: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `flankmap borders | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
