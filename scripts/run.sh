#!/usr/bin/env bash
# Install the app into .venv (inside the checkout) and start it: streamlit run app.py.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
export PIP_CACHE_DIR="$PWD/.cache/pip"
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
exec .venv/bin/streamlit run app.py "$@"
