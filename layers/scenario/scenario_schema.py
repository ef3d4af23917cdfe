"""The scenario file's shape: ``data/scenario.schema.json``, and its errors as one clear line.

The schema is the one description of a scenario file. The layer ids, kinds and statuses the code
uses are read from it here; :func:`check_shape` validates a document and turns jsonschema's best
match into the project's error: the place (``battlegroups[2].host``) and what is allowed there,
taken from the schema's ``description`` of the value.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import reprlib
from collections.abc import Iterable
from typing import Any

import jsonschema

from geo.errors import ScenarioError
from geo.paths import data_path


@functools.cache
def scenario_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a scenario file, ``data/scenario.schema.json``.

    Examples
    --------
    >>> scenario_schema()["required"]
    ['id', 'title', 'description', 'as_of', 'battlegroups']
    """
    return json.loads(data_path("scenario.schema.json").read_text(encoding="utf-8"))


_SCHEMA = scenario_schema()
_VALIDATOR = jsonschema.Draft202012Validator(_SCHEMA)
_LAYERS = _SCHEMA["properties"]["layers"]["items"]["oneOf"]

#: Every layer a view can show, in drawing order; ids are stable (they appear in share links).
LAYER_IDS: tuple[str, ...] = tuple(option["const"] for option in _LAYERS)
#: How the layers are named in the app and in exports.
LAYER_TITLES: dict[str, str] = {option["const"]: option["title"] for option in _LAYERS}
#: What a scenario says about itself, and its label on the map and in the legend.
KINDS: dict[str, str] = {o["const"]: o["title"] for o in _SCHEMA["properties"]["kind"]["oneOf"]}
#: The kind of a scenario whose file names none.
DEFAULT_KIND: str = _SCHEMA["properties"]["kind"]["default"]
#: Battle-group statuses a scenario may set on a sourced group.
ENTRY_STATUSES: tuple[str, ...] = tuple(
    _SCHEMA["$defs"]["ref_entry"]["properties"]["status"]["enum"]
)

_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60
_SHORT.maxlevel = 2


def short_repr(value: Any) -> str:
    """Return a bounded ``repr`` of a value read from a file (a YAML alias can nest deeply)."""
    text = _SHORT.repr(value)
    return text if len(text) <= 80 else f"{text[:77]}..."


# --- the shape: the schema's best-matching error as one line -------------------------------------


def _place(path: Iterable[Any]) -> str:
    """``battlegroups[2].host`` for the path ``["battlegroups", 2, "host"]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _described(error: jsonschema.ValidationError) -> str | None:
    """Return the ``description`` of the failing value's schema (of a ``$ref``: its target's)."""
    while error is not None:
        if "description" in error.schema:
            return error.schema["description"]
        parent = error.parent
        error = parent if parent is not None and parent.path == error.path else None
    return None


def _shape_message(error: jsonschema.ValidationError) -> str:
    """Say where the document breaks the schema and what is allowed there."""
    while error.parent is not None and error.parent.validator in ("oneOf", "anyOf"):
        error = error.parent  # a choice of constants: name them all
    path, value, rule, arg = (
        list(error.path),
        error.instance,
        error.validator,
        error.validator_value,
    )
    place = _place(path)
    at = f"{place}: " if place else ""
    subject = f"key {place!r}" if len(path) == 1 else place
    if rule == "type" and not path:
        return f"a scenario must be a YAML mapping, got {type(value).__name__}"
    if rule == "required":
        missing = [_place([*path, key]) for key in arg if key not in value]
        return f"missing key(s) {', '.join(missing)}"
    if rule == "additionalProperties":
        unknown = sorted(str(key) for key in value if key not in error.schema["properties"])
        allowed = ", ".join(error.schema["properties"])
        return f"{at}unknown key(s) {', '.join(unknown)}; allowed: {allowed}"
    if rule == "dependentRequired":
        key, needs = next((k, v) for k, v in arg.items() if k in value)
        return f"{at}key {key!r} needs {' and '.join(map(repr, needs))}"
    if rule == "not":
        return f"{at}give {' or '.join(map(repr, arg['required']))}, not both"
    if rule == "const" and "description" in error.schema:
        return f"{at}{short_repr(value)} is not allowed; {error.schema['description']}"
    if rule in ("enum", "oneOf", "anyOf", "const"):
        options = (
            arg if rule == "enum" else [o.get("const") for o in arg] if rule != "const" else [arg]
        )
        return f"{at}{short_repr(value)} is not allowed; use one of {list(options)}"
    if rule == "type" and arg in ("object", "array"):
        wanted = "a mapping" if arg == "object" else "a list"
        return f"{subject} must be {wanted}, got {type(value).__name__}"
    wanted = _described(error) or f"valid ({error.message})"
    return f"{subject} must be {wanted}, got {short_repr(value)}"


def _as_json(value: Any, seen: dict[int, Any]) -> Any:
    """Return the YAML document with dates as ``YYYY-MM-DD`` text, as JSON would carry it.

    Each shared part (a YAML alias) is converted once, and a part that contains itself stays a
    loop, so an alias bomb stays small and a self-reference ends.
    """
    if id(value) in seen:
        return seen[id(value)]
    if isinstance(value, dict):
        seen[id(value)] = out = {}
        out.update((key, _as_json(item, seen)) for key, item in value.items())
        return out
    if isinstance(value, list):
        seen[id(value)] = items = []
        items.extend(_as_json(item, seen) for item in value)
        return items
    return value.isoformat() if isinstance(value, dt.date) else value


#: Most values a document may hold once YAML aliases are expanded (a 1 MB file of plain YAML
#: holds far fewer). Beyond it jsonschema would spend minutes spelling out the value it refuses.
MAX_VALUES = 100_000


def _size(value: Any, sizes: dict[int, int]) -> int:
    """Count the values in ``value`` as if its aliases were expanded (each part measured once)."""
    if id(value) not in sizes:
        sizes[id(value)] = 1  # a part that contains itself counts once
        parts = value.values() if isinstance(value, dict) else value
        parts = parts if isinstance(value, dict | list) else ()
        sizes[id(value)] = 1 + sum(_size(part, sizes) for part in parts)
    return sizes[id(value)]


def _check_size(raw: Any) -> None:
    """Refuse a document that YAML aliases blow up, naming its key and what the key holds."""
    sizes: dict[int, int] = {}
    if _size(raw, sizes) <= MAX_VALUES:
        return
    if not isinstance(raw, dict):
        raise ScenarioError(f"a scenario must be a YAML mapping, got {type(raw).__name__}")
    key = max(raw, key=lambda k: sizes[id(raw[k])])
    schema = _SCHEMA["properties"].get(key, {})
    if "$ref" in schema:
        schema = _SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    wanted = schema.get("description", "small")
    raise ScenarioError(
        f"key {short_repr(key)} must be {wanted}, got a value that YAML aliases expand to more "
        f"than {MAX_VALUES:,} values"
    )


def check_shape(raw: Any, origin: str) -> dict[str, Any]:
    """Return the document as JSON-ready data if it meets the schema, else raise its best error."""
    try:
        _check_size(raw)
    except ScenarioError as err:
        raise ScenarioError(f"{origin}: {err}") from None
    doc = _as_json(raw, {})
    error = jsonschema.exceptions.best_match(_VALIDATOR.iter_errors(doc))
    if error is not None:
        raise ScenarioError(f"{origin}: {_shape_message(error)}")
    return doc
