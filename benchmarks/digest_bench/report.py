"""The benchmark's tables and its verdict per target."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from .measure import (
    BUILD_TARGET_S,
    GROWTH_TOLERANCE,
    MEMORY_TARGET_MB,
    TOKEN_SHARE_TARGET,
    ScaleFigures,
    TokenFigures,
    WeekTokens,
)


@dataclass(frozen=True)
class Verdict:
    target: str
    passed: bool
    measured: str


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = [header, ["-" * w for w in widths], *rows]
    return "\n".join("  ".join(str(c).rjust(w) for c, w in zip(line, widths, strict=True)) for line in lines)


def _growth(scales: Sequence[ScaleFigures]) -> dict[float, float]:
    """Weekly build time per unit of data, normalised to the smallest scale measured (1x when measured)."""
    base = scales[0]
    unit = base.weekly.median / base.scale
    return {s.scale: (s.weekly.median / s.scale) / unit for s in scales}


def scale_table(scales: Sequence[ScaleFigures]) -> str:
    growth = _growth(scales)
    header = [
        *("scale", "recs", "comments", "polls", "generate s", "first-ever s", "weekly s", "runs (weekly)"),
        *("of it GC s", "new comments", "summaries", "time/scale", "tracemalloc MB", "RSS growth MB"),
    ]
    rows = [
        [
            f"{s.scale:g}x",
            str(s.dataset.volume.recommendations),
            str(s.dataset.comments),
            str(s.dataset.polls),
            f"{s.generate_s:.1f}",
            f"{s.first.median:.2f}",
            f"{s.weekly.median:.2f}",
            " ".join(f"{r:.2f}" for r in s.weekly.runs),
            f"{s.weekly.gc_median:.2f}",
            str(s.weekly.new_comments),
            str(s.weekly.summaries),
            f"{growth[s.scale]:.2f}",
            f"{s.memory.tracemalloc_peak_mb:.0f}",
            f"{s.memory.rss_growth_mb:.0f}",
        ]
        for s in scales
    ]
    return _table(header, rows)


def token_table(tokens: TokenFigures) -> str:
    header = ["week", "new comments", "summaries written", "LLM requests", "tokens", "in full", "share"]
    rows = [_week_row(w) for w in [*tokens.weeks, tokens.quiet]]
    return _table(header, rows)


def _week_row(week: WeekTokens) -> list[str]:
    counts = (week.new_comments, week.summaries_written, week.requests, week.tokens, week.full_tokens)
    return [week.label, *(str(n) for n in counts), f"{week.share:.3f}"]


def verdicts(scales: Sequence[ScaleFigures], tokens: TokenFigures | None) -> list[Verdict]:
    found = [_build_verdict(scales), _growth_verdict(scales), _memory_verdict(scales)]
    return found + (_token_verdicts(tokens) if tokens is not None else [])


def _at_one(scales: Sequence[ScaleFigures]) -> ScaleFigures:
    return next((s for s in scales if s.scale == 1), scales[0])


def _build_verdict(scales: Sequence[ScaleFigures]) -> Verdict:
    one = _at_one(scales)
    measured = f"{one.weekly.median:.2f} s (median of {len(one.weekly.runs)})"
    target = f"weekly build at {one.scale:g}x under {BUILD_TARGET_S:g} s"
    return Verdict(target, one.weekly.median < BUILD_TARGET_S, measured)


def _growth_verdict(scales: Sequence[ScaleFigures]) -> Verdict:
    largest = scales[-1]
    growth = _growth(scales)[largest.scale]
    target = (
        f"growth {scales[0].scale:g}x to {largest.scale:g}x linear or better "
        f"(time/scale <= {GROWTH_TOLERANCE:g})"
    )
    return Verdict(target, growth <= GROWTH_TOLERANCE, f"{growth:.2f} at {largest.scale:g}x")


def _memory_verdict(scales: Sequence[ScaleFigures]) -> Verdict:
    one, largest = _at_one(scales).memory, scales[-1]
    peak = max(one.tracemalloc_peak_mb, one.rss_growth_mb)
    measured = (
        f"{one.tracemalloc_peak_mb:.0f} MB tracemalloc, {one.rss_growth_mb:.0f} MB RSS growth "
        f"({largest.memory.tracemalloc_peak_mb:.0f} / {largest.memory.rss_growth_mb:.0f} MB "
        f"at {largest.scale:g}x)"
    )
    target = f"peak memory of the build at {_at_one(scales).scale:g}x under {MEMORY_TARGET_MB:g} MB"
    return Verdict(target, peak < MEMORY_TARGET_MB, measured)


def _token_verdicts(tokens: TokenFigures) -> list[Verdict]:
    worst = max(w.share for w in tokens.weeks)
    quiet = tokens.quiet
    identical = tokens.rebuilt_identical and tokens.recomposed_identical and tokens.recomposed_tokens == 0
    same = {True: "same", False: "DIFFERENT"}
    return [
        Verdict(
            f"LLM tokens per weekly digest <= {TOKEN_SHARE_TARGET:g} of summarising every thread in full",
            worst <= TOKEN_SHARE_TARGET,
            f"at most {worst:.3f} over {len(tokens.weeks)} week{'s' if len(tokens.weeks) > 1 else ''}",
        ),
        Verdict(
            "zero tokens on a quiet week",
            quiet.tokens == 0 and quiet.requests == 0,
            f"{quiet.tokens} tokens, {quiet.requests} requests",
        ),
        Verdict(
            "identical output where nothing changed",
            identical,
            f"built twice: {same[tokens.rebuilt_identical]}; composed again: "
            f"{same[tokens.recomposed_identical]} but the token line, {tokens.recomposed_tokens} tokens",
        ),
    ]


def report(scales: Sequence[ScaleFigures], tokens: TokenFigures | None) -> str:
    parts = [
        f"Digest benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}, SQLite; "
        "offline summarizer for the build times (no LLM latency).",
        "",
        "Build time, growth and peak memory (weekly = the digest at the end of the year, one week after the "
        "previous one; first-ever = every comment of the year new; seconds, median of the runs):",
        scale_table(scales),
    ]
    if tokens is not None:
        title = (
            "LLM tokens per weekly digest at 1x (FakeLLM; 'in full': every thread summarised, empty cache):"
        )
        parts += ["", title, token_table(tokens)]
    parts += ["", "Targets:"]
    parts += [
        f"  [{'PASS' if v.passed else 'FAIL'}] {v.target}: {v.measured}" for v in verdicts(scales, tokens)
    ]
    return "\n".join(parts)
