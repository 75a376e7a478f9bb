"""Delphi figures of agreement scales and the trend since the previous digest, hand-computed."""

from __future__ import annotations

import statistics

import pytest

from bot.domain.consensus.scales import Snapshot, Trend, scale_figures, trend
from bot.domain.consensus.thresholds import Thresholds

# --- Agreement scales -----------------------------------------------------------------------------


def test_no_answers_no_consensus() -> None:
    f = scale_figures([])
    assert f.n == 0
    assert f.distribution == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    assert (f.agree_share, f.disagree_share) == (0.0, 0.0)
    assert (f.median, f.q1, f.q3, f.iqr) == (None, None, None, None)
    assert not f.delphi_consensus


def test_an_iqr_of_exactly_one_is_consensus() -> None:
    f = scale_figures([5, 4, 3, 5, 4])
    # sorted 3 4 4 5 5; agree 4/5 = 0.8, disagree 0
    assert (f.agree_share, f.disagree_share) == (0.8, 0.0)
    # positions (n - 1) * q = 4 * q: q1 at 1 -> 4, median at 2 -> 4, q3 at 3 -> 5
    assert (f.q1, f.median, f.q3, f.iqr) == (4.0, 4.0, 5.0, 1.0)
    assert f.distribution == {1: 0, 2: 0, 3: 1, 4: 2, 5: 2}
    assert f.delphi_consensus


def test_an_iqr_above_one_is_not_consensus() -> None:
    f = scale_figures([3, 3, 4, 5, 5, 5, 5, 5])
    # agree 6/8 = 0.75 exactly; q1 at 7 * 1/4 = 1.75 -> 3 + 0.75 * (4 - 3) = 3.75; q3 at 5.25 -> 5
    assert f.agree_share == 0.75
    assert (f.q1, f.median, f.q3) == (3.75, 5.0, 5.0)  # median at 3.5 -> (5 + 5) / 2
    assert f.iqr == 1.25
    assert not f.delphi_consensus
    assert scale_figures([3, 3, 4, 5, 5, 5, 5, 5], Thresholds(delphi_max_iqr=1.25)).delphi_consensus


def test_a_disagree_share_of_exactly_0_15_is_not_consensus() -> None:
    answers = [2] * 3 + [4] * 9 + [5] * 8
    f = scale_figures(answers)
    # agree 17/20 = 0.85, disagree 3/20 = 0.15 (not < 0.15); q1 at 19/4 = 4.75 -> 4, q3 at 14.25 -> 5
    assert (f.agree_share, f.disagree_share, f.iqr) == (0.85, 0.15, 1.0)
    assert not f.delphi_consensus
    one_less = scale_figures([2, 2, 3] + [4] * 9 + [5] * 8)  # disagree 2/20 = 0.1, iqr still 1
    assert (one_less.disagree_share, one_less.iqr) == (0.1, 1.0)
    assert one_less.delphi_consensus


def test_an_agree_share_below_0_75_is_not_consensus() -> None:
    f = scale_figures([3, 4, 4, 4])  # agree 3/4 = 0.75: consensus; q1 at 0.75 -> 3.75, q3 at 2.25 -> 4
    assert f.delphi_consensus and f.iqr == 0.25
    assert not scale_figures([3, 3, 4, 4, 4]).delphi_consensus  # agree 3/5 = 0.6


def test_a_single_answer() -> None:
    f = scale_figures([4])
    assert (f.n, f.q1, f.median, f.q3, f.iqr) == (1, 4.0, 4.0, 4.0, 0.0)
    assert f.delphi_consensus  # agree 1, disagree 0, iqr 0


def test_quartiles_interpolate_linearly_like_statistics_inclusive() -> None:
    f = scale_figures([1, 2, 3, 4])
    # q1 at 3/4 -> 1.75, median at 1.5 -> 2.5, q3 at 2.25 -> 3.25
    assert (f.q1, f.median, f.q3, f.iqr) == (1.75, 2.5, 3.25, 1.5)
    assert [f.q1, f.median, f.q3] == statistics.quantiles([1, 2, 3, 4], n=4, method="inclusive")


@pytest.mark.parametrize("bad", [0, 6, -1, True])
def test_answers_off_the_scale_are_refused(bad: int) -> None:
    with pytest.raises(ValueError, match="1 to 5"):
        scale_figures([3, bad])


