#!/usr/bin/env bash
# Honest floors: every direct dependency at the lowest version pyproject allows (uv's
# lowest-direct resolution) must pass ruff and the non-browser tests. The venv is .venv-lowest in the
# checkout, synced to exactly that set on each run. Called by scripts/test.sh (needs .venv's uv).
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_CACHE_DIR="$PWD/.cache/uv" UV_LINK_MODE=copy PIP_CACHE_DIR="$PWD/.cache/pip"
uv=.venv/bin/uv

[ -x .venv-lowest/bin/python ] || python3 -m venv .venv-lowest
"$uv" pip compile -q --resolution lowest-direct --python .venv-lowest/bin/python \
    --extra test pyproject.toml -o .venv-lowest/requirements.txt
"$uv" pip sync -q --python .venv-lowest/bin/python .venv-lowest/requirements.txt
"$uv" pip install -q --python .venv-lowest/bin/python --no-deps -e .
echo "lowest versions:" $(grep -E '^(geopandas|shapely|pyogrio|pyproj|pandas|folium|streamlit|matplotlib)==' .venv-lowest/requirements.txt)
.venv-lowest/bin/ruff check -q .
.venv-lowest/bin/ruff format --check -q .
.venv-lowest/bin/python -m pytest -q -m "not browser" --ignore=tests/browser
