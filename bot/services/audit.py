"""The audit log: every coordinator action and every erasure, printed by `consult-bot audit`.

Services record a coordinator's action with `record(session, ...)` inside their own transaction,
so the action and its audit entry are stored together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.recommendations import format_ref
from storage.db import Database
from storage.models import AuditLogEntry, utcnow
from storage.repositories.audit import AuditRepository


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    actor: str
    action: str
    subject: str
    detail: str


def record(
    session: Session,
    actor: str,
    action: str,
    subject: str = "",
    detail: str = "",
    *,
    now: datetime | None = None,
) -> None:
    """Adds one entry to the audit log in the caller's transaction."""
    AuditRepository(session).add(
        AuditLogEntry(at=now or utcnow(), actor=actor, action=action, subject=subject, detail=detail)
    )


class AuditService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, actor: str, action: str, subject: str = "", detail: str = "") -> None:
        """One entry in a transaction of its own, for actions that change nothing else."""
        with self.db.session() as session:
            record(session, actor, action, subject, detail)

    def entries(self, since: datetime | None = None) -> list[AuditRecord]:
        """The audit log and the consultations' trail together, oldest first."""
        with self.db.session() as session:
            repo = AuditRepository(session)
            entries = [AuditRecord(e.at, e.actor, e.action, e.subject, e.detail) for e in repo.since(since)]
            entries += [
                AuditRecord(
                    e.at,
                    e.actor,
                    f"consultation {e.action}",
                    format_ref(number),
                    " ".join(part for part in (e.organisation or "", e.detail) if part),
                )
                for e, number in repo.consultation_actions_since(since)
            ]
        return sorted(entries, key=lambda e: e.at)
