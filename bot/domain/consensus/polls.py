"""Poll figures: shares of each choice and participation by group."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from bot.domain.consensus.thresholds import Organisation, frozen_map, share_of


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
        shares=MappingProxyType({label: float(share_of(count, total)) for label, count in counts.items()}),
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
        return float(share_of(self.answered, self.expected))

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
        return float(share_of(self.answered, self.expected))

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
    return frozen_map((g, GroupParticipation(expected[g], answered[g])) for g in expected)
