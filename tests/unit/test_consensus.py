"""Consensus figures of a recommendation, each against a hand-computed example (DESIGN.md)."""

from __future__ import annotations

import json
import math

import pytest

from bot.domain.consensus.recommendations import GroupFigures, RecommendationFigures, recommendation_figures
from bot.domain.consensus.thresholds import Organisation, OrgStance, Stance, Thresholds

S, D, B, X = Stance.SUPPORT, Stance.OPPOSE, Stance.BLOCK, Stance.ABSTAIN

# Three countries, four regions, eight organisations.
FLAN1 = Organisation("Flan One", "Flanders", "BE")
FLAN2 = Organisation("Flan Two", "Flanders", "BE")
WAL1 = Organisation("Wal One", "Wallonia", "BE")
WAL2 = Organisation("Wal Two", "Wallonia", "BE")
OCC1 = Organisation("Occ One", "Occitanie", "FR")
OCC2 = Organisation("Occ Two", "Occitanie", "FR")
CAT1 = Organisation("Cat One", "Catalonia", "ES")
CAT2 = Organisation("Cat Two", "Catalonia", "ES")
CONSORTIUM = (FLAN1, FLAN2, WAL1, WAL2, OCC1, OCC2, CAT1, CAT2)


def figures(
    positions: dict[Organisation, Stance],
    registered: tuple[Organisation, ...] = CONSORTIUM,
    thresholds: Thresholds | None = None,
) -> RecommendationFigures:
    stances = [OrgStance(org, stance) for org, stance in positions.items()]
    return recommendation_figures(stances, registered, thresholds or Thresholds())


def test_a_common_denominator_across_three_countries_and_four_regions() -> None:
    f = figures({FLAN1: S, FLAN2: S, WAL1: S, WAL2: D, OCC1: S, CAT1: S, CAT2: X})
    # A = 5, D = 1, K = 0, X = 1, N = 6, R = 8 (OCC2 did not answer)
    assert (f.a, f.d, f.k, f.x, f.n, f.r) == (5, 1, 0, 1, 6, 8)
    assert f.coverage == 7 / 8  # (N + X) / R = 7 / 8
    assert f.support == pytest.approx(5 / 6)  # A / N
    assert f.opposition == pytest.approx(1 / 6)  # D / N
    # BE: n 4, a 3 -> 4/6; FR: n 1, a 1 -> 2/3; ES: n 1 (CAT2 abstains), a 1 -> 2/3
    assert f.per_country == {"BE": GroupFigures(4, 3), "ES": GroupFigures(1, 1), "FR": GroupFigures(1, 1)}
    assert [g.p for g in f.per_country.values()] == pytest.approx([2 / 3, 2 / 3, 2 / 3])
    # Flanders 2/2 -> 3/4, Wallonia 1/2 -> 2/4, Occitanie 1/1 -> 2/3, Catalonia 1/1 -> 2/3
    assert {name: g.p for name, g in f.per_region.items()} == pytest.approx(
        {"Catalonia": 2 / 3, "Flanders": 3 / 4, "Occitanie": 2 / 3, "Wallonia": 1 / 2}
    )
    assert f.group_aware_consensus == pytest.approx(2 / 3)  # (2/3 * 2/3 * 2/3) ** (1/3)
    assert f.supporting_countries == ("BE", "ES", "FR")  # every p_g = 2/3 >= 0.6
    assert f.supporting_regions == ("Catalonia", "Flanders", "Occitanie")  # Wallonia 0.5 < 0.6
    assert f.country_gap == 0  # 2/3 - 2/3
    assert f.common_denominator  # K 0, coverage 0.875, support 0.83, 3 countries, 3 regions
    assert f.delphi_consensus  # coverage 0.875 >= 0.5, support 0.83 >= 0.75
    assert not f.divisive and not f.blocked and not f.region_specific
    assert f.not_answered == (OCC2,)
    assert f.answered == (CAT1, CAT2, FLAN1, FLAN2, OCC1, WAL1, WAL2)  # sorted by name


