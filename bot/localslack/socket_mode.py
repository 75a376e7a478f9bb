"""Slack's Socket Mode side of the local Slack: a WebSocket server (the ``websockets`` library) that
speaks Slack's envelopes.

``apps.connections.open`` (app-level token) hands out a one-use ``ws://`` URL; a client that connects
gets ``hello``; events, slash commands and interactions reach it as ``events_api``,
``slash_commands`` and ``interactive`` envelopes, and it acknowledges each by ``envelope_id``,
optionally with a response payload (a slash command's or a view submission's answer). The test can
ask the client to reconnect (``disconnect`` with ``refresh_requested``) or drop its socket abruptly.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

__all__ = ["Acknowledgement", "SocketModeServer"]

JSONDict = dict[str, Any]

# The stand-in's connection chatter ("connection open", ...) is not what a test or the demo shows.
_log = logging.getLogger(__name__)
_log.setLevel(logging.WARNING)

#: How long Slack lets a ``disconnect``-ed connection live before closing it.
_REFRESH_GRACE: Final = 10.0


@dataclass(frozen=True)
class Acknowledgement:
    """What the app sent back for one envelope: its id and payload (None when it sent no payload)."""

    envelope_id: str
    payload: JSONDict | None


@dataclass
class _Pending:
    done: threading.Event = field(default_factory=threading.Event)
    ack: Acknowledgement | None = None


@dataclass
class _Client:
    connection: ServerConnection
    number: int
    retiring: bool = False


class SocketModeServer:
    """The WebSocket endpoint; ``FakeSlack`` owns one and starts it on the first ``apps.connections.open``."""

    def __init__(self, app_id: str, on_change: Callable[[], None]) -> None:
        self.app_id = app_id
        self._on_change = on_change
        self._lock = threading.Condition()
        self._server: Server | None = None
        self._tickets: set[str] = set()
        self._clients: list[_Client] = []
        self._pending: dict[str, _Pending] = {}
        self._opened = 0
        self.envelopes: list[JSONDict] = []

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        with self._lock:
            if self._server is not None:
                return
            self._server = serve(
                self._serve_connection, "127.0.0.1", 0, compression=None, ping_interval=None, logger=_log
            )
            threading.Thread(
                target=self._server.serve_forever, name="FakeSlackSocketMode", daemon=True
            ).start()

    def stop(self) -> None:
        with self._lock:
            server, self._server = self._server, None
            clients = list(self._clients)
        for client in clients:
            with contextlib.suppress(Exception):
                client.connection.close()
        if server is not None:
            server.shutdown()

    def new_url(self) -> str:
        """A one-use ``ws://`` URL, as ``apps.connections.open`` returns (Slack's: ``wss://…/link/?ticket=…``)."""
        self.start()
        ticket = secrets.token_hex(16)
        with self._lock:
            assert self._server is not None
            port = self._server.socket.getsockname()[1]
            self._tickets.add(ticket)
        return f"ws://127.0.0.1:{port}/link/?ticket={ticket}&app_id={self.app_id}"

    # -- what a test sees and does --------------------------------------------------------------

    @property
    def connections_opened(self) -> int:
        """How many connections said hello so far (reconnections count)."""
        with self._lock:
            return self._opened

    @property
    def connected(self) -> int:
        """How many connections are open now."""
        with self._lock:
            return len(self._clients)

    def wait_for_connection(self, opened: int = 1, timeout: float = 15.0) -> None:
        """Block until at least ``opened`` connections have said hello and one is still open."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not (self._opened >= opened and self._live_client() is not None):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"no Socket Mode connection: {self._opened} opened (wanted {opened}), "
                        f"{len(self._clients)} open"
                    )
                self._lock.wait(remaining)

    def drop(self) -> None:
        """Cut every connection abruptly: no close frame, the TCP connection just ends."""
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            with contextlib.suppress(OSError):
                client.connection.socket.shutdown(socket.SHUT_RDWR)

    def request_refresh(self) -> None:
        """Send ``disconnect`` (``refresh_requested``) on every connection, as Slack does every few hours;
        a connection still open ``_REFRESH_GRACE`` seconds later is closed."""
        message = json.dumps(
            {"type": "disconnect", "reason": "refresh_requested", "debug_info": {"host": "fake-applink"}}
        )
        with self._lock:
            clients = [c for c in self._clients if not c.retiring]
            for client in clients:
                client.retiring = True
        for client in clients:
            with contextlib.suppress(ConnectionClosed):
                client.connection.send(message)
            timer = threading.Timer(_REFRESH_GRACE, client.connection.close)
            timer.daemon = True
            timer.start()

    def deliver(
        self, envelope_type: str, payload: JSONDict, *, retry_attempt: int = 0, timeout: float = 10.0
    ) -> Acknowledgement | None:
        """Send one envelope on the newest open connection; the app's acknowledgement, or None
        when none came within ``timeout`` (waiting first, within it, for a connection to open)."""
        envelope_id = str(uuid.uuid4())
        envelope: JSONDict = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": envelope_type != "events_api",
        }
        if envelope_type == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = "timeout" if retry_attempt else ""
        deadline = time.monotonic() + timeout
        pending = _Pending()
        with self._lock:
            client = self._live_client()
            while client is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._lock.wait(remaining)
                client = self._live_client()
            self._pending[envelope_id] = pending
            self.envelopes.append(envelope)
        try:
            client.connection.send(json.dumps(envelope))
            pending.done.wait(max(0.0, deadline - time.monotonic()))
        except ConnectionClosed:
            pass  # the bot dropped the socket: the envelope stays unacknowledged, as on Slack
        finally:
            with self._lock:
                self._pending.pop(envelope_id, None)
        return pending.ack

    # -- serving --------------------------------------------------------------------------------

    def _live_client(self) -> _Client | None:
        live = [c for c in self._clients if not c.retiring]
        return live[-1] if live else None

    def _serve_connection(self, connection: ServerConnection) -> None:
        request = connection.request
        ticket = _query_value(request.path if request else "", "ticket")
        with self._lock:
            if ticket not in self._tickets:
                connection.close(code=4001, reason="invalid or used ticket")
                return
            self._tickets.discard(ticket)
            self._opened += 1
            client = _Client(connection, self._opened)
        connection.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": len(self._clients) + 1,
                    "debug_info": {
                        "host": "fake-applink",
                        "build_number": 1,
                        "approximate_connection_time": 18060,
                    },
                    "connection_info": {"app_id": self.app_id},
                }
            )
        )
        with self._lock:
            self._clients.append(client)
            self._lock.notify_all()
        self._on_change()
        try:
            for message in connection:
                self._acknowledge(message)
        except ConnectionClosed:
            pass  # the bot hung up: the finally below forgets the connection
        finally:
            with self._lock:
                self._clients.remove(client)
                self._lock.notify_all()
            self._on_change()

    def _acknowledge(self, message: str | bytes) -> None:
        try:
            data = json.loads(message)
        except ValueError:
            return
        if not isinstance(data, dict) or "envelope_id" not in data:
            return
        payload = data.get("payload")
        with self._lock:
            pending = self._pending.get(str(data["envelope_id"]))
        if pending is not None:
            pending.ack = Acknowledgement(
                str(data["envelope_id"]), payload if isinstance(payload, dict) else None
            )
            pending.done.set()


def _query_value(path: str, name: str) -> str:
    from urllib.parse import parse_qs, urlsplit

    values = parse_qs(urlsplit(path).query).get(name)
    return values[0] if values else ""
