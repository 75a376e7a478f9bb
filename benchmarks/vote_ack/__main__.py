"""Runs the vote acknowledgement benchmark: `.venv/bin/python -m benchmarks.vote_ack`."""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time

from bot.app import build_bot
from bot.localslack import FakeSlack

from .apps import BARE, BOT, SECRET, TOKEN, AppProcess, bench_settings
from .load import Order, Sample, generate
from .report import Checks, Row, print_report
from .workspace import Clicks, post_poll, prepare, refusals, stored_votes, updates_per_second

# Enough clicks for a closed-loop round at this many acknowledgements a second.
CLOSED_LOOP_CEILING = 2500


class LoadProcess:
    """The load generator in a spawned process of its own."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=generate, args=(child, SECRET), daemon=True, name="load")
        self._process.start()

    def run(self, order: Order) -> Sample:
        self._conn.send(order)
        sample: Sample = self._conn.recv()
        return sample

    def stop(self) -> None:
        self._conn.send(None)
        self._process.join(timeout=30)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Vote acknowledgements: consult-bot beside a bare Bolt app.")
    parser.add_argument("--rates", type=float, nargs="*", default=[50.0, 200.0], help="open-loop clicks/s")
    parser.add_argument("--open-seconds", type=float, default=6.0, help="seconds per open-loop round")
    parser.add_argument("--clickers", type=int, default=20, help="concurrent closed-loop clickers")
    parser.add_argument("--closed-seconds", type=float, default=3.0, help="seconds per closed-loop round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each mode per app, alternating")
    parser.add_argument("--profile-bot", metavar="FILE", help="write the bot's CPU profile (pstats) to FILE")
    parser.add_argument("--voters", type=int, default=100, help="registered partners taking turns to click")
    return parser.parse_args(argv)


def plan(args: argparse.Namespace) -> list[tuple[str, float, float]]:
    """(mode, clicks/s or clickers, seconds) of each measured mode."""
    modes = [("open", rate, args.open_seconds) for rate in args.rates]
    return [*modes, ("closed", float(args.clickers), args.closed_seconds)]


def order(mode: str, load: float, seconds: float, url: str, clicks: Clicks) -> Order:
    if mode == "open":
        return Order("open", url, clicks.take(round(load * seconds)), seconds, rate=load)
    return Order(
        "closed", url, clicks.take(round(CLOSED_LOOP_CEILING * seconds)), seconds, clickers=int(load)
    )


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    with tempfile.TemporaryDirectory(prefix="consult-bench-") as scratch, FakeSlack(bot_token=TOKEN) as fake:
        database_url = f"sqlite:///{scratch}/bench.db"
        services = build_bot(bench_settings(database_url, fake.api_url))
        services.db.upgrade()
        voters = prepare(fake, services, args.voters)
        apps = {
            BARE: AppProcess(BARE, database_url, fake.api_url),
            BOT: AppProcess(BOT, database_url, fake.api_url),
        }
        load = LoadProcess()
        rows: dict[tuple[str, str, float], Row] = {}
        bot_acks = bare_clicks = bare_handled = 0
        longest_settle = 0.0
        try:
            message = post_poll(apps[BOT].url, fake)
            clicks = Clicks(fake, message, voters)

            def measure(app: str, mode: str, load_: float, seconds: float) -> Sample:
                nonlocal bot_acks, bare_clicks, bare_handled, longest_settle
                work = order(mode, load_, seconds, apps[app].url, clicks)
                cpu = apps[app].cpu_seconds()
                sample = load.run(work)
                handled, settle = apps[app].settle()
                sample.app_cpu = apps[app].cpu_seconds() - cpu
                if app == BOT:
                    bot_acks += sum(1 for status in sample.statuses if status == 200)
                    longest_settle = max(longest_settle, settle)
                else:
                    bare_clicks, bare_handled = bare_clicks + len(sample.statuses), handled
                return sample

            for app in (BARE, BOT):
                measure(app, "closed", float(args.clickers), 1.0)  # warm-up, not counted
            since = time.time()
            for mode, load_, seconds in plan(args):
                for number in range(args.rounds):
                    # Alternating, and each app first in every other round: what else the machine does
                    # then weighs on both alike.
                    for app in (BARE, BOT) if number % 2 == 0 else (BOT, BARE):
                        row = rows.setdefault((app, mode, load_), Row(app, mode, load_))
                        row.samples.append(measure(app, mode, load_, seconds))
            until = time.time()
            bot_rss = apps[BOT].rss_mb()
        finally:
            load.stop()
            for process in apps.values():
                process.stop()
        updates, most = updates_per_second(fake, str(message["ts"]), since, until)
        checks = Checks(
            updates=updates,
            most_updates_in_a_second=most,
            bot_rss_mb=bot_rss,
            bot_acks=bot_acks,
            stored=stored_votes(services),
            refused=refusals(fake),
            bare_clicks=bare_clicks,
            bare_handled=bare_handled,
            longest_settle=longest_settle,
        )
        services.db.dispose()
    rates = " and ".join(f"{rate:g}" for rate in args.rates)
    settings = (
        f"open loop {rates} clicks/s for {args.open_seconds:g} s, closed loop {args.clickers} clickers "
        f"for {args.closed_seconds:g} s; {args.rounds} alternating rounds each; {args.voters} voters, "
        "one poll, SQLite, loopback"
    )
    return (
        0
        if print_report(
            sorted(rows.values(), key=lambda r: (r.mode != "open", r.load, r.app)), checks, settings
        )
        else 1
    )


if __name__ == "__main__":
    raise SystemExit(main())
