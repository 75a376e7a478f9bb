"""Consensus figures (DESIGN.md, "Consensus figures"): deterministic, plain Python, no I/O.

Every comparison with a threshold is exact: shares are `Fraction`s while they are compared, and a
threshold counts as the decimal it was written as (0.1, not the float 0.1000000000000000055...), so
"support exactly 0.75" or "a gap of exactly 0.3" always lands on the side the definition says.
Shares leave this module as floats in [0, 1]; round them only for display.

Decisions the definitions leave open, made here once:
- Organisations are identified by name. Each may appear at most once in the stances and once in
  the registry; a stance whose organisation is in the registry must agree with it on region and country.
- A stance from an organisation outside the registry (say, a coordinator's own organisation) is still
  a voice: it counts in A, D, K, X, N, support, opposition, the groups and blocks. It does not count in
  coverage's numerator, so that coverage = answered registered organisations / R stays in [0, 1];
  those organisations are listed apart (`unregistered_answers`). With R = 0, coverage is 0.
- `region_specific`: at least one supporting country or region, yet fewer supporting countries or
  regions than a common denominator needs, not divisive and not blocked: a priority of a few places
  that nobody is fighting (a contested item belongs with the divisive or blocked ones instead).
- Agreement-scale quartiles use linear interpolation between order statistics (numpy's default,
  `statistics.quantiles(method="inclusive")`): position (n - 1) * q in the sorted answers.
- Trend names: `new`, `losing support`, `emerging`, `stable`, `changing` (see `trend`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Any

SCALE_POINTS = (1, 2, 3, 4, 5)
_AGREE_POINTS = frozenset({4, 5})
_DISAGREE_POINTS = frozenset({1, 2})


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


def _exact(value: float) -> Fraction:
    """The decimal a float was written as, so that boundaries hold exactly (0.75 - 0.65 >= 0.1)."""
    return Fraction(repr(float(value)))


def _share(part: int, whole: int) -> Fraction:
    return Fraction(part, whole) if whole else Fraction(0)


def _frozen_map(items: Iterable[tuple[Any, Any]]) -> Mapping[Any, Any]:
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


# --- Recommendation figures -----------------------------------------------------------------------


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
    coverage, support = _share(len(answered), len(registry)), _share(a, n)
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
        opposition=float(_share(d, n)),
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
    common_ground = _exact(thresholds.common_ground)
    countries = _supporting(per_country, common_ground)
    regions = _supporting(per_region, common_ground)
    gap = _country_gap(per_country)
    broad = len(countries) >= thresholds.min_countries and len(regions) >= thresholds.min_regions
    covered = coverage >= _exact(thresholds.coverage)
    divisive = len(per_country) >= 2 and gap >= _exact(thresholds.divisive_gap)
    return _Verdict(
        supporting_countries=countries,
        supporting_regions=regions,
        country_gap=gap,
        common_denominator=blocks == 0 and covered and support >= _exact(thresholds.support) and broad,
        divisive=divisive,
        delphi_consensus=covered and support >= _exact(thresholds.delphi_agree_share),
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
    return _frozen_map(
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


# --- Agreement scales (Delphi) --------------------------------------------------------------------


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
    agree = _share(sum(counts[p] for p in _AGREE_POINTS), n)
    disagree = _share(sum(counts[p] for p in _DISAGREE_POINTS), n)
    quartiles = [_quantile(answers, Fraction(q, 4)) for q in (1, 2, 3)] if answers else None
    iqr = quartiles[2] - quartiles[0] if quartiles else None
    consensus = (
        iqr is not None
        and agree >= _exact(thresholds.delphi_agree_share)
        and disagree < _exact(thresholds.delphi_disagree_share)
        and iqr <= _exact(thresholds.delphi_max_iqr)
    )
    return ScaleFigures(
        n=n,
        distribution=_frozen_map((point, counts[point]) for point in SCALE_POINTS),
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
    if _exact(previous.support) - _exact(current.support) >= _exact(thresholds.losing_support_drop):
        return Trend.LOSING_SUPPORT
    if _emerging(previous, current, thresholds):
        return Trend.EMERGING
    if all(snapshot.flags == current.flags for snapshot in history[-2:]):
        return Trend.STABLE
    return Trend.CHANGING


def _emerging(previous: Snapshot, current: Snapshot, thresholds: Thresholds) -> bool:
    margin = _exact(thresholds.near_margin)
    rising = False
    approaching = False
    for before, now, threshold in (
        (previous.support, current.support, thresholds.support),
        (previous.coverage, current.coverage, thresholds.coverage),
    ):
        before_x, now_x, limit = _exact(before), _exact(now), _exact(threshold)
        if now_x > before_x:
            rising = True
            crossed = before_x < limit <= now_x
            approaching = approaching or crossed or limit - margin <= now_x < limit
    turned_on = (current.common_denominator and not previous.common_denominator) or (
        current.delphi_consensus and not previous.delphi_consensus
    )
    return rising and (approaching or turned_on)


# --- Themes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemedItem:
    """A recommendation as the theme figures see it."""

    ref: str
    themes: tuple[str, ...]
    proposer_country: str | None
    proposer_region: str | None
    support: float
    supporting_countries: tuple[str, ...] = ()
    supporting_regions: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        ref: str,
        themes: Iterable[str],
        proposer_country: str | None,
        proposer_region: str | None,
        figures: RecommendationFigures,
    ) -> ThemedItem:
        return cls(
            ref=ref,
            themes=tuple(themes),
            proposer_country=proposer_country,
            proposer_region=proposer_region,
            support=figures.support,
            supporting_countries=figures.supporting_countries,
            supporting_regions=figures.supporting_regions,
        )

    @property
    def countries(self) -> frozenset[str]:
        """The countries it comes from or is backed by."""
        return frozenset(self.supporting_countries) | _present(self.proposer_country)

    @property
    def regions(self) -> frozenset[str]:
        return frozenset(self.supporting_regions) | _present(self.proposer_region)


def _present(value: str | None) -> frozenset[str]:
    return frozenset({value}) if value else frozenset()


@dataclass(frozen=True)
class ThemeFigures:
    """One theme: its supported recommendations (support at or above the threshold) and their reach."""

    theme: str
    recommendations: int  # all recommendations carrying the theme
    supported: tuple[str, ...]  # refs, in natural order (R2 before R10)
    countries: tuple[str, ...]
    regions: tuple[str, ...]
    common_denominator: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "theme": self.theme,
            "recommendations": self.recommendations,
            "supported": list(self.supported),
            "countries": list(self.countries),
            "regions": list(self.regions),
            "common_denominator": self.common_denominator,
        }


def theme_figures(
    items: Sequence[ThemedItem], thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> list[ThemeFigures]:
    """Every theme of the items, sorted by name, including themes with no supported recommendation."""
    by_theme = _items_by_theme(items)
    return [_theme(theme, members, thresholds) for theme, members in sorted(by_theme.items())]


def _items_by_theme(items: Sequence[ThemedItem]) -> dict[str, list[ThemedItem]]:
    by_theme: dict[str, list[ThemedItem]] = {}
    for item in items:
        for theme in dict.fromkeys(item.themes):  # an item counts once per theme
            by_theme.setdefault(theme, []).append(item)
    return by_theme


def _is_supported(item: ThemedItem, thresholds: Thresholds) -> bool:
    return _exact(item.support) >= _exact(thresholds.support)


def _theme(theme: str, items: Sequence[ThemedItem], thresholds: Thresholds) -> ThemeFigures:
    supported = [item for item in items if _is_supported(item, thresholds)]
    countries = frozenset().union(*(item.countries for item in supported))
    regions = frozenset().union(*(item.regions for item in supported))
    return ThemeFigures(
        theme=theme,
        recommendations=len(items),
        supported=tuple(sorted((item.ref for item in supported), key=natural_key)),
        countries=tuple(sorted(countries)),
        regions=tuple(sorted(regions)),
        common_denominator=len(countries) >= thresholds.min_countries
        and len(regions) >= thresholds.min_regions,
    )


@dataclass(frozen=True)
class ThemeMatrix:
    """Supported recommendations per theme that come from or are backed by each country and region."""

    themes: tuple[str, ...]
    countries: tuple[str, ...]
    regions: tuple[str, ...]
    by_country: Mapping[str, Mapping[str, int]] = field(hash=False)  # theme -> country -> count
    by_region: Mapping[str, Mapping[str, int]] = field(hash=False)  # theme -> region -> count

    def to_dict(self) -> dict[str, Any]:
        return {
            "themes": list(self.themes),
            "countries": list(self.countries),
            "regions": list(self.regions),
            "by_country": {theme: dict(row) for theme, row in self.by_country.items()},
            "by_region": {theme: dict(row) for theme, row in self.by_region.items()},
        }


def theme_matrix(
    items: Sequence[ThemedItem],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    countries: Iterable[str] = (),
    regions: Iterable[str] = (),
) -> ThemeMatrix:
    """The digest's theme table: every cell filled (zeros too); `countries` and `regions` add columns
    for groups that back nothing yet (say, every registered country)."""
    by_theme = _items_by_theme(items)
    supported = {t: [i for i in members if _is_supported(i, thresholds)] for t, members in by_theme.items()}
    all_items = [item for members in supported.values() for item in members]
    country_columns = tuple(sorted(set(countries).union(*(item.countries for item in all_items))))
    region_columns = tuple(sorted(set(regions).union(*(item.regions for item in all_items))))
    return ThemeMatrix(
        themes=tuple(sorted(by_theme)),
        countries=country_columns,
        regions=region_columns,
        by_country=_frozen_map(
            (t, _row(members, country_columns, lambda i: i.countries)) for t, members in supported.items()
        ),
        by_region=_frozen_map(
            (t, _row(members, region_columns, lambda i: i.regions)) for t, members in supported.items()
        ),
    )


def _row(
    items: Sequence[ThemedItem], columns: Sequence[str], groups_of: Callable[[ThemedItem], frozenset[str]]
) -> Mapping[str, int]:
    counts = Counter(group for item in items for group in groups_of(item))
    return _frozen_map((column, counts[column]) for column in columns)


# --- Polls ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceShares:
    """Results of a choice poll; `shares` keeps the poll's option order."""

    total: int  # the denominator: respondents when given, else all votes
    shares: Mapping[str, float] = field(hash=False)
    ranking: tuple[str, ...]  # most votes first; ties keep the option order
    leaders: tuple[str, ...]  # every option with the most votes; empty when nobody voted

    @property
    def tied(self) -> bool:
        return len(self.leaders) > 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "shares": dict(self.shares),
            "ranking": list(self.ranking),
            "leaders": list(self.leaders),
            "tied": self.tied,
        }


