"""Positions: each organisation's answer, given by a member or recorded by a coordinator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.clock import now_or_utcnow
from bot.domain.consultations.inputs import (
    OnBehalfDraft,
    PositionDraft,
    organisation_key,
)
from bot.domain.consultations.kinds import (
    Position,
    PositionRule,
)
from bot.domain.consultations.views import (
    ConsultationView,
    PositionForm,
    PositionView,
)
from bot.domain.errors import DomainError, InvalidInput, NotAllowed
from bot.services.consultations.base import (
    ConsultationBase,
    add_audit,
    load_consultation,
    open_consultation,
    position_view,
    ref_of,
    require_coordinator,
    require_partner,
)
from storage.models import (
    Consultation,
    ConsultationPosition,
    Partner,
)
from storage.repositories import PartnerRepository
from storage.repositories.consultations import ConsultationRepository


def set_position(
    session: Session,
    consultation: Consultation,
    member: Partner,
    draft: PositionDraft,
    *,
    by: Partner,
    on_behalf: str | None,
    key: str | None,
    now: datetime,
) -> PositionView:
    """Writes the organisation's current position and one history row."""
    row = ConsultationRepository(session).set_position(
        consultation.id,
        member.organisation,
        region=member.region,
        country=member.country,
        position=draft.position.value,
        reason=draft.reason,
        version=consultation.version,
        set_by=by.slack_user_id,
        set_by_name=by.name,
        on_behalf_of=on_behalf,
        set_at=now,
        submission_key=key,
    )
    return position_view(row, consultation.version)


class ConsultationPositions(ConsultationBase):
    """Each organisation's current position, written once per submission."""

    def position_form(self, consultation_id: int, user: str) -> PositionForm:
        """What the position modal needs; refuses early who may not answer."""
        with self.db.session() as session:
            partner = require_partner(session, user)
            consultation = open_consultation(session, consultation_id)
            current = ConsultationRepository(session).position(consultation.id, partner.organisation)
            self._check_lock(session, current, partner)
            view = self._view(session, consultation)
            return PositionForm(
                view, partner.organisation, position_view(current, consultation.version) if current else None
            )

    def record_position(
        self,
        consultation_id: int,
        user: str,
        draft: PositionDraft,
        *,
        submission_key: str | None,
        now: datetime | None = None,
    ) -> PositionView:
        """The member's answer becomes the organisation's current position (CONSULT_POSITION_RULE)."""
        now = now_or_utcnow(now)

        def write(session: Session) -> PositionView:
            partner = require_partner(session, user)
            consultation = open_consultation(session, consultation_id)
            current = ConsultationRepository(session).position(consultation.id, partner.organisation)
            self._check_lock(session, current, partner)
            return set_position(
                session, consultation, partner, draft, by=partner, on_behalf=None, key=submission_key, now=now
            )

        return self._once(submission_key, consultation_id, write)

    def record_on_behalf(
        self,
        consultation_id: int,
        coordinator: str,
        draft: OnBehalfDraft,
        *,
        submission_key: str | None,
        now: datetime | None = None,
    ) -> PositionView:
        """A coordinator records a position given by e-mail or in a meeting; it goes to the audit trail."""
        now = now_or_utcnow(now)

        def write(session: Session) -> PositionView:
            by = require_coordinator(session, coordinator)
            consultation = open_consultation(session, consultation_id)
            members = [
                p
                for p in PartnerRepository(session).all()
                if organisation_key(p.organisation) == draft.organisation
            ]
            if not members:
                raise InvalidInput(
                    {"organisation": "Choose the organisation from the list of registered partners."}
                )
            view = set_position(
                session,
                consultation,
                members[0],
                draft.position,
                by=by,
                on_behalf=draft.source,
                key=submission_key,
                now=now,
            )
            detail = f"{draft.position.position.value} on v{consultation.version}, given {draft.source}"
            add_audit(
                session, consultation, coordinator, "position_on_behalf", view.organisation, detail, now=now
            )
            return view

        return self._once(submission_key, consultation_id, write)

    def confirm_position(
        self, consultation_id: int, user: str, now: datetime | None = None
    ) -> tuple[ConsultationView, PositionView]:
        """Keeps the organisation's position (same answer and reason) for the current version."""
        now = now_or_utcnow(now)
        with self.db.session() as session:
            partner = require_partner(session, user)
            consultation = open_consultation(session, consultation_id)
            current = ConsultationRepository(session).position(consultation.id, partner.organisation)
            if current is None:
                raise DomainError(
                    f"{partner.organisation} has no position on {ref_of(consultation)} yet: "
                    "choose one with the buttons."
                )
            self._check_lock(session, current, partner)
            draft = PositionDraft(Position(current.position), current.reason)
            key = f"confirm:{consultation_id}:{current.id}:v{consultation.version}"
        if current.version == consultation.version:
            position = position_view(current, consultation.version)
        else:
            position = self.record_position(consultation_id, user, draft, submission_key=key, now=now)
        return self.view(consultation_id), position

    def on_behalf_form(self, consultation_id: int, user: str) -> tuple[ConsultationView, list[str]]:
        """The open consultation and every registered organisation, for a coordinator."""
        with self.db.session() as session:
            require_coordinator(session, user)
            view = self._view(session, open_consultation(session, consultation_id))
            return view, sorted({p.organisation for p in PartnerRepository(session).all()}, key=str.casefold)

    def organisations(self) -> list[str]:
        """Every registered organisation (a coordinator may record a position for any of them)."""
        with self.db.session() as session:
            return sorted({p.organisation for p in PartnerRepository(session).all()}, key=str.casefold)

    def _once(
        self, key: str | None, consultation_id: int, write: Callable[[Session], PositionView]
    ) -> PositionView:
        """Writes a position once per submission key; a duplicate (or a lost race) reads the result."""
        for _ in range(3):
            try:
                with self.db.session() as session:
                    if key and (done := ConsultationRepository(session).history_by_key(key)) is not None:
                        return self._current_of(session, consultation_id, done.organisation)
                    return write(session)
            except IntegrityError:
                continue
        raise DomainError(
            "The position could not be saved because of simultaneous answers; please try again."
        )

    def _current_of(self, session: Session, consultation_id: int, organisation: str) -> PositionView:
        consultation = load_consultation(session, consultation_id)
        row = ConsultationRepository(session).position(consultation_id, organisation)
        assert row is not None
        return position_view(row, consultation.version)

    def _check_lock(self, session: Session, current: ConsultationPosition | None, partner: Partner) -> None:
        if self.rule is not PositionRule.FIRST_MEMBER_LOCKS or current is None:
            return
        if current.first_member in ("", partner.slack_user_id):
            return
        first = PartnerRepository(session).by_slack_id(current.first_member)
        name = first.name if first else "another member"
        raise NotAllowed(
            f"{name} gave {partner.organisation}'s position first, and in this consortium the first member "
            "to answer speaks for the organisation. Ask them, or a coordinator, to change it."
        )
