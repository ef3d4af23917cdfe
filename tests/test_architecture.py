"""Imports flow one way (geo → layers → render → cli/ui/app); Streamlit stays in app.py and ui/.

Inside ``layers`` too: facts → thematic → scenario.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["geo", "layers", "render", "cli"]
#: The Streamlit page's parts: they may use geo, layers and render, never the command line.
UI_ALLOWED = {"geo", "layers", "render", "ui"}


LAYERS_ORDER = ["facts", "thematic", "scenario"]


def _modules(path: Path) -> set[str]:
    """Every module ``path`` imports, dotted (``from a.b import c`` gives ``a.b``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _imports(path: Path) -> set[str]:
    return {module.split(".")[0] for module in _modules(path)}


MODULES = [p for package in ORDER for p in sorted((ROOT / package).rglob("*.py"))]
LAYER_MODULES = [p for p in MODULES if p.parent.parent.name == "layers"]


def _ids(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_every_layers_module_is_in_a_part():
    assert {p.parent.name for p in LAYER_MODULES} == set(LAYERS_ORDER)
    assert [p.name for p in (ROOT / "layers").glob("*.py")] == ["__init__.py"]


@pytest.mark.parametrize("path", LAYER_MODULES, ids=_ids)
def test_layers_parts_import_only_from_the_left(path):
    part = path.parent.name
    allowed = set(LAYERS_ORDER[: LAYERS_ORDER.index(part) + 1])
    used = {m.split(".")[1] for m in _modules(path) if m.startswith("layers.") and "." in m}
    assert used <= allowed, f"layers.{part} may import only {sorted(allowed)}, uses {sorted(used)}"


@pytest.mark.parametrize("path", MODULES, ids=_ids)
def test_imports_only_from_the_left(path):
    package = path.relative_to(ROOT).parts[0]
    allowed = set(ORDER[: ORDER.index(package) + 1])
    ours = _imports(path) & set(ORDER)
    assert ours <= allowed, f"{package} may import only {sorted(allowed)}, imports {sorted(ours)}"


@pytest.mark.parametrize("path", MODULES, ids=_ids)
def test_no_streamlit_below_the_app(path):
    assert not _imports(path) & {"streamlit", "streamlit_folium"}


UI_MODULES = [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]


@pytest.mark.parametrize("path", UI_MODULES, ids=_ids)
def test_the_page_uses_the_layers_not_the_command_line(path):
    ours = _imports(path) & (set(ORDER) | {"ui"})
    assert ours <= UI_ALLOWED, f"{_ids(path)} may import only {sorted(UI_ALLOWED)}, uses {ours}"


def test_the_page_is_wiring_in_small_modules():
    for path in UI_MODULES:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 500, f"{_ids(path)} has {lines} lines"


def test_every_cache_of_the_page_is_forgotten_with_the_rest():
    """``ui.cache.clear`` (used when the data folder changes) misses no cached view."""
    from streamlit.runtime.caching.cache_utils import CachedFunc

    from ui import cache

    cached = {v for v in vars(cache).values() if isinstance(v, CachedFunc)}
    assert cached - {cache.live_map} == set(cache.VIEW_CACHES)
