from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from storage.models import (
    Consultation,
    ConsultationAmendment,
    ConsultationAudit,
    ConsultationComment,
    ConsultationPosition,
    ConsultationPositionHistory,
    Recommendation,
)

OPEN = "open"
CLOSED = "closed"


class ConsultationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- consultations ----------------------------------------------------------------------------

    def get(self, consultation_id: int) -> Consultation | None:
        return self.session.get(Consultation, consultation_id)

    def open_for(self, recommendation_id: int) -> Consultation | None:
        return self.session.scalar(select(Consultation).where(Consultation.open_key == recommendation_id))

    def latest_for(self, recommendation_id: int) -> Consultation | None:
        return self.session.scalar(
            select(Consultation)
            .where(Consultation.recommendation_id == recommendation_id)
            .order_by(Consultation.opened_at.desc(), Consultation.id.desc())
            .limit(1)
        )

    def by_thread(self, channel_id: str, thread_ts: str) -> Consultation | None:
        return self.session.scalar(
            select(Consultation).where(
                Consultation.channel_id == channel_id, Consultation.message_ts == thread_ts
            )
        )

    def all(self) -> Sequence[Consultation]:
        query = select(Consultation).join(Consultation.recommendation)
        return self.session.scalars(query.order_by(Recommendation.number, Consultation.id)).all()

    def open_ids(self) -> list[int]:
        query = select(Consultation.id).where(
            Consultation.status == OPEN, Consultation.message_ts.is_not(None)
        )
        return list(self.session.scalars(query.order_by(Consultation.id)))

    def latest_per_recommendation(self) -> dict[int, Consultation]:
        latest: dict[int, Consultation] = {}
        for consultation in self.all():
            current = latest.get(consultation.recommendation_id)
            if current is None or (consultation.opened_at, consultation.id) > (current.opened_at, current.id):
                latest[consultation.recommendation_id] = consultation
        return latest

    def add(self, consultation: Consultation) -> Consultation:
        self.session.add(consultation)
        self.session.flush()
        return consultation

    def remove_pending(self, consultation_id: int) -> None:
        """Drops a claim whose root message could not be posted (nothing else refers to it yet)."""
        self.session.execute(
            delete(Consultation).where(Consultation.id == consultation_id, Consultation.message_ts.is_(None))
        )

    def due_for_closing(self, now: datetime) -> list[int]:
        query = select(Consultation.id).where(
            Consultation.status == OPEN, Consultation.deadline <= now, Consultation.message_ts.is_not(None)
        )
        return list(self.session.scalars(query))

    def claim_close(self, consultation_id: int, now: datetime, by: str) -> bool:
        """Closes an open consultation; True only for the one caller that actually closed it."""
        result = self.session.execute(
            update(Consultation)
            .where(Consultation.id == consultation_id, Consultation.status == OPEN)
            .values(status=CLOSED, open_key=None, closed_at=now, closed_by=by)
            .execution_options(synchronize_session=False)
        )
        return _changed(result)

    def claim_outcome(
        self, consultation_id: int, now: datetime, by: str, outcome: str, statement: str
    ) -> bool:
        result = self.session.execute(
            update(Consultation)
            .where(Consultation.id == consultation_id, Consultation.outcome.is_(None))
            .values(outcome=outcome, outcome_statement=statement, outcome_by=by, outcome_at=now)
            .execution_options(synchronize_session=False)
        )
        return _changed(result)

    def due_for_reminder(self, remind_from: datetime, now: datetime) -> list[int]:
        """Open consultations whose deadline is within the reminder lead and not yet reminded."""
        query = select(Consultation.id).where(
            Consultation.status == OPEN,
            Consultation.reminder_sent_at.is_(None),
            Consultation.message_ts.is_not(None),
            Consultation.deadline > now,
            Consultation.deadline <= remind_from,
        )
        return list(self.session.scalars(query))

    def claim_reminder(self, consultation_id: int, now: datetime) -> bool:
        result = self.session.execute(
            update(Consultation)
            .where(
                Consultation.id == consultation_id,
                Consultation.status == OPEN,
                Consultation.reminder_sent_at.is_(None),
            )
            .values(reminder_sent_at=now)
            .execution_options(synchronize_session=False)
        )
        return _changed(result)

    # -- comments ---------------------------------------------------------------------------------

    def comment(self, channel_id: str, ts: str) -> ConsultationComment | None:
        return self.session.scalar(
            select(ConsultationComment).where(
                ConsultationComment.channel_id == channel_id, ConsultationComment.ts == ts
            )
        )

    def comments(self, consultation_id: int) -> Sequence[ConsultationComment]:
        return self.session.scalars(
            select(ConsultationComment)
            .where(ConsultationComment.consultation_id == consultation_id)
            .order_by(ConsultationComment.ts)
        ).all()

    def live_comment_counts(self) -> dict[int, int]:
        query = (
            select(ConsultationComment.consultation_id, func.count())
            .where(ConsultationComment.deleted_at.is_(None))
            .group_by(ConsultationComment.consultation_id)
        )
        return {row[0]: int(row[1]) for row in self.session.execute(query)}

    def live_comment_count(self, consultation_id: int) -> int:
        query = select(func.count()).where(
            ConsultationComment.consultation_id == consultation_id, ConsultationComment.deleted_at.is_(None)
        )
        return self.session.scalar(query) or 0

    def comments_of_recommendation_since(
        self, recommendation_id: int, since: datetime
    ) -> Sequence[ConsultationComment]:
        changed = (
            (ConsultationComment.posted_at >= since)
            | (ConsultationComment.edited_at >= since)
            | (ConsultationComment.deleted_at >= since)
        )
        query = (
            select(ConsultationComment)
            .join(Consultation, Consultation.id == ConsultationComment.consultation_id)
            .where(Consultation.recommendation_id == recommendation_id, changed)
            .order_by(ConsultationComment.ts)
        )
        return self.session.scalars(query).all()

    def add_comment(self, comment: ConsultationComment) -> ConsultationComment:
        self.session.add(comment)
        self.session.flush()
        return comment

    # -- positions --------------------------------------------------------------------------------

    def positions(self, consultation_id: int) -> Sequence[ConsultationPosition]:
        return self.session.scalars(
            select(ConsultationPosition)
            .where(ConsultationPosition.consultation_id == consultation_id)
            .order_by(ConsultationPosition.country, ConsultationPosition.organisation)
        ).all()

    def position(self, consultation_id: int, organisation: str) -> ConsultationPosition | None:
        return self.session.scalar(
            select(ConsultationPosition).where(
                ConsultationPosition.consultation_id == consultation_id,
                ConsultationPosition.organisation == organisation,
            )
        )

    def history_by_key(self, key: str) -> ConsultationPositionHistory | None:
        return self.session.scalar(
            select(ConsultationPositionHistory).where(ConsultationPositionHistory.submission_key == key)
        )

    def history(self) -> Sequence[ConsultationPositionHistory]:
        return self.session.scalars(
            select(ConsultationPositionHistory).order_by(ConsultationPositionHistory.id)
        ).all()

    def add_position(self, position: ConsultationPosition, history: ConsultationPositionHistory) -> None:
        self.session.add_all([position, history])
        self.session.flush()

    # -- amendments -------------------------------------------------------------------------------

    def amendments(self, consultation_id: int) -> Sequence[ConsultationAmendment]:
        return self.session.scalars(
            select(ConsultationAmendment)
            .where(ConsultationAmendment.consultation_id == consultation_id)
            .order_by(ConsultationAmendment.id)
        ).all()

    def amendment(self, amendment_id: int) -> ConsultationAmendment | None:
        return self.session.get(ConsultationAmendment, amendment_id)

    def amendment_by_key(self, key: str) -> ConsultationAmendment | None:
        return self.session.scalar(
            select(ConsultationAmendment).where(ConsultationAmendment.submission_key == key)
        )

    def add_amendment(self, amendment: ConsultationAmendment) -> ConsultationAmendment:
        self.session.add(amendment)
        self.session.flush()
        return amendment

    # -- audit ------------------------------------------------------------------------------------

    def audit_by_key(self, key: str) -> ConsultationAudit | None:
        return self.session.scalar(select(ConsultationAudit).where(ConsultationAudit.request_key == key))

    def audit(self) -> Sequence[ConsultationAudit]:
        return self.session.scalars(select(ConsultationAudit).order_by(ConsultationAudit.id)).all()

    def add_audit(self, entry: ConsultationAudit) -> ConsultationAudit:
        self.session.add(entry)
        self.session.flush()
        return entry


def _changed(result: object) -> bool:
    return int(getattr(result, "rowcount", 0) or 0) == 1
