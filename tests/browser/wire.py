"""Bytes as they cross the wire: a loopback TCP relay in front of the server that counts them.

Chromium's network log shows websocket messages after permessage-deflate has undone its
compression, so it cannot tell what a switch costs on the network. The relay sees the bytes
as sent (HTTP headers and bodies, websocket frames compressed or not), both ways.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time


class WireTap:
    """Relay ``127.0.0.1:<port>`` to ``target_port``, counting every byte both ways."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.bytes = 0
        self.last = time.monotonic()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:  # closed
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                with self._lock:
                    self.bytes += len(data)
                    self.last = time.monotonic()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._listener.close()
        for end in self._sockets:
            end.close()
