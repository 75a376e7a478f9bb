"""Suggested wordings and new versions of the recommendation under consultation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.clock import now_or_utcnow
from bot.domain.consultations.inputs import (
    AmendmentDraft,
    RevisionDraft,
)
from bot.domain.consultations.kinds import (
    Position,
)
from bot.domain.consultations.views import (
    AmendmentView,
    ConfirmRequest,
    ConsultationView,
    RevisionForm,
    RevisionResult,
    word_diff,
)
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.recommendations import Status
from bot.services.consultations.base import (
    ConsultationBase,
    add_audit,
    amendment_view,
    open_consultation,
    require_author_or_coordinator,
    require_partner,
)
from storage.models import (
    ConsultationPosition,
    Partner,
)
from storage.repositories import PartnerRepository, RecommendationRepository
from storage.repositories.consultations import ConsultationRepository


def members_of(session: Session, organisation: str) -> list[Partner]:
    return [p for p in PartnerRepository(session).all() if p.organisation == organisation]


def confirm_requests(
    session: Session, positions: Iterable[ConsultationPosition]
) -> tuple[ConfirmRequest, ...]:
    """Who is asked about each organisation's position after a new version: the member who gave it,
    or every member when a coordinator recorded it for them."""
    requests: list[ConfirmRequest] = []
    for row in positions:
        if row.on_behalf_by is None:
            people = [row.set_by]
        else:
            people = [p.slack_user_id for p in members_of(session, row.organisation)]
        requests.extend(
            ConfirmRequest(user, row.organisation, Position(row.position), row.version) for user in people
        )
    return tuple(requests)


class ConsultationRevisions(ConsultationBase):
    """Amendments stored against a version, and new versions published from them."""

    def amendment_form(self, consultation_id: int, user: str) -> ConsultationView:
        with self.db.session() as session:
            require_partner(session, user)
            return self._view(session, open_consultation(session, consultation_id))

    def suggest(
        self,
        consultation_id: int,
        user: str,
        draft: AmendmentDraft,
        *,
        submission_key: str | None,
        now: datetime | None = None,
    ) -> tuple[AmendmentView, bool]:
        """Stores a suggested wording against the current version; a repeat returns the first one."""
        now = now_or_utcnow(now)
        try:
            with self.db.session() as session:
                repo = ConsultationRepository(session)
                if submission_key and (done := repo.amendment_by_key(submission_key)) is not None:
                    return amendment_view(done), False
                partner = require_partner(session, user)
                consultation = open_consultation(session, consultation_id)
                amendment = repo.add_amendment(
                    consultation.id,
                    consultation.version,
                    author=user,
                    author_name=partner.name,
                    organisation=partner.organisation,
                    text=draft.text,
                    note=draft.note,
                    created_at=now,
                    submission_key=submission_key,
                )
                return amendment_view(amendment), True
        except IntegrityError:
            with self.db.session() as session:
                done = ConsultationRepository(session).amendment_by_key(submission_key or "")
                if done is None:
                    raise
                return amendment_view(done), False

    def mark_amendment_posted(self, amendment_id: int, message_ts: str) -> None:
        with self.db.session() as session:
            amendment = ConsultationRepository(session).amendment(amendment_id)
            if amendment is not None:
                amendment.message_ts = message_ts

    def revision_form(self, consultation_id: int, user: str) -> RevisionForm:
        with self.db.session() as session:
            consultation = open_consultation(session, consultation_id)
            require_author_or_coordinator(session, consultation, user)
            view = self._view(session, consultation)
            suggestions = tuple(a for a in view.amendments if a.version == consultation.version)
            return RevisionForm(view, suggestions)

    def publish_revision(
        self,
        consultation_id: int,
        user: str,
        draft: RevisionDraft,
        *,
        submission_key: str | None,
        now: datetime | None = None,
    ) -> RevisionResult | None:
        """A new version: the recommendation is revised, earlier positions are kept but marked as
        about the old version, and their organisations are asked to confirm. None for a repeat."""
        now = now_or_utcnow(now)
        try:
            with self.db.session() as session:
                if submission_key and ConsultationRepository(session).audit_by_key(submission_key):
                    return None
                result = self._publish(session, consultation_id, user, draft, submission_key, now)
            # Last of the root's updates, so none rendered before this commit lands after it.
            self.root_out_of_date(consultation_id)
            return result
        except IntegrityError:
            with self.db.session() as session:
                if submission_key and ConsultationRepository(session).audit_by_key(submission_key):
                    return None
            raise DomainError(
                "Someone published a version at the same moment. Close this form, read the thread, "
                "and publish again if your wording is still needed."
            ) from None

    def _publish(
        self,
        session: Session,
        consultation_id: int,
        user: str,
        draft: RevisionDraft,
        key: str | None,
        now: datetime,
    ) -> RevisionResult:
        consultation = open_consultation(session, consultation_id)
        author = require_author_or_coordinator(session, consultation, user)
        rec = consultation.recommendation
        if draft.title == rec.title and draft.text == rec.text:
            raise InvalidInput(
                {
                    "text": f"This is the wording of version {rec.current_version} already; "
                    "change it to publish a new version."
                }
            )
        old_version, old_text, old_title = rec.current_version, rec.text, rec.title
        new_version = old_version + 1
        RecommendationRepository(session).revise(
            rec, draft.title, draft.text, author.id, Status.REVISED.value, now
        )
        consultation.version = new_version
        repo = ConsultationRepository(session)
        adopted = []
        for amendment in repo.amendments(consultation.id):
            if amendment.id in draft.adopted and amendment.adopted_in_version is None:
                amendment.adopted_in_version = new_version
                adopted.append(amendment.id)
        detail = f"v{old_version} -> v{new_version}" + (f": {draft.note}" if draft.note else "")
        entry = add_audit(session, consultation, user, "version_published", detail=detail, now=now)
        entry.request_key = key
        session.flush()
        return RevisionResult(
            consultation=self._view(session, consultation),
            old_version=old_version,
            new_version=new_version,
            note=draft.note,
            diff=tuple(word_diff(old_text, draft.text)),
            title_changed=old_title != draft.title,
            author=user,
            confirm_requests=confirm_requests(session, repo.positions(consultation.id)),
            adopted=tuple(adopted),
        )