def test_scale_export() -> None:
    exported = scale_figures([5, 4, 3, 5, 4]).to_dict()
    assert exported["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 2, "5": 2}
    assert exported["iqr"] == 1.0 and exported["delphi_consensus"] is True


# --- Trend ----------------------------------------------------------------------------------------


def snap(support: float, coverage: float, *flags: bool) -> Snapshot:
    common, delphi, divisive = (*flags, False, False, False)[:3]
    return Snapshot(support, coverage, common_denominator=common, delphi_consensus=delphi, divisive=divisive)


def test_without_history_an_item_is_new() -> None:
    assert trend([], snap(0.9, 0.9)) is Trend.NEW


def test_a_drop_of_exactly_0_1_is_losing_support() -> None:
    # 0.75 - 0.65 is 0.0999... in floats; as decimals it is exactly 0.1
    assert trend([snap(0.75, 0.6)], snap(0.65, 0.6)) is Trend.LOSING_SUPPORT
    assert trend([snap(0.75, 0.6)], snap(0.66, 0.6)) is Trend.STABLE  # a drop of 0.09


def test_losing_support_wins_over_emerging() -> None:
    # support fell 0.9 -> 0.7 (0.2) while coverage crossed 0.5 (0.4 -> 0.6)
    assert trend([snap(0.9, 0.4)], snap(0.7, 0.6)) is Trend.LOSING_SUPPORT


def test_emerging_when_support_crosses_its_threshold() -> None:
    assert trend([snap(0.7, 0.6)], snap(0.8, 0.6)) is Trend.EMERGING  # 0.7 < 0.75 <= 0.8


def test_emerging_when_support_rises_to_within_the_margin() -> None:
    assert trend([snap(0.6, 0.6)], snap(0.71, 0.6)) is Trend.EMERGING  # 0.75 - 0.05 <= 0.71 < 0.75
    assert trend([snap(0.6, 0.6)], snap(0.70, 0.6)) is Trend.EMERGING  # exactly at 0.70
    assert trend([snap(0.6, 0.6)], snap(0.69, 0.6)) is Trend.STABLE  # 0.69 < 0.70


def test_emerging_when_coverage_crosses_its_threshold() -> None:
    assert trend([snap(0.3, 0.4)], snap(0.3, 0.5)) is Trend.EMERGING  # 0.4 < 0.5 <= 0.5


def test_rising_far_above_a_threshold_is_not_emerging() -> None:
    assert trend([snap(0.8, 0.6, True, True)], snap(0.9, 0.7, True, True)) is Trend.STABLE


def test_emerging_when_a_consensus_flag_turns_on_with_a_rise() -> None:
    # coverage 0.55 -> 0.6 crosses nothing, but the item became a common denominator
    assert trend([snap(0.9, 0.55, False, True)], snap(0.9, 0.6, True, True)) is Trend.EMERGING


def test_a_flag_that_changes_without_a_rise_is_changing() -> None:
    assert trend([snap(0.8, 0.6, False)], snap(0.8, 0.6, False, False, True)) is Trend.CHANGING


def test_stable_needs_the_same_flags_over_the_last_two_periods() -> None:
    settled = [snap(0.8, 0.6, True, True), snap(0.8, 0.6, True, True)]
    assert trend(settled, snap(0.8, 0.6, True, True)) is Trend.STABLE
    just_changed = [snap(0.8, 0.6, False, True), snap(0.8, 0.6, True, True)]
    assert trend(just_changed, snap(0.8, 0.6, True, True)) is Trend.CHANGING
    long_ago = [snap(0.8, 0.6, False), snap(0.8, 0.6, True, True), snap(0.8, 0.6, True, True)]
    assert trend(long_ago, snap(0.8, 0.6, True, True)) is Trend.STABLE


def test_trend_thresholds_are_settings() -> None:
    lenient = Thresholds(losing_support_drop=0.3, near_margin=0.2)
    assert trend([snap(0.75, 0.6)], snap(0.65, 0.6), lenient) is Trend.STABLE
    assert trend([snap(0.5, 0.6)], snap(0.56, 0.6), lenient) is Trend.EMERGING  # 0.55 <= 0.56 < 0.75


def test_snapshots_are_validated() -> None:
    with pytest.raises(ValueError, match="support"):
        Snapshot(support=1.2, coverage=0.5)
