from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditLogEntry, Consultation, ConsultationAudit, Recommendation


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entry: AuditLogEntry) -> AuditLogEntry:
        self.session.add(entry)
        return entry

    def since(self, since: datetime | None) -> Sequence[AuditLogEntry]:
        query = select(AuditLogEntry).order_by(AuditLogEntry.at, AuditLogEntry.id)
        if since is not None:
            query = query.where(AuditLogEntry.at >= since)
        return self.session.scalars(query).all()

    def consultation_actions_since(self, since: datetime | None) -> list[tuple[ConsultationAudit, int]]:
        """The consultations' own trail (starts, on-behalf positions, versions, outcomes), each with
        its recommendation's number."""
        query = (
            select(ConsultationAudit, Recommendation.number)
            .join(Consultation, Consultation.id == ConsultationAudit.consultation_id)
            .join(Recommendation, Recommendation.id == Consultation.recommendation_id)
            .order_by(ConsultationAudit.at, ConsultationAudit.id)
        )
        if since is not None:
            query = query.where(ConsultationAudit.at >= since)
        return [(entry, number) for entry, number in self.session.execute(query)]
