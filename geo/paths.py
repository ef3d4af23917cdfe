"""Where the shipped data lives: in the package ``flankmap_data``, never relative to the cwd.

pyproject installs the checkout's ``data/`` folder as the package ``flankmap_data``, so a wheel
carries the data beside the code and :func:`importlib.resources.files` finds it in any
site-packages. Run from a checkout (``streamlit run app.py``, ``PYTHONPATH=.``), the code reads
the ``data/`` beside it, even when an editable install of another checkout maps the package
elsewhere: code and data always come from the same tree.
"""

import os
from functools import cache
from importlib import resources
from pathlib import Path

PACKAGE = "flankmap_data"
#: The scale of the shipped boundaries, which lengths are measured on (help texts name it).
BOUNDARY_SCALE = "Natural Earth 1:10m"
_CHECKOUT_DATA = Path(__file__).resolve().parent.parent / "data"


@cache
def _shipped() -> Path:
    if (_CHECKOUT_DATA / "__init__.py").is_file():
        return _CHECKOUT_DATA
    # Wheels install unpacked, so this is a folder on disk (pyogrio needs a real path).
    return Path(str(resources.files(PACKAGE)))


def data_dir() -> Path:
    """Return the folder of the shipped data.

    ``FLANKMAP_DATA_DIR`` overrides it, read on every call, so tests can point the loaders at a
    broken copy without re-importing anything.
    """
    return Path(os.environ.get("FLANKMAP_DATA_DIR") or _shipped())


def data_path(*parts: str) -> Path:
    """Return the path of a shipped data file."""
    return data_dir().joinpath(*parts)
