"""A recommendation's figures: support, opposition, coverage, groups, blocks and its verdict."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from bot.domain.consensus.thresholds import (
    DEFAULT_THRESHOLDS,
    Organisation,
    OrgStance,
    Stance,
    Thresholds,
    exact,
    frozen_map,
    share_of,
)


@dataclass(frozen=True)
class GroupFigures:
    """One country or region: `n` answering (non-abstaining) organisations, `a` of them supporting."""

    n: int
    a: int

    @property
    def smoothed(self) -> Fraction:
        """Pol.is smoothed agreement (a + 1) / (n + 2), exact."""
        return Fraction(self.a + 1, self.n + 2)

    @property
    def p(self) -> float:
        return float(self.smoothed)

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "a": self.a, "p": self.p}


@dataclass(frozen=True)
class RecommendationFigures:
    """The consensus figures of one recommendation; `a`..`r` are DESIGN.md's A, D, K, X, N, R."""

    a: int
    d: int
    k: int
    x: int
    n: int
    r: int
    coverage: float
    support: float
    opposition: float
    group_aware_consensus: float
    country_gap: float  # max p_g - min p_g over answering countries; 0 with fewer than two
    per_country: Mapping[str, GroupFigures] = field(hash=False)
    per_region: Mapping[str, GroupFigures] = field(hash=False)
    supporting_countries: tuple[str, ...]
    supporting_regions: tuple[str, ...]
    common_denominator: bool
    divisive: bool
    delphi_consensus: bool
    region_specific: bool
    blocking_organisations: tuple[Organisation, ...]
    answered: tuple[Organisation, ...]  # registered organisations with a position, abstention included
    not_answered: tuple[Organisation, ...]  # registered organisations without one
    unregistered_answers: tuple[Organisation, ...]  # positions of organisations outside the registry

    @property
    def blocked(self) -> bool:
        return self.k > 0

    def to_dict(self) -> dict[str, Any]:
        """INTERFACE.md's export shape first, then the extra figures the digest shows."""
        return {
            "coverage": self.coverage,
            "support": self.support,
            "opposition": self.opposition,
            "group_aware_consensus": self.group_aware_consensus,
            "supporting_countries": list(self.supporting_countries),
            "supporting_regions": list(self.supporting_regions),
            "common_denominator": self.common_denominator,
            "divisive": self.divisive,
            "delphi_consensus": self.delphi_consensus,
            "blocked": self.blocked,
            "region_specific": self.region_specific,
            "country_gap": self.country_gap,
            "counts": {"A": self.a, "D": self.d, "K": self.k, "X": self.x, "N": self.n, "R": self.r},
            "per_country": {code: group.to_dict() for code, group in self.per_country.items()},
            "per_region": {name: group.to_dict() for name, group in self.per_region.items()},
            "blocking_organisations": [org.name for org in self.blocking_organisations],
            "not_answered": [org.name for org in self.not_answered],
            "unregistered_answers": [org.name for org in self.unregistered_answers],
        }