def test_a_divisive_recommendation() -> None:
    f = figures({FLAN1: S, FLAN2: S, WAL1: S, WAL2: S, OCC1: D, OCC2: D, CAT1: S})
    # A = 5, D = 2, N = 7; coverage 7/8; support 5/7 = 0.714
    assert f.support == pytest.approx(5 / 7)
    # BE 4/4 -> 5/6, FR 0/2 -> 1/4, ES 1/1 -> 2/3
    assert f.country_gap == pytest.approx(5 / 6 - 1 / 4)  # 7/12 = 0.583 >= 0.3
    assert f.divisive
    assert f.group_aware_consensus == pytest.approx((5 / 6 * 1 / 4 * 2 / 3) ** (1 / 3))  # (5/36)^(1/3)
    assert f.group_aware_consensus == pytest.approx(0.5179, abs=1e-4)  # 0.5179 ** 3 = 0.1389
    assert f.supporting_countries == ("BE", "ES")  # FR 0.25 < 0.6
    assert f.supporting_regions == ("Catalonia", "Flanders", "Wallonia")  # Occitanie 0/2 -> 1/4
    assert not f.common_denominator  # support 0.714 < 0.75
    assert not f.delphi_consensus and not f.region_specific


def test_a_block_among_supporters_is_a_disagreement_and_bars_the_common_denominator() -> None:
    f = figures({org: (B if org is CAT1 else S) for org in CONSORTIUM})
    # A = 7, D = 1 (the block), K = 1, N = 8
    assert (f.a, f.d, f.k, f.n) == (7, 1, 1, 8)
    assert f.support == 7 / 8 and f.opposition == 1 / 8
    assert f.blocked and f.blocking_organisations == (CAT1,)
    assert f.supporting_countries == ("BE", "FR")  # BE 5/6, FR 3/4, ES 1/2 -> 2/4 = 0.5
    assert not f.common_denominator  # K = 1
    assert f.delphi_consensus  # coverage 1, support 0.875: DESIGN's Delphi rule ignores blocks
    assert f.divisive  # 5/6 - 1/2 = 1/3 >= 0.3
    assert not f.region_specific


def test_support_exactly_at_the_threshold_counts() -> None:
    f = figures({FLAN1: S, FLAN2: S, WAL1: S, WAL2: D, OCC1: S, OCC2: D, CAT1: S, CAT2: S})
    assert f.support == 0.75  # A 6 / N 8
    # BE 3/4 -> 4/6, FR 1/2 -> 2/4, ES 2/2 -> 3/4: gap 3/4 - 1/2 = 0.25 < 0.3
    assert not f.divisive
    assert f.supporting_countries == ("BE", "ES")
    assert f.supporting_regions == ("Catalonia", "Flanders")  # Flanders 2/2, Wallonia 1/2, Occitanie 1/2
    assert f.common_denominator and f.delphi_consensus
    stricter = figures(
        {FLAN1: S, FLAN2: S, WAL1: S, WAL2: D, OCC1: S, OCC2: D, CAT1: S, CAT2: S},
        thresholds=Thresholds(support=0.76, delphi_agree_share=0.76),
    )
    assert not stricter.common_denominator and not stricter.delphi_consensus


def test_coverage_exactly_at_the_threshold_counts() -> None:
    f = figures({FLAN1: S, WAL1: S, OCC1: S, CAT1: S})
    assert f.coverage == 0.5  # 4 / 8
    assert f.common_denominator and f.delphi_consensus
    fewer = figures({FLAN1: S, WAL1: S, OCC1: S})
    assert fewer.coverage == 3 / 8
    assert not fewer.common_denominator and not fewer.delphi_consensus


