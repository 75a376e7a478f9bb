from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class ReminderDelivery(Base):
    """A reminder that reached one person: a sweep that tries again (Slack refused some of the
    reminders for now) skips them. The person is kept as a hash of subject and user id only."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (UniqueConstraint("subject", "recipient_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the reminder was about: "poll:<id>" or "consultation:<id>".
    subject: Mapped[str] = mapped_column(String(40))
    recipient_key: Mapped[str] = mapped_column(String(64))
    delivered_at: Mapped[datetime] = mapped_column(default=utcnow)
