"""Consultations: positions and their reasons, amendments, deadlines, comments, a readable diff.

Plain Python only: the rules here are unit-tested without a database or Slack.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.recommendations import TEXT_MAX, Status, check_wording
from bot.domain.text import check_field, check_text

REASON_MAX = 1000
AMENDMENT_MAX = TEXT_MAX
AMENDMENT_NOTE_MAX = 1000
REVISION_NOTE_MAX = 1000
OUTCOME_MAX = 3000
SOURCE_MAX = 200
DEADLINE_MAX_DAYS = 365
# A consultation row whose root message was never posted (the process died in between) stops
# blocking a new `/consult` after this long.
PENDING_START_TIMEOUT = timedelta(minutes=2)


class Position(StrEnum):
    AGREE = "agree"
    AGREE_WITH_CHANGES = "agree_with_changes"
    ABSTAIN = "abstain"
    DISAGREE = "disagree"
    BLOCK = "block"

    @property
    def label(self) -> str:
        return _POSITION_LABELS[self]

    @property
    def needs_reason(self) -> bool:
        return self in (Position.DISAGREE, Position.BLOCK)


_POSITION_LABELS = {
    Position.AGREE: "Agree",
    Position.AGREE_WITH_CHANGES: "Agree with changes",
    Position.ABSTAIN: "Abstain",
    Position.DISAGREE: "Disagree",
    Position.BLOCK: "Block",
}


class PositionRule(StrEnum):
    """How an organisation's position is set by its members (CONSULT_POSITION_RULE)."""

    # The latest answer of any member counts.
    LATEST = "latest"
    # The first member who answers speaks for the organisation; only they (or a coordinator) change it.
    FIRST_MEMBER_LOCKS = "first_member_locks"


class ConsultationStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Outcome(StrEnum):
    ENDORSED = "endorsed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"endorsed": "Endorsed", "withdrawn": "Withdrawn"}[self.value]

    @property
    def recommendation_status(self) -> Status:
        return Status.ENDORSED if self is Outcome.ENDORSED else Status.WITHDRAWN


# A consultation may start on a recommendation in any of these states.
CONSULTABLE = (Status.DRAFT, Status.IMPORTED, Status.REVISED, Status.ENDORSED, Status.IN_CONSULTATION)


class NotConsultable(DomainError):
    def __init__(self, ref: str, status: Status) -> None:
        super().__init__(
            f"{ref} is {status.value}, so it cannot go into consultation. "
            "Use `/recs` to find a recommendation that is still a draft or under revision."
        )


class AlreadyInConsultation(DomainError):
    def __init__(self, ref: str, permalink: str | None) -> None:
        where = (
            f"Discuss it in its thread: {permalink}" if permalink else "Its thread is being posted right now."
        )
        super().__init__(f"{ref} is already in consultation. {where}")
        self.permalink = permalink


class ConsultationClosed(DomainError):
    def __init__(self, ref: str) -> None:
        super().__init__(
            f"The consultation on {ref} is closed, so positions and suggestions can no longer change. "
            "Ask your coordinator if something is missing."
        )


class UnknownConsultation(DomainError):
    def __init__(self) -> None:
        super().__init__("This consultation no longer exists. Use `/recs` to find the recommendation.")


# -- input rules ------------------------------------------------------------------------------


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
_USAGE = (
    "Use `/consult R3` (deadline in {days} days), `/consult R3 deadline=2026-12-15` or "
    "`/consult R3 deadline=2026-12-15T17:00` ({zone} time), or `/consult` alone to pick from a list."
)


@dataclass(frozen=True)
class ConsultRequest:
    ref: str
    deadline: datetime | None


def parse_consult_arguments(text: str, zone: ZoneInfo, default_days: int) -> ConsultRequest:
    """`R3 [deadline=YYYY-MM-DD[THH:MM]]`; a date alone means the end of that day in `zone`."""
    usage = _USAGE.format(days=default_days, zone=zone.key)
    parts = text.split()
    if not parts or len(parts) > 2:
        raise DomainError(f"I don't understand `/consult {text.strip()[:60]}`. {usage}")
    deadline = None
    if len(parts) == 2:
        match = _DEADLINE_FLAG.match(parts[1])
        if match is None:
            raise DomainError(f"`{parts[1][:40]}` is not a deadline. {usage}")
        deadline = deadline_from_parts(match.group(1), match.group(2), zone)
        if deadline is None:
            raise DomainError(f"`{parts[1][:40]}` is not a date and time that exists. {usage}")
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


