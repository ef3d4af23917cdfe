"""Load check: 20 sessions switch scenarios at once for ~30 s on one real ``streamlit run`` server.

Each session is a websocket client speaking Streamlit's own protocol (the messages the browser
sends when someone picks a scenario), in its own thread, so the server runs 20 scripts side by
side with its shared caches, as in production. What every session is shown after a switch must
be what that scenario shows to a lone visitor: its metrics, headings, legend and share link. No
error, no exception. Prints the median and worst switch time.

Not in the default run: ``pytest -m load`` (28 s of switching). ``scripts/benchmark.py --load 20``
runs the same check and prints its one-line figure.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from layers.scenario.scenarios import load_presets
from layers.scenario.scene import build_scene
from render.folium_map import DRAWN

REPO = Path(__file__).resolve().parent.parent
SESSIONS = 20
#: How long the sessions switch; CI may run a short version (``FLANKMAP_LOAD_SECONDS=8``).
SECONDS = float(os.environ.get("FLANKMAP_LOAD_SECONDS", "28"))
START_S = 90


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``streamlit run app.py`` on a free loopback port; its base URL without a scheme."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path_factory.mktemp("load") / "server.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [
                sys.executable,
                *("-m", "streamlit", "run", str(REPO / "app.py")),
                *("--server.headless", "true", "--server.port", str(port)),
                *("--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"),
                *("--server.fileWatcherType", "none"),
            ],
            cwd=REPO,
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=dict(os.environ),
        )
    try:
        deadline = time.monotonic() + START_S
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health") as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit run app.py did not come up; its log ends:\n{tail}")
            time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class Session:
    """One visitor: a websocket to the server and what the last script run showed."""

    def __init__(self, ws, query: str):
        self.ws = ws
        self.query = query
        self.scenario_widget = ""
        self.map_widget = ""
        self.titles: dict[str, str] = {}

    def visit(self) -> dict:
        """Open the page as a browser does: the map alone, then (its frame reporting the map
        drawn, as ``drawn_signal`` makes it) the whole page; return what that showed."""
        self.run()
        return self.run(map_drawn=True)

    def run(self, scenario_title: str | None = None, *, map_drawn: bool = False) -> dict:
        """Rerun the script (picking ``scenario_title`` in the picker); return what it showed."""
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        if scenario_title is not None:
            widget = msg.rerun_script.widget_states.widgets.add()
            widget.id = self.scenario_widget
            widget.string_value = scenario_title
        if map_drawn:
            widget = msg.rerun_script.widget_states.widgets.add()
            widget.id = self.map_widget
            widget.json_value = json.dumps(DRAWN)
        self.ws.send(msg.SerializeToString())
        shown: dict = {"metrics": {}, "headings": [], "html": [], "problems": []}
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(self.ws.recv(timeout=120))
            kind = fm.WhichOneof("type")
            if kind == "page_info_changed":
                self.query = fm.page_info_changed.query_string
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                self._element(fm.delta.new_element, shown)
            elif kind == "script_finished":
                shown["link"] = parse_qs(self.query).get("scenario", [""])[0]
                if fm.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    shown["problems"].append(f"script finished with {fm.script_finished}")
                return shown

    def _element(self, element, shown: dict) -> None:
        kind = element.WhichOneof("type")
        if kind == "metric":
            shown["metrics"][element.metric.label] = element.metric.body
        elif kind == "heading":
            shown["headings"].append(element.heading.body)
        elif kind == "html":
            shown["html"].append(element.html.body)
        elif kind == "selectbox" and element.selectbox.label == "Scenario":
            self.scenario_widget = element.selectbox.id
        elif kind == "component_instance" and "folium" in element.component_instance.component_name:
            self.map_widget = element.component_instance.id
        elif kind == "exception":
            shown["problems"].append(f"exception: {element.exception.message}")
        elif kind == "alert" and element.alert.format == Alert.ERROR:
            shown["problems"].append(f"error: {element.alert.body}")


def stream(host: str):
    """A websocket to the app, as the browser opens it."""
    return connect(f"ws://{host}/_stcore/stream", subprotocols=["streamlit"], max_size=2**27)


@dataclass
class LoadResult:
    """What ``load_check`` saw: switch times, and each session's failure (error or cross-talk)."""

    sessions: int
    switch_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    crosstalk: list[str] = field(default_factory=list)
    hung: int = 0

    def line(self) -> str:
        """The one line ``scripts/benchmark.py --load N`` prints."""
        median = statistics.median(self.switch_s) if self.switch_s else float("nan")
        worst = max(self.switch_s) if self.switch_s else float("nan")
        return (
            f"load: sessions={self.sessions} switches={len(self.switch_s)} median_s={median:.2f} "
            f"worst_s={worst:.2f} errors={len(self.errors) + self.hung} "
            f"crosstalk={len(self.crosstalk)}"
        )


class CrossTalk(AssertionError):
    """A session was shown something other than what a lone visitor sees for its choice."""


def load_check(host: str, sessions: int = SESSIONS, seconds: float = SECONDS) -> LoadResult:
    """Run ``sessions`` visitors switching scenarios against ``host`` for ``seconds``."""
    presets = load_presets()
    order = list(presets)
    alone = {}
    with stream(host) as ws:
        lone = Session(ws, "")
        lone.visit()
        for scenario_id in order:
            alone[scenario_id] = lone.run(presets[scenario_id].title)
            assert alone[scenario_id]["link"] == scenario_id
            assert not alone[scenario_id]["problems"], alone[scenario_id]["problems"]
            assert alone[scenario_id]["metrics"]["Battle groups"] == str(
                build_scene(presets[scenario_id]).metrics.battlegroups
            )

    deadline = time.monotonic() + seconds
    result = LoadResult(sessions)
    lock = threading.Lock()

    def visitor(number: int) -> None:
        chosen = order[number % len(order)]
        try:
            with stream(host) as ws:
                _visit(Session(ws, f"scenario={chosen}"), number, chosen)
        except CrossTalk as err:
            with lock:
                result.crosstalk.append(f"session {number}: {err}"[:2000])
        except Exception as err:  # every session's failure, not only the first
            with lock:
                result.errors.append(f"session {number}: {type(err).__name__}: {err}"[:2000])

    def _visit(session: Session, number: int, chosen: str) -> None:
        seen, step = session.visit(), 0
        while True:
            fields = ("metrics", "headings", "html", "link", "problems")
            mismatch = [f for f in fields if seen.get(f) != alone[chosen][f]]
            if mismatch:
                got = {f: seen.get(f) for f in mismatch}
                raise CrossTalk(f"chose {chosen!r}, step {step}, but was shown {got}")
            if time.monotonic() >= deadline:
                return
            step += 1
            chosen = order[(number + step * (1 + number % 3)) % len(order)]
            began = time.perf_counter()
            seen = session.run(presets[chosen].title)
            with lock:
                result.switch_s.append(time.perf_counter() - began)

    threads = [threading.Thread(target=visitor, args=(i,), daemon=True) for i in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    result.hung = sum(t.is_alive() for t in threads)
    return result


@pytest.mark.load
def test_twenty_sessions_switch_scenarios_without_errors_or_cross_talk(server):
    began = time.monotonic()
    result = load_check(server)
    elapsed = time.monotonic() - began
    assert not result.hung, f"{result.hung} sessions hung"
    assert not result.errors, "\n".join(result.errors)
    assert not result.crosstalk, "\n".join(result.crosstalk)
    assert len(result.switch_s) >= SESSIONS, f"only {len(result.switch_s)} switches"
    print(f"\n{result.line()} ({elapsed:.1f} s)")
