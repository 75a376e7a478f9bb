"""Polls, their audience, answers and the secrets that keep anonymous answers anonymous.

An anonymous poll's answers (`poll_ballots`) carry no Slack user id and no time: only a keyed
hash of the voter under the poll's own random key (`poll_keys`), which is deleted when the poll
closes. Who has answered (`poll_respondents`) is kept apart from what they chose.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Timestamps


class Poll(Timestamps, Base):
    """A poll, known to people as `P<number>`; a Delphi round is a poll with a `previous_id`."""

    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    question: Mapped[str] = mapped_column(Text)
    # Option labels, statements, or recommendation labels (validity review), in order.
    options: Mapped[list[str]] = mapped_column(JSON)
    # Validity review: the recommendation numbers behind `options`.
    option_refs: Mapped[list[int]] = mapped_column(JSON, default=list)
    anonymous: Mapped[bool] = mapped_column(default=False)
    visibility: Mapped[str] = mapped_column(String(20))
    audience: Mapped[str] = mapped_column(String(20))
    max_choices: Mapped[int | None]
    points_budget: Mapped[int | None]
    require_reason: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), index=True)
    deadline: Mapped[datetime | None] = mapped_column(index=True)
    remind_at: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    creator_slack_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    # The slash command's trigger or the modal's view id: a repeated delivery finds this poll.
    submission_key: Mapped[str] = mapped_column(String(100), unique=True)
    round: Mapped[int] = mapped_column(default=1)
    # Unique: a round has at most one next round.
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id"), unique=True)
    # Bumped by every answer: the UPDATE that does it also locks the poll and checks it is open.
    revision: Mapped[int] = mapped_column(default=0)
    # When a process last updated the poll's message: claimed in the database so that several
    # processes together still update a message at most once a second.
    refreshed_at: Mapped[datetime | None]
    # One ballot per organisation: a member's answer replaces their colleagues'.
    per_organisation: Mapped[bool] = mapped_column(default=False)
    # Posted as a reply in this thread (a consultation's), not at the channel's top level.
    thread_ts: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (UniqueConstraint("channel_id", "message_ts"),)


class PollKey(Base):
    """The random key of an anonymous poll's voter hashes; deleted at close."""

    __tablename__ = "poll_keys"

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[bytes] = mapped_column(LargeBinary(64))


class PollAudience(Base):
    """The channel's members when a channel-audience poll was created (registered partners only)."""

    __tablename__ = "poll_audience"

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)


class PollRespondent(Base):
    """Who has a current answer (for reminders and coverage); says nothing about the answer."""

    __tablename__ = "poll_respondents"
    __table_args__ = (UniqueConstraint("poll_id", "slack_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    slack_user_id: Mapped[str] = mapped_column(String(32))


class PollBallot(Base):
    """One current answer per voter. `voter_key` is the Slack user id in an attributed poll and an
    HMAC of it under the poll's key in an anonymous one. No timestamps, on purpose."""

    __tablename__ = "poll_ballots"
    __table_args__ = (UniqueConstraint("poll_id", "voter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    voter_key: Mapped[str] = mapped_column(String(64))
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)


class PollDelivery(Base):
    """A click or submission already counted (a retried delivery is recognised); cleared at close."""

    __tablename__ = "poll_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    delivery_key: Mapped[str] = mapped_column(String(64), unique=True)