def recommendation_figures(
    stances: Sequence[OrgStance],
    registered: Sequence[Organisation],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> RecommendationFigures:
    """Figures of one recommendation from each organisation's current stance.

    `registered` is R: the organisations with at least one member of role partner.
    """
    registry = _registry(registered)
    positions = _positions(stances, registry)
    tally = Counter(stance for _, stance in positions.values())
    a, k, x = tally[Stance.SUPPORT], tally[Stance.BLOCK], tally[Stance.ABSTAIN]
    d = tally[Stance.OPPOSE] + k  # a block is also a disagreement
    n = a + d
    answering = [(org, stance) for org, stance in positions.values() if stance is not Stance.ABSTAIN]
    per_country = _groups((org.country, stance) for org, stance in answering)
    per_region = _groups((org.region, stance) for org, stance in answering)
    answered = tuple(sorted(registry[name] for name in positions if name in registry))
    coverage, support = share_of(len(answered), len(registry)), share_of(a, n)
    verdict = _verdict(coverage, support, k, per_country, per_region, thresholds)
    return RecommendationFigures(
        a=a,
        d=d,
        k=k,
        x=x,
        n=n,
        r=len(registry),
        coverage=float(coverage),
        support=float(support),
        opposition=float(share_of(d, n)),
        group_aware_consensus=_geometric_mean([group.smoothed for group in per_country.values()]),
        country_gap=float(verdict.country_gap),
        per_country=per_country,
        per_region=per_region,
        supporting_countries=verdict.supporting_countries,
        supporting_regions=verdict.supporting_regions,
        common_denominator=verdict.common_denominator,
        divisive=verdict.divisive,
        delphi_consensus=verdict.delphi_consensus,
        region_specific=verdict.region_specific,
        blocking_organisations=tuple(sorted(org for org, s in positions.values() if s is Stance.BLOCK)),
        answered=answered,
        not_answered=tuple(sorted(org for name, org in registry.items() if name not in positions)),
        unregistered_answers=tuple(
            sorted(org for name, (org, _) in positions.items() if name not in registry)
        ),
    )


@dataclass(frozen=True)
class _Verdict:
    supporting_countries: tuple[str, ...]
    supporting_regions: tuple[str, ...]
    country_gap: Fraction
    common_denominator: bool
    divisive: bool
    delphi_consensus: bool
    region_specific: bool


def _verdict(
    coverage: Fraction,
    support: Fraction,
    blocks: int,
    per_country: Mapping[str, GroupFigures],
    per_region: Mapping[str, GroupFigures],
    thresholds: Thresholds,
) -> _Verdict:
    """The flags of DESIGN.md from the shares and the groups."""
    common_ground = exact(thresholds.common_ground)
    countries = _supporting(per_country, common_ground)
    regions = _supporting(per_region, common_ground)
    gap = _country_gap(per_country)
    broad = len(countries) >= thresholds.min_countries and len(regions) >= thresholds.min_regions
    covered = coverage >= exact(thresholds.coverage)
    divisive = len(per_country) >= 2 and gap >= exact(thresholds.divisive_gap)
    return _Verdict(
        supporting_countries=countries,
        supporting_regions=regions,
        country_gap=gap,
        common_denominator=blocks == 0 and covered and support >= exact(thresholds.support) and broad,
        divisive=divisive,
        delphi_consensus=covered and support >= exact(thresholds.delphi_agree_share),
        region_specific=bool(countries or regions) and not broad and not divisive and blocks == 0,
    )


def _registry(registered: Sequence[Organisation]) -> dict[str, Organisation]:
    registry: dict[str, Organisation] = {}
    for org in registered:
        if org.name in registry:
            raise ValueError(f"organisation {org.name!r} is registered twice")
        registry[org.name] = org
    return registry


def _positions(
    stances: Sequence[OrgStance], registry: Mapping[str, Organisation]
) -> dict[str, tuple[Organisation, Stance]]:
    """Each organisation's stance by name; the caller resolves which stance is current."""
    positions: dict[str, tuple[Organisation, Stance]] = {}
    for item in stances:
        org = item.organisation
        if org.name in positions:
            raise ValueError(f"organisation {org.name!r} has more than one current stance")
        if org.name in registry and registry[org.name] != org:
            raise ValueError(f"organisation {org.name!r} differs from its registry entry")
        positions[org.name] = (org, Stance(item.stance))
    return positions


def _groups(members: Iterable[tuple[str, Stance]]) -> Mapping[str, GroupFigures]:
    answering: Counter[str] = Counter()
    supporting: Counter[str] = Counter()
    for group, stance in members:
        answering[group] += 1
        supporting[group] += stance is Stance.SUPPORT
    return frozen_map(
        (group, GroupFigures(n=count, a=supporting[group])) for group, count in answering.items()
    )


def _supporting(groups: Mapping[str, GroupFigures], common_ground: Fraction) -> tuple[str, ...]:
    return tuple(name for name, group in groups.items() if group.smoothed >= common_ground)


def _country_gap(per_country: Mapping[str, GroupFigures]) -> Fraction:
    if len(per_country) < 2:
        return Fraction(0)
    agreement = [group.smoothed for group in per_country.values()]
    return max(agreement) - min(agreement)


def _geometric_mean(values: Sequence[Fraction]) -> float:
    """Pol.is's product of p_g, normalised by the number of groups; 0 when there is none."""
    if not values:
        return 0.0
    # fsum is correctly rounded, so the result does not depend on the order of the groups.
    return math.exp(math.fsum(math.log(value) for value in values) / len(values))
