"""Polls: kinds, the quick-poll syntax, what a valid poll and a valid answer are, and the tallies.

Plain Python only: the service stores and loads, this module decides. Anonymous answers reach
this module without any identity; attributed ones come with the partner who gave them.
"""

from __future__ import annotations

import difflib
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Literal

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.partners import PartnerInfo
from bot.domain.recommendations import parse_ref
from bot.domain.text import check_field, check_text

# Slack's limits decide ours: an option is a button or menu option (75 characters); a message has
# at most 25 buttons in an actions block, a menu at most 100 options.
OPTION_MAX = 75
QUESTION_MAX = 500
REASON_MAX = 1000
BUTTON_OPTIONS_MAX = 25
SELECT_OPTIONS_MAX = 100
# Answered in a modal (100 blocks): each statement or option takes up to four blocks there.
SCALE_STATEMENTS_MAX = 20
PRIORITY_OPTIONS_MAX = 20
VALIDITY_ITEMS_MAX = 30
POINTS_BUDGET_DEFAULT = 100
POINTS_BUDGET_MAX = 1000
# The key of a reason that belongs to the whole answer rather than to one statement.
WHOLE = -1
SCALE_LABELS = ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree")
_POLL_REF = re.compile(r"^\s*[Pp]\s*-?\s*(\d{1,9})\s*$")


class PollKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"
    POINTS = "points"
    RANKING = "ranking"
    VALIDITY = "validity"

    @property
    def label(self) -> str:
        return {
            "single": "Single choice",
            "multiple": "Multiple choice",
            "scale": "Agreement scale",
            "points": "Prioritisation (points)",
            "ranking": "Prioritisation (ranking)",
            "validity": "Validity review",
        }[self.value]

    @property
    def item_word(self) -> str:
        """What one line of the poll is called: an option, a statement, a recommendation."""
        return {"scale": "statement", "validity": "recommendation"}.get(self.value, "option")

    @property
    def by_buttons(self) -> bool:
        """Choices are clicked on the message; the other kinds are answered in a modal."""
        return self in (PollKind.SINGLE, PollKind.MULTIPLE)

    @property
    def supports_rounds(self) -> bool:
        """Delphi rounds re-run an agreement scale or a prioritisation."""
        return self in (PollKind.SCALE, PollKind.POINTS, PollKind.RANKING)

    @property
    def items_max(self) -> int:
        return {
            "single": SELECT_OPTIONS_MAX,
            "multiple": SELECT_OPTIONS_MAX,
            "scale": SCALE_STATEMENTS_MAX,
            "points": PRIORITY_OPTIONS_MAX,
            "ranking": PRIORITY_OPTIONS_MAX,
            "validity": VALIDITY_ITEMS_MAX,
        }[self.value]


class Visibility(StrEnum):
    LIVE = "live"
    AFTER_VOTE = "after_vote"
    AFTER_CLOSE = "after_close"

    @property
    def label(self) -> str:
        return {
            "live": "results live",
            "after_vote": "results shown once you have answered",
            "after_close": "results hidden until the poll closes",
        }[self.value]


class Audience(StrEnum):
    CHANNEL = "channel"
    ALL = "all"


class PollStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Verdict(StrEnum):
    STILL_VALID = "still_valid"
    IMPLEMENTING = "being_implemented"
    NEEDS_REVISION = "needs_revision"
    OBSOLETE = "obsolete"

    @property
    def label(self) -> str:
        return {
            "still_valid": "Still valid",
            "being_implemented": "Valid and being implemented",
            "needs_revision": "Needs revision",
            "obsolete": "Obsolete",
        }[self.value]


VERDICTS = tuple(Verdict)


def format_poll_ref(number: int) -> str:
    return f"P{number}"


def parse_poll_ref(text: str) -> int | None:
    """`P3`, `p3`, `P-3` and `P 3` all mean poll 3."""
    match = _POLL_REF.match(text)
    return int(match.group(1)) if match else None


def item_field(index: int) -> str:
    """The answer modal's block id (and error key) of one statement, option or recommendation."""
    return f"item-{index}"


def reason_field(index: int) -> str:
    return "reason" if index == WHOLE else f"reason-{index}"


