"""`consult-bot run` as a real process: started, stopped by a signal or killed, restarted."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import BOT_TOKEN, SIGNING_SECRET


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BotProcess:
    """The bot on its own port, configured by its environment as an operator would."""

    def __init__(self, database_url: str, api_url: str, workdir: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": api_url,
            "DATABASE_URL": database_url,
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            **env,
        }
        self.env.pop("SLACK_APP_TOKEN", None)
        self.workdir = workdir
        self.log = workdir / f"bot-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def events_url(self) -> str:
        return self.url + "/slack/events"

    def start(self) -> BotProcess:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"],
                cwd=self.workdir,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            self.wait_healthy()
        except BaseException:
            # A bot that never became healthy must not outlive the test that started it.
            self.kill()
            raise
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_healthy(self, timeout: float = 90.0) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("consult-bot run exited:\n" + self.output())
            if self.health() == 200:
                return
            time.sleep(0.1)
        raise AssertionError(f"consult-bot run did not become healthy in {timeout} s:\n" + self.output())

    def health(self) -> int | None:
        """The status of GET /healthz, or None when nothing answers."""
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)
        except OSError:
            return None

    def kill(self) -> None:
        """SIGKILL: no chance to write anything more."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        """Sends the signal and returns the exit status once the process has ended."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signum)
        return self.process.wait(timeout=timeout)

    def __enter__(self) -> BotProcess:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill()
