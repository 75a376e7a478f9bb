"""Tallies, rankings and results of a poll, and how answers moved between Delphi rounds."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from bot.domain.partners import PartnerInfo
from bot.domain.polls.answers import Answer
from bot.domain.polls.drafts import PollView
from bot.domain.polls.kinds import VERDICTS, PollKind, Verdict


@dataclass(frozen=True)
class ScaleSummary:
    """Answers 1-5 to one statement: counts, median, interquartile range and the shares that agree."""

    counts: tuple[int, int, int, int, int]

    @property
    def n(self) -> int:
        return sum(self.counts)

    def values(self) -> list[int]:
        return [point for point, count in zip(range(1, 6), self.counts, strict=True) for _ in range(count)]

    @property
    def median(self) -> float | None:
        return statistics.median(self.values()) if self.n else None

    @property
    def iqr(self) -> float | None:
        """Q3 - Q1 with linear interpolation between the answers (0 for a single answer)."""
        values = self.values()
        if len(values) < 2:
            return 0.0 if values else None
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
        return q3 - q1

    @property
    def agree_share(self) -> float:
        return (self.counts[3] + self.counts[4]) / self.n if self.n else 0.0

    @property
    def disagree_share(self) -> float:
        return (self.counts[0] + self.counts[1]) / self.n if self.n else 0.0


@dataclass(frozen=True)
class OptionTally:
    """The results of one option, statement or recommendation."""

    index: int
    label: str
    votes: int
    points: int | None = None
    borda: float | None = None
    mean_rank: float | None = None
    scale: ScaleSummary | None = None
    verdicts: Mapping[Verdict, int] | None = None
    reasons: tuple[str, ...] = ()


def tally(poll: PollView, answers: Sequence[Answer]) -> tuple[OptionTally, ...]:
    """Counts, points totals, Borda scores, scale distributions or verdicts, one per option."""
    count = len(poll.options)
    borda = (
        borda_scores(poll.kind, count, answers) if poll.kind in (PollKind.POINTS, PollKind.RANKING) else None
    )
    tallies = []
    for index, label in enumerate(poll.options):
        rated = [a.ratings[index] for a in answers if index in a.ratings]
        reasons = tuple(a.reasons[index] for a in answers if a.reasons.get(index))
        votes = sum(1 for a in answers if index in a.choices) if poll.kind.by_buttons else len(rated)
        entry = OptionTally(index=index, label=label, votes=votes, reasons=reasons)
        if poll.kind is PollKind.SCALE:
            counts = Counter(rated)
            entry = replace(
                entry, scale=ScaleSummary((counts[1], counts[2], counts[3], counts[4], counts[5]))
            )
        elif poll.kind is PollKind.VALIDITY:
            entry = replace(
                entry, verdicts={v: sum(1 for r in rated if r == i) for i, v in enumerate(VERDICTS)}
            )
        elif borda is not None:
            points = sum(rated) if poll.kind is PollKind.POINTS else None
            mean_rank = statistics.fmean(rated) if poll.kind is PollKind.RANKING and rated else None
            entry = replace(entry, points=points, borda=borda[index], mean_rank=mean_rank)
        tallies.append(entry)
    return tuple(tallies)


def borda_scores(kind: PollKind, count: int, answers: Iterable[Answer]) -> list[float]:
    """Borda count: on each ballot the option in place p (0 = first) of n scores n - 1 - p; tied
    options share the average of their places' scores. A points ballot ranks by points given."""
    scores = [0.0] * count
    for answer in answers:
        if not answer.ratings:
            continue
        key = _best_first(kind, count, answer.ratings)
        order = sorted(range(count), key=key)
        place = 0
        while place < count:
            tied = [i for i in order[place:] if key(i) == key(order[place])]
            share = statistics.fmean(count - 1 - p for p in range(place, place + len(tied)))
            for index in tied:
                scores[index] += share
            place += len(tied)
    return scores


def _best_first(kind: PollKind, count: int, ratings: Mapping[int, int]) -> Callable[[int], int]:
    """A sort key that puts the best option first: most points, or the lowest rank number."""
    if kind is PollKind.POINTS:
        return lambda index: -ratings.get(index, 0)
    return lambda index: ratings.get(index, count + 1)


def ranked(poll: PollView, tallies: Sequence[OptionTally]) -> list[OptionTally]:
    """Tallies best first where the kind has an order (points, Borda); as given otherwise."""
    if poll.kind is PollKind.POINTS:
        return sorted(tallies, key=lambda t: (-(t.points or 0), -(t.borda or 0), t.index))
    if poll.kind is PollKind.RANKING:
        return sorted(tallies, key=lambda t: (-(t.borda or 0), t.index))
    return list(tallies)


# --- results ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttributedAnswer:
    """Who answered what: only ever built for polls that are not anonymous."""

    partner: PartnerInfo
    answer: Answer


@dataclass(frozen=True)
class PollResults:
    """Everything a reader of the results may know about a poll.

    `hidden` is true while the results of a poll whose results are hidden until close are not to be
    shown: then `tallies` and `answers` are empty. `answers` is empty for anonymous polls.
    `previous` is the previous Delphi round, if any.
    """

    poll: PollView
    respondents: tuple[PartnerInfo, ...]
    non_respondents: tuple[PartnerInfo, ...]
    hidden: bool
    tallies: tuple[OptionTally, ...]
    answers: tuple[AttributedAnswer, ...] = ()
    general_reasons: tuple[str, ...] = ()
    previous: PollResults | None = None

    @property
    def respondent_count(self) -> int:
        return len(self.respondents)

    @property
    def audience_size(self) -> int:
        return len(self.respondents) + len(self.non_respondents)

    def rounds(self) -> list[PollResults]:
        """The Delphi rounds up to this one, first round first."""
        chain: list[PollResults] = []
        current: PollResults | None = self
        while current is not None:
            chain.append(current)
            current = current.previous
        return chain[::-1]


Dimension = Literal["organisation", "country", "region"]


def breakdown(results: PollResults, by: Dimension) -> dict[str, tuple[OptionTally, ...]]:
    """The tallies per organisation, country or region (attributed polls; empty when anonymous)."""
    groups: dict[str, list[Answer]] = {}
    for item in results.answers:
        groups.setdefault(str(getattr(item.partner, by)), []).append(item.answer)
    return {name: tally(results.poll, answers) for name, answers in sorted(groups.items())}


def respondents_by(
    partners: Iterable[PartnerInfo], key: Callable[[PartnerInfo], str]
) -> dict[str, list[str]]:
    """Names grouped (e.g. by country), for the closing summary."""
    grouped: dict[str, list[str]] = {}
    for partner in sorted(partners, key=lambda p: (key(p), p.name)):
        grouped.setdefault(key(partner), []).append(partner.name)
    return grouped


@dataclass(frozen=True)
class Movement:
    """How one statement or option moved from the previous Delphi round to this one."""

    label: str
    before: OptionTally
    after: OptionTally


def movements(results: PollResults) -> tuple[Movement, ...]:
    """Per statement or option: its tally in the previous round and in this one."""
    previous = results.previous
    if previous is None or previous.hidden or results.hidden:
        return ()
    before = {t.label: t for t in previous.tallies}
    return tuple(Movement(t.label, before[t.label], t) for t in results.tallies if t.label in before)
