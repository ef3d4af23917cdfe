#!/usr/bin/env bash
# Install everything the tests need into .venv (inside the checkout) and run them all:
# ruff (lint + format), unit tests, Streamlit AppTest and Playwright browser tests in Chromium.
# Extra arguments go to one plain pytest run instead, e.g. `scripts/test.sh -m "not browser"`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
    echo "Installing Debian's Chromium for the browser tests…"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq chromium >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
export PIP_CACHE_DIR="$PWD/.cache/pip"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"

.venv/bin/ruff check .
.venv/bin/ruff format --check .
if [ $# -gt 0 ]; then
    exec .venv/bin/python -m pytest "$@"
fi
# Unit and AppTest tests on every core, one test file per worker (so a module's fixtures are
# built once); then, in one process, the tests that start `streamlit run` themselves: the
# browser tests share one server for the session, and the load test has the machine to itself.
SERVED=(tests/browser tests/test_load.py)
status=0
.venv/bin/python -m pytest -n auto --dist loadfile "${SERVED[@]/#/--ignore=}" || status=$?
.venv/bin/python -m pytest "${SERVED[@]}" || status=$?
exit "$status"
