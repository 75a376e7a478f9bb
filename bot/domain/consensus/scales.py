"""Agreement scales (Delphi) and the trend of a recommendation since the previous digest."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from bot.domain.consensus.recommendations import RecommendationFigures
from bot.domain.consensus.thresholds import (
    AGREE_POINTS,
    DEFAULT_THRESHOLDS,
    DISAGREE_POINTS,
    SCALE_POINTS,
    Thresholds,
    exact,
    frozen_map,
    share_of,
)


@dataclass(frozen=True)
class ScaleFigures:
    """A 5-point agreement scale: 4-5 agree, 1-2 disagree; quartiles by linear interpolation."""

    n: int
    distribution: Mapping[int, int] = field(hash=False)  # every point 1..5, zero counts included
    agree_share: float
    disagree_share: float
    median: float | None
    q1: float | None
    q3: float | None
    iqr: float | None
    delphi_consensus: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "distribution": {str(point): count for point, count in self.distribution.items()},
            "agree_share": self.agree_share,
            "disagree_share": self.disagree_share,
            "median": self.median,
            "q1": self.q1,
            "q3": self.q3,
            "iqr": self.iqr,
            "delphi_consensus": self.delphi_consensus,
        }


def scale_figures(values: Sequence[int], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> ScaleFigures:
    """Delphi figures of the answers to an agreement-scale poll (one value per answer)."""
    answers = sorted(_scale_point(value) for value in values)
    counts = Counter(answers)
    n = len(answers)
    agree = share_of(sum(counts[p] for p in AGREE_POINTS), n)
    disagree = share_of(sum(counts[p] for p in DISAGREE_POINTS), n)
    quartiles = [_quantile(answers, Fraction(q, 4)) for q in (1, 2, 3)] if answers else None
    iqr = quartiles[2] - quartiles[0] if quartiles else None
    consensus = (
        iqr is not None
        and agree >= exact(thresholds.delphi_agree_share)
        and disagree < exact(thresholds.delphi_disagree_share)
        and iqr <= exact(thresholds.delphi_max_iqr)
    )
    return ScaleFigures(
        n=n,
        distribution=frozen_map((point, counts[point]) for point in SCALE_POINTS),
        agree_share=float(agree),
        disagree_share=float(disagree),
        median=float(quartiles[1]) if quartiles else None,
        q1=float(quartiles[0]) if quartiles else None,
        q3=float(quartiles[2]) if quartiles else None,
        iqr=float(iqr) if iqr is not None else None,
        delphi_consensus=consensus,
    )


def _scale_point(value: int) -> int:
    if isinstance(value, bool) or value not in SCALE_POINTS:
        raise ValueError(f"an agreement-scale answer is 1 to 5, not {value!r}")
    return int(value)


def _quantile(ordered: Sequence[int], q: Fraction) -> Fraction:
    """Linear interpolation at position (n - 1) * q, exact."""
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


# --- Trend since the previous digest --------------------------------------------------------------


class Trend(StrEnum):
    NEW = "new"  # no earlier digest has figures for the item
    LOSING_SUPPORT = "losing support"
    EMERGING = "emerging"
    STABLE = "stable"
    CHANGING = "changing"  # a flag changed without the item emerging or losing support


@dataclass(frozen=True)
class Snapshot:
    """What one digest period recorded of an item, enough to tell its trend."""

    support: float
    coverage: float
    common_denominator: bool = False
    delphi_consensus: bool = False
    divisive: bool = False

    def __post_init__(self) -> None:
        for name in ("support", "coverage"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"snapshot {name} must be between 0 and 1, not {getattr(self, name)}")

    @classmethod
    def of(cls, figures: RecommendationFigures) -> Snapshot:
        return cls(
            support=figures.support,
            coverage=figures.coverage,
            common_denominator=figures.common_denominator,
            delphi_consensus=figures.delphi_consensus,
            divisive=figures.divisive,
        )

    @property
    def flags(self) -> tuple[bool, bool, bool]:
        return (self.common_denominator, self.delphi_consensus, self.divisive)


def trend(
    history: Sequence[Snapshot], current: Snapshot, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> Trend:
    """The item's trend; `history` holds earlier periods, oldest first.

    Precedence: new (no history) > losing support (support fell by the drop or more since the
    previous period) > emerging > stable (the flags are the same in the last two periods and now)
    > changing.
    Emerging: support or coverage rose, and a figure that rose crossed its threshold or now lies
    within the margin below it, or a consensus flag (common denominator, Delphi) turned on.
    """
    if not history:
        return Trend.NEW
    previous = history[-1]
    if exact(previous.support) - exact(current.support) >= exact(thresholds.losing_support_drop):
        return Trend.LOSING_SUPPORT
    if _emerging(previous, current, thresholds):
        return Trend.EMERGING
    if all(snapshot.flags == current.flags for snapshot in history[-2:]):
        return Trend.STABLE
    return Trend.CHANGING


def _emerging(previous: Snapshot, current: Snapshot, thresholds: Thresholds) -> bool:
    margin = exact(thresholds.near_margin)
    rising = False
    approaching = False
    for before, now, threshold in (
        (previous.support, current.support, thresholds.support),
        (previous.coverage, current.coverage, thresholds.coverage),
    ):
        before_x, now_x, limit = exact(before), exact(now), exact(threshold)
        if now_x > before_x:
            rising = True
            crossed = before_x < limit <= now_x
            approaching = approaching or crossed or limit - margin <= now_x < limit
    turned_on = (current.common_denominator and not previous.common_denominator) or (
        current.delphi_consensus and not previous.delphi_consensus
    )
    return rising and (approaching or turned_on)
