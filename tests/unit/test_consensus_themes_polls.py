"""Themes, poll shares and participation, hand-computed; the thresholds as settings."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Settings, load_settings
from bot.domain.consensus.polls import GroupParticipation, Member, choice_shares, participation
from bot.domain.consensus.recommendations import recommendation_figures
from bot.domain.consensus.themes import ThemedItem, theme_figures, theme_matrix
from bot.domain.consensus.thresholds import (
    DEFAULT_THRESHOLDS,
    Organisation,
    OrgStance,
    Stance,
    Thresholds,
    natural_key,
)
from bot.services.consensus_settings import thresholds_from

R1 = ThemedItem("R1", ("skills",), "BE", "Flanders", 0.8, ("BE",), ("Flanders", "Wallonia"))
R10 = ThemedItem("R10", ("skills", "energy"), "FR", "Occitanie", 0.75)  # exactly the threshold
R2 = ThemedItem("R2", ("energy",), "ES", "Catalonia", 0.74)  # just below: not supported
R3 = ThemedItem("R3", ("energy", "energy"), None, None, 1.0, ("BE",), ("Flanders",))
R4 = ThemedItem("R4", ("water",), "BE", "Flanders", 0.5)
R5 = ThemedItem("R5", ("skills",), "BE", "Wallonia", 0.9, ("BE", "ES"), ("Wallonia",))
ITEMS = (R1, R10, R2, R3, R4, R5)


def test_a_theme_backed_in_one_country_is_not_a_common_denominator() -> None:
    (skills,) = theme_figures([R1])
    # countries {BE} (proposer and supporters), regions {Flanders, Wallonia}: 1 country < 2
    assert (skills.countries, skills.regions) == (("BE",), ("Flanders", "Wallonia"))
    assert not skills.common_denominator


def test_themes_across_two_countries_and_regions() -> None:
    energy, skills, water = theme_figures(ITEMS)
    # energy: R10 (0.75) and R3 (1.0) supported, R2 (0.74) not; R3's repeated theme counts once
    assert (energy.theme, energy.recommendations, energy.supported) == ("energy", 3, ("R3", "R10"))
    assert energy.countries == ("BE", "FR")  # R10 proposer FR, R3 backed by BE (no proposer)
    assert energy.regions == ("Flanders", "Occitanie")
    assert energy.common_denominator  # 2 countries, 2 regions
    # skills: R1, R5, R10; countries BE (R1, R5) + ES (R5 backers) + FR (R10 proposer)
    assert skills.supported == ("R1", "R5", "R10")
    assert skills.countries == ("BE", "ES", "FR")
    assert skills.regions == ("Flanders", "Occitanie", "Wallonia")
    assert skills.common_denominator
    # water: nothing supported
    assert (water.supported, water.countries, water.common_denominator) == ((), (), False)
    assert water.to_dict() == {
        "theme": "water",
        "recommendations": 1,
        "supported": [],
        "countries": [],
        "regions": [],
        "common_denominator": False,
    }


def test_theme_thresholds_are_settings() -> None:
    strict = Thresholds(min_countries=3)
    energy, skills, _ = theme_figures(ITEMS, strict)
    assert not energy.common_denominator  # 2 countries < 3
    assert skills.common_denominator  # 3 countries


def test_the_theme_matrix_counts_supported_recommendations_per_group() -> None:
    matrix = theme_matrix(ITEMS, countries=["SE", "BE"], regions=["Skåne"])
    assert matrix.themes == ("energy", "skills", "water")
    assert matrix.countries == ("BE", "ES", "FR", "SE")  # SE asked for, backs nothing
    assert matrix.regions == ("Flanders", "Occitanie", "Skåne", "Wallonia")
    assert matrix.by_country == {
        "energy": {"BE": 1, "ES": 0, "FR": 1, "SE": 0},  # R3 backed by BE, R10 from FR
        "skills": {"BE": 2, "ES": 1, "FR": 1, "SE": 0},  # R1 and R5 (BE), R5 (ES), R10 (FR)
        "water": {"BE": 0, "ES": 0, "FR": 0, "SE": 0},  # R4 has support 0.5
    }
    assert matrix.by_region == {
        "energy": {"Flanders": 1, "Occitanie": 1, "Skåne": 0, "Wallonia": 0},
        "skills": {"Flanders": 1, "Occitanie": 1, "Skåne": 0, "Wallonia": 2},  # R1 + R5 in Wallonia
        "water": {"Flanders": 0, "Occitanie": 0, "Skåne": 0, "Wallonia": 0},
    }
    assert matrix.to_dict()["by_country"]["skills"] == {"BE": 2, "ES": 1, "FR": 1, "SE": 0}


def test_an_empty_theme_matrix() -> None:
    matrix = theme_matrix([])
    assert (matrix.themes, matrix.countries, matrix.regions) == ((), (), ())
    assert theme_figures([]) == []


def test_a_themed_item_from_recommendation_figures() -> None:
    org = Organisation("Flan One", "Flanders", "BE")
    figures = recommendation_figures([OrgStance(org, Stance.SUPPORT)], [org])
    item = ThemedItem.of("R7", ["skills"], "FR", "Occitanie", figures)
    assert (item.support, item.countries, item.regions) == (
        1.0,
        frozenset({"BE", "FR"}),
        frozenset({"Flanders", "Occitanie"}),
    )


def test_refs_sort_naturally() -> None:
    assert sorted(["R10", "R2", "R1", "X"], key=natural_key) == ["R1", "R2", "R10", "X"]


# --- Poll shares ----------------------------------------------------------------------------------


def test_choice_shares_with_a_tie_at_the_top() -> None:
    result = choice_shares({"Yes": 2, "No": 1, "Maybe": 2})
    assert result.total == 5
    assert result.shares == {"Yes": 0.4, "No": 0.2, "Maybe": 0.4}  # 2/5, 1/5, 2/5
    assert result.ranking == ("Yes", "Maybe", "No")  # ties keep the option order
    assert result.leaders == ("Yes", "Maybe") and result.tied


def test_choice_shares_of_a_poll_nobody_answered() -> None:
    result = choice_shares({"Yes": 0, "No": 0})
    assert (result.total, dict(result.shares), result.leaders, result.tied) == (
        0,
        {"Yes": 0.0, "No": 0.0},
        (),
        False,
    )
    assert choice_shares({}).to_dict() == {
        "total": 0,
        "shares": {},
        "ranking": [],
        "leaders": [],
        "tied": False,
    }


def test_multiple_choice_shares_are_of_respondents() -> None:
    result = choice_shares({"A": 3, "B": 2}, respondents=4)
    assert result.shares == {"A": 0.75, "B": 0.5}  # 3/4, 2/4
    assert result.leaders == ("A",) and not result.tied


def test_impossible_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        choice_shares({"A": -1})
    with pytest.raises(ValueError, match="respondents"):
        choice_shares({"A": 3}, respondents=2)


# --- Participation --------------------------------------------------------------------------------

U1 = Member("Org A", "U1", "Flanders", "BE")
U2 = Member("Org A", "U2", "Flanders", "BE")
U3 = Member("Org B", "U3", "Occitanie", "FR")


def test_participation_of_people() -> None:
    result = participation({"U1", "U9"}, [U3, U2, U1])
    assert (result.expected, result.answered, result.outside_audience) == (3, 1, 1)
    assert result.rate == pytest.approx(1 / 3)
    assert result.missing == (U2, U3)  # by organisation, then key
    assert result.per_organisation == {"Org A": GroupParticipation(2, 1), "Org B": GroupParticipation(1, 0)}
    assert result.per_country["BE"].rate == 0.5 and result.per_country["FR"].rate == 0.0
    assert list(result.per_region) == ["Flanders", "Occitanie"]
    assert result.to_dict()["missing"] == ["U2", "U3"]


def test_participation_of_organisations_and_of_nobody() -> None:
    org = Organisation("Org A", "Flanders", "BE")
    assert participation({"Org A"}, [Member.of(org)]).rate == 1.0
    empty = participation(set(), [])
    assert (empty.expected, empty.rate, empty.missing) == (0, 0.0, ())
    with pytest.raises(ValueError, match="once"):
        participation(set(), [U1, U1])


# --- Settings -------------------------------------------------------------------------------------


def test_default_settings_give_the_design_thresholds() -> None:
    assert thresholds_from(Settings(_env_file=None)) == DEFAULT_THRESHOLDS


def test_thresholds_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENSUS_SUPPORT", "0.8")
    monkeypatch.setenv("CONSENSUS_MIN_REGIONS", "3")
    monkeypatch.setenv("DELPHI_MAX_IQR", "1.5")
    monkeypatch.setenv("TREND_NEAR_MARGIN", "0.1")
    thresholds = thresholds_from(Settings(_env_file=None))
    assert (thresholds.support, thresholds.min_regions) == (0.8, 3)
    assert (thresholds.delphi_max_iqr, thresholds.near_margin) == (1.5, 0.1)
    assert thresholds.coverage == 0.5


def test_a_threshold_out_of_range_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENSUS_SUPPORT", "1.5")
    with pytest.raises(ConfigError, match="CONSENSUS_SUPPORT"):
        load_settings(_env_file=None)