CHOICE_FIELD = "choice"


# --- what a poll is -------------------------------------------------------------------------------


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


def _check_items(options: Sequence[str], kind: PollKind) -> str | None:
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
    elif problem := _check_items(options, draft.kind):
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


# --- the quick poll: /poll "Question?" "A" "B" flags ----------------------------------------------

FLAGS = ("anonymous", "multiple", "multiple=N", "hide-results", "deadline=YYYY-MM-DDTHH:MM")
_QUOTES = {'"': '"', "“": "”", "„": "“", "”": "”", "«": "»"}
_DEADLINE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{1,2}:\d{2}(?::\d{2})?)(?P<offset>Z|[+-]\d{2}:?\d{2})?$"
)
# The furthest any time zone is behind UTC: a local time this long ago has passed everywhere.
_LATEST_ZONE = timedelta(hours=12)
USAGE = (
    'Use `/poll "Question?" "Option A" "Option B"` with optional flags after the options: '
    "`anonymous`, `multiple` or `multiple=N`, `hide-results`, `deadline=2026-12-01T17:00` "
    "(your time zone, or add an offset such as `+01:00`). `/poll` alone opens the full form."
)


@dataclass(frozen=True)
class QuickPoll:
    """A parsed quick poll. A deadline without an offset is local to the creator (`local_deadline`)."""

    draft: PollDraft
    local_deadline: datetime | None = None

    def resolve(self, zone: tzinfo, now: datetime) -> PollDraft:
        """The draft with the deadline placed in the creator's time zone."""
        if self.local_deadline is None:
            return self.draft
        deadline = self.local_deadline.replace(tzinfo=zone).astimezone(UTC)
        if deadline <= now:
            raise DomainError(
                f"The deadline {self.local_deadline:%Y-%m-%d %H:%M} (your time zone) has already passed. "
                "Give a time in the future, e.g. `deadline=" + f"{(now + timedelta(days=7)):%Y-%m-%dT17:00}`."
            )
        return replace(self.draft, deadline=deadline)


def _quick_error(problem: str) -> DomainError:
    return DomainError(f"{problem} No poll was posted.\n{USAGE}")


def split_quick_poll(text: str) -> tuple[list[str], list[str]]:
    """Quoted parts and the bare words after them; straight and typographic quotes both work."""
    quoted: list[str] = []
    words: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if char in _QUOTES:
            if words:
                raise _quick_error(
                    f"Put every quoted part before the flags: {words[-1]!r} comes before a quote."
                )
            closing = {_QUOTES[char], '"', "”", "“"} if char != "«" else {"»"}
            end = i + 1
            buffer: list[str] = []
            while end < len(text) and text[end] not in closing:
                if text[end] == "\\" and end + 1 < len(text):
                    end += 1
                buffer.append(text[end])
                end += 1
            if end >= len(text):
                raise _quick_error(
                    f"A quote is not closed: {text[i : i + 40]!r}. "
                    "Close every question and option with a quote."
                )
            quoted.append("".join(buffer))
            i = end + 1
            if i < len(text) and not text[i].isspace():
                raise _quick_error(f"Leave a space after the closing quote of {quoted[-1][:40]!r}.")
            continue
        end = i
        while end < len(text) and not text[end].isspace():
            end += 1
        word = text[i:end]
        if any(q in word for q in _QUOTES):
            raise _quick_error(
                f"{word[:40]!r} has a quote inside a word; put a space before the opening quote."
            )
        words.append(word)
        i = end
    return quoted, words


