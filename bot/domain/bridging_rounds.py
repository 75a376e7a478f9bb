"""A drafting round as every layer sees it, and what its ranking decided."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.bridging import CURRENT_TEXT, Candidate, Point
from bot.domain.ranking import RankingResult


class RoundStatus(StrEnum):
    DRAFTING = "drafting"  # started; the candidates are being written (after the acknowledgement)
    RANKING = "ranking"  # the ranking poll is open
    CRITIQUE = "critique"  # the winner is proposed; critiques are gathered in the thread
    CLOSED = "closed"  # done: revised into a next round, or the last round
    FAILED = "failed"  # nothing could be drafted or posted; the consultation is as it was


@dataclass(frozen=True)
class Matchup:
    """How the organisations ranked two options against each other."""

    winner: str
    loser: str
    for_winner: int
    for_loser: int


@dataclass(frozen=True)
class RoundView:
    id: int
    consultation_id: int
    round: int
    status: RoundStatus
    started_by: str
    candidates: tuple[Candidate, ...]
    material: tuple[tuple[str, Point], ...]  # (kind, point)
    drafted_by: str
    fallback_reason: str | None
    prompt_tokens: int
    completion_tokens: int
    poll_id: int | None = None
    poll_number: int | None = None
    schulze: tuple[str, ...] = ()
    pairwise: Mapping[str, Mapping[str, int]] | None = None
    ballots: int = 0
    winner_label: str | None = None
    critique_until: datetime | None = None
    created_at: datetime | None = None
    closed_at: datetime | None = None

    @property
    def offline(self) -> bool:
        return self.drafted_by == "offline"

    @property
    def winner(self) -> Candidate | None:
        return next((c for c in self.candidates if c.label == self.winner_label), None)

    @property
    def winner_changes_text(self) -> bool:
        return self.winner is not None and self.winner.label != CURRENT_TEXT

    @property
    def can_revise(self) -> bool:
        """One revision round, from a first round whose winner is proposed."""
        return self.round == 1 and self.status is RoundStatus.CRITIQUE

    def material_by_id(self) -> dict[str, tuple[str, Point]]:
        return {point.id: (kind, point) for kind, point in self.material}

    def material_counts(self) -> list[tuple[str, int]]:
        """How many objections, changes asked, suggested wordings and critiques the round started from."""
        kinds = [kind for kind, _ in self.material]
        names = (
            ("objection", "objections"),
            ("change", "changes asked"),
            ("suggestion", "suggested wordings"),
            ("critique", "critiques"),
        )
        return [(plural, kinds.count(kind)) for kind, plural in names]

    def matchups(self) -> list[Matchup]:
        """The winner against every other option, in Schulze order."""
        if not self.pairwise or not self.winner_label:
            return []
        top = self.winner_label
        return [
            Matchup(top, other, self.pairwise[top][other], self.pairwise[other][top])
            for other in self.schulze
            if other != top
        ]


Pairwise = dict[str, dict[str, int]]


def labelled(result: RankingResult, labels: Sequence[str]) -> tuple[tuple[str, ...], Pairwise]:
    """The Schulze order and the pairwise table by option label, as stored and exported."""
    order = tuple(labels[i] for i in result.order)
    table = {
        labels[a]: {labels[b]: n for b, n in row.items() if b != a} for a, row in result.pairwise.items()
    }
    return order, table
