"""Upload limits agree: the app's readers, Streamlit's uploader and the proxy in front.

A file the app accepts must never be cut off by Streamlit or nginx with a bare HTTP error, and
Streamlit's uploader must not promise more than the app reads.
"""

import re
import tomllib
from pathlib import Path

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
