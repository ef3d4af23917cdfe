"""The ``sha256sum``-style file ``data/SHA256SUMS``, shared by the build scripts."""

from __future__ import annotations

import hashlib
from pathlib import Path

SUMS = Path(__file__).resolve().parent.parent / "data" / "SHA256SUMS"


def sha256(path: Path) -> str:
    """Return the hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_sum(path: Path, sums: Path = SUMS) -> str:
    """Set ``path``'s line in ``sums``, keeping the other files' lines; return its digest."""
    name, digest = path.name, sha256(path)
    lines = sums.read_text().splitlines() if sums.exists() else []
    lines = [line for line in lines if line.split(maxsplit=1)[-1].lstrip("*") != name]
    lines.append(f"{digest}  {name}")
    sums.write_text("\n".join(sorted(lines, key=lambda line: line.split(maxsplit=1)[-1])) + "\n")
    return digest
