"""Fixtures shared by every test module. Module-specific fixtures live in their modules."""

import pytest

from cli.main import main

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def hostile_text() -> str:
    """A name a stranger could type: must always be shown as text, never run."""
    return HOSTILE


@pytest.fixture
def run_cli(capsys):
    """Run ``flankmap *argv`` in-process; return (exit status, stdout, stderr)."""

    def run(argv: list[str]) -> tuple[int, str, str]:
        try:
            status = main(argv)
        except SystemExit as done:  # argparse's errors exit from inside the parser
            status = done.code
        out, err = capsys.readouterr()
        return status, out, err

    return run
