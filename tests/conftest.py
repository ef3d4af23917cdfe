"""Fixtures shared by every test module. Module-specific fixtures live in their modules."""

import pytest

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def hostile_text() -> str:
    """A name a stranger could type: must always be shown as text, never run."""
    return HOSTILE
