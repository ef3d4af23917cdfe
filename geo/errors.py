"""Errors this project raises on purpose.

Each inherits from a builtin too, so callers may catch ours or the builtin. Messages name the bad
value and what is allowed; the CLI prints them as one line and exits with status 2, the app shows
them with ``st.error`` and keeps the user's view.
"""


class FlankmapError(Exception):
    """Base for every error this project raises on purpose."""


class DataError(FlankmapError, ValueError):
    """A shipped or uploaded data file is missing, unreadable or breaks its schema."""


class ScenarioError(FlankmapError, ValueError):
    """Unknown scenario id or malformed scenario file."""


class InputError(FlankmapError, ValueError):
    """A value a user typed (ISO code, date, layer id, parameter) is not allowed."""
