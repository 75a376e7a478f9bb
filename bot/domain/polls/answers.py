"""Answers: how a click or a form changes one, and what a valid answer is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.polls.drafts import PollView
from bot.domain.polls.kinds import (
    CHOICE_FIELD,
    POINTS_BUDGET_DEFAULT,
    REASON_MAX,
    VERDICTS,
    PollKind,
    item_field,
    reason_field,
)
from bot.domain.text import check_text

if TYPE_CHECKING:
    from bot.domain.polls.tallies import PollResults


@dataclass(frozen=True)
class Answer:
    """One person's current answer.

    `choices`: the chosen option indexes (single and multiple choice). `ratings`: per statement,
    option or recommendation index: the scale point 1-5, the points given, the rank (1 = first) or
    the index of the verdict in VERDICTS. `reasons`: per index, WHOLE for the answer as a whole.
    """

    choices: tuple[int, ...] = ()
    ratings: Mapping[int, int] = field(default_factory=dict)
    reasons: Mapping[int, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.choices and not self.ratings

    def to_json(self) -> dict[str, object]:
        return {
            "choices": list(self.choices),
            "ratings": {str(k): v for k, v in sorted(self.ratings.items())},
            "reasons": {str(k): v for k, v in sorted(self.reasons.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Answer:
        choices = data.get("choices") or []
        ratings = data.get("ratings") or {}
        reasons = data.get("reasons") or {}
        assert isinstance(choices, list) and isinstance(ratings, dict) and isinstance(reasons, dict)
        return cls(
            choices=tuple(int(c) for c in choices),
            ratings={int(k): int(v) for k, v in ratings.items()},
            reasons={int(k): str(v) for k, v in reasons.items()},
        )


def choose(answer: Answer | None, index: int) -> Answer:
    """A click on a single-choice button; a reason given for another choice no longer applies."""
    keep = answer is not None and answer.choices == (index,)
    return Answer(choices=(index,), reasons=dict(answer.reasons) if answer and keep else {})


def select_many(answer: Answer | None, indexes: Sequence[int]) -> Answer:
    """A multiple-choice menu: the new selection replaces the previous one (empty withdraws)."""
    return Answer(choices=tuple(sorted(set(indexes))), reasons=dict(answer.reasons) if answer else {})


def toggle(answer: Answer | None, index: int, max_choices: int | None) -> Answer:
    """A click on a multiple-choice button: adds the option, or takes it away if chosen already."""
    current = answer.choices if answer else ()
    if index in current:
        choices = tuple(c for c in current if c != index)
    else:
        if max_choices is not None and len(current) >= max_choices:
            raise DomainError(
                f"You have already chosen {len(current)} option(s), the most this poll allows. "
                "Click one of your choices to take it back, then choose again."
            )
        choices = tuple(sorted((*current, index)))
    return Answer(choices=choices, reasons=dict(answer.reasons) if answer else {})


@dataclass(frozen=True)
class Click:
    """A button (or a single-choice menu option) on the poll message: choose it, or toggle it in a
    multiple-choice poll."""

    index: int


@dataclass(frozen=True)
class Selection:
    """A multiple-choice menu: the new set of choices."""

    indexes: tuple[int, ...]


@dataclass(frozen=True)
class Replacement:
    """The answer form: the whole new answer."""

    answer: Answer


Change = Click | Selection | Replacement


@dataclass(frozen=True)
class VoteRequest:
    """One answer to apply: to a poll by id, or to the poll behind a clicked message."""

    user: str
    change: Change
    # Identifies the click or submission: a retried or duplicated delivery carries the same one.
    delivery: str
    poll_id: int | None = None
    message: tuple[str, str] | None = None
    number: int | None = None

    @property
    def delivery_id(self) -> tuple[str, str]:
        return self.user, self.delivery


@dataclass(frozen=True)
class VoteOutcome:
    """What an answer did: the voter's current answer (None when withdrawn) and, if they may see
    them, the results. `counted` is False for a repeated delivery of an answer already counted."""

    poll: PollView
    answer: Answer | None
    counted: bool
    results: PollResults | None


def apply_change(poll: PollView, current: Answer | None, change: Change) -> Answer:
    """The voter's new answer (maybe empty: withdrawn); DomainError when the change is refused."""
    if isinstance(change, Replacement):
        return change.answer
    if not poll.kind.by_buttons:
        raise DomainError(f"{poll.ref} is answered in its form: use `Answer` on the poll message.")
    indexes = (change.index,) if isinstance(change, Click) else change.indexes
    if any(not 0 <= i < len(poll.options) for i in indexes):
        raise DomainError(f"That is not one of {poll.ref}'s options; use the buttons on the poll message.")
    if isinstance(change, Selection):
        return select_many(current, change.indexes)
    if poll.kind is PollKind.MULTIPLE:
        return toggle(current, change.index, poll.max_choices)
    return choose(current, change.index)