def test_a_country_gap_of_exactly_the_threshold_is_divisive() -> None:
    # p(AA) = (6 + 1) / (8 + 2) = 7/10, p(BB) = (1 + 1) / (3 + 2) = 2/5; in floats 0.7 - 0.4 < 0.3
    aa = [Organisation(f"AA{i}", "North", "AA") for i in range(8)]
    bb = [Organisation(f"BB{i}", "South", "BB") for i in range(3)]
    positions = {org: (S if i < 6 else D) for i, org in enumerate(aa)}
    positions |= {org: (S if i < 1 else D) for i, org in enumerate(bb)}
    f = figures(positions, registered=(*aa, *bb))
    assert f.country_gap == pytest.approx(0.3)
    assert f.divisive
    assert not figures(positions, (*aa, *bb), Thresholds(divisive_gap=0.31)).divisive


def test_supporting_groups_start_at_exactly_0_6() -> None:
    # 2 of 3 supporting: (2 + 1) / (3 + 2) = 3/5 = 0.6 exactly
    f = figures({FLAN1: S, FLAN2: S, WAL1: D})
    assert f.per_country["BE"].p == 0.6
    assert f.supporting_countries == ("BE",)
    assert f.supporting_regions == ("Flanders",)  # Flanders 2/2 -> 3/4, Wallonia 0/1 -> 1/3


def test_a_single_partner_who_agrees() -> None:
    f = figures({FLAN1: S}, registered=(FLAN1,))
    assert (f.coverage, f.support, f.opposition) == (1.0, 1.0, 0.0)
    assert f.per_country["BE"].p == pytest.approx(2 / 3)  # (1 + 1) / (1 + 2)
    assert f.group_aware_consensus == pytest.approx(2 / 3)  # one group: its own p
    assert f.supporting_countries == ("BE",) and f.supporting_regions == ("Flanders",)
    assert not f.common_denominator  # one country, one region
    assert not f.divisive  # fewer than two countries answered
    assert f.delphi_consensus  # coverage 1, support 1
    assert f.region_specific


def test_a_single_partner_who_disagrees() -> None:
    f = figures({FLAN1: D}, registered=(FLAN1,))
    assert (f.support, f.opposition) == (0.0, 1.0)
    assert f.group_aware_consensus == pytest.approx(1 / 3)  # (0 + 1) / (1 + 2)
    assert f.supporting_countries == () and not f.region_specific and not f.delphi_consensus


def test_no_answers_at_all() -> None:
    f = figures({})
    assert (f.a, f.d, f.k, f.x, f.n, f.r) == (0, 0, 0, 0, 0, 8)
    assert (f.coverage, f.support, f.opposition, f.group_aware_consensus) == (0.0, 0.0, 0.0, 0.0)
    assert f.per_country == {} and f.per_region == {}
    assert f.supporting_countries == () and f.supporting_regions == ()
    flags = (f.common_denominator, f.divisive, f.delphi_consensus, f.blocked, f.region_specific)
    assert flags == (False, False, False, False, False)
    assert f.not_answered == tuple(sorted(CONSORTIUM))


def test_an_empty_registry_gives_zero_coverage() -> None:
    f = recommendation_figures([], [])
    assert (f.r, f.coverage, f.support) == (0, 0.0, 0.0)


def test_everybody_abstaining_covers_but_does_not_decide() -> None:
    f = figures(dict.fromkeys(CONSORTIUM, X))
    assert (f.x, f.n) == (8, 0)
    assert f.coverage == 1.0  # (0 + 8) / 8
    assert (f.support, f.opposition, f.group_aware_consensus) == (0.0, 0.0, 0.0)
    assert f.per_country == {}  # no country has n_g >= 1
    assert not (f.common_denominator or f.delphi_consensus or f.divisive or f.region_specific)


