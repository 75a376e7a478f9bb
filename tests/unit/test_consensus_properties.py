"""Properties of the consensus figures that hold for any consortium (hypothesis)."""

from __future__ import annotations

import json
import math
import random
import statistics

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.consensus.recommendations import recommendation_figures
from bot.domain.consensus.scales import Snapshot, scale_figures, trend
from bot.domain.consensus.themes import ThemedItem, theme_figures, theme_matrix
from bot.domain.consensus.thresholds import Organisation, OrgStance, Stance

PLACES = [("Flanders", "BE"), ("Wallonia", "BE"), ("Occitanie", "FR"), ("Catalonia", "ES"), ("Skåne", "SE")]


@st.composite
def consultations(draw: st.DrawFn) -> tuple[list[OrgStance], list[Organisation]]:
    """A registry, and stances from some of it and from a few organisations outside it."""
    size = draw(st.integers(0, 12))
    places = draw(st.lists(st.sampled_from(PLACES), min_size=size, max_size=size))
    orgs = [Organisation(f"Org {i}", region, country) for i, (region, country) in enumerate(places)]
    outsiders = [
        Organisation(f"Outside {i}", *draw(st.sampled_from(PLACES))) for i in range(draw(st.integers(0, 2)))
    ]
    registered = [org for org in orgs if draw(st.booleans())]
    answering = [org for org in orgs + outsiders if draw(st.booleans())]
    stances = [OrgStance(org, draw(st.sampled_from(list(Stance)))) for org in answering]
    return stances, registered


@given(consultations())
def test_shares_lie_in_the_unit_interval(case: tuple[list[OrgStance], list[Organisation]]) -> None:
    f = recommendation_figures(*case)
    for share in (f.coverage, f.support, f.opposition, f.group_aware_consensus, f.country_gap):
        assert 0 <= share <= 1
    assert all(0 < group.p < 1 for group in [*f.per_country.values(), *f.per_region.values()])


@given(consultations())
def test_support_and_opposition_add_up_when_someone_took_sides(
    case: tuple[list[OrgStance], list[Organisation]],
) -> None:
    f = recommendation_figures(*case)
    if f.n:
        assert math.isclose(f.support + f.opposition, 1.0)
    else:
        assert (f.support, f.opposition) == (0.0, 0.0)


@given(consultations())
def test_group_aware_consensus_is_strictly_between_0_and_1_once_a_country_answered(
    case: tuple[list[OrgStance], list[Organisation]],
) -> None:
    f = recommendation_figures(*case)
    if f.per_country:
        assert 0 < f.group_aware_consensus < 1
    else:
        assert f.group_aware_consensus == 0


@given(consultations())
def test_counts_and_lists_are_consistent(case: tuple[list[OrgStance], list[Organisation]]) -> None:
    stances, registered = case
    f = recommendation_figures(stances, registered)
    assert (
        f.n
        == f.a + f.d
        == sum(g.n for g in f.per_country.values())
        == sum(g.n for g in f.per_region.values())
    )
    assert f.a + f.d + f.x == len(stances)
    assert sorted(f.answered + f.not_answered) == sorted(registered)
    assert f.coverage == (len(f.answered) / len(registered) if registered else 0)
    assert len(f.answered) + len(f.unregistered_answers) == len(stances)
    assert list(f.supporting_countries) == sorted(f.supporting_countries)
    assert not (f.common_denominator and f.region_specific)
    assert not (f.common_denominator and f.blocked)


@given(consultations(), st.randoms(use_true_random=False))
def test_the_order_of_the_input_does_not_matter(
    case: tuple[list[OrgStance], list[Organisation]], rng: random.Random
) -> None:
    stances, registered = case
    shuffled_stances, shuffled_registry = list(stances), list(registered)
    rng.shuffle(shuffled_stances)
    rng.shuffle(shuffled_registry)
    first = recommendation_figures(stances, registered)
    second = recommendation_figures(shuffled_stances, shuffled_registry)
    assert first == second
    assert json.dumps(first.to_dict()) == json.dumps(second.to_dict())


@given(st.lists(st.integers(1, 5), max_size=40), st.randoms(use_true_random=False))
def test_scale_figures_are_consistent(values: list[int], rng: random.Random) -> None:
    f = scale_figures(values)
    assert 0 <= f.agree_share <= 1 and 0 <= f.disagree_share <= 1
    assert f.agree_share + f.disagree_share <= 1
    assert sum(f.distribution.values()) == f.n == len(values)
    if len(values) >= 2:
        assert [f.q1, f.median, f.q3] == statistics.quantiles(values, n=4, method="inclusive")
    if f.q1 is not None and f.q3 is not None and f.iqr is not None:
        assert 1 <= f.q1 <= f.q3 <= 5 and f.iqr == f.q3 - f.q1
    shuffled = list(values)
    rng.shuffle(shuffled)
    assert scale_figures(shuffled) == f


shares = st.floats(0, 1, allow_nan=False)
snapshots = st.builds(Snapshot, shares, shares, st.booleans(), st.booleans(), st.booleans())


@given(st.lists(snapshots, max_size=4), snapshots)
def test_a_trend_is_always_one_of_the_names(history: list[Snapshot], current: Snapshot) -> None:
    result = trend(history, current)
    assert (result == "new") == (not history)
    if history and history[-1].support - current.support >= 0.1 + 1e-9:
        assert result == "losing support"


themed_items = st.builds(
    ThemedItem,
    st.text("R0123456789", min_size=1, max_size=4),
    st.lists(st.sampled_from(["skills", "energy", "water"]), max_size=3).map(tuple),
    st.sampled_from([None, "BE", "FR", "ES"]),
    st.sampled_from([None, "Flanders", "Occitanie", "Catalonia"]),
    shares,
    st.lists(st.sampled_from(["BE", "FR", "ES"]), unique=True).map(tuple),
    st.lists(st.sampled_from(["Flanders", "Occitanie", "Catalonia"]), unique=True).map(tuple),
)


@given(st.lists(themed_items, max_size=8), st.randoms(use_true_random=False))
def test_themes_do_not_depend_on_the_order_of_the_items(items: list[ThemedItem], rng: random.Random) -> None:
    shuffled = list(items)
    rng.shuffle(shuffled)
    assert theme_figures(items) == theme_figures(shuffled)
    assert theme_matrix(items).to_dict() == theme_matrix(shuffled).to_dict()
    for theme in theme_figures(items):
        assert len(theme.supported) <= theme.recommendations
        assert list(theme.countries) == sorted(theme.countries)
