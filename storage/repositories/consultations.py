from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage.models import (
    Consultation,
    ConsultationAudit,
    Lifecycle,
    Recommendation,
)
from storage.repositories.claims import free_to_refresh, won
from storage.repositories.consultation_contributions import ConsultationContributions


class ConsultationRepository(ConsultationContributions):
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

    def started(self) -> Sequence[Consultation]:
        """Consultations whose root message was posted, in reference order."""
        query = (
            select(Consultation).join(Consultation.recommendation).where(Consultation.message_ts.is_not(None))
        )
        return self.session.scalars(query.order_by(Recommendation.number, Consultation.id)).all()

    def of_recommendation(self, recommendation_id: int) -> Sequence[Consultation]:
        query = select(Consultation).where(Consultation.recommendation_id == recommendation_id)
        return self.session.scalars(query.order_by(Consultation.id)).all()

    def open_ids(self) -> list[int]:
        query = select(Consultation.id).where(
            Consultation.status == Lifecycle.OPEN, Consultation.message_ts.is_not(None)
        )
        return list(self.session.scalars(query.order_by(Consultation.id)))

    def latest_per_recommendation(self) -> dict[int, Consultation]:
        latest: dict[int, Consultation] = {}
        for consultation in self.all():
            current = latest.get(consultation.recommendation_id)
            if current is None or (consultation.opened_at, consultation.id) > (current.opened_at, current.id):
                latest[consultation.recommendation_id] = consultation
        return latest

    def open(
        self,
        recommendation_id: int,
        version: int,
        channel_id: str,
        deadline: datetime,
        started_by: str,
        now: datetime,
    ) -> Consultation:
        """Claims the recommendation's one open consultation (open_key is unique: a second claim fails)."""
        consultation = Consultation(
            recommendation_id=recommendation_id,
            open_key=recommendation_id,
            status=Lifecycle.OPEN,
            version=version,
            channel_id=channel_id,
            deadline=deadline,
            started_by=started_by,
            opened_at=now,
        )
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
            Consultation.status == Lifecycle.OPEN,
            Consultation.deadline <= now,
            Consultation.message_ts.is_not(None),
        )
        return list(self.session.scalars(query))

    def claim_close(self, consultation_id: int, now: datetime, by: str) -> bool:
        """Closes an open consultation; True only for the one caller that actually closed it."""
        result = self.session.execute(
            update(Consultation)
            .where(Consultation.id == consultation_id, Consultation.status == Lifecycle.OPEN)
            .values(status=Lifecycle.CLOSED, open_key=None, closed_at=now, closed_by=by)
            .execution_options(synchronize_session=False)
        )
        return won(result)

    def claim_root_refresh(self, consultation_id: int, now: datetime, interval: timedelta) -> datetime | None:
        """The right to update the root message now, unless any process did so within `interval`;
        None when granted, else when the last update was."""
        result = self.session.execute(
            update(Consultation)
            .where(
                Consultation.id == consultation_id,
                free_to_refresh(Consultation.root_refreshed_at, now, interval),
            )
            .values(root_refreshed_at=now)
            .execution_options(synchronize_session=False)
        )
        if won(result):
            return None
        last = self.session.scalar(
            select(Consultation.root_refreshed_at).where(Consultation.id == consultation_id)
        )
        return last or now

    def mark_root_refreshed(self, consultation_id: int, now: datetime) -> None:
        self.session.execute(
            update(Consultation)
            .where(Consultation.id == consultation_id)
            .values(root_refreshed_at=now)
            .execution_options(synchronize_session=False)
        )

    def claim_outcome(
        self, consultation_id: int, now: datetime, by: str, outcome: str, statement: str
    ) -> bool:
        result = self.session.execute(
            update(Consultation)
            .where(Consultation.id == consultation_id, Consultation.outcome.is_(None))
            .values(outcome=outcome, outcome_statement=statement, outcome_by=by, outcome_at=now)
            .execution_options(synchronize_session=False)
        )
        return won(result)

    def due_for_reminder(self, remind_from: datetime, now: datetime) -> list[int]:
        """Open consultations whose deadline is within the reminder lead and not yet reminded."""
        query = select(Consultation.id).where(
            Consultation.status == Lifecycle.OPEN,
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
                Consultation.status == Lifecycle.OPEN,
                Consultation.reminder_sent_at.is_(None),
            )
            .values(reminder_sent_at=now)
            .execution_options(synchronize_session=False)
        )
        return won(result)

    def release_reminder(self, consultation_id: int) -> None:
        """The reminder is due again: the next sweep sends it to whom it has not reached."""
        self.session.execute(
            update(Consultation)
            .where(Consultation.id == consultation_id, Consultation.status == Lifecycle.OPEN)
            .values(reminder_sent_at=None)
            .execution_options(synchronize_session=False)
        )

    # -- audit ------------------------------------------------------------------------------------

    def audit_by_key(self, key: str) -> ConsultationAudit | None:
        return self.session.scalar(select(ConsultationAudit).where(ConsultationAudit.request_key == key))

    def audit(self) -> Sequence[ConsultationAudit]:
        return self.session.scalars(select(ConsultationAudit).order_by(ConsultationAudit.id)).all()

    def add_audit(
        self,
        consultation_id: int,
        at: datetime,
        actor: str,
        action: str,
        organisation: str | None,
        detail: str,
    ) -> ConsultationAudit:
        entry = ConsultationAudit(
            consultation_id=consultation_id,
            at=at,
            actor=actor,
            action=action,
            organisation=organisation,
            detail=detail,
        )
        self.session.add(entry)
        self.session.flush()
        return entry