def test_region_specific_when_backed_by_one_country_only() -> None:
    f = figures({FLAN1: S, FLAN2: S})
    assert f.supporting_countries == ("BE",)
    assert f.region_specific and not f.common_denominator
    # Two regions of one country are still one country.
    two_regions = figures({FLAN1: S, WAL1: S})
    assert two_regions.supporting_regions == ("Flanders", "Wallonia")
    assert two_regions.region_specific
    # Backed in one country and fought in another: divisive, not region-specific.
    fought = figures({FLAN1: S, FLAN2: S, OCC1: D, OCC2: D})
    assert fought.divisive and not fought.region_specific
    # A block takes it to the contested items.
    blocked = figures({FLAN1: S, FLAN2: S, WAL1: B})
    assert blocked.supporting_countries == ("BE",)  # 2 of 3: (2 + 1) / (3 + 2) = 0.6
    assert not blocked.region_specific


def test_a_stance_from_outside_the_registry_counts_as_a_voice_but_not_in_coverage() -> None:
    coordinators = Organisation("Coordination", "Brussels", "BE")
    f = figures({FLAN1: S, coordinators: D}, registered=(FLAN1, OCC1))
    assert (f.a, f.d, f.n) == (1, 1, 2)
    assert f.support == 0.5  # 1 / 2
    assert f.coverage == 0.5  # only FLAN1 of R = {FLAN1, OCC1}: 1 / 2
    assert f.per_country["BE"] == GroupFigures(n=2, a=1)
    assert f.unregistered_answers == (coordinators,)
    assert f.answered == (FLAN1,) and f.not_answered == (OCC1,)


def test_inconsistent_input_is_refused() -> None:
    with pytest.raises(ValueError, match="more than one current stance"):
        recommendation_figures([OrgStance(FLAN1, S), OrgStance(FLAN1, D)], CONSORTIUM)
    with pytest.raises(ValueError, match="registered twice"):
        recommendation_figures([], [FLAN1, FLAN1])
    moved = Organisation(FLAN1.name, "Wallonia", "BE")
    with pytest.raises(ValueError, match="registry entry"):
        recommendation_figures([OrgStance(moved, S)], CONSORTIUM)


def test_plain_string_stances_are_accepted() -> None:
    f = recommendation_figures([OrgStance(FLAN1, "block")], CONSORTIUM)  # type: ignore[arg-type]
    assert f.k == 1


def test_the_export_shape() -> None:
    f = figures({FLAN1: S, FLAN2: S, WAL1: S, WAL2: D, OCC1: S, CAT1: S, CAT2: X})
    exported = f.to_dict()
    interface = [
        "coverage",
        "support",
        "opposition",
        "group_aware_consensus",
        "supporting_countries",
        "supporting_regions",
        "common_denominator",
        "divisive",
        "delphi_consensus",
    ]
    assert list(exported)[: len(interface)] == interface
    assert exported["supporting_countries"] == ["BE", "ES", "FR"]
    assert exported["common_denominator"] is True and exported["blocked"] is False
    assert exported["counts"] == {"A": 5, "D": 1, "K": 0, "X": 1, "N": 6, "R": 8}
    assert exported["per_country"]["BE"] == {"n": 4, "a": 3, "p": pytest.approx(2 / 3)}
    assert list(exported["per_region"]) == ["Catalonia", "Flanders", "Occitanie", "Wallonia"]
    assert exported["not_answered"] == ["Occ Two"]
    assert all(0 <= exported[key] <= 1 for key in interface[:4])
    assert json.loads(json.dumps(exported)) == exported


def test_thresholds_are_validated() -> None:
    with pytest.raises(ValueError, match="support"):
        Thresholds(support=1.5)
    with pytest.raises(ValueError, match="min_countries"):
        Thresholds(min_countries=0)
    with pytest.raises(ValueError, match="delphi_max_iqr"):
        Thresholds(delphi_max_iqr=-1)


def test_group_aware_consensus_is_the_geometric_mean_over_countries_only() -> None:
    # BE: 2 of 2 -> 3/4 (regions Flanders, Wallonia do not enter); FR: 0 of 1 -> 1/3
    f = figures({FLAN1: S, WAL1: S, OCC1: D})
    assert f.group_aware_consensus == pytest.approx(math.sqrt(3 / 4 * 1 / 3))  # sqrt(1/4) = 0.5
