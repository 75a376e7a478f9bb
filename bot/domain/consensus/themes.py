"""Figures per theme, and the theme matrix across regions or countries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.domain.consensus.recommendations import RecommendationFigures
from bot.domain.consensus.thresholds import DEFAULT_THRESHOLDS, Thresholds, exact, frozen_map, natural_key


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
    return exact(item.support) >= exact(thresholds.support)


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
        by_country=frozen_map(
            (t, _row(members, country_columns, lambda i: i.countries)) for t, members in supported.items()
        ),
        by_region=frozen_map(
            (t, _row(members, region_columns, lambda i: i.regions)) for t, members in supported.items()
        ),
    )


def _row(
    items: Sequence[ThemedItem], columns: Sequence[str], groups_of: Callable[[ThemedItem], frozenset[str]]
) -> Mapping[str, int]:
    counts = Counter(group for item in items for group in groups_of(item))
    return frozen_map((column, counts[column]) for column in columns)
