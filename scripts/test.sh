#!/usr/bin/env bash
# Install everything the tests need into .venv (inside the checkout) and run them all:
# ruff (lint + format), unit tests, Streamlit AppTest, Playwright browser tests in Chromium, the
# deploy recipe behind nginx; then the built wheel outside the checkout, and the non-browser tests
# on the lowest versions pyproject allows. Extra arguments run pytest alone on what they select,
# e.g. `scripts/test.sh -m "not browser"`; CI passes none and runs everything.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium-headless-shell ] || missing+=(chromium-headless-shell)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing Debian's ${missing[*]} for the browser and deploy tests…"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
export PIP_CACHE_DIR="$PWD/.cache/pip"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"

.venv/bin/ruff check .
.venv/bin/ruff format --check .
[ "$#" -eq 0 ] || exec .venv/bin/python -m pytest "$@"
# Every test in one pytest run on every core (the load test is not in the default run: it is
# `pytest -m load`, alone). One test file per worker at a time, so a module's fixtures are built
# once, handed out in collection order: the browser files first (the first-load test leads, so
# its server has had no visitor yet), then the rest. Each worker that runs browser tests starts
# its own `streamlit run app.py` and Chromium. Then the wheel outside the checkout and the
# lowest allowed versions.
status=0
.venv/bin/python -m pytest -n auto --dist loadfile --no-loadscope-reorder || status=$?
bash scripts/check_wheel.sh || status=$?
bash scripts/check_lowest.sh || status=$?
exit "$status"
