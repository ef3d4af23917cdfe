"""``flankmap``: the command line. One module per command, each with ``add_parser`` and ``run``.

Errors the project raises on purpose (``FlankmapError``) and bad arguments print one line on
stderr and exit with status 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from geo.errors import FlankmapError, InputError


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line on stderr (no usage dump) and exit 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _commands():
    from cli import borders, contributors, diff, export, scenarios

    return [borders, scenarios, diff, export, contributors]


def build_parser() -> argparse.ArgumentParser:
    """Return the parser with every subcommand registered."""
    parser = _Parser(
        prog="flankmap",
        description="NATO's eastern flank: border analytics, scenarios and map exports.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for command in _commands():
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


def date_arg(value: str):
    """Parse an argument as a date: YYYY-MM-DD in YYYY-MM-DD dates in 1949-04-04..today."""
    from geo.dates import parse_as_of

    try:
        return parse_as_of(value)
    except InputError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
