"""The digest's chart: support by country per recommendation, and the theme matrix (PNG)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib

from bot.domain.digest import DigestContent, ThemeMatrixView

matplotlib.use("Agg")  # no display on a server

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

# Enough rows to stay legible in Slack's preview; the Markdown attachment carries the rest.
MAX_ROWS = 30


@dataclass(frozen=True)
class SupportGrid:
    """Rows (recommendation refs or themes) by columns (countries); a value in [0, 1] or None."""

    title: str
    rows: Sequence[str]
    columns: Sequence[str]
    values: Mapping[tuple[str, str], float | None]
    value_label: str


def render_chart(grids: Sequence[SupportGrid]) -> bytes:
    """One PNG with a heat map per grid; empty grids are left out."""
    shown = [grid for grid in grids if grid.rows and grid.columns]
    if not shown:
        return b""
    heights = [max(2.0, 0.35 * min(len(grid.rows), MAX_ROWS) + 1.2) for grid in shown]
    figure, axes = plt.subplots(
        len(shown), 1, figsize=(9, sum(heights)), height_ratios=heights, squeeze=False
    )
    try:
        for axis, grid in zip(axes[:, 0], shown, strict=True):
            _heatmap(figure, axis, grid)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110)
        return buffer.getvalue()
    finally:
        plt.close(figure)


def _heatmap(figure: Figure, axis: Axes, grid: SupportGrid) -> None:
    rows = list(grid.rows)[:MAX_ROWS]
    columns = list(grid.columns)
    matrix = [[_cell(grid.values.get((row, column))) for column in columns] for row in rows]
    image = axis.imshow(matrix, cmap="RdYlGn", vmin=0.0, vmax=1.0, aspect="auto")
    axis.set_xticks(range(len(columns)), labels=columns)
    axis.set_yticks(range(len(rows)), labels=[_short(row) for row in rows])
    axis.set_title(
        grid.title + (f" (first {MAX_ROWS} of {len(grid.rows)})" if len(grid.rows) > MAX_ROWS else "")
    )
    for y, row in enumerate(rows):
        for x, column in enumerate(columns):
            value = grid.values.get((row, column))
            if value is not None:
                axis.text(x, y, f"{value:.0%}", ha="center", va="center", fontsize=7)
    figure.colorbar(image, ax=axis, label=grid.value_label, shrink=0.8)


def _cell(value: float | None) -> float:
    return float("nan") if value is None else value


def _short(label: str) -> str:
    return label if len(label) <= 40 else label[:39] + "…"


def digest_chart(content: DigestContent) -> bytes:
    """Support by country per recommendation, and the theme by country matrix, as one PNG."""
    items = [
        *content.common_denominators,
        *content.contested,
        *content.region_specific,
        *content.other_recommendations,
    ]
    countries = sorted({country for item in items for country in item.country_support})
    support = SupportGrid(
        title="Support by country (share of answering organisations)",
        rows=[f"{item.ref} · {item.title}" for item in items if item.country_support],
        columns=countries,
        values={
            (f"{item.ref} · {item.title}", country): share
            for item in items
            for country, share in item.country_support.items()
        },
        value_label="supporting share",
    )
    matrix = content.theme_matrix
    themes = SupportGrid(
        title="Themes: supported recommendations from or backed by each country (relative)",
        rows=matrix.themes,
        columns=matrix.countries,
        values=_theme_shares(matrix),
        value_label="relative",
    )
    return render_chart([support, themes])


def _theme_shares(matrix: ThemeMatrixView) -> dict[tuple[str, str], float | None]:
    shares: dict[tuple[str, str], float | None] = {}
    for theme, row in matrix.by_country.items():
        top = max(row.values(), default=0)
        for country, count in row.items():
            shares[(theme, country)] = count / top if top else None
    return shares
