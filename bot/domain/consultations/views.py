"""What people see of a consultation, and a readable word diff of two versions."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from bot.domain.consultations.kinds import ConsultationStatus, Outcome, Position
from bot.domain.recommendations import Status


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
