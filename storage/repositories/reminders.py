"""Who a reminder has reached, so that a sweep sending it again reminds each person once."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import ReminderDelivery


class ReminderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def reached(self, subject: str, users: Collection[str]) -> set[str]:
        """Those of `users` the reminder about `subject` has already reached."""
        keys = {_key(subject, user): user for user in users}
        if not keys:
            return set()
        query = select(ReminderDelivery.recipient_key).where(
            ReminderDelivery.subject == subject, ReminderDelivery.recipient_key.in_(keys)
        )
        return {keys[key] for key in self.session.scalars(query)}

    def record_reached(self, subject: str, users: Collection[str], at: datetime) -> None:
        for user in users:
            self.session.add(
                ReminderDelivery(subject=subject, recipient_key=_key(subject, user), delivered_at=at)
            )


def _key(subject: str, user: str) -> str:
    return hashlib.sha256(f"{subject}\n{user}".encode()).hexdigest()
