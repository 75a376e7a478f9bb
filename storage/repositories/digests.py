from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, defer

from storage.models import (
    Consultation,
    ConsultationComment,
    ConsultationPosition,
    Digest,
    DigestDelivery,
)


class DigestRepository:
    """Stored digests and their deliveries, and the bulk reads a digest is built from."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def by_period(self, period_key: str) -> Digest | None:
        return self.session.scalar(select(Digest).where(Digest.period_key == period_key))

    def get(self, digest_id: int) -> Digest | None:
        return self.session.get(Digest, digest_id)

    def before(self, period_key: str, limit: int) -> Sequence[Digest]:
        """The digests of earlier periods, newest first: for their figures and the time they covered until,
        so their content and Markdown (the bulk of a digest's row) are not loaded."""
        query = select(Digest).where(Digest.period_key < period_key).order_by(Digest.period_key.desc())
        query = query.options(defer(Digest.content), defer(Digest.markdown))
        return self.session.scalars(query.limit(limit)).all()

    def recent(self, limit: int) -> Sequence[Digest]:
        return self.session.scalars(select(Digest).order_by(Digest.period_key.desc()).limit(limit)).all()

    def add(self, digest: Digest) -> Digest:
        self.session.add(digest)
        self.session.flush()
        return digest

    def claim(self, digest_id: int, recipient: str) -> None:
        """Records the recipient's delivery as claimed; a second claim fails on the unique key at commit."""
        self.session.add(DigestDelivery(digest_id=digest_id, recipient=recipient))

    def delivery(self, digest_id: int, recipient: str) -> DigestDelivery | None:
        query = select(DigestDelivery).where(
            DigestDelivery.digest_id == digest_id, DigestDelivery.recipient == recipient
        )
        return self.session.scalar(query)

    def release(self, digest_id: int, recipient: str) -> None:
        self.session.execute(
            delete(DigestDelivery).where(
                DigestDelivery.digest_id == digest_id,
                DigestDelivery.recipient == recipient,
                DigestDelivery.delivered_at.is_(None),
            )
        )

    def mark_sent(self, digest_id: int, at: datetime) -> None:
        self.session.execute(
            update(Digest).where(Digest.id == digest_id, Digest.sent_at.is_(None)).values(sent_at=at)
        )

    # -- bulk reads ------------------------------------------------------------------------------

    def latest_consultations(self) -> Sequence[Consultation]:
        """The newest consultation of every recommendation."""
        newest = select(func.max(Consultation.id)).group_by(Consultation.recommendation_id)
        query = select(Consultation).where(Consultation.id.in_(newest.scalar_subquery()))
        return self.session.scalars(query).unique().all()

    def positions(self, consultation_ids: Sequence[int]) -> Sequence[ConsultationPosition]:
        query = select(ConsultationPosition).where(ConsultationPosition.consultation_id.in_(consultation_ids))
        return self.session.scalars(query.order_by(ConsultationPosition.organisation)).all()

    def comments_changed_since(
        self, consultation_ids: Sequence[int], since: datetime
    ) -> Sequence[ConsultationComment]:
        """Live comments posted or edited since `since`, oldest first."""
        query = select(ConsultationComment).where(
            ConsultationComment.consultation_id.in_(consultation_ids),
            ConsultationComment.deleted_at.is_(None),
            (ConsultationComment.posted_at >= since) | (ConsultationComment.edited_at >= since),
        )
        return self.session.scalars(query.order_by(ConsultationComment.ts)).all()

    def live_comment_counts(self, consultation_ids: Sequence[int]) -> dict[int, int]:
        query = (
            select(ConsultationComment.consultation_id, func.count())
            .where(
                ConsultationComment.consultation_id.in_(consultation_ids),
                ConsultationComment.deleted_at.is_(None),
            )
            .group_by(ConsultationComment.consultation_id)
        )
        return {consultation_id: count for consultation_id, count in self.session.execute(query).all()}
