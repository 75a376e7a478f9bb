"""What the local stand-ins (``bot.localslack``, ``bot.localllm``) share: an HTTP server on
127.0.0.1 in a daemon thread, started and stopped the same way, answering through one method.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

__all__ = ["LocalHttpService", "Reply"]


@dataclass
class Reply:
    """One HTTP answer of a stand-in."""

    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Mapping[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        return cls(status, json.dumps(data).encode(), headers=headers or {})

    @classmethod
    def text(cls, text: str, status: int = 200) -> Reply:
        return cls(status, text.encode(), content_type="text/plain; charset=utf-8")


class LocalHttpService:
    """A stand-in run by ``start()``/``stop()`` or a ``with`` block; it answers in ``handle_http``."""

    server_name = "LocalHttpService"

    def __init__(self) -> None:
        self._serving_lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def handle_http(self, verb: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        raise NotImplementedError

    def bug_reply(self, exc: Exception) -> Reply:
        """The answer when ``handle_http`` raised: a bug in a stand-in must look like a failing server."""
        return Reply.json({"ok": False, "error": "fatal_error", "detail": repr(exc)}, status=500)

    def start(self) -> Self:
        """Serve on 127.0.0.1 on a free port, in a daemon thread. Idempotent."""
        with self._serving_lock:
            if self._server is None:
                self._server = _Server(self)
                self._thread = threading.Thread(
                    target=self._server.serve_forever,
                    kwargs={"poll_interval": 0.05},
                    name=self.server_name,
                    daemon=True,
                )
                self._thread.start()
        return self

    def stop(self) -> None:
        with self._serving_lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(
                f"{self.server_name} is not running; call start() or use it as a context manager"
            )
        return int(self._server.server_address[1])


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, service: LocalHttpService) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.service = service


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        service = self.server.service
        try:
            reply = service.handle_http(self.command, self.path, headers, body)
        except Exception as exc:
            reply = service.bug_reply(exc)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer

    def version_string(self) -> str:
        return f"{self.server.service.server_name}/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        return None
