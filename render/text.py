"""Plain text for Markdown-rendering widgets: shown as typed, never interpreted."""

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$])")


def markdown_escape(text: object) -> str:
    r"""Backslash-escape Markdown and HTML syntax so the text shows literally.

    Examples
    --------
    >>> markdown_escape("<script>alert(1)</script>")
    '\\<script\\>alert\\(1\\)\\</script\\>'
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