def parse_deadline(raw: str, now: datetime) -> tuple[datetime | None, datetime | None]:
    """(aware UTC deadline, naive local deadline): one of them is set."""
    match = _DEADLINE.match(raw.strip())
    problem = (
        f"`deadline={raw[:40]}` is not a date and time. Write it as `deadline=YYYY-MM-DDTHH:MM`, "
        "e.g. `deadline=2026-12-01T17:00` (your time zone) or `deadline=2026-12-01T17:00+01:00`."
    )
    if not match:
        raise _quick_error(problem)
    time_part = match.group("time")
    if len(time_part.split(":")[0]) == 1:
        time_part = "0" + time_part
    try:
        naive = datetime.fromisoformat(f"{match.group('date')}T{time_part}")
    except ValueError:
        raise _quick_error(problem) from None
    offset = match.group("offset")
    if offset:
        normalised = "+00:00" if offset == "Z" else offset if ":" in offset else offset[:3] + ":" + offset[3:]
        try:
            aware = datetime.fromisoformat(naive.isoformat() + normalised).astimezone(UTC)
        except ValueError:
            raise _quick_error(problem) from None
        if aware <= now:
            raise _quick_error(f"The deadline {raw[:40]} has already passed; give a time in the future.")
        return aware, None
    if naive.replace(tzinfo=UTC) + _LATEST_ZONE <= now:
        raise _quick_error(f"The deadline {raw[:40]} has already passed; give a time in the future.")
    return None, naive


def parse_quick_poll(text: str, now: datetime) -> QuickPoll:
    """`"Question?" "A" "B" anonymous multiple=2 hide-results deadline=...`; DomainError says what to fix."""
    quoted, words = split_quick_poll(text)
    if not quoted:
        raise _quick_error("Put the question and each option in quotes.")
    question, options = quoted[0].strip(), [" ".join(o.split()) for o in quoted[1:]]
    if not question:
        raise _quick_error("The question is empty.")
    if len(question) > QUESTION_MAX:
        raise _quick_error(f"The question is {len(question)} characters long; the limit is {QUESTION_MAX}.")
    if any(not option for option in options):
        raise _quick_error("An option is empty; remove the empty quotes.")
    flags = _parse_flags(words, now, len(options))
    kind = PollKind.MULTIPLE if flags.multiple else PollKind.SINGLE
    if problem := _check_items(options, kind):
        raise _quick_error(problem)
    for option in options:
        _, text_problem = check_text(
            option, label="An option", max_length=OPTION_MAX, required=True, multiline=False
        )
        if text_problem:
            raise _quick_error(text_problem)
    draft = PollDraft(
        question=question,
        kind=kind,
        options=tuple(options),
        anonymous=flags.anonymous,
        visibility=Visibility.AFTER_CLOSE if flags.hide_results else Visibility.LIVE,
        audience=Audience.CHANNEL,
        max_choices=flags.max_choices,
        deadline=flags.deadline,
    )
    return QuickPoll(draft=draft, local_deadline=flags.local_deadline)


@dataclass
class _Flags:
    anonymous: bool = False
    multiple: bool = False
    max_choices: int | None = None
    hide_results: bool = False
    deadline: datetime | None = None
    local_deadline: datetime | None = None


def _parse_flags(words: Sequence[str], now: datetime, option_count: int) -> _Flags:
    flags = _Flags()
    seen: set[str] = set()
    for word in words:
        name, has_value, value = word.partition("=")
        name = name.lower()
        if name in seen:
            raise _quick_error(f"The flag `{name}` is given twice; give it once.")
        seen.add(name)
        if name == "anonymous" and not has_value:
            flags.anonymous = True
        elif name == "hide-results" and not has_value:
            flags.hide_results = True
        elif name == "multiple":
            flags.multiple = True
            flags.max_choices = _max_choices(value, option_count) if has_value else None
        elif name == "deadline" and has_value:
            flags.deadline, flags.local_deadline = parse_deadline(value, now)
        else:
            known = ["anonymous", "multiple", "hide-results", "deadline"]
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" Did you mean `{close[0]}`?" if close else ""
            raise _quick_error(
                f"`{word[:40]}` is not a flag I know.{hint} The flags are: "
                + ", ".join(f"`{f}`" for f in FLAGS)
                + "."
            )
    return flags


def _max_choices(value: str, option_count: int) -> int:
    if not value.isdigit() or not 1 <= int(value) <= max(option_count, 1):
        raise _quick_error(
            f"`multiple={value[:10]}` needs a whole number from 1 to the number of options ({option_count})."
        )
    return int(value)


# --- answers ----------------------------------------------------------------------------------------


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
    for index in range(count):
        if index not in ratings:
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


# --- tallies --------------------------------------------------------------------------------------


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
