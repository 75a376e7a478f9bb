"""The thresholds every figure is compared with, exact shares, and the inputs (stances, organisations)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Any

SCALE_POINTS = (1, 2, 3, 4, 5)
AGREE_POINTS = frozenset({4, 5})
DISAGREE_POINTS = frozenset({1, 2})


_SHARE_THRESHOLDS = (
    "common_ground",
    "support",
    "coverage",
    "divisive_gap",
    "delphi_agree_share",
    "delphi_disagree_share",
    "losing_support_drop",
    "near_margin",
)


@dataclass(frozen=True)
class Thresholds:
    """Every threshold of the consensus figures; the defaults are DESIGN.md's."""

    common_ground: float = 0.6  # p_g at or above which a country or region supports an item
    support: float = 0.75
    coverage: float = 0.5
    divisive_gap: float = 0.3
    min_countries: int = 2
    min_regions: int = 2
    delphi_agree_share: float = 0.75
    delphi_disagree_share: float = 0.15
    delphi_max_iqr: float = 1.0
    losing_support_drop: float = 0.1
    near_margin: float = 0.05

    def __post_init__(self) -> None:
        for name in _SHARE_THRESHOLDS:
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"threshold {name} must be between 0 and 1, not {getattr(self, name)}")
        for name in ("min_countries", "min_regions"):
            if getattr(self, name) < 1:
                raise ValueError(f"threshold {name} must be at least 1, not {getattr(self, name)}")
        if not 0 <= self.delphi_max_iqr <= SCALE_POINTS[-1] - SCALE_POINTS[0]:
            raise ValueError(f"threshold delphi_max_iqr must be between 0 and 4, not {self.delphi_max_iqr}")


DEFAULT_THRESHOLDS = Thresholds()


def exact(value: float) -> Fraction:
    """The decimal a float was written as, so that boundaries hold exactly (0.75 - 0.65 >= 0.1)."""
    return Fraction(repr(float(value)))


def share_of(part: int, whole: int) -> Fraction:
    return Fraction(part, whole) if whole else Fraction(0)


def frozen_map(items: Iterable[tuple[Any, Any]]) -> Mapping[Any, Any]:
    """A read-only mapping with sorted keys, so every output lists its groups in one order."""
    return MappingProxyType(dict(sorted(items)))


def natural_key(text: str) -> tuple[tuple[int, str, int], ...]:
    """Sort key that puts R2 before R10."""
    parts = re.split(r"(\d+)", text)
    return tuple((0, part, 0) if i % 2 == 0 else (1, "", int(part)) for i, part in enumerate(parts))


# --- Inputs ---------------------------------------------------------------------------------------


class Stance(StrEnum):
    """An organisation's position as the figures see it (agree and agree with changes: support)."""

    SUPPORT = "support"
    OPPOSE = "oppose"
    BLOCK = "block"
    ABSTAIN = "abstain"


@dataclass(frozen=True, order=True)
class Organisation:
    name: str
    region: str
    country: str


@dataclass(frozen=True)
class OrgStance:
    organisation: Organisation
    stance: Stance
