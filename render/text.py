"""Plain text for Markdown-rendering widgets: shown as typed, never interpreted."""

import html
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


def html_text(value: object) -> str:
    """Escape a text for HTML, and its braces too, for anything that passes through folium.

    folium (through branca) compiles each rendered script as a Jinja template once more, so a
    name containing ``{{ … }}`` or ``{% … %}`` would be *executed* on the server. HTML entities
    for the braces show the same characters in a tooltip and give Jinja nothing to run.

    Examples
    --------
    >>> html_text("<b>{{ 7*7 }}</b>")
    '&lt;b&gt;&#123;&#123; 7*7 &#125;&#125;&lt;/b&gt;'
    """
    return brace_entities(html.escape(str(value)))


def brace_entities(markup: str) -> str:
    """Write the braces of ready HTML as entities, so Jinja finds nothing to run in it.

    Examples
    --------
    >>> brace_entities("<b>{{ x }}</b>")
    '<b>&#123;&#123; x &#125;&#125;</b>'
    """
    return str(markup).replace("{", "&#123;").replace("}", "&#125;")
