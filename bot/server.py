"""Serving the bot over HTTP with uvicorn, in the foreground or in a background thread."""

from __future__ import annotations

import gc
import socket
import threading
import time
from types import TracebackType

import uvicorn
from slack_bolt import App
from slack_sdk import WebClient

from bot.app import ListenerPool, create_bolt_app
from bot.services import Services
from bot.web import EVENTS_PATH, create_web_app


class BotServer:
    """The real app on a real port; `port=0` picks a free one (tests and the demo)."""

    def __init__(
        self,
        services: Services,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        client: WebClient | None = None,
        log_level: str = "warning",
        bolt: App | None = None,
    ) -> None:
        # `bolt`: another Bolt app served exactly like the bot's (the benchmark's ack-only app).
        self.bolt = bolt or create_bolt_app(services, client)
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind((host, port))
        self.host, self.port = self.socket.getsockname()[:2]
        config = uvicorn.Config(
            create_web_app(self.bolt, services),
            log_level=log_level,
            access_log=False,
            lifespan="off",
            timeout_keep_alive=30,
            # The process's logging (bot.logs: LOG_FORMAT, redaction) applies to uvicorn's records too.
            log_config=None,
        )
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def events_url(self) -> str:
        return self.url + EVENTS_PATH

    def wait_idle(self, timeout: float = 10.0, *, busy: int = 0) -> bool:
        """True once every listener has finished the work it does after its acknowledgement (but
        `busy` of them: a test's own listener waiting on the test counts as one)."""
        pool = self.bolt.listener_runner.listener_executor
        return not isinstance(pool, ListenerPool) or pool.wait_idle(timeout, busy=busy)

    def serve_forever(self) -> None:
        # Everything built so far lives as long as the process: keeping it out of the garbage
        # collector's sweeps removes the pauses that otherwise show in the slowest acknowledgements.
        gc.freeze()
        self.server.run(sockets=[self.socket])

    def start(self) -> BotServer:
        self._thread = threading.Thread(target=self.serve_forever, name="bot-http", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the bot's HTTP server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.socket.close()

    def __enter__(self) -> BotServer:
        return self.start()

    def __exit__(
        self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]
    ) -> None:
        self.stop()
