"""What the benchmark measures: build times, peak memory, scale growth and LLM tokens."""

from __future__ import annotations

import gc
import json
import re
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete

from bot.app import build_bot
from bot.config import Settings, load_settings
from bot.domain.periods import Period, ended_period
from bot.localllm import FakeLLM
from bot.services import Services
from bot.services.digest import BuiltDigest, DigestService
from bot.services.summaries import SummaryService
from storage.db import Database
from storage.models import (
    Digest,
    SummaryCacheEntry,
)

from .comments import add_week_comments
from .dataset import Dataset, Volume
from .generate import generate
from .vocabulary import CRON, WEEK, WEEKS, YEAR_START, ZONE

BUILD_TARGET_S = 2.0
GROWTH_TOLERANCE = 1.15  # time/scale normalised to 1x: "linear or better", with room for timing noise
MEMORY_TARGET_MB = 200.0
TOKEN_SHARE_TARGET = 0.2
BENCH_KEY = "sk-bench"
# A period before any stored digest: every live comment counts as new, so every thread is summarised in full.
EVERYTHING = Period(datetime(1970, 1, 1, tzinfo=UTC), datetime(1970, 1, 8, tzinfo=UTC))
_TOKEN_LINE = re.compile(r"^Tokens used: .*$", re.MULTILINE)


def bench_settings(url: str, *, api_key: str = "", base_url: str | None = None) -> Settings:
    """Explicit settings: neither .env nor the environment's OPENAI_API_KEY can change what is measured."""
    return load_settings(
        _env_file=None,
        slack_bot_token="xoxb-bench",
        slack_signing_secret="bench-signing-secret",
        database_url=url,
        openai_api_key=api_key,
        openai_base_url=base_url,
        digest_cron=CRON,
        consult_timezone=ZONE,
    )


def fire(weeks: int) -> datetime:
    """The digest job's fire time `weeks` weeks after the year began (52: the end of the year)."""
    return YEAR_START + weeks * WEEK


def closed_by(settings: Settings, weeks: int) -> Period:
    """The period that the fire at `fire(weeks)` closes: what the weekly job builds then."""
    return ended_period(settings.digest_cron, settings.timezone, fire(weeks))


def forget(db: Database, period: Period) -> None:
    with db.session() as session:
        session.execute(delete(Digest).where(Digest.period_key == period.key))


def summarised(built: BuiltDigest) -> tuple[int, int]:
    """(new or edited comments, recommendations summarised) in a digest."""
    content = built.content
    items = [*content.common_denominators, *content.contested, *content.region_specific]
    items += content.other_recommendations
    return sum(i.new_comments for i in items), sum(1 for i in items if i.summary is not None)


@dataclass(frozen=True)
class BuildFigures:
    runs: list[float]
    gc_runs: list[float]  # of each run, the seconds the garbage collector took
    new_comments: int
    summaries: int

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def gc_median(self) -> float:
        return statistics.median(self.gc_runs)


class GcClock:
    """Seconds spent in the garbage collector while it is installed (`with GcClock() as clock:`)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def __enter__(self) -> GcClock:
        gc.callbacks.append(self._tick)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self._tick)

    def _tick(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started


def time_builds(services: Services, weeks: int, repeats: int) -> BuildFigures:
    """`repeats` builds of the digest the job builds at `fire(weeks)`; the last one stays stored."""
    period, now = closed_by(services.settings, weeks), fire(weeks)
    runs: list[float] = []
    gc_runs: list[float] = []
    built: BuiltDigest | None = None
    for _ in range(repeats):
        forget(services.db, period)
        gc.collect()
        with GcClock() as clock:
            start = time.perf_counter()
            built = services.digest.build(period, now)
            runs.append(time.perf_counter() - start)
        gc_runs.append(clock.seconds)
    assert built is not None
    return BuildFigures(runs, gc_runs, *summarised(built))


# -- peak memory, in a fresh process ---------------------------------------------------------------------


@dataclass(frozen=True)
class MemoryFigures:
    tracemalloc_peak_mb: float
    rss_growth_mb: float


def measure_memory(url: str) -> MemoryFigures:
    """The weekly build's peak memory, measured by `--memory-probe` in a process of its own."""
    script = Path(__file__).resolve().parents[1] / "digest_build.py"
    probe = [sys.executable, str(script), "--memory-probe", url]
    # Through a shell that forks: a child exec'd straight from this (large) process would inherit its
    # ru_maxrss (Linux keeps the high-water mark across vfork + exec), hiding the build's own growth.
    launcher = ["/bin/sh", "-c", '"$@"; exit $?', "sh", *probe]
    done = subprocess.run(launcher, capture_output=True, text=True, check=True, timeout=600)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return MemoryFigures(float(figures["tracemalloc_peak_mb"]), float(figures["rss_growth_mb"]))


def memory_probe(url: str) -> dict[str, float]:
    """Max RSS growth of one weekly build (ru_maxrss, KiB on Linux), then its tracemalloc peak in another."""
    services = build_bot(bench_settings(url), db=Database(url))
    period, now = closed_by(services.settings, WEEKS), fire(WEEKS)
    forget(services.db, period)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    services.digest.build(period, now)
    rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    forget(services.db, period)
    gc.collect()
    tracemalloc.start()
    services.digest.build(period, now)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"tracemalloc_peak_mb": peak / 2**20, "rss_growth_mb": rss_growth}


