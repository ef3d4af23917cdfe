"""Upload limits agree: the app's readers, Streamlit's uploader and the proxy in front.

A file the app accepts must never be cut off by Streamlit or nginx with a bare HTTP error, and
Streamlit's uploader must not promise more than the app reads.
"""

import re
import tomllib
from pathlib import Path

from conftest import run_app

from layers.scenario.overlay import MAX_OVERLAY_BYTES
from layers.scenario.scenarios import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def _streamlit_limit() -> int:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    return config["server"]["maxUploadSize"] * MB


def _nginx_limit() -> int:
    conf = (ROOT / "deploy" / "nginx-flankmap.conf").read_text(encoding="utf-8")
    (size,) = re.findall(r"^\s*client_max_body_size\s+(\d+)m;", conf, flags=re.MULTILINE)
    return int(size) * MB


def test_streamlit_takes_the_largest_file_the_app_reads_and_no_more():
    assert _streamlit_limit() == max(MAX_OVERLAY_BYTES, MAX_FILE_BYTES)


def test_the_proxy_passes_every_file_streamlit_takes_with_room_for_the_form():
    assert _nginx_limit() > _streamlit_limit()


def test_the_uploaders_say_the_sizes_the_readers_take():
    labels = [uploader.proto.label for uploader in run_app().get("file_uploader")]
    assert labels == [
        "Load a scenario file (YAML, at most 1 MB)",
        "Load a line or area (GeoJSON or GeoPackage, at most 5 MB)",
    ]
