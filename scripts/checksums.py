"""The ``sha256sum``-style file ``data/SHA256SUMS``, shared by the build scripts."""

from __future__ import annotations

from pathlib import Path


def write_sum(sums: Path, name: str, digest: str) -> None:
    """Set one file's line in a ``sha256sum``-style file, keeping the other files' lines."""
    lines = sums.read_text().splitlines() if sums.exists() else []
    lines = [line for line in lines if line.split(maxsplit=1)[-1].lstrip("*") != name]
    lines.append(f"{digest}  {name}")
    sums.write_text("\n".join(sorted(lines, key=lambda line: line.split(maxsplit=1)[-1])) + "\n")
