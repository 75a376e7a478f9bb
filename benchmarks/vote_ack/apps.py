"""The two apps under measure, each served by a process of its own, exactly the same way.

Both are a Bolt app behind bot.web's Starlette route on uvicorn (`BotServer`: same keep-alive,
`gc.freeze()` once started), with Bolt's listener dispatch in a 32-thread pool off the event loop.
The bot is the real one (`build_bot`, SQLite, the local Slack stand-in). The bare app has one
listener, an `app.action` on the bot's own vote button ids, which acknowledges and counts the click:
a click it did not match would get Bolt's 404, which the counts and statuses would both show.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from slack_bolt import Ack, App

from bot.app import ListenerPool, build_bot, make_web_client
from bot.config import Settings, load_settings
from bot.server import BotServer
from bot.services import Services
from handlers.actions.poll_answer import VOTE_BUTTON

from .profiling import ThreadProfiles

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
BOT, BARE = "consult-bot", "bare Bolt app"


def bench_settings(database_url: str, api_url: str) -> Settings:
    return load_settings(
        _env_file=None,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=api_url,
        database_url=database_url,
    )


class BareApp:
    """A Bolt app that only acknowledges vote clicks, configured as the bot's app is."""

    def __init__(self, settings: Settings) -> None:
        self.bolt = App(
            client=make_web_client(settings),
            signing_secret=SECRET,
            token_verification_enabled=False,
            process_before_response=False,
            listener_executor=ListenerPool(max_workers=32),
            raise_error_for_unhandled_request=False,
            ignoring_self_events_enabled=True,
        )
        self._lock = threading.Lock()
        self.handled = 0
        self.bolt.action(VOTE_BUTTON)(self._vote)

    def _vote(self, ack: Ack) -> None:
        ack()
        with self._lock:
            self.handled += 1


def _settle(services: Services, server: BotServer, bare: BareApp | None) -> int:
    """Waits until the app has finished its work; the clicks the bare app handled so far (bot: 0)."""
    if bare is not None:
        server.wait_idle(timeout=60)
        return bare.handled
    # Every queued vote written and answered, every message update sent.
    services.polls.votes.flush(timeout=120)
    server.wait_idle(timeout=120)
    services.polls.updates.flush(timeout=120)
    return 0


def serve(kind: str, database_url: str, api_url: str, conn: Connection, profile: str | None) -> None:
    """A child process serving one app until told to stop, settling it whenever asked."""
    settings = bench_settings(database_url, api_url)
    services = build_bot(settings)
    bare = BareApp(settings) if kind == BARE else None
    server = BotServer(services, bolt=bare.bolt if bare else None)
    server.start()
    profiles = ThreadProfiles() if profile else None
    if profiles:
        profiles.start()
    conn.send(server.events_url)
    while conn.recv() == "settle":
        conn.send(_settle(services, server, bare))
    if profiles and profile:
        profiles.save(profile)
    server.stop()
    services.polls.votes.close()
    conn.send("stopped")


class AppProcess:
    """One app in a spawned child process; `settle()` waits until it has finished its work."""

    def __init__(self, kind: str, database_url: str, api_url: str, profile: str | None = None) -> None:
        self.kind = kind
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=serve, args=(kind, database_url, api_url, child, profile), daemon=True, name=kind
        )
        self._process.start()
        self.url = str(self._conn.recv())

    def settle(self) -> tuple[int, float]:
        """(clicks the bare app handled so far, seconds the settling took)."""
        began = time.perf_counter()
        self._conn.send("settle")
        handled = int(self._conn.recv())
        return handled, time.perf_counter() - began

    def rss_mb(self) -> float:
        """The process's resident memory now (VmRSS), in MB."""
        status = Path(f"/proc/{self._process.pid}/status").read_text()
        kilobytes = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
        return int(kilobytes) / 1024

    def cpu_seconds(self) -> float:
        """The CPU time the process has used so far (user and system)."""
        fields = Path(f"/proc/{self._process.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self._process.is_alive():
            self._conn.send("stop")
            self._conn.recv()
        self._process.join(timeout=30)