# -- a readable diff of two versions ----------------------------------------------------------


@dataclass(frozen=True)
class DiffSegment:
    kind: Literal["same", "removed", "added"]
    text: str


def word_diff(old: str, new: str) -> list[DiffSegment]:
    """Word-level changes (whitespace kept with its word), consecutive words merged."""
    old_words, new_words = _words(old), _words(new)
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    segments: list[DiffSegment] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(DiffSegment("same", "".join(old_words[a1:a2])))
            continue
        if op in ("delete", "replace"):
            segments.append(DiffSegment("removed", "".join(old_words[a1:a2])))
        if op in ("insert", "replace"):
            segments.append(DiffSegment("added", "".join(new_words[b1:b2])))
    return segments


def _words(text: str) -> list[str]:
    return re.findall(r"\S+\s*|\s+", text)


def diff_as_text(segments: Sequence[DiffSegment]) -> str:
    """A plain-text diff for terminals and exports: [-removed-] {+added+}."""
    parts = []
    for segment in segments:
        core, tail = segment.text.rstrip(), segment.text[len(segment.text.rstrip()) :]
        if segment.kind == "removed":
            parts.append(f"[-{core}-]{tail}")
        elif segment.kind == "added":
            parts.append(f"{{+{core}+}}{tail}")
        else:
            parts.append(segment.text)
    return "".join(parts)


# -- what people see --------------------------------------------------------------------------


@dataclass(frozen=True)
class FileRef:
    name: str
    permalink: str


@dataclass(frozen=True)
class PositionView:
    """An organisation's current position in a consultation."""

    organisation: str
    region: str
    country: str
    position: Position
    reason: str
    version: int
    consultation_version: int
    set_by: str
    set_by_name: str
    set_at: datetime
    on_behalf_by: str | None = None
    on_behalf_by_name: str | None = None
    source: str | None = None

    @property
    def about_old_version(self) -> bool:
        return self.version < self.consultation_version

    @property
    def recorded_on_behalf(self) -> bool:
        return self.on_behalf_by is not None


@dataclass(frozen=True)
class CommentView:
    id: int
    ref: str
    channel_id: str
    ts: str
    thread_ts: str
    author: str
    author_name: str | None
    organisation: str | None
    region: str | None
    country: str | None
    text: str
    files: tuple[FileRef, ...]
    permalink: str | None
    posted_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None

    @property
    def edited(self) -> bool:
        return self.edited_at is not None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True)
class AmendmentView:
    id: int
    version: int
    author: str
    author_name: str
    organisation: str
    text: str
    note: str
    created_at: datetime
    adopted_in_version: int | None = None


@dataclass(frozen=True)
class ConsultationView:
    id: int
    ref: str
    title: str
    text: str
    recommendation_status: Status
    version: int
    status: ConsultationStatus
    channel_id: str
    message_ts: str | None
    permalink: str | None
    deadline: datetime
    opened_at: datetime
    started_by: str
    proposer: str | None
    comments: int
    positions: tuple[PositionView, ...] = ()
    amendments: tuple[AmendmentView, ...] = ()
    organisations: tuple[str, ...] = ()
    closed_at: datetime | None = None
    outcome: Outcome | None = None
    outcome_statement: str | None = None
    outcome_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status is ConsultationStatus.OPEN

    @property
    def awaiting_outcome(self) -> bool:
        return not self.is_open and self.outcome is None

    def counts(self) -> dict[str, int]:
        return position_counts(self.positions)

    def without_position(self) -> list[str]:
        answered = {p.organisation for p in self.positions}
        return [org for org in self.organisations if org not in answered]


