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
from matplotlib.patches import Patch, Rectangle

# Enough rows to stay legible in Slack's preview; the Markdown attachment carries the rest.
MAX_ROWS = 30
# Cividis reads the same for the common colour-vision deficiencies and in greyscale (dark blue 0 → yellow 1).
COLOUR_MAP = "cividis"
# A cell without a value: light grey and hatched, so that it cannot pass for a colour of the scale.
MISSING_COLOUR = "#f0f0f0"
MISSING_HATCH = "///"


@dataclass(frozen=True)
class SupportGrid:
    """Rows (recommendation refs or themes) by columns (countries); a value in [0, 1] or None."""

    title: str
    rows: Sequence[str]
    columns: Sequence[str]
    values: Mapping[tuple[str, str], float | None]
    value_label: str
    missing_label: str  # what a cell without a value means


def render_chart(grids: Sequence[SupportGrid]) -> bytes:
    """One PNG with a heat map per grid; empty grids are left out."""
    figure = chart_figure(grids)
    if figure is None:
        return b""
    try:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110)
        return buffer.getvalue()
    finally:
        plt.close(figure)


def chart_figure(grids: Sequence[SupportGrid]) -> Figure | None:
    """The chart's figure (the caller closes it); None when every grid is empty."""
    shown = [grid for grid in grids if grid.rows and grid.columns]
    if not shown:
        return None
    heights = [max(2.6, 0.35 * min(len(grid.rows), MAX_ROWS) + 1.8) for grid in shown]
    figure, axes = plt.subplots(
        len(shown), 1, figsize=(9, sum(heights)), height_ratios=heights, squeeze=False
    )
    for axis, grid in zip(axes[:, 0], shown, strict=True):
        _heatmap(figure, axis, grid)
    figure.tight_layout()
    return figure


def _heatmap(figure: Figure, axis: Axes, grid: SupportGrid) -> None:
    rows = list(grid.rows)[:MAX_ROWS]
    columns = list(grid.columns)
    matrix = [[_cell(grid.values.get((row, column))) for column in columns] for row in rows]
    image = axis.imshow(matrix, cmap=COLOUR_MAP, vmin=0.0, vmax=1.0, aspect="auto")
    axis.set_xticks(range(len(columns)), labels=columns)
    axis.set_yticks(range(len(rows)), labels=[_short(row) for row in rows])
    axis.set_title(
        grid.title + (f" (first {MAX_ROWS} of {len(grid.rows)})" if len(grid.rows) > MAX_ROWS else "")
    )
    for y, row in enumerate(rows):
        for x, column in enumerate(columns):
            value = grid.values.get((row, column))
            if value is None:
                axis.add_patch(_missing_cell(x, y))
                continue
            # Light text on the dark (low) end of the scale, dark text on the light end.
            colour = "white" if value < 0.5 else "black"
            axis.text(x, y, f"{value:.0%}", ha="center", va="center", fontsize=7, color=colour)
    figure.colorbar(image, ax=axis, label=grid.value_label, shrink=0.8, format="{x:.0%}")
    axis.legend(
        handles=[_missing_patch(grid.missing_label)],
        loc="upper left",
        bbox_to_anchor=(0.0, -0.12),
        frameon=False,
        fontsize=8,
    )


def _missing_cell(x: int, y: int) -> Rectangle:
    return Rectangle(
        (x - 0.5, y - 0.5), 1, 1, facecolor=MISSING_COLOUR, edgecolor="#9a9a9a", hatch=MISSING_HATCH, lw=0
    )


def _missing_patch(label: str) -> Patch:
    return Patch(facecolor=MISSING_COLOUR, edgecolor="#9a9a9a", hatch=MISSING_HATCH, label=label)


def _cell(value: float | None) -> float:
    return float("nan") if value is None else value


def _short(label: str) -> str:
    return label if len(label) <= 40 else label[:39] + "…"


def digest_chart(content: DigestContent) -> bytes:
    """Support by country per recommendation, and the theme by country matrix, as one PNG."""
    items = content.all_items()
    # Every registered country is a column, so that a country nobody answered from shows as such.
    answered = {country for item in items for country in item.country_support}
    countries = sorted(answered | set(content.theme_matrix.countries))
    support = SupportGrid(
        title="Support by country: share of the answering organisations that support it",
        rows=[f"{item.ref} · {item.title}" for item in items if item.country_support],
        columns=countries,
        values={
            (f"{item.ref} · {item.title}", country): share
            for item in items
            for country, share in item.country_support.items()
        },
        value_label="support",
        missing_label="no organisation of that country answered (not 0 %)",
    )
    matrix = content.theme_matrix
    themes = SupportGrid(
        title="Themes: supported recommendations by country (relative to the most)",
        rows=matrix.themes,
        columns=matrix.countries,
        values=_theme_shares(matrix),
        value_label="relative",
        missing_label="no supported recommendation in that theme yet",
    )
    return render_chart([support, themes])


def _theme_shares(matrix: ThemeMatrixView) -> dict[tuple[str, str], float | None]:
    shares: dict[tuple[str, str], float | None] = {}
    for theme, row in matrix.by_country.items():
        top = max(row.values(), default=0)
        for country, count in row.items():
            shares[(theme, country)] = count / top if top else None
    return shares