def validate_answer(poll: PollView, answer: Answer) -> Answer:
    """Raises InvalidInput keyed by the answer modal's fields; returns the answer, cleaned."""
    errors: dict[str, str] = {}
    reasons = _clean_reasons(answer.reasons, errors)
    count = len(poll.options)
    if poll.kind is PollKind.SINGLE and (len(answer.choices) != 1 or not 0 <= answer.choices[0] < count):
        errors[CHOICE_FIELD] = "Choose one option."
    elif poll.kind is PollKind.MULTIPLE:
        _check_multiple(poll, answer.choices, errors)
    elif not poll.kind.by_buttons:
        _check_ratings(poll, answer.ratings, reasons, errors)
    if errors:
        raise InvalidInput(errors)
    ratings = {} if poll.kind.by_buttons else dict(answer.ratings)
    return Answer(choices=tuple(sorted(set(answer.choices))), ratings=ratings, reasons=reasons)


def _clean_reasons(reasons: Mapping[int, str], errors: dict[str, str]) -> dict[int, str]:
    cleaned: dict[int, str] = {}
    for index, raw in reasons.items():
        text, problem = check_text(
            raw, label="The reason", max_length=REASON_MAX, required=False, multiline=True
        )
        if problem:
            errors[reason_field(index)] = problem
        elif text:
            cleaned[index] = text
    return cleaned


def _check_multiple(poll: PollView, choices: Sequence[int], errors: dict[str, str]) -> None:
    if any(not 0 <= c < len(poll.options) for c in choices):
        errors[CHOICE_FIELD] = "Choose among the poll's options."
    elif poll.max_choices is not None and len(set(choices)) > poll.max_choices:
        errors[CHOICE_FIELD] = f"Choose at most {poll.max_choices} options (you chose {len(set(choices))})."


def _check_ratings(
    poll: PollView, ratings: Mapping[int, int], reasons: Mapping[int, str], errors: dict[str, str]
) -> None:
    count = len(poll.options)
    # A common-wording ranking may leave options unranked: they count as tied below the ranked ones.
    partial = poll.kind is PollKind.RANKING and poll.per_organisation
    for index in range(count):
        if index not in ratings and not partial:
            errors[item_field(index)] = "Answer this one too."
    if errors:
        return
    if poll.kind is PollKind.SCALE:
        for index, value in ratings.items():
            if not 1 <= value <= 5:
                errors[item_field(index)] = "Choose a point on the scale."
            elif poll.require_reason and value <= 2 and not reasons.get(index):
                errors[reason_field(index)] = "This poll asks for a reason when you disagree: say why."
    elif poll.kind is PollKind.VALIDITY:
        for index, value in ratings.items():
            if not 0 <= value < len(VERDICTS):
                errors[item_field(index)] = "Choose one of the four verdicts."
            elif poll.require_reason and value >= 2 and not reasons.get(index):
                errors[reason_field(index)] = "This review asks for a reason for this verdict: say why."
    elif poll.kind is PollKind.POINTS:
        _check_points(poll.points_budget or POINTS_BUDGET_DEFAULT, ratings, errors)
    elif poll.kind is PollKind.RANKING:
        _check_ranks(count, ratings, errors)


def _check_points(budget: int, ratings: Mapping[int, int], errors: dict[str, str]) -> None:
    for index, value in ratings.items():
        if value < 0:
            errors[item_field(index)] = "Points cannot be negative."
    total = sum(ratings.values())
    if not errors and total != budget:
        errors[item_field(0)] = f"Spread exactly {budget} points; you gave {total}."


def _check_ranks(count: int, ratings: Mapping[int, int], errors: dict[str, str]) -> None:
    seen: dict[int, int] = {}
    for index in sorted(ratings):
        rank = ratings[index]
        if not 1 <= rank <= count:
            errors[item_field(index)] = f"Choose a rank from 1 to {count}."
        elif rank in seen:
            errors[item_field(index)] = (
                f"Rank {rank} is already given to option {seen[rank] + 1}; use each rank once."
            )
        else:
            seen[rank] = index