def position_counts(positions: Iterable[PositionView]) -> dict[str, int]:
    """Organisations per position, every position present (the export's `positions`)."""
    counts = {position.value: 0 for position in Position}
    for item in positions:
        counts[item.position.value] += 1
    return counts


@dataclass(frozen=True)
class PositionForm:
    consultation: ConsultationView
    organisation: str
    current: PositionView | None


@dataclass(frozen=True)
class RevisionForm:
    consultation: ConsultationView
    suggestions: tuple[AmendmentView, ...]


@dataclass(frozen=True)
class AuditEntry:
    """One line of a consultation's audit trail: a position given, or another action."""

    ref: str
    at: datetime
    actor: str
    action: str
    organisation: str | None
    detail: str


@dataclass(frozen=True)
class Reminder:
    consultation: ConsultationView
    # (Slack user id, organisation) of every member of an organisation without a position.
    recipients: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ConfirmRequest:
    """After a new version: who is asked to confirm or change their organisation's position."""

    slack_user_id: str
    organisation: str
    position: Position
    version: int


@dataclass(frozen=True)
class RevisionResult:
    consultation: ConsultationView
    old_version: int
    new_version: int
    note: str
    diff: tuple[DiffSegment, ...]
    title_changed: bool
    author: str
    confirm_requests: tuple[ConfirmRequest, ...] = ()
    adopted: tuple[int, ...] = field(default=())


# -- messages of a consultation thread --------------------------------------------------------

# Message subtypes that are a person writing in the thread; everything else (joins, bots...) is not.
_HUMAN_SUBTYPES = {None, "file_share", "thread_broadcast", "me_message"}


@dataclass(frozen=True)
class ThreadMessage:
    """A message as Slack reports it (event or conversations.replies), reduced to what is kept."""

    channel_id: str
    ts: str
    thread_ts: str | None
    user: str | None
    text: str
    files: tuple[FileRef, ...]
    edited_ts: str | None
    subtype: str | None
    bot_id: str | None

    def is_human_reply(self, bot_user_id: str | None) -> bool:
        """A person's reply in a thread: not the root, not a bot, not a system message."""
        return (
            self.thread_ts is not None
            and self.thread_ts != self.ts
            and self.user is not None
            and self.user != bot_user_id
            and self.bot_id is None
            and self.subtype in _HUMAN_SUBTYPES
        )


def thread_message(data: Mapping[str, Any], channel_id: str) -> ThreadMessage:
    files = tuple(
        FileRef(str(f.get("name") or f.get("title") or "file"), str(f.get("permalink") or ""))
        for f in data.get("files") or []
        if isinstance(f, Mapping)
    )
    edited = data.get("edited")
    return ThreadMessage(
        channel_id=channel_id,
        ts=str(data.get("ts") or ""),
        thread_ts=str(data["thread_ts"]) if data.get("thread_ts") else None,
        user=str(data["user"]) if data.get("user") else None,
        text=str(data.get("text") or ""),
        files=files,
        edited_ts=str(edited.get("ts")) if isinstance(edited, Mapping) and edited.get("ts") else None,
        subtype=str(data["subtype"]) if data.get("subtype") else None,
        bot_id=str(data["bot_id"]) if data.get("bot_id") else None,
    )


def ts_to_datetime(ts: str) -> datetime:
    return datetime.fromtimestamp(float(ts), UTC)


def datetime_to_ts(moment: datetime) -> str:
    return f"{moment.timestamp():.6f}"


def is_newer_edit(incoming: str | None, stored: str | None) -> bool:
    """An edit applies unless the stored version is already at least as recent (out-of-order events)."""
    if stored is None:
        return True
    if incoming is None:
        return False
    return float(incoming) > float(stored)


def reply_permalink(root_permalink: str | None, channel_id: str, ts: str, thread_ts: str) -> str | None:
    """Slack's permalink of a thread reply, built from the root's (same workspace address)."""
    if not root_permalink or "/archives/" not in root_permalink:
        return None
    base = root_permalink.split("/archives/", 1)[0]
    return f"{base}/archives/{channel_id}/p{ts.replace('.', '')}?thread_ts={thread_ts}&cid={channel_id}"
