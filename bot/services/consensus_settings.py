"""The consensus thresholds from the settings (the domain itself never reads configuration)."""

from __future__ import annotations

from bot.config import Settings
from bot.domain.consensus.thresholds import Thresholds


def thresholds_from(settings: Settings) -> Thresholds:
    return Thresholds(
        common_ground=settings.consensus_common_ground,
        support=settings.consensus_support,
        coverage=settings.consensus_coverage,
        divisive_gap=settings.consensus_divisive_gap,
        min_countries=settings.consensus_min_countries,
        min_regions=settings.consensus_min_regions,
        delphi_agree_share=settings.delphi_agree_share,
        delphi_disagree_share=settings.delphi_disagree_share,
        delphi_max_iqr=settings.delphi_max_iqr,
        losing_support_drop=settings.trend_losing_support_drop,
        near_margin=settings.trend_near_margin,
    )
