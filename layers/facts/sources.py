"""How much a source is worth: its tier, declared per domain in ``data/source_tiers.csv``.

Tiers, best first: NATO or government; wire service or public broadcaster; press; think tank;
other. "Other" covers copies, aggregators and any domain the table does not list (its ``*``
row): such a source stays only where nothing better was found, and is marked as a copy where
it is shown.

Examples
--------
>>> source_tier("https://www.nato.int/cps/en/natohq/news_193674.htm")
'nato_gov'
>>> source_tier("https://jfcbs.nato.int/page5964943")  # a subdomain takes its parent's tier
'nato_gov'
>>> source_tier("https://imalbania.com/kosova/x")
'other'
>>> rank_sources("https://imalbania.com/a | https://news.err.ee/b")
'https://news.err.ee/b | https://imalbania.com/a (copy or aggregator)'
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable

from geo.errors import DataError
from geo.paths import data_path
from layers.facts.schema import URL_SEP, split_urls

#: Tiers, best first, with the words a reader sees.
TIERS: dict[str, str] = {
    "nato_gov": "NATO or government",
    "wire_broadcaster": "wire service or public broadcaster",
    "press": "press",
    "think_tank": "think tank",
    "other": "other (copy, aggregator or unclassified)",
}

#: Appended to a source of the lowest tier wherever sources are listed.
COPY_MARK = " (copy or aggregator)"

_FILE = "source_tiers.csv"


def domain(url: str) -> str:
    """Return the host of a URL, lower case, without ``www.``/``m.`` and port.

    Examples
    --------
    >>> domain("http://www.Uawire.org:80/x")
    'uawire.org'
    """
    host = url.strip().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()
    for prefix in ("www.", "m."):
        host = host.removeprefix(prefix)
    return host


@functools.lru_cache(maxsize=1)
def _tiers() -> dict[str, str]:
    path = data_path(_FILE)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise DataError(f"data/{_FILE}: cannot read the file ({err})") from None
    table: dict[str, str] = {}
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=1):
        name, tier = (row.get("domain") or "").strip().lower(), (row.get("tier") or "").strip()
        if tier not in TIERS or not name:
            raise DataError(
                f"data/{_FILE}: row {number} ({name!r}): tier {tier!r}; allowed: {', '.join(TIERS)}"
            )
        if name in table:
            raise DataError(f"data/{_FILE}: row {number}: domain {name!r} listed twice")
        table[name] = tier
    if "*" not in table:
        raise DataError(f"data/{_FILE}: no default row (domain '*')")
    return table


def source_tier(url: str) -> str:
    """Return the tier of a source URL.

    Its domain's tier, else its nearest parent domain's, else the default (``*``).
    """
    tiers = _tiers()
    host = domain(url)
    while host:
        if host in tiers:
            return tiers[host]
        host = host.partition(".")[2]
    return tiers["*"]


def tier_rank(url: str) -> int:
    """Return 0 for the best tier, 4 for "other"."""
    return list(TIERS).index(source_tier(url))


def rank_urls(urls: Iterable[str]) -> list[str]:
    """Return the distinct URLs best tier first (stable within a tier)."""
    unique = list(dict.fromkeys(u.strip() for u in urls if u and u.strip()))
    return sorted(unique, key=tier_rank)


def rank_sources(*cells: object) -> str:
    """Join ``" | "``-separated source cells, each URL once, best tier first, copies marked.

    Text that is not a URL (e.g. ``user hypothesis``) is kept, after the URLs.
    """
    parts = [p.removesuffix(COPY_MARK) for cell in cells if cell for p in split_urls(cell)]
    urls = rank_urls(p for p in parts if p.startswith(("http://", "https://")))
    words = [p for p in dict.fromkeys(parts) if p and not p.startswith(("http://", "https://"))]
    shown = [u + COPY_MARK if source_tier(u) == "other" else u for u in urls]
    return URL_SEP.join([*shown, *words])


def label_domains(domains: Iterable[str]) -> list[str]:
    """Order web sites best tier first and mark those of the lowest tier, for captions.

    Examples
    --------
    >>> label_domains(["imalbania.com", "nato.int", "news.err.ee"])
    ['nato.int', 'news.err.ee', 'imalbania.com (copy or aggregator)']
    """
    ordered = sorted(dict.fromkeys(domains), key=lambda d: tier_rank("https://" + d))
    return [d + COPY_MARK if source_tier("https://" + d) == "other" else d for d in ordered]


def method_markdown() -> str:
    """Return the "Sources and method" text (``data/method.md``): conflicts and choices, linked.

    Shipped text written by the project (Markdown), not user input.

    Examples
    --------
    >>> method_markdown().startswith("# Sources and method")
    True
    """
    path = data_path("method.md")
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise DataError(f"data/method.md: cannot read the file ({err})") from None