def choice_shares(counts: Mapping[str, int], respondents: int | None = None) -> ChoiceShares:
    """Share of each option: of all votes, or of `respondents` on a multiple-choice poll (where one
    person may choose several options and the shares then add up to more than 1)."""
    if any(count < 0 for count in counts.values()):
        raise ValueError("a vote count cannot be negative")
    total = sum(counts.values()) if respondents is None else respondents
    if any(count > total for count in counts.values()):
        raise ValueError("an option cannot have more votes than there are respondents")
    order = {label: index for index, label in enumerate(counts)}
    ranking = tuple(sorted(counts, key=lambda label: (-counts[label], order[label])))
    top = max(counts.values(), default=0)
    return ChoiceShares(
        total=total,
        shares=MappingProxyType({label: float(_share(count, total)) for label, count in counts.items()}),
        ranking=ranking,
        leaders=tuple(label for label in ranking if top and counts[label] == top),
    )


@dataclass(frozen=True, order=True)
class Member:
    """Someone expected to answer: a person (key: Slack user id) or an organisation (key: its name)."""

    organisation: str
    key: str
    region: str
    country: str

    @classmethod
    def of(cls, organisation: Organisation) -> Member:
        return cls(
            organisation=organisation.name,
            key=organisation.name,
            region=organisation.region,
            country=organisation.country,
        )


