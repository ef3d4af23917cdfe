"""Imports flow one way (geo → layers → render → cli/app) and Streamlit stays in app.py."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["geo", "layers", "render", "cli"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


MODULES = [p for package in ORDER for p in sorted((ROOT / package).glob("*.py"))]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_imports_only_from_the_left(path):
    package = path.parent.name
    allowed = set(ORDER[: ORDER.index(package) + 1])
    ours = _imports(path) & set(ORDER)
    assert ours <= allowed, f"{package} may import only {sorted(allowed)}, imports {sorted(ours)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_streamlit_below_the_app(path):
    assert not _imports(path) & {"streamlit", "streamlit_folium"}
