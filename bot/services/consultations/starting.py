"""Starting a consultation: the picker, the claim, the root message attached or abandoned."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.clock import now_or_utcnow
from bot.domain.consultations.inputs import (
    check_deadline,
    default_deadline,
)
from bot.domain.consultations.kinds import (
    CONSULTABLE,
    PENDING_START_TIMEOUT,
    AlreadyInConsultation,
    NotConsultable,
)
from bot.domain.consultations.views import (
    ConsultationView,
)
from bot.domain.errors import DomainError, UnknownReference
from bot.domain.recommendations import RecommendationView, Status, format_ref, parse_ref
from bot.services.consultations.base import (
    ConsultationBase,
    add_audit,
    load_consultation,
    recommendation_by_ref,
    require_partner,
)
from bot.services.recommendations import to_view
from storage.repositories import RecommendationRepository
from storage.repositories.consultations import ConsultationRepository

_REF_IN_TEXT = re.compile(r"\bR-?(\d{1,9})\b")


class ConsultationStarts(ConsultationBase):
    """Claims a recommendation's one open consultation; the root message is posted next."""

    def consultable(self, user: str) -> list[RecommendationView]:
        """Recommendations a consultation may start on (for the picker), newest first."""
        with self.db.session() as session:
            require_partner(session, user)
            open_ids = {c.recommendation_id for c in ConsultationRepository(session).all() if c.open_key}
            recs = [
                rec
                for rec in RecommendationRepository(session).all()
                if Status(rec.status) in CONSULTABLE and rec.id not in open_ids
            ]
            return [to_view(rec) for rec in reversed(recs)]

    def ref_for_message(self, channel_id: str, message_ts: str, text: str) -> str:
        """The recommendation a message is about: its announcement, a consultation, or a reference."""
        with self.db.session() as session:
            rec = RecommendationRepository(session).by_message(channel_id, message_ts)
            consultation = ConsultationRepository(session).by_thread(channel_id, message_ts)
            if rec is not None:
                return format_ref(rec.number)
            if consultation is not None:
                return format_ref(consultation.recommendation.number)
        match = _REF_IN_TEXT.search(text)
        if match is None:
            raise DomainError(
                "This message does not name a recommendation (R1, R2, ...). Use the shortcut on a "
                "recommendation's announcement, or type `/consult R3`; `/recs` lists the references."
            )
        return f"R{match.group(1)}"

    def start_from_message(self, user: str, channel_id: str, message_ts: str, text: str) -> ConsultationView:
        """The message shortcut: a consultation on the recommendation the message is about."""
        return self.start(self.ref_for_message(channel_id, message_ts, text), user, channel_id)

    def start(
        self,
        ref: str,
        user: str,
        channel_id: str,
        *,
        deadline: datetime | None = None,
        now: datetime | None = None,
    ) -> ConsultationView:
        """Claims the recommendation's one open consultation; the root message is posted next."""
        now = now_or_utcnow(now)
        number = parse_ref(ref)
        if number is None:
            raise UnknownReference(ref.strip()[:20] or "(empty)")
        try:
            with self.db.session() as session:
                return self._start(session, number, user, channel_id, deadline, now)
        except IntegrityError:
            # Another request claimed it in the same instant: answer as for a second /consult.
            with self.db.session() as session:
                rec = RecommendationRepository(session).by_number(number)
                existing = ConsultationRepository(session).open_for(rec.id) if rec else None
                raise AlreadyInConsultation(
                    format_ref(number), existing.permalink if existing else None
                ) from None

    def _start(
        self,
        session: Session,
        number: int,
        user: str,
        channel_id: str,
        deadline: datetime | None,
        now: datetime,
    ) -> ConsultationView:
        require_partner(session, user)
        rec = RecommendationRepository(session).by_number(number)
        if rec is None:
            raise UnknownReference(format_ref(number))
        if Status(rec.status) not in CONSULTABLE:
            raise NotConsultable(format_ref(number), Status(rec.status))
        repo = ConsultationRepository(session)
        existing = repo.open_for(rec.id)
        if existing is not None:
            if existing.message_ts is None and now - existing.opened_at > PENDING_START_TIMEOUT:
                repo.remove_pending(existing.id)
                session.flush()
            else:
                raise AlreadyInConsultation(format_ref(number), existing.permalink)
        deadline = deadline or default_deadline(
            now, self.settings.consult_deadline_days, self.settings.timezone
        )
        check_deadline(deadline, now)
        consultation = repo.open(rec.id, rec.current_version, channel_id, deadline, user, now)
        return self._view(session, consultation)

    def attach(self, consultation_id: int, message_ts: str, permalink: str | None) -> ConsultationView:
        """The root message is posted: the thread is the consultation, the recommendation is in it."""
        with self.db.session() as session:
            consultation = load_consultation(session, consultation_id)
            consultation.message_ts, consultation.permalink = message_ts, permalink
            consultation.recommendation.status = Status.IN_CONSULTATION.value
            add_audit(
                session, consultation, consultation.started_by, "started", detail=f"v{consultation.version}"
            )
            return self._view(session, consultation)

    def set_permalink(self, consultation_id: int, permalink: str) -> None:
        with self.db.session() as session:
            load_consultation(session, consultation_id).permalink = permalink

    def abandon(self, consultation_id: int) -> None:
        """The root message could not be posted: the claim goes, as if nothing had happened."""
        with self.db.session() as session:
            ConsultationRepository(session).remove_pending(consultation_id)

    def latest(self, ref: str) -> ConsultationView | None:
        """The recommendation's most recent consultation (open or closed), if it had one."""
        with self.db.session() as session:
            rec = recommendation_by_ref(session, ref)
            consultation = ConsultationRepository(session).latest_for(rec.id)
            return self._view(session, consultation) if consultation else None