@dataclass(frozen=True)
class GroupParticipation:
    expected: int
    answered: int

    @property
    def rate(self) -> float:
        return float(_share(self.answered, self.expected))

    def to_dict(self) -> dict[str, Any]:
        return {"expected": self.expected, "answered": self.answered, "rate": self.rate}


@dataclass(frozen=True)
class Participation:
    """Who of an audience answered, overall and per organisation, country and region."""

    expected: int
    answered: int
    outside_audience: int  # answers from keys that are not in the audience (not in the rate)
    missing: tuple[Member, ...]  # sorted by organisation, then key
    per_organisation: Mapping[str, GroupParticipation] = field(hash=False)
    per_country: Mapping[str, GroupParticipation] = field(hash=False)
    per_region: Mapping[str, GroupParticipation] = field(hash=False)

    @property
    def rate(self) -> float:
        return float(_share(self.answered, self.expected))

    def to_dict(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "answered": self.answered,
            "rate": self.rate,
            "outside_audience": self.outside_audience,
            "missing": [member.key for member in self.missing],
            "per_organisation": {k: g.to_dict() for k, g in self.per_organisation.items()},
            "per_country": {k: g.to_dict() for k, g in self.per_country.items()},
            "per_region": {k: g.to_dict() for k, g in self.per_region.items()},
        }


def participation(answered: Collection[str], audience: Sequence[Member]) -> Participation:
    """Participation of `audience` given the keys that answered."""
    keys = [member.key for member in audience]
    if len(set(keys)) != len(keys):
        raise ValueError("an audience lists each member once")
    done = set(answered)
    return Participation(
        expected=len(audience),
        answered=sum(1 for key in keys if key in done),
        outside_audience=len(done - set(keys)),
        missing=tuple(sorted(member for member in audience if member.key not in done)),
        per_organisation=_participation_by(audience, done, lambda m: m.organisation),
        per_country=_participation_by(audience, done, lambda m: m.country),
        per_region=_participation_by(audience, done, lambda m: m.region),
    )


def _participation_by(
    audience: Sequence[Member], done: Collection[str], group_of: Callable[[Member], str]
) -> Mapping[str, GroupParticipation]:
    expected: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    for member in audience:
        expected[group_of(member)] += 1
        answered[group_of(member)] += member.key in done
    return _frozen_map((g, GroupParticipation(expected[g], answered[g])) for g in expected)
