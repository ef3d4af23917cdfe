"""What the commands share: the ``--as-of`` date, the ``--format`` option, printing records.

Every command that prints records takes ``--format`` with its own choices of how they are
printed on stdout (``text``, ``json``, ``csv``, ``yaml``); not to be confused with the file
formats of ``flankmap export`` (``render.export.FORMATS``).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable, Sequence

from geo.dates import parse_as_of
from geo.errors import InputError


def date_arg(value: str):
    """Parse an argument as a date: YYYY-MM-DD, from 1949-04-04 to today."""
    try:
        return parse_as_of(value)
    except InputError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def add_as_of(parser: argparse.ArgumentParser, default: str = "today") -> None:
    """Add ``--as-of``: the date of the facts (``None`` when not given: ``default`` says what)."""
    parser.add_argument(
        "--as-of", type=date_arg, default=None, help=f"YYYY-MM-DD (default: {default})"
    )


def add_print_format(parser: argparse.ArgumentParser, *choices: str, dest: str = "format") -> None:
    """Add ``--format``: how the command prints its records; the first choice is the default."""
    parser.add_argument(
        "--format", dest=dest, choices=choices, default=choices[0], help=f"default {choices[0]}"
    )


def print_json(data: object) -> None:
    """Print ``data`` as indented JSON, non-ASCII text as it is."""
    json.dump(data, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


def print_csv(rows: Iterable[dict], fieldnames: Sequence[str]) -> None:
    """Print ``rows`` as CSV with a header."""
    writer = csv.DictWriter(sys.stdout, fieldnames=list(fieldnames), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
