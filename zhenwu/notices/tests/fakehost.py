"""A robot host on 127.0.0.1 in a thread (no internet here): answers as DingTalk/WeCom do, or
fails as told, and keeps what it was sent."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeRobotHost:
    def __init__(self):
        self.mode = "ok"  # ok | errcode | http500 | slow | notjson
        self.requests: list[dict] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                parts = urlsplit(self.path)
                host.requests.append(
                    {
                        "path": parts.path,
                        "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                        "body": json.loads(raw.decode("utf-8")),
                        "content_type": self.headers.get("Content-Type"),
                    }
                )
                if host.mode == "slow":
                    time.sleep(1.5)
                if host.mode == "http500":
                    self._answer(500, b'{"errcode": -1, "errmsg": "system busy"}')
                elif host.mode == "errcode":
                    answer = {"errcode": 310000, "errmsg": "keywords not in content"}
                    self._answer(200, json.dumps(answer).encode())
                elif host.mode == "notjson":
                    self._answer(200, b"<html>proxy login</html>")
                else:
                    self._answer(200, b'{"errcode": 0, "errmsg": "ok"}')

            def _answer(self, status, body):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, kind: str = "dingtalk") -> str:
        if kind == "wecom":
            return f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key=test-key-123"
        return f"http://127.0.0.1:{self.port}/robot/send?access_token=test-token-abc"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (connection refused)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
