"""Input rules: what valid positions, amendments, revisions, outcomes and deadlines are."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.consultations.kinds import (
    AMENDMENT_MAX,
    AMENDMENT_NOTE_MAX,
    DEADLINE_MAX_DAYS,
    OUTCOME_MAX,
    REASON_MAX,
    REVISION_NOTE_MAX,
    SOURCE_MAX,
    Outcome,
    Position,
)
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.recommendations import check_wording
from bot.domain.text import check_field, check_text


@dataclass(frozen=True)
class PositionDraft:
    position: Position
    reason: str


def parse_position(raw: str | None) -> Position:
    try:
        return Position((raw or "").strip())
    except ValueError:
        labels = ", ".join(p.label for p in Position)
        raise InvalidInput({"position": f"Choose one of the positions: {labels}."}) from None


def validate_position(position: str | None, reason: str | None) -> PositionDraft:
    """The reason is optional, except for Disagree and Block, where the others need to know why."""
    chosen = parse_position(position)
    clean, problem = check_text(
        reason, label="The reason", max_length=REASON_MAX, required=chosen.needs_reason, multiline=True
    )
    if problem and not clean and chosen.needs_reason:
        problem = (
            f"Say why your organisation chooses {chosen.label}: the others need it to find a way forward."
        )
    if problem:
        raise InvalidInput({"reason": problem})
    return PositionDraft(chosen, clean)


@dataclass(frozen=True)
class AmendmentDraft:
    text: str
    note: str


def validate_amendment(text: str | None, note: str | None) -> AmendmentDraft:
    errors: dict[str, str] = {}
    clean_text = check_field(
        errors,
        "wording",
        text,
        label="The suggested wording",
        max_length=AMENDMENT_MAX,
        required=True,
        multiline=True,
    )
    clean_note = check_field(
        errors,
        "note",
        note,
        label="The explanation",
        max_length=AMENDMENT_NOTE_MAX,
        required=False,
        multiline=True,
    )
    if errors:
        raise InvalidInput(errors)
    return AmendmentDraft(clean_text, clean_note)


@dataclass(frozen=True)
class RevisionDraft:
    title: str
    text: str
    note: str
    adopted: tuple[int, ...] = ()


def validate_revision(
    title: str | None, text: str | None, note: str | None, adopted: Iterable[str] = ()
) -> RevisionDraft:
    errors: dict[str, str] = {}
    clean_title, clean_text = check_wording(errors, title, text)
    clean_note = check_field(
        errors,
        "note",
        note,
        label="What changed",
        max_length=REVISION_NOTE_MAX,
        required=False,
        multiline=True,
    )
    if errors:
        raise InvalidInput(errors)
    ids = tuple(sorted({int(a) for a in adopted if str(a).isdigit()}))
    return RevisionDraft(clean_title, clean_text, clean_note, ids)


@dataclass(frozen=True)
class OutcomeDraft:
    outcome: Outcome
    statement: str


def validate_outcome(outcome: str | None, statement: str | None) -> OutcomeDraft:
    errors: dict[str, str] = {}
    try:
        chosen: Outcome | None = Outcome((outcome or "").strip())
    except ValueError:
        chosen = None
        errors["outcome"] = "Choose the outcome: endorsed or withdrawn."
    clean = check_field(
        errors,
        "statement",
        statement,
        label="The outcome statement",
        max_length=OUTCOME_MAX,
        required=True,
        multiline=True,
    )
    if errors or chosen is None:
        raise InvalidInput(errors)
    return OutcomeDraft(chosen, clean)


@dataclass(frozen=True)
class OnBehalfDraft:
    organisation: str
    position: PositionDraft
    source: str


def validate_on_behalf(
    organisation: str | None,
    position: str | None,
    reason: str | None,
    source: str | None,
) -> OnBehalfDraft:
    """The organisation is checked against the registry where it is stored."""
    errors: dict[str, str] = {}
    org = (organisation or "").strip()
    if not org:
        errors["organisation"] = "Choose the organisation from the list of registered partners."
    try:
        draft: PositionDraft | None = validate_position(position, reason)
    except InvalidInput as exc:
        draft = None
        errors.update(exc.field_errors)
    clean_source = check_field(
        errors,
        "source",
        source,
        label="How it was given",
        max_length=SOURCE_MAX,
        required=True,
        multiline=False,
    )
    if errors or draft is None:
        raise InvalidInput(errors)
    return OnBehalfDraft(org, draft, clean_source)


def organisation_key(name: str) -> str:
    """An organisation as a select option's value (at most 150 characters, stable)."""
    if len(name) <= 150:
        return name
    return name[:100] + "#" + hashlib.sha256(name.encode()).hexdigest()[:16]


# -- deadlines --------------------------------------------------------------------------------

_DEADLINE_FLAG = re.compile(r"^(?:deadline=)?(\d{4}-\d{2}-\d{2})(?:[T ](\d{1,2}:\d{2}))?$", re.IGNORECASE)


class ConsultArgumentsError(DomainError):
    """The arguments of a request to consult are not valid (the command adds how to write them)."""


@dataclass(frozen=True)
class ConsultRequest:
    ref: str
    deadline: datetime | None


def parse_consult_arguments(text: str, zone: ZoneInfo) -> ConsultRequest:
    """`R3 [deadline=YYYY-MM-DD[THH:MM]]`; a date alone means the end of that day in `zone`."""
    parts = text.split()
    if not parts or len(parts) > 2:
        raise ConsultArgumentsError(f"I don't understand `{text.strip()[:60]}`.")
    deadline = None
    if len(parts) == 2:
        match = _DEADLINE_FLAG.match(parts[1])
        if match is None:
            raise ConsultArgumentsError(f"`{parts[1][:40]}` is not a deadline.")
        deadline = deadline_from_parts(match.group(1), match.group(2), zone)
        if deadline is None:
            raise ConsultArgumentsError(f"`{parts[1][:40]}` is not a date and time that exists.")
    return ConsultRequest(parts[0], deadline)


def deadline_from_parts(day: str, clock: str | None, zone: ZoneInfo) -> datetime | None:
    """A local date (and time) as UTC; a date alone is the end of that day. None when invalid."""
    try:
        parsed_day = date.fromisoformat(day)
        hours, minutes = (int(x) for x in clock.split(":")) if clock else (23, 59)
        local = datetime.combine(parsed_day, time(hours, minutes), tzinfo=zone)
    except ValueError:
        return None
    return local.astimezone(UTC)


def check_deadline(deadline: datetime, now: datetime) -> None:
    if deadline <= now:
        raise InvalidInput({"deadline": "The deadline has already passed; choose a later date."})
    if deadline > now + timedelta(days=DEADLINE_MAX_DAYS):
        raise InvalidInput({"deadline": f"Choose a deadline within {DEADLINE_MAX_DAYS} days."})


def default_deadline(now: datetime, days: int, zone: ZoneInfo) -> datetime:
    """`days` from now, at the end of that day in the consortium's time zone."""
    local_day = (now.astimezone(zone) + timedelta(days=days)).date()
    return datetime.combine(local_day, time(23, 59), tzinfo=zone).astimezone(UTC)


def reminder_due(deadline: datetime, now: datetime, lead: timedelta) -> bool:
    return deadline - lead <= now < deadline
