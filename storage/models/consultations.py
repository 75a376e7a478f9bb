from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, utcnow
from storage.models.recommendations import Recommendation


class Consultation(Base):
    """A thread in which the partners discuss one recommendation and state their positions."""

    __tablename__ = "consultations"
    __table_args__ = (UniqueConstraint("channel_id", "message_ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    # The recommendation's id while the consultation is open, NULL once closed: at most one open
    # consultation per recommendation, enforced by the database on SQLite and PostgreSQL alike.
    open_key: Mapped[int | None] = mapped_column(unique=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int]
    channel_id: Mapped[str] = mapped_column(String(32))
    # NULL between the claim and the root message being posted.
    message_ts: Mapped[str | None] = mapped_column(String(32))
    permalink: Mapped[str | None] = mapped_column(String(500))
    deadline: Mapped[datetime] = mapped_column(index=True)
    reminder_sent_at: Mapped[datetime | None]
    started_by: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_statement: Mapped[str | None] = mapped_column(Text)
    outcome_by: Mapped[str | None] = mapped_column(String(32))
    outcome_at: Mapped[datetime | None]
    last_reconciled_at: Mapped[datetime | None]
    # When any process last updated the root message: updates are spaced across processes.
    root_refreshed_at: Mapped[datetime | None]

    recommendation: Mapped[Recommendation] = relationship(lazy="joined")


class ConsultationComment(Base):
    """A person's reply in a consultation thread; a deleted one is kept, marked, and not counted."""

    __tablename__ = "consultation_comments"
    __table_args__ = (UniqueConstraint("channel_id", "ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    channel_id: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(32))
    # The author's partner record at the time of writing; NULL for someone who is not a partner.
    author_name: Mapped[str | None] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(Text)
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    posted_at: Mapped[datetime]
    edited_ts: Mapped[str | None] = mapped_column(String(32))
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConsultationPosition(Base):
    """An organisation's current position; its history is in ConsultationPositionHistory."""

    __tablename__ = "consultation_positions"
    __table_args__ = (UniqueConstraint("consultation_id", "organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    organisation: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    position: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int]
    set_by: Mapped[str] = mapped_column(String(32))
    set_by_name: Mapped[str] = mapped_column(String(200))
    # The member who answered first (CONSULT_POSITION_RULE=first_member_locks keeps it theirs).
    first_member: Mapped[str] = mapped_column(String(32))
    on_behalf_by: Mapped[str | None] = mapped_column(String(32))
    on_behalf_by_name: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConsultationPositionHistory(Base):
    """Every answer given, for the audit trail; `submission_key` absorbs a repeated submission."""

    __tablename__ = "consultation_position_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    organisation: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int]
    set_by: Mapped[str] = mapped_column(String(32))
    on_behalf_by: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str | None] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    submission_key: Mapped[str | None] = mapped_column(String(80), unique=True)


class ConsultationAmendment(Base):
    """A suggested wording for the version under consultation."""

    __tablename__ = "consultation_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    author: Mapped[str] = mapped_column(String(32))
    author_name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    message_ts: Mapped[str | None] = mapped_column(String(32))
    adopted_in_version: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submission_key: Mapped[str | None] = mapped_column(String(80), unique=True)


class ConsultationAudit(Base):
    """Who did what in a consultation (start, on-behalf positions, versions, close, reminders)."""

    __tablename__ = "consultation_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(40))
    organisation: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    # A modal's view id: a repeated submission of the same form finds its first record.
    request_key: Mapped[str | None] = mapped_column(String(80), unique=True)
