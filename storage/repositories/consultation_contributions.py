"""What people contribute to a consultation: its comments, positions and amendments."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import (
    Consultation,
    ConsultationAmendment,
    ConsultationComment,
    ConsultationPosition,
    ConsultationPositionHistory,
)


class ConsultationContributions:
    """Comments, positions and amendments of consultations (ConsultationRepository includes these)."""

    session: Session

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

    def live_comment_counts(self, consultation_ids: Collection[int] | None = None) -> dict[int, int]:
        """Comments not deleted, per consultation (of those given, or of all)."""
        query = select(ConsultationComment.consultation_id, func.count()).where(
            ConsultationComment.deleted_at.is_(None)
        )
        if consultation_ids is not None:
            query = query.where(ConsultationComment.consultation_id.in_(consultation_ids))
        query = query.group_by(ConsultationComment.consultation_id)
        return {row[0]: int(row[1]) for row in self.session.execute(query)}

    def comments_of(self, consultation_ids: Collection[int]) -> dict[int, list[ConsultationComment]]:
        """The comments of several consultations, oldest first, in one query."""
        query = select(ConsultationComment).where(ConsultationComment.consultation_id.in_(consultation_ids))
        return _grouped(self.session.scalars(query.order_by(ConsultationComment.ts)))

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

    def add_comment(
        self,
        consultation_id: int,
        channel_id: str,
        ts: str,
        thread_ts: str | None,
        *,
        author: str | None,
        author_name: str | None,
        organisation: str | None,
        region: str | None,
        country: str | None,
        text: str,
        files: list[dict[str, str]],
        posted_at: datetime,
        edited_ts: str | None,
        edited_at: datetime | None,
    ) -> ConsultationComment:
        """A reply of the thread; (channel_id, ts) is unique, so a duplicate delivery fails here."""
        comment = ConsultationComment(
            consultation_id=consultation_id,
            channel_id=channel_id,
            ts=ts,
            thread_ts=thread_ts,
            author=author,
            author_name=author_name,
            organisation=organisation,
            region=region,
            country=country,
            text=text,
            files=files,
            posted_at=posted_at,
            edited_ts=edited_ts,
            edited_at=edited_at,
        )
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

    def positions_of(self, consultation_ids: Collection[int]) -> dict[int, list[ConsultationPosition]]:
        """The current positions of several consultations, in one query."""
        query = select(ConsultationPosition).where(ConsultationPosition.consultation_id.in_(consultation_ids))
        order = (ConsultationPosition.country, ConsultationPosition.organisation)
        return _grouped(self.session.scalars(query.order_by(*order)))

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

    def set_position(
        self,
        consultation_id: int,
        organisation: str,
        *,
        region: str,
        country: str,
        position: str,
        reason: str,
        version: int,
        set_by: str,
        set_by_name: str,
        on_behalf_of: str | None,
        set_at: datetime,
        submission_key: str | None,
    ) -> ConsultationPosition:
        """The organisation's current position, and one history row. `on_behalf_of` is where a
        coordinator's recording came from (None when a member answered themselves)."""
        row = self.position(consultation_id, organisation)
        by_coordinator = on_behalf_of is not None
        if row is None:
            row = ConsultationPosition(
                consultation_id=consultation_id,
                organisation=organisation,
                first_member="" if by_coordinator else set_by,
            )
        row.region, row.country = region, country
        row.position, row.reason, row.version = position, reason, version
        row.set_by, row.set_by_name, row.set_at = set_by, set_by_name, set_at
        row.on_behalf_by = set_by if by_coordinator else None
        row.on_behalf_by_name = set_by_name if by_coordinator else None
        row.source = on_behalf_of
        history = ConsultationPositionHistory(
            consultation_id=consultation_id,
            organisation=organisation,
            position=position,
            reason=reason,
            version=version,
            set_by=set_by,
            on_behalf_by=set_by if by_coordinator else None,
            source=on_behalf_of,
            set_at=set_at,
            submission_key=submission_key,
        )
        self.session.add_all([row, history])
        self.session.flush()
        return row

    # -- amendments -------------------------------------------------------------------------------

    def amendments(self, consultation_id: int) -> Sequence[ConsultationAmendment]:
        return self.session.scalars(
            select(ConsultationAmendment)
            .where(ConsultationAmendment.consultation_id == consultation_id)
            .order_by(ConsultationAmendment.id)
        ).all()

    def amendments_of(self, consultation_ids: Collection[int]) -> dict[int, list[ConsultationAmendment]]:
        """The amendments of several consultations, in one query."""
        query = select(ConsultationAmendment).where(
            ConsultationAmendment.consultation_id.in_(consultation_ids)
        )
        return _grouped(self.session.scalars(query.order_by(ConsultationAmendment.id)))

    def amendment(self, amendment_id: int) -> ConsultationAmendment | None:
        return self.session.get(ConsultationAmendment, amendment_id)

    def amendment_by_key(self, key: str) -> ConsultationAmendment | None:
        return self.session.scalar(
            select(ConsultationAmendment).where(ConsultationAmendment.submission_key == key)
        )

    def add_amendment(
        self,
        consultation_id: int,
        version: int,
        *,
        author: str,
        author_name: str,
        organisation: str,
        text: str,
        note: str,
        created_at: datetime,
        submission_key: str | None,
    ) -> ConsultationAmendment:
        amendment = ConsultationAmendment(
            consultation_id=consultation_id,
            version=version,
            author=author,
            author_name=author_name,
            organisation=organisation,
            text=text,
            note=note,
            created_at=created_at,
            submission_key=submission_key,
        )
        self.session.add(amendment)
        self.session.flush()
        return amendment


class _ByConsultation(Protocol):
    consultation_id: int


_Row = TypeVar("_Row", bound=_ByConsultation)


def _grouped(rows: Iterable[_Row]) -> dict[int, list[_Row]]:
    grouped: dict[int, list[_Row]] = {}
    for row in rows:
        grouped.setdefault(row.consultation_id, []).append(row)
    return grouped
