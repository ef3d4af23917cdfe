#!/usr/bin/env bash
# Build the wheel, install it into a fresh venv outside the checkout and use the CLI from another
# folder, as someone who never saw the checkout would: borders, scenarios, one export per format.
# Called by scripts/test.sh; needs .venv with the "test" extra (pip, uv). Caches stay in .cache/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_CACHE_DIR="$PWD/.cache/pip" UV_CACHE_DIR="$PWD/.cache/uv" UV_LINK_MODE=copy

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -rf build  # setuptools' staging folder: a file deleted from the tree may linger there
.venv/bin/python -m pip wheel -q --no-deps -w "$work/dist" .
python3 -m venv "$work/venv"
.venv/bin/uv pip install -q --python "$work/venv/bin/python" "$work"/dist/flankmap-*.whl

cd "$work"
mkdir out
run() { env -u FLANKMAP_DATA_DIR -u PYTHONPATH "$work/venv/bin/flankmap" "$@"; }
run borders >borders.json
run scenarios >scenarios.txt
grep -q '"a_member"' borders.json || { echo "flankmap borders: no border pairs" >&2; exit 1; }
grep -q 'proposal-2022' scenarios.txt || { echo "flankmap scenarios: no proposal-2022" >&2; exit 1; }
for format in png html geojson gpkg; do
    written="$(run export --scenario proposal-2022 --format "$format" --out out)"
    [ -s "$written" ] || { echo "flankmap export --format $format wrote nothing" >&2; exit 1; }
done
echo "wheel: borders, scenarios and png/html/geojson/gpkg exports work outside the checkout"