# -- one scale -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleFigures:
    scale: float
    dataset: Dataset
    generate_s: float
    first: BuildFigures
    weekly: BuildFigures
    memory: MemoryFigures


def measure_scale(workdir: Path, scale: float, repeats: int, first_repeats: int) -> ScaleFigures:
    url = f"sqlite:///{workdir / f'scale-{scale:g}.db'}"
    start = time.perf_counter()
    dataset = generate(url, Volume(scale))
    generate_s = time.perf_counter() - start
    services = build_bot(bench_settings(url), db=Database(url))
    try:
        # First-ever digest one week before the end (every comment of the year new); it stays stored as
        # the previous digest, so the weekly one at the end of the year summarises the last week only.
        first = time_builds(services, WEEKS - 1, first_repeats)
        weekly = time_builds(services, WEEKS, repeats)
    finally:
        services.db.dispose()
    return ScaleFigures(scale, dataset, generate_s, first, weekly, measure_memory(url))


# -- LLM tokens ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekTokens:
    label: str
    new_comments: int
    summaries_written: int
    tokens: int  # prompt + completion of the weekly digest
    requests: int  # chat completions the weekly digest asked for
    full_tokens: int  # prompt + completion of summarising every thread in full that week

    @property
    def share(self) -> float:
        return self.tokens / self.full_tokens if self.full_tokens else 0.0


@dataclass(frozen=True)
class TokenFigures:
    weeks: list[WeekTokens]
    quiet: WeekTokens
    rebuilt_identical: bool  # the same period built twice: the same Markdown
    recomposed_identical: bool  # composed again from the same data: the same Markdown but the token line
    recomposed_tokens: int


class _TokenRun:
    """Consecutive weekly digests at scale 1 against FakeLLM, each compared with summarising in full."""

    def __init__(self, workdir: Path, llm: FakeLLM, dataset: Dataset) -> None:
        self.llm = llm
        self.dataset = dataset
        self.settings = bench_settings(dataset.url, api_key=BENCH_KEY, base_url=llm.base_url)
        self.db = Database(dataset.url)
        self.services = build_bot(self.settings, db=self.db)
        self.cache = Database(f"sqlite:///{workdir / 'full-threads-cache.db'}")
        self.cache.upgrade()
        self.full = DigestService(
            self.db,
            self.settings,
            self.services.partners,
            self.services.recommendations,
            self.services.polls,
            SummaryService(self.cache, self.settings),
        )

    def week(self, week: int, full_tokens: int | None = None) -> WeekTokens:
        """Week `week` (0-based): its comments arrive, then the job builds its digest at the week's end.
        A quiet week (`full_tokens` given: nothing changed since the last week) gets no comments."""
        quiet = full_tokens is not None
        new = 0 if quiet else add_week_comments(self.db, self.dataset, week)
        asked = len(self.llm.completions)
        built = self.services.digest.build(closed_by(self.settings, week + 1), fire(week + 1))
        requests = len(self.llm.completions) - asked
        tokens = built.content.prompt_tokens + built.content.completion_tokens
        label = f"week {week + 1}" + (" (quiet)" if quiet else "")
        full = full_tokens if full_tokens is not None else self.full_threads(week + 1)
        return WeekTokens(label, new, built.content.summaries_written, tokens, requests, full)

    def full_threads(self, weeks: int) -> int:
        """Tokens of summarising every live comment of every thread, with an empty summary cache."""
        with self.cache.session() as session:
            session.execute(delete(SummaryCacheEntry))
        content = self.full.preview(EVERYTHING, fire(weeks)).content
        return content.prompt_tokens + content.completion_tokens

    def close(self) -> None:
        self.db.dispose()
        self.cache.dispose()


def measure_tokens(workdir: Path, active_weeks: int) -> TokenFigures:
    first = WEEKS - active_weeks
    dataset = generate(f"sqlite:///{workdir / 'tokens.db'}", Volume(1), comment_weeks=first)
    offline = build_bot(bench_settings(dataset.url), db=Database(dataset.url))
    offline.digest.build(closed_by(offline.settings, first), fire(first))  # the last digest before: offline
    offline.db.dispose()
    with FakeLLM(BENCH_KEY) as llm:
        run = _TokenRun(workdir, llm, dataset)
        try:
            weeks = [run.week(week) for week in range(first, WEEKS)]
            # Nothing changed since the last week: summarising in full would cost what it did then.
            quiet = run.week(WEEKS, full_tokens=weeks[-1].full_tokens)
            return _identical(run, weeks, quiet)
        finally:
            run.close()


def _identical(run: _TokenRun, weeks: list[WeekTokens], quiet: WeekTokens) -> TokenFigures:
    """The last active week again: built twice (stored), and composed anew (summaries from the cache)."""
    period, now = closed_by(run.settings, WEEKS), fire(WEEKS)
    built = run.services.digest.build(period, now)
    again = run.services.digest.build(period, now)
    recomposed = run.services.digest.preview(period, now)
    same = _TOKEN_LINE.sub("", recomposed.markdown) == _TOKEN_LINE.sub("", built.markdown)
    tokens = recomposed.content.prompt_tokens + recomposed.content.completion_tokens
    return TokenFigures(weeks, quiet, again.markdown == built.markdown, same, tokens)


# -- the report ------------------------------------------------------------------------------------------
