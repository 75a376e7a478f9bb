"""What a poll is: a draft, its validation, its view, a validity review's selection."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.domain.errors import InvalidInput
from bot.domain.polls.kinds import (
    OPTION_MAX,
    POINTS_BUDGET_DEFAULT,
    POINTS_BUDGET_MAX,
    QUESTION_MAX,
    Audience,
    PollKind,
    PollStatus,
    Visibility,
    format_poll_ref,
)
from bot.domain.recommendations import parse_ref
from bot.domain.text import check_field, check_text


@dataclass(frozen=True)
class ValiditySelection:
    """Which recommendations a validity review covers: by reference, or all from one earlier set."""

    numbers: tuple[int, ...] = ()
    origin: str | None = None


@dataclass(frozen=True)
class PollDraft:
    """A poll as its creator asked for it, validated, before it has a reference."""

    question: str
    kind: PollKind
    options: tuple[str, ...] = ()
    selection: ValiditySelection | None = None
    # Validity review: the recommendation numbers behind `options`, once the selection is resolved.
    option_refs: tuple[int, ...] = ()
    anonymous: bool = False
    visibility: Visibility = Visibility.LIVE
    audience: Audience = Audience.CHANNEL
    max_choices: int | None = None
    points_budget: int | None = None
    require_reason: bool = False
    deadline: datetime | None = None
    # One ballot per organisation: a member's answer replaces their colleagues' (common-wording rankings).
    per_organisation: bool = False


@dataclass(frozen=True)
class PollView:
    """A stored poll; plain data, safe to hand to any layer."""

    id: int
    number: int
    question: str
    kind: PollKind
    options: tuple[str, ...]
    anonymous: bool
    visibility: Visibility
    audience: Audience
    status: PollStatus
    creator_id: str
    created_at: datetime
    option_refs: tuple[int, ...] = ()
    max_choices: int | None = None
    points_budget: int | None = None
    require_reason: bool = False
    deadline: datetime | None = None
    closed_at: datetime | None = None
    channel_id: str | None = None
    message_ts: str | None = None
    round: int = 1
    previous_number: int | None = None
    next_number: int | None = None
    per_organisation: bool = False
    thread_ts: str | None = None  # posted in this thread (a consultation's) rather than in the channel

    @property
    def ref(self) -> str:
        return format_poll_ref(self.number)

    @property
    def is_open(self) -> bool:
        return self.status is PollStatus.OPEN

    def results_visible_to(self, has_answered: bool) -> bool:
        if self.visibility is Visibility.LIVE or not self.is_open:
            return True
        return self.visibility is Visibility.AFTER_VOTE and has_answered


def check_items(options: Sequence[str], kind: PollKind) -> str | None:
    word = kind.item_word
    if len(options) < 2 and kind is not PollKind.SCALE:
        return f"Give at least two {word}s (you gave {len(options)})."
    if not options:
        return "Give at least one statement to agree or disagree with."
    if len(options) > kind.items_max:
        limit = kind.items_max
        why = (
            "Slack's limit for a menu"
            if kind.by_buttons
            else f"what fits in Slack's answer form for a {kind.label.lower()}"
        )
        return f"Give at most {limit} {word}s ({why}); you gave {len(options)}."
    seen: dict[str, int] = {}
    for position, option in enumerate(options, start=1):
        limit = OPTION_MAX if kind is not PollKind.SCALE else 300
        if len(option) > limit:
            return (
                f"{word.capitalize()} {position} is {len(option)} characters long; Slack shows at most "
                f"{limit}. Shorten it: {option[:30]!r}…"
            )
        key = option.casefold()
        if key in seen:
            return (
                f"{word.capitalize()}s {seen[key]} and {position} are the same ({option!r}); give each once."
            )
        seen[key] = position
    return None


def validate_draft(draft: PollDraft, now: datetime) -> PollDraft:
    """Raises InvalidInput keyed by the creation modal's fields; returns the draft, cleaned."""
    errors: dict[str, str] = {}
    question = check_field(
        errors,
        "question",
        draft.question,
        label="The question",
        max_length=QUESTION_MAX,
        required=True,
        multiline=True,
    )
    options = tuple(" ".join(option.split()) for option in draft.options if option.strip())
    if draft.kind is PollKind.VALIDITY:
        if draft.selection is None or not (draft.selection.numbers or draft.selection.origin):
            errors["options"] = (
                "Name the recommendations to review, e.g. `R1, R3, R4`, or "
                "`all imported from CLUSTERIX 2012-2014`."
            )
    elif problem := check_items(options, draft.kind):
        errors["options"] = problem
    else:
        for option in options:
            _, text_problem = check_text(
                option,
                label=f"The {draft.kind.item_word} {option[:20]!r}",
                max_length=300,
                required=True,
                multiline=False,
            )
            if text_problem:
                errors["options"] = text_problem
                break
    choices = draft.max_choices
    if draft.kind is PollKind.MULTIPLE and choices is not None and not 1 <= choices <= max(len(options), 1):
        errors["max_choices"] = (
            f"The maximum number of choices must be between 1 and the number of options ({len(options)})."
        )
    budget = draft.points_budget
    if draft.kind is PollKind.POINTS:
        budget = POINTS_BUDGET_DEFAULT if budget is None else budget
        if not 1 <= budget <= POINTS_BUDGET_MAX:
            errors["points_budget"] = f"The points to spread must be between 1 and {POINTS_BUDGET_MAX}."
    if draft.deadline is not None and draft.deadline <= now:
        errors["deadline"] = "The deadline is in the past; choose a time after now."
    if errors:
        raise InvalidInput(errors)
    return replace(
        draft,
        question=question,
        options=options,
        max_choices=draft.max_choices if draft.kind is PollKind.MULTIPLE else None,
        points_budget=budget if draft.kind is PollKind.POINTS else None,
        require_reason=draft.require_reason and draft.kind in (PollKind.SCALE, PollKind.VALIDITY),
    )


_ORIGIN = re.compile(
    r"^\s*all\s+(?:imported\s+)?(?:from\s+)?(?:origin\s+)?(?P<origin>.+?)\s*$", re.IGNORECASE
)


def parse_validity_selection(text: str) -> ValiditySelection:
    """`R1, R3 R4` or `all imported from CLUSTERIX 2012-2014`."""
    text = text.strip()
    if match := _ORIGIN.match(text):
        return ValiditySelection(origin=match.group("origin").strip().strip("\"'“”"))
    numbers: list[int] = []
    for part in re.split(r"[\s,;]+", text):
        if not part:
            continue
        number = parse_ref(part)
        if number is None:
            raise InvalidInput(
                {
                    "options": f"{part[:20]!r} is not a recommendation reference. Give references like "
                    "`R1, R3`, or `all imported from <origin>`."
                }
            )
        if number not in numbers:
            numbers.append(number)
    return ValiditySelection(numbers=tuple(numbers))


def reminder_time(created_at: datetime, deadline: datetime | None, lead: timedelta) -> datetime | None:
    """When non-respondents are reminded: `lead` before the deadline, but never before the midpoint
    of a short poll (a reminder right after the poll appeared would only be noise)."""
    if deadline is None or lead <= timedelta(0):
        return None
    return max(deadline - lead, created_at + (deadline - created_at) / 2)
