"""What every consultation use case shares: loading within a session, who may act, the views."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.domain.clock import now_or_utcnow, utcnow
from bot.domain.consultations.kinds import (
    ConsultationClosed,
    ConsultationStatus,
    Outcome,
    Position,
    PositionRule,
    UnknownConsultation,
)
from bot.domain.consultations.threads import (
    reply_permalink,
)
from bot.domain.consultations.views import (
    AmendmentView,
    CommentView,
    ConsultationView,
    FileRef,
    PositionView,
)
from bot.domain.errors import DomainError, NotAllowed, NotRegistered, UnknownReference
from bot.domain.partners import Role
from bot.domain.recommendations import Status, format_ref, parse_ref
from bot.services.poll_updates import MessageRefresher
from bot.services.ports import ConsultationNotices, ThreadReader
from storage.db import Database
from storage.models import (
    Consultation,
    ConsultationAmendment,
    ConsultationAudit,
    ConsultationComment,
    ConsultationPosition,
    Partner,
    Recommendation,
)
from storage.repositories import PartnerRepository, RecommendationRepository
from storage.repositories.consultations import ConsultationRepository


def ref_of(consultation: Consultation) -> str:
    return format_ref(consultation.recommendation.number)


def load_consultation(session: Session, consultation_id: int) -> Consultation:
    consultation = ConsultationRepository(session).get(consultation_id)
    if consultation is None:
        raise UnknownConsultation()
    return consultation


def open_consultation(session: Session, consultation_id: int) -> Consultation:
    consultation = load_consultation(session, consultation_id)
    if consultation.status != ConsultationStatus.OPEN.value:
        raise ConsultationClosed(ref_of(consultation))
    return consultation


def recommendation_by_ref(session: Session, ref: str) -> Recommendation:
    number = parse_ref(ref)
    rec = RecommendationRepository(session).by_number(number) if number is not None else None
    if rec is None:
        raise UnknownReference(ref.strip()[:20] or "(empty)")
    return rec


def require_partner(session: Session, user: str) -> Partner:
    partner = PartnerRepository(session).by_slack_id(user)
    if partner is None:
        raise NotRegistered()
    return partner


def require_coordinator(session: Session, user: str) -> Partner:
    partner = require_partner(session, user)
    if partner.role != Role.COORDINATOR.value:
        raise NotAllowed("Only a coordinator can do this. Ask your coordinator if it needs doing.")
    return partner


def require_author_or_coordinator(session: Session, consultation: Consultation, user: str) -> Partner:
    partner = require_partner(session, user)
    proposer = consultation.recommendation.proposer
    if partner.role != Role.COORDINATOR.value and (proposer is None or proposer.slack_user_id != user):
        raise NotAllowed(
            f"Only the author of {ref_of(consultation)} or a coordinator can publish a new version. "
            "Use *Suggest wording* to propose yours."
        )
    return partner


def require_no_outcome(consultation: Consultation) -> None:
    if consultation.outcome is not None:
        raise DomainError(
            f"The consultation on {ref_of(consultation)} is already closed: "
            f"{Outcome(consultation.outcome).label.lower()}."
        )


def expected_organisations(session: Session) -> tuple[str, ...]:
    """The organisations expected to answer: those with at least one member of role partner."""
    partners = PartnerRepository(session).all()
    return tuple(sorted({p.organisation for p in partners if p.role == Role.PARTNER.value}, key=str.casefold))


def add_audit(
    session: Session,
    consultation: Consultation,
    actor: str,
    action: str,
    organisation: str | None = None,
    detail: str = "",
    *,
    now: datetime | None = None,
) -> ConsultationAudit:
    return ConsultationRepository(session).add_audit(
        consultation.id, now_or_utcnow(now), actor, action, organisation, detail
    )


def position_view(row: ConsultationPosition, consultation_version: int) -> PositionView:
    return PositionView(
        organisation=row.organisation,
        region=row.region,
        country=row.country,
        position=Position(row.position),
        reason=row.reason,
        version=row.version,
        consultation_version=consultation_version,
        set_by=row.set_by,
        set_by_name=row.set_by_name,
        set_at=row.set_at,
        on_behalf_by=row.on_behalf_by,
        on_behalf_by_name=row.on_behalf_by_name,
        source=row.source,
    )


def amendment_view(row: ConsultationAmendment) -> AmendmentView:
    return AmendmentView(
        id=row.id,
        version=row.version,
        author=row.author,
        author_name=row.author_name,
        organisation=row.organisation,
        text=row.text,
        note=row.note,
        created_at=row.created_at,
        adopted_in_version=row.adopted_in_version,
    )


def comment_view(row: ConsultationComment, ref: str, root_permalink: str | None) -> CommentView:
    return CommentView(
        id=row.id,
        ref=ref,
        channel_id=row.channel_id,
        ts=row.ts,
        thread_ts=row.thread_ts,
        author=row.author,
        author_name=row.author_name,
        organisation=row.organisation,
        region=row.region,
        country=row.country,
        text=row.text,
        files=tuple(FileRef(str(f.get("name", "")), str(f.get("permalink", ""))) for f in row.files or []),
        permalink=reply_permalink(root_permalink, row.channel_id, row.ts, row.thread_ts),
        posted_at=row.posted_at,
        edited_at=row.edited_at,
        deleted_at=row.deleted_at,
    )


class ConsultationBase:
    """The database, settings and outbound port every use case works with, the one way to build a
    view, and the one way to bring a root message up to date."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        notices: ConsultationNotices,
        threads: ThreadReader,
        *,
        interval: float = 1.0,
        retry_after_failure: float = 30.0,
    ) -> None:
        self.db = db
        self.settings = settings
        self.notices = notices
        self.threads = threads
        # A burst of replies or positions becomes at most one root update per consultation per interval.
        self.root_updates = MessageRefresher[int](
            self._publish_root, interval, retry_after_failure=retry_after_failure, what="consultation"
        )

    def root_out_of_date(self, consultation_id: int) -> None:
        """The root message no longer shows what is stored (positions, comments, version): it is
        re-rendered from the state of the moment, coalesced; returns at once."""
        self.root_updates.request(consultation_id)

    def _publish_root(self, consultation_id: int, _final: bool) -> float | None:
        """Brings the root message up to date now; or in how many seconds another process lets us
        (any process updates it at most once per interval)."""
        interval = timedelta(seconds=self.root_updates.interval)
        now = utcnow()
        with self.db.session() as session:
            repo = ConsultationRepository(session)
            consultation = repo.get(consultation_id)
            if consultation is None or consultation.message_ts is None:
                return None
            last = repo.claim_root_refresh(consultation_id, now, interval)
            if last is not None:
                return max((last + interval - now).total_seconds(), 0.05)
            view = self._view(session, consultation)
        self.notices.consultation_changed(view)
        with self.db.session() as session:
            # The next update, of any process, waits a full interval from the end of this one.
            ConsultationRepository(session).mark_root_refreshed(consultation_id, utcnow())
        return None

    @property
    def rule(self) -> PositionRule:
        return PositionRule(self.settings.consult_position_rule)

    def view(self, consultation_id: int) -> ConsultationView:
        with self.db.session() as session:
            return self._view(session, load_consultation(session, consultation_id))

    def _view(self, session: Session, consultation: Consultation) -> ConsultationView:
        return self._views(session, [consultation])[0]

    def _views(self, session: Session, consultations: Sequence[Consultation]) -> list[ConsultationView]:
        """The views of several consultations in a fixed number of queries, whatever their number."""
        repo = ConsultationRepository(session)
        ids = [c.id for c in consultations]
        positions, amendments = repo.positions_of(ids), repo.amendments_of(ids)
        comments = repo.live_comment_counts(ids)
        organisations = expected_organisations(session)
        return [
            _view_of(
                c, positions.get(c.id, ()), amendments.get(c.id, ()), comments.get(c.id, 0), organisations
            )
            for c in consultations
        ]


def _view_of(
    consultation: Consultation,
    positions: Iterable[ConsultationPosition],
    amendments: Iterable[ConsultationAmendment],
    comments: int,
    organisations: tuple[str, ...],
) -> ConsultationView:
    rec = consultation.recommendation
    return ConsultationView(
        id=consultation.id,
        ref=format_ref(rec.number),
        title=rec.title,
        text=rec.text,
        recommendation_status=Status(rec.status),
        version=consultation.version,
        status=ConsultationStatus(consultation.status),
        channel_id=consultation.channel_id,
        message_ts=consultation.message_ts,
        permalink=consultation.permalink,
        deadline=consultation.deadline,
        opened_at=consultation.opened_at,
        started_by=consultation.started_by,
        proposer=rec.proposer.slack_user_id if rec.proposer else None,
        comments=comments,
        positions=tuple(position_view(p, consultation.version) for p in positions),
        amendments=tuple(amendment_view(a) for a in amendments),
        organisations=organisations,
        closed_at=consultation.closed_at,
        outcome=Outcome(consultation.outcome) if consultation.outcome else None,
        outcome_statement=consultation.outcome_statement,
        outcome_by=consultation.outcome_by,
    )
