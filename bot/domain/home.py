"""What a person's App Home shows: plain values and the rules that pick them (no Slack, no storage)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.domain.consensus.scales import Trend
from bot.domain.consultations.kinds import Position
from bot.domain.partners import PartnerInfo
from bot.domain.polls.drafts import PollView
from bot.domain.polls.kinds import Audience
from bot.domain.recommendations import Status


@dataclass(frozen=True)
class ConsultationItem:
    """An open consultation as the Home lists it."""

    id: int
    ref: str
    title: str
    version: int
    deadline: datetime
    permalink: str | None = None


@dataclass(frozen=True)
class OrgPosition:
    """The organisation's current position on an open consultation."""

    consultation: ConsultationItem
    position: Position
    set_by_name: str


@dataclass(frozen=True)
class Proposal:
    ref: str
    title: str
    status: Status


@dataclass(frozen=True)
class Missing:
    """An organisation that has not answered (for a poll: how many of its people have not)."""

    organisation: str
    country: str
    people: int = 1


@dataclass(frozen=True)
class Progress:
    """One open poll or consultation on the coordinator's dashboard."""

    ref: str
    title: str
    deadline: datetime | None
    answered: int
    expected: int
    missing: tuple[Missing, ...]
    unit: str  # "partners" (polls) or "organisations" (consultations)

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class BoardRow:
    """A recommendation in consultation on the consensus board."""

    ref: str
    title: str
    support: float
    coverage: float
    group_aware_consensus: float
    trend: Trend
    blocked: bool


@dataclass(frozen=True)
class Dashboard:
    progress: tuple[Progress, ...]
    board: tuple[BoardRow, ...]


@dataclass(frozen=True)
class HomeScreen:
    """One partner's Home; `dashboard` is there for coordinators only."""

    partner: PartnerInfo
    polls_to_answer: tuple[PollView, ...]
    consultations_to_answer: tuple[ConsultationItem, ...]
    positions: tuple[OrgPosition, ...]
    proposals: tuple[Proposal, ...]
    digest_headline: str | None
    dashboard: Dashboard | None = None


def in_audience(poll: PollView, user: str, recorded: Collection[str]) -> bool:
    """Whether the poll asks this partner: every partner, or the channel's members when it was posted."""
    return poll.audience is Audience.ALL or user in recorded


def poll_missing(people: Iterable[PartnerInfo]) -> tuple[Missing, ...]:
    """Partners who have not answered, as organisations (with how many of their people), by country."""
    counts: dict[tuple[str, str], int] = {}
    for person in people:
        key = (person.country, person.organisation)
        counts[key] = counts.get(key, 0) + 1
    return tuple(Missing(org, country, n) for (country, org), n in sorted(counts.items()))


def organisations_missing(organisations: Mapping[str, str], answered: Collection[str]) -> tuple[Missing, ...]:
    """Organisations (name -> country) without a position, by country."""
    left = [(country, name) for name, country in organisations.items() if name not in answered]
    return tuple(Missing(name, country) for country, name in sorted(left))
