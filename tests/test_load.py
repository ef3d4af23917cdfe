"""Load check: 20 sessions switch scenarios at once for ~30 s on one real ``streamlit run`` server.

Each session is a websocket client speaking Streamlit's own protocol (the messages the browser
sends when someone picks a scenario), in its own thread, so the server runs 20 scripts side by
side with its shared caches, as in production. What every session is shown after a switch must
be what that scenario shows to a lone visitor: its metrics, headings, legend and share link. No
error, no exception. Prints the median and worst switch time.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from layers.scenarios import load_presets
from layers.scene import build_scene

REPO = Path(__file__).resolve().parent.parent
SESSIONS = 20
SECONDS = 28
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
        self.titles: dict[str, str] = {}

    def run(self, scenario_title: str | None = None) -> dict:
        """Rerun the script (picking ``scenario_title`` in the picker); return what it showed."""
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        if scenario_title is not None:
            widget = msg.rerun_script.widget_states.widgets.add()
            widget.id = self.scenario_widget
            widget.string_value = scenario_title
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
        elif kind == "exception":
            shown["problems"].append(f"exception: {element.exception.message}")
        elif kind == "alert" and element.alert.format == Alert.ERROR:
            shown["problems"].append(f"error: {element.alert.body}")


def stream(host: str):
    """A websocket to the app, as the browser opens it."""
    return connect(f"ws://{host}/_stcore/stream", subprotocols=["streamlit"], max_size=2**27)


def test_twenty_sessions_switch_scenarios_without_errors_or_cross_talk(server):
    presets = load_presets()
    order = list(presets)
    alone = {}
    with stream(server) as ws:
        lone = Session(ws, "")
        lone.run()
        for scenario_id in order:
            alone[scenario_id] = lone.run(presets[scenario_id].title)
            assert alone[scenario_id]["link"] == scenario_id
            assert not alone[scenario_id]["problems"], alone[scenario_id]["problems"]
            assert alone[scenario_id]["metrics"]["Battle groups"] == str(
                build_scene(presets[scenario_id]).metrics.battlegroups
            )

    deadline = time.monotonic() + SECONDS
    switch_s: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def visitor(number: int) -> None:
        chosen = order[number % len(order)]
        try:
            with stream(server) as ws:
                _visit(Session(ws, f"scenario={chosen}"), number, chosen)
        except Exception as err:  # every session's failure, not only the first
            with lock:
                failures.append(f"session {number}: {type(err).__name__}: {err}"[:2000])

    def _visit(session: Session, number: int, chosen: str) -> None:
        seen, step = session.run(), 0
        while True:
            fields = ("metrics", "headings", "html", "link", "problems")
            mismatch = [f for f in fields if seen.get(f) != alone[chosen][f]]
            if mismatch:
                got = {f: seen.get(f) for f in mismatch}
                raise AssertionError(f"chose {chosen!r}, step {step}, but was shown {got}")
            if time.monotonic() >= deadline:
                return
            step += 1
            chosen = order[(number + step * (1 + number % 3)) % len(order)]
            began = time.perf_counter()
            seen = session.run(presets[chosen].title)
            with lock:
                switch_s.append(time.perf_counter() - began)

    threads = [threading.Thread(target=visitor, args=(i,), daemon=True) for i in range(SESSIONS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 120)
    elapsed = time.monotonic() - began

    assert not any(t.is_alive() for t in threads), "a session hung"
    assert not failures, "\n".join(failures)
    assert len(switch_s) >= SESSIONS, f"only {len(switch_s)} switches in {elapsed:.0f} s"
    print(
        f"\n{SESSIONS} concurrent sessions, {len(switch_s)} scenario switches in {elapsed:.1f} s: "
        f"median {statistics.median(switch_s):.2f} s, worst {max(switch_s):.2f} s per switch"
    )
