"""Closing a consultation: by a coordinator with an outcome, or at its deadline; reminders before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.clock import now_or_utcnow
from bot.domain.consultations.inputs import (
    OutcomeDraft,
)
from bot.domain.consultations.views import (
    ConsultationView,
    Reminder,
)
from bot.domain.errors import DomainError
from bot.domain.partners import Role
from bot.services.consultations.base import (
    ConsultationBase,
    add_audit,
    load_consultation,
    ref_of,
    require_coordinator,
    require_no_outcome,
)
from bot.services.ports import Reach
from storage.repositories import PartnerRepository
from storage.repositories.consultations import ConsultationRepository
from storage.repositories.reminders import ReminderRepository

# Who closes a consultation when its deadline passes (the audit trail's actor).
DEADLINE_ACTOR = "deadline"
SCHEDULER_ACTOR = "scheduler"


def reminder_subject(consultation_id: int) -> str:
    return f"consultation:{consultation_id}"


@dataclass(frozen=True)
class CloseResult:
    consultation: ConsultationView
    closed_now: bool


class ConsultationClosing(ConsultationBase):
    """Outcomes, deadlines and reminders, each claimed once across processes."""

    def close_form(self, consultation_id: int, user: str) -> ConsultationView:
        with self.db.session() as session:
            require_coordinator(session, user)
            consultation = load_consultation(session, consultation_id)
            require_no_outcome(consultation)
            return self._view(session, consultation)

    def close(
        self,
        consultation_id: int,
        coordinator: str,
        draft: OutcomeDraft,
        *,
        submission_key: str | None,
        now: datetime | None = None,
    ) -> CloseResult | None:
        """Closes (if still open) with the coordinator's outcome; the recommendation's status follows.
        None for a repeated submission."""
        now = now_or_utcnow(now)
        with self.db.session() as session:
            repo = ConsultationRepository(session)
            if submission_key and repo.audit_by_key(submission_key):
                return None
            require_coordinator(session, coordinator)
            consultation = load_consultation(session, consultation_id)
            require_no_outcome(consultation)
            closed_now = repo.claim_close(consultation.id, now, coordinator)
            if not repo.claim_outcome(
                consultation.id, now, coordinator, draft.outcome.value, draft.statement
            ):
                raise DomainError(
                    f"The outcome of {ref_of(consultation)} was recorded a moment ago by someone else."
                )
            session.refresh(consultation)
            consultation.recommendation.status = draft.outcome.recommendation_status.value
            entry = add_audit(
                session, consultation, coordinator, "outcome", detail=draft.outcome.value, now=now
            )
            entry.request_key = submission_key
            result = CloseResult(self._view(session, consultation), closed_now)
        # Last of the root's updates, so none rendered before this commit lands after it.
        self.root_out_of_date(consultation_id)
        return result

    def close_due(self, now: datetime | None = None) -> list[ConsultationView]:
        """Closes every consultation whose deadline passed, each exactly once across processes."""
        now = now_or_utcnow(now)
        with self.db.session() as session:
            due = ConsultationRepository(session).due_for_closing(now)
        closed = []
        for consultation_id in due:
            with self.db.session() as session:
                if not ConsultationRepository(session).claim_close(consultation_id, now, DEADLINE_ACTOR):
                    continue
                consultation = load_consultation(session, consultation_id)
                session.refresh(consultation)
                add_audit(session, consultation, SCHEDULER_ACTOR, "closed_at_deadline", now=now)
                closed.append(self._view(session, consultation))
            self.root_out_of_date(consultation_id)
        return closed

    def claim_reminders(self, now: datetime | None = None) -> list[Reminder]:
        """Consultations whose deadline is near, each claimed once; with whom to remind."""
        now = now_or_utcnow(now)
        lead = timedelta(hours=self.settings.consult_reminder_hours)
        with self.db.session() as session:
            due = ConsultationRepository(session).due_for_reminder(now + lead, now)
        reminders = []
        for consultation_id in due:
            with self.db.session() as session:
                if not ConsultationRepository(session).claim_reminder(consultation_id, now):
                    continue
                view = self._view(session, load_consultation(session, consultation_id))
                missing = set(view.without_position())
                members = [p for p in PartnerRepository(session).all() if p.organisation in missing]
                # A sweep sending it again (Slack refused some for now) skips whom it reached.
                reached = ReminderRepository(session).reached(
                    reminder_subject(consultation_id), [p.slack_user_id for p in members]
                )
                recipients = tuple(
                    (p.slack_user_id, p.organisation) for p in members if p.slack_user_id not in reached
                )
                add_audit(
                    session,
                    load_consultation(session, consultation_id),
                    SCHEDULER_ACTOR,
                    "reminder_sent",
                    detail=f"{len(missing)} organisations, {len(recipients)} people",
                    now=now,
                )
                reminders.append(Reminder(view, recipients))
        return reminders

    def reminded(self, reminder: Reminder, reach: Reach, now: datetime | None = None) -> None:
        """Records whom a claimed reminder reached; if Slack refused some for now, the claim is
        released so that the next sweep sends it to them (and to nobody twice)."""
        consultation_id = reminder.consultation.id
        with self.db.session() as session:
            ReminderRepository(session).record_reached(
                reminder_subject(consultation_id), reach.reached, now_or_utcnow(now)
            )
            if reach.retry_later:
                ConsultationRepository(session).release_reminder(consultation_id)

    def coordinators(self) -> list[str]:
        with self.db.session() as session:
            return [p.slack_user_id for p in PartnerRepository(session).all() if p.role == Role.COORDINATOR]
