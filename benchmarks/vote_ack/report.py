"""The figures: one row per app and mode (rounds merged), then each target, met or missed."""

from __future__ import annotations

import contextlib
import os
import platform
from dataclasses import dataclass, field

from .apps import BARE, BOT
from .load import Sample

P99_MS = 100.0
P50_RATIO = 1.5
THROUGHPUT_SHARE = 0.4
RSS_MB = 200.0


@dataclass
class Row:
    """One app in one mode, over every round of it."""

    app: str
    mode: str
    load: float  # clicks/s (open loop) or clickers (closed loop)
    samples: list[Sample] = field(default_factory=list)

    @property
    def latencies(self) -> list[float]:
        return sorted(x for s in self.samples for x in s.latencies)

    @property
    def clicks(self) -> int:
        return sum(len(s.statuses) for s in self.samples)

    @property
    def acks(self) -> int:
        return sum(1 for s in self.samples for status in s.statuses if status == 200)

    @property
    def errors(self) -> int:
        return self.clicks - self.acks

    @property
    def acks_per_second(self) -> float:
        return self.acks / sum(s.seconds for s in self.samples)

    @property
    def cpu_ms_per_click(self) -> float:
        return 1000 * sum(s.app_cpu for s in self.samples) / max(self.clicks, 1)

    def percentile_ms(self, share: float) -> float:
        ordered = self.latencies
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] * 1000

    @property
    def label(self) -> str:
        return f"{self.load:g}/s" if self.mode == "open" else f"{self.load:g} clickers"


@dataclass
class Checks:
    """What the run found beyond latencies."""

    updates: int
    most_updates_in_a_second: int
    bot_rss_mb: float
    bot_acks: int
    stored: int
    refused: int
    bare_clicks: int
    bare_handled: int
    longest_settle: float


def machine() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError, StopIteration), open("/proc/cpuinfo", encoding="utf-8") as info:
        model = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, load average {load}"


def print_table(rows: list[Row]) -> None:
    print(
        f"{'app':<15} {'mode':<7} {'rate':>11} {'clicks':>7} {'p50 ms':>8} {'p99 ms':>8} {'acks/s':>8} "
        f"{'errors':>7} {'CPU ms/click':>12}"
    )
    for row in rows:
        print(
            f"{row.app:<15} {row.mode:<7} {row.label:>11} {row.clicks:7d} {row.percentile_ms(0.5):8.1f} "
            f"{row.percentile_ms(0.99):8.1f} {row.acks_per_second:8.1f} {row.errors:7d} "
            f"{row.cpu_ms_per_click:12.2f}"
        )


def targets(rows: list[Row], checks: Checks) -> list[tuple[str, bool]]:
    """Each target with whether this run met it."""
    find = {(r.app, r.mode, r.load): r for r in rows}
    found: list[tuple[str, bool]] = []
    for row in rows:
        if row.app == BOT and row.mode == "open":
            p99 = row.percentile_ms(0.99)
            found.append((f"bot p99 at {row.label}: {p99:.1f} ms < {P99_MS:g} ms", p99 < P99_MS))
    slowest_open = min((r.load for r in rows if r.mode == "open"), default=None)
    bot, bare = find.get((BOT, "open", slowest_open or 0)), find.get((BARE, "open", slowest_open or 0))
    if bot and bare:
        ratio = bot.percentile_ms(0.5) / bare.percentile_ms(0.5)
        found.append(
            (f"bot p50 at {bot.label}: {ratio:.2f}x the bare app's (<= {P50_RATIO}x)", ratio <= P50_RATIO)
        )
    for bot in (r for r in rows if r.app == BOT and r.mode == "closed"):
        bare = find.get((BARE, "closed", bot.load))
        if bare:
            share = bot.acks_per_second / bare.acks_per_second
            found.append(
                (
                    f"bot acks/s with {bot.label}: {share:.2f}x the bare app's (>= {THROUGHPUT_SHARE}x)",
                    share >= THROUGHPUT_SHARE,
                )
            )
    found += [
        (
            f"chat.update of the poll: {checks.updates} in all, at most {checks.most_updates_in_a_second}"
            " in any second (<= 1)",
            checks.most_updates_in_a_second <= 1,
        ),
        (f"bot RSS after the run: {checks.bot_rss_mb:.0f} MB (< {RSS_MB:g} MB)", checks.bot_rss_mb < RSS_MB),
        (f"every click answered 200: {sum(r.errors for r in rows)} not", all(r.errors == 0 for r in rows)),
        (
            f"every acknowledged vote stored: {checks.bot_acks} acknowledged, {checks.refused} of them "
            f"refused as busy, {checks.stored} stored",
            checks.stored == checks.bot_acks - checks.refused,
        ),
        (
            f"the bare app's listener handled every click: {checks.bare_handled} of {checks.bare_clicks}",
            checks.bare_handled == checks.bare_clicks,
        ),
    ]
    return found


def print_report(rows: list[Row], checks: Checks, settings: str) -> bool:
    """Prints the table and the targets; True when every target was met."""
    print(f"vote acknowledgements, {settings}")
    print(machine())
    print_table(rows)
    print(
        f"the bot's votes were all written and answered within {checks.longest_settle:.2f} s after each round"
    )
    met = targets(rows, checks)
    for text, ok in met:
        print(f"  [{'met' if ok else 'MISSED'}] {text}")
    return all(ok for _, ok in met)
