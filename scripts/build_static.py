"""Write the app's static files (Leaflet, map script, shapes, shared texts) into static/flankmap.

The app writes them itself at start-up when ``server.enableStaticServing`` is on, only where
they differ; run this at build time for an install whose folder is read-only at run time.

    python scripts/build_static.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from render.assets import static_files, write_static_files  # noqa: E402


def main() -> None:
    written = write_static_files(ROOT / "static")
    total = sum(len(payload) for payload in static_files().values())
    print(f"static/flankmap: {len(static_files())} files, {total / 1024:.0f} KB; wrote {written}")


if __name__ == "__main__":
    main()
