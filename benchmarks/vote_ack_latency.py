"""Ack latency of a vote click under concurrent clickers, beside a minimal Bolt app that only acks.

Run: `.venv/bin/python benchmarks/vote_ack_latency.py [--seconds 8] [--clickers 20]`

Both apps are served the same way (bot.app's Starlette route running Bolt's dispatch in a thread
pool, on uvicorn, on a loopback port) and get the same signed `block_actions` payloads from the
same number of threads. The real bot runs on SQLite against the local Slack stand-in, with its
partners registered and a poll posted; each click is a vote (it changes the voter's answer). The
stand-in records every Web API call, from which the `chat.update` calls per poll per second are
counted. Everything stays on 127.0.0.1 and the whole run takes well under a minute.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import multiprocessing
import re
import socket
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import uvicorn
from slack_bolt import Ack, App
from slack_sdk import WebClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import itertools

from bot.app import build_bot
from bot.config import load_settings
from bot.demo import CHANNEL, seed_workspace
from bot.domain.partners import PartnerInfo, Role
from bot.localslack import FakeSlack, Response, SendOptions, SlackSender, sign
from bot.localslack.transport import Outgoing
from bot.server import BotServer
from bot.services import Services
from bot.web import EVENTS_PATH, create_web_app

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
OPTIONS = 4
FORM = "application/x-www-form-urlencoded"
# Enough prepared clicks per clicker for one round at well over 1,000 clicks a second.
PER_CLICKER = 300


@dataclass
class Run:
    name: str
    latencies: list[float]
    seconds: float
    failures: int

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] * 1000

    @classmethod
    def merge(cls, name: str, runs: list[Run]) -> Run:
        return cls(
            name,
            [x for r in runs for x in r.latencies],
            sum(r.seconds for r in runs),
            sum(r.failures for r in runs),
        )

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds


class MinimalServer:
    """A Bolt app that only acks, served exactly like the bot (same route, thread pool, uvicorn)."""

    def __init__(self, services: Services) -> None:
        app = App(
            signing_secret=SECRET,
            client=WebClient(token=TOKEN, base_url=services.settings.slack_api_url),
            token_verification_enabled=False,
            process_before_response=False,
            listener_executor=ThreadPoolExecutor(max_workers=32, thread_name_prefix="listener"),
        )

        @app.action(re.compile(".*"))
        def only_ack(ack: Ack) -> None:
            ack()

        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        config = uvicorn.Config(
            create_web_app(app, services), log_level="warning", access_log=False, lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def start(self) -> MinimalServer:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{EVENTS_PATH}"


def serve(kind: str, database_url: str, api_url: str, conn: Connection, freeze_gc: bool) -> None:
    """A child process serving one app until told to stop: the bot keeps its own interpreter (and
    GIL), apart from the clickers and the Slack stand-in."""
    settings = load_settings(
        _env_file=None,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=api_url,
        database_url=database_url,
    )
    services = build_bot(settings)
    server: BotServer | MinimalServer = BotServer(services) if kind == "bot" else MinimalServer(services)
    server.start()
    if freeze_gc:
        # What starting up allocated is never garbage; frozen, it no longer lengthens full collections.
        gc.freeze()
    conn.send(server.events_url)
    while conn.recv() == "settle":
        # Every queued vote applied and answered, every message update sent.
        if kind == "bot":
            services.polls.votes.flush(timeout=120)
            services.polls.updates.flush(timeout=120)
        conn.send("settled")
    server.stop()
    conn.send("stopped")


class KeepAliveSender(SlackSender):
    """Signed requests over one persistent connection per clicker thread (like Slack's own pool),
    so that the load generator spends its time waiting for acks, not opening connections."""

    _local = threading.local()

    def send_raw(self, url: str, body: str, content_type: str, **opts: Any) -> Response:
        parts = urllib.parse.urlsplit(url)
        connection = getattr(self._local, parts.netloc, None)
        if connection is None:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            setattr(self._local, parts.netloc, connection)
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": sign(self.signing_secret, timestamp, body),
        }
        connection.request("POST", parts.path, body=body.encode(), headers=headers)
        answer = connection.getresponse()
        text = answer.read().decode()
        return Response(status=answer.status, body=text, json=None, headers=dict(answer.getheaders()))


class Recorder(SlackSender):
    """Builds the exact requests SlackSender.click sends (fresh action_ts, trigger and response_url
    each), without sending them: the timed loop then only signs and posts, so the load generator's
    own work weighs as little as possible on the figures."""

    def __init__(self, fake: FakeSlack) -> None:
        super().__init__("http://127.0.0.1/", SECRET, fake)
        self.bodies: list[str] = []

    def _deliver(self, request: Outgoing, opts: SendOptions) -> Response:
        self.bodies.append(request.body)
        return Response(status=200, body="", json=None, headers={})


def prepared_clicks(
    fake: FakeSlack, message: dict[str, Any], users: list[str], per_clicker: int
) -> list[list[str]]:
    """For each clicker, `per_clicker` signed-later vote clicks, cycling through the options."""
    bodies = []
    for index, user in enumerate(users):
        recorder = Recorder(fake)
        for count in range(per_clicker):
            recorder.click(message, CHANNEL, user, f"poll_vote_{(index + count) % OPTIONS}")
        bodies.append(recorder.bodies)
    return bodies


class AppProcess:
    """One app served by a child process; `settle()` waits until it has finished its work."""

    def __init__(self, kind: str, database_url: str, api_url: str, freeze_gc: bool) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=serve, args=(kind, database_url, api_url, child, freeze_gc), daemon=True
        )
        self._process.start()
        self.url = str(self._conn.recv())

    def settle(self) -> float:
        began = time.perf_counter()
        self._conn.send("settle")
        self._conn.recv()
        return time.perf_counter() - began

    def stop(self) -> None:
        self._conn.send("stop")
        self._conn.recv()
        self._process.join(timeout=30)


def hammer(name: str, click: Callable[[int, int], int | None], clickers: int, seconds: float) -> Run:
    """`clickers` threads click for `seconds` (or until a clicker has no click left); each click's
    round trip is its ack latency."""
    latencies: list[list[float]] = [[] for _ in range(clickers)]
    failures = [0] * clickers
    start = threading.Barrier(clickers + 1)
    deadline = 0.0

    def worker(index: int) -> None:
        start.wait()
        count = 0
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            status = click(index, count)
            if status is None:
                break
            latencies[index].append(time.perf_counter() - began)
            failures[index] += status != 200
            count += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clickers)]
    for thread in threads:
        thread.start()
    deadline = time.perf_counter() + seconds
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return Run(name, [x for per in latencies for x in per], time.perf_counter() - began, sum(failures))


def clicker_ids(count: int) -> list[str]:
    return [f"U0BENCH{i:03d}" for i in range(count)]


def prepare(fake: FakeSlack, services: Services, clickers: int) -> None:
    members = seed_workspace(fake)
    users = clicker_ids(clickers)
    for user in users:
        fake.add_user(user, user.lower(), real_name=f"Clicker {user[-3:]}")
    fake.add_channel(CHANNEL, "policy-recommendations", members=[*members, *users])
    services.partners.upsert(
        [
            PartnerInfo(u, f"Clicker {u[-3:]}", f"Org {i % 10}", "Region", "AT", Role.PARTNER)
            for i, u in enumerate(users)
        ]
        + [PartnerInfo("U0COORD01", "Simone Hagenauer", "ecoplus", "Lower Austria", "AT", Role.COORDINATOR)]
    )


def post_poll(sender: SlackSender, fake: FakeSlack) -> dict[str, Any]:
    options = " ".join(f'"Option {i}"' for i in range(OPTIONS))
    sender.slash("/poll", f'"Benchmark: which option?" {options}', user="U0COORD01", channel=CHANNEL)
    posted = fake.wait_for("chat.postMessage", lambda c: c.params.get("channel") == CHANNEL)[-1]
    return fake.message(CHANNEL, str(posted.response["ts"])).to_api()


def updates_per_second(fake: FakeSlack, ts: str, since: float, until: float) -> tuple[int, int, float]:
    """(chat.update calls in the window, the most in any one second, the shortest gap in seconds)."""
    times = sorted(
        c.at for c in fake.calls("chat.update") if c.params.get("ts") == ts and since <= c.at <= until
    )
    most = max((sum(1 for t in times if start <= t < start + 1.0) for start in times), default=0)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    return len(times), most, min(gaps, default=float("inf"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per round and app")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of each app")
    parser.add_argument("--clickers", type=int, default=20)
    parser.add_argument(
        "--no-freeze-gc",
        dest="freeze_gc",
        action="store_false",
        help="do not gc.freeze() the minimal app's process (the bot's server always does, once started)",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="consult-bench-") as scratch, FakeSlack(bot_token=TOKEN) as fake:
        database_url = f"sqlite:///{scratch}/bench.db"
        settings = load_settings(
            _env_file=None,
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=fake.api_url,
            database_url=database_url,
        )
        services = build_bot(settings)
        services.db.upgrade()
        prepare(fake, services, args.clickers)
        users = clicker_ids(args.clickers)

        def clicks(sender: KeepAliveSender, bodies: list[list[str]]) -> Callable[[int, int], int | None]:
            def click(index: int, count: int) -> int | None:
                if count >= len(bodies[index]):
                    return None
                return sender.send_raw(sender.events_url, bodies[index][count], FORM).status

            return click

        bot, minimal = (
            AppProcess("bot", database_url, fake.api_url, args.freeze_gc),
            AppProcess("minimal", database_url, fake.api_url, args.freeze_gc),
        )
        try:
            bot_sender, minimal_sender = (
                KeepAliveSender(bot.url, SECRET, fake),
                KeepAliveSender(minimal.url, SECRET, fake),
            )
            message = post_poll(bot_sender, fake)

            def round_of(sender: KeepAliveSender, name: str, seconds: float) -> Run:
                bodies = prepared_clicks(fake, message, users, PER_CLICKER)
                return hammer(name, clicks(sender, bodies), args.clickers, seconds)

            round_of(minimal_sender, "warm-up", 1.0)
            round_of(bot_sender, "warm-up", 1.0)
            bot.settle()
            # Alternating rounds, so that whatever else the machine does weighs on both apps alike;
            # the bot finishes each round's votes before the next round starts.
            minimal_runs, bot_runs, drains = [], [], []
            since = time.time()
            for _ in range(args.rounds):
                minimal_runs.append(round_of(minimal_sender, "minimal", args.seconds))
                bot_runs.append(round_of(bot_sender, "bot", args.seconds))
                drains.append(bot.settle())
            until = time.time()
        finally:
            bot.stop()
            minimal.stop()
        minimal_run = Run.merge("minimal Bolt app (ack only)", minimal_runs)
        bot_run = Run.merge("consult-bot vote", bot_runs)
        updates, most, gap = updates_per_second(fake, str(message["ts"]), since, until)
        answers = services.polls.results(1).respondent_count
        services.db.dispose()

    report(minimal_run, bot_run, updates, most, gap, answers, max(drains), args)
    return 0


def report(
    minimal: Run,
    bot: Run,
    updates: int,
    most: int,
    gap: float,
    answers: int,
    drain: float,
    args: argparse.Namespace,
) -> None:
    print(
        f"vote ack latency: {args.clickers} concurrent clickers, {args.rounds} alternating rounds of "
        f"{args.seconds:g} s per app, loopback, SQLite"
        + (", gc.freeze() after start" if args.freeze_gc else "")
    )
    print(f"{'':30} {'clicks':>7} {'p50 ms':>8} {'p99 ms':>8} {'clicks/s':>9} {'errors':>7}")
    for run in (minimal, bot):
        print(
            f"{run.name:30} {len(run.latencies):7d} {run.percentile(0.5):8.1f} {run.percentile(0.99):8.1f} "
            f"{run.throughput:9.1f} {run.failures:7d}"
        )
    ratio = bot.percentile(0.5) / minimal.percentile(0.5)
    print(f"bot p50 / minimal p50: {ratio:.2f} (target <= 1.5)")
    print(f"bot p99: {bot.percentile(0.99):.1f} ms (target < 100)")
    print(
        f"chat.update of the poll message: {updates} for {len(bot.latencies)} votes, at most {most} in any "
        f"second (target <= 1), shortest gap {gap:.2f} s"
    )
    print(
        f"every vote applied and answered at most {drain:.2f} s after its round ended; "
        f"{answers} voters have an answer"
    )


if __name__ == "__main__":
    raise SystemExit(main())
