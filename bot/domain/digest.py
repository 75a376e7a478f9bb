"""The digest's content: plain, JSON-serialisable values, so a stored digest can be shown again.

Everything a reader sees is decided here or in the service that fills it; the Block Kit and
Markdown renderings only lay it out. Statements from summaries arrive pre-rendered (their
citations become Slack permalinks), already grounded and defused by `bot.domain.summaries`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.polls.kinds import Verdict


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


class ReviewVerdict(_Value):
    """What a validity review concluded of one earlier recommendation so far."""

    ref: str
    title: str
    verdict: str | None  # the majority verdict's label; None when split or not answered
    share: float  # the majority's share of the answers (the largest share when split)
    answers: int
    action: str  # keep, revise, drop or discuss; "" while nobody has answered


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
    verdicts: list[ReviewVerdict] = Field(default_factory=list)  # a validity review's, per recommendation


class WordingRound(_Value):
    """A common-wording round of the period: what was ranked, by how many, what won, what followed."""

    ref: str
    round: int
    poll: str | None
    status: str
    candidates: int
    offline: bool
    ballots: int
    organisations: int
    winner: str | None = None
    new_version: int | None = None  # the version published from the winner's wording, if any
    positions_now: dict[str, int] = Field(default_factory=dict)


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
    common_wording: list[WordingRound] = Field(default_factory=list)

    def all_items(self) -> list[RecItem]:
        """Every recommendation of the period, section by section."""
        return [
            *self.common_denominators,
            *self.contested,
            *self.region_specific,
            *self.other_recommendations,
        ]

    def objected(self) -> list[RecItem]:
        """The recommendations some organisation disagrees with or blocks, whatever their support."""
        return [item for item in self.all_items() if item.objections]


def percent(share: float) -> str:
    return f"{round(share * 100)} %"


KEEP: Final = "keep"
REVISE: Final = "revise"
DROP: Final = "drop"
DISCUSS: Final = "discuss"
REVIEW_ACTIONS: Final = (KEEP, REVISE, DROP, DISCUSS)
_ACTION_OF: Final = {
    Verdict.STILL_VALID: KEEP,
    Verdict.IMPLEMENTING: KEEP,
    Verdict.NEEDS_REVISION: REVISE,
    Verdict.OBSOLETE: DROP,
}


def review_verdict(ref: str, title: str, counts: Mapping[Verdict, int]) -> ReviewVerdict:
    """The verdict more than half of the answers gave, and what follows from it; else "split" (discuss)."""
    answers = sum(counts.values())
    if not answers:
        return ReviewVerdict(ref=ref, title=title, verdict=None, share=0.0, answers=0, action="")
    top, count = max(counts.items(), key=lambda pair: pair[1])
    share = count / answers
    if share <= 0.5:
        return ReviewVerdict(ref=ref, title=title, verdict=None, share=share, answers=answers, action=DISCUSS)
    return ReviewVerdict(
        ref=ref, title=title, verdict=top.label, share=share, answers=answers, action=_ACTION_OF[top]
    )


def describe_verdict(verdict: ReviewVerdict) -> str:
    """`Still valid (67 % of 3): keep`, `split (largest share 50 % of 2): discuss`, `no verdict yet`."""
    if not verdict.answers:
        return "no verdict yet"
    of = f"{percent(verdict.share)} of {verdict.answers}"
    if verdict.verdict is None:
        return f"split (largest share {of}): {verdict.action}"
    return f"{verdict.verdict} ({of}): {verdict.action}"
