"""The digest's content: plain, JSON-serialisable values, so a stored digest can be shown again.

Everything a reader sees is decided here or in the service that fills it; the Block Kit and
Markdown renderings only lay it out. Statements from summaries arrive pre-rendered (their
citations become Slack permalinks), already grounded and defused by `bot.domain.summaries`.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StatementLine(_Value):
    mrkdwn: str
    markdown: str


class SummaryBlock(_Value):
    summarizer: str
    common_ground: list[StatementLine] = Field(default_factory=list)
    disagreements: list[StatementLine] = Field(default_factory=list)
    wording: list[StatementLine] = Field(default_factory=list)


class OrgPosition(_Value):
    organisation: str
    country: str
    region: str
    position: str
    reason: str = ""


class RecItem(_Value):
    ref: str
    title: str
    status: str
    themes: list[str]
    origin: str | None = None
    proposer: str | None = None
    coverage: float
    support: float
    opposition: float
    group_aware_consensus: float
    supporting_countries: list[str]
    supporting_regions: list[str]
    common_denominator: bool
    divisive: bool
    delphi_consensus: bool
    region_specific: bool
    blocked: bool
    trend: str
    positions: dict[str, int]
    supporters: list[str]
    objections: list[OrgPosition]
    not_answered: list[str]
    new_comments: int = 0
    permalink: str | None = None
    # Share of the answering organisations of each country that support it (the chart's cells).
    country_support: dict[str, float] = Field(default_factory=dict)
    summary: SummaryBlock | None = None


class ThemeItem(_Value):
    theme: str
    recommendations: list[str]
    countries: list[str]
    regions: list[str]
    common_denominator: bool


class PollItem(_Value):
    ref: str
    question: str
    kind: str
    status: str
    anonymous: bool
    respondents: int
    audience: int
    results: list[str]
    movement: list[str] = Field(default_factory=list)
    not_answered: list[str] = Field(default_factory=list)
    permalink: str | None = None


class NewProposal(_Value):
    ref: str
    title: str
    proposer: str


class MissingAnswers(_Value):
    organisation: str
    country: str
    region: str
    items: list[str]


class ThemeMatrixView(_Value):
    """Supported recommendations per theme coming from or backed by each country and region."""

    themes: list[str]
    countries: list[str]
    regions: list[str]
    by_country: dict[str, dict[str, int]]
    by_region: dict[str, dict[str, int]]


class DigestContent(_Value):
    period_key: str
    period_start: datetime
    period_end: datetime
    generated_at: datetime
    summarizer: str
    summarizer_note: str
    headline: list[str]
    common_denominators: list[RecItem]
    common_themes: list[ThemeItem]
    contested: list[RecItem]
    region_specific: list[RecItem]
    other_recommendations: list[RecItem]
    polls: list[PollItem]
    new_proposals: list[NewProposal]
    not_answered: list[MissingAnswers]
    next_steps: list[str]
    theme_matrix: ThemeMatrixView
    prompt_tokens: int = 0
    completion_tokens: int = 0
    summaries_from_cache: int = 0
    summaries_written: int = 0


def percent(share: float) -> str:
    return f"{round(share * 100)} %"
