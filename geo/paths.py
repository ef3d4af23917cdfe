"""Where the shipped data lives: next to the packages, never relative to the working directory."""

import os
from pathlib import Path

_PACKAGED = Path(__file__).resolve().parent.parent / "data"


def data_dir() -> Path:
    """Return the folder of the shipped data.

    ``FLANKMAP_DATA_DIR`` overrides it, read on every call, so tests can point the loaders at a
    broken copy without re-importing anything.
    """
    return Path(os.environ.get("FLANKMAP_DATA_DIR") or _PACKAGED)


def data_path(*parts: str) -> Path:
    """Return the path of a shipped data file."""
    return data_dir().joinpath(*parts)
