from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Recommendation, RecommendationVersion


class RecommendationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def next_number(self) -> int:
        highest = self.session.scalar(select(func.max(Recommendation.number)))
        return (highest or 0) + 1

    def by_number(self, number: int) -> Recommendation | None:
        return self.session.scalar(select(Recommendation).where(Recommendation.number == number))

    def by_submission_key(self, key: str) -> Recommendation | None:
        return self.session.scalar(select(Recommendation).where(Recommendation.submission_key == key))

    def by_message(self, channel_id: str, message_ts: str) -> Recommendation | None:
        """The recommendation announced by this message, if any."""
        return self.session.scalar(
            select(Recommendation).where(
                Recommendation.channel_id == channel_id, Recommendation.message_ts == message_ts
            )
        )

    def by_numbers(self, numbers: Collection[int]) -> dict[int, Recommendation]:
        query = select(Recommendation).where(Recommendation.number.in_(numbers))
        return {rec.number: rec for rec in self.session.scalars(query).unique()}

    def by_origin(self, origin: str) -> Sequence[Recommendation]:
        """The recommendations imported from `origin` (case-insensitive), in reference order."""
        query = select(Recommendation).where(func.lower(Recommendation.origin) == origin.lower())
        return self.session.scalars(query.order_by(Recommendation.number)).unique().all()

    def origins(self) -> list[str]:
        """Every origin recommendations were imported from, sorted."""
        query = select(Recommendation.origin).where(Recommendation.origin.is_not(None)).distinct()
        return sorted(origin for origin in self.session.scalars(query) if origin)

    def revise(
        self, rec: Recommendation, title: str, text: str, author_id: int, status: str, now: datetime
    ) -> RecommendationVersion:
        """A new current version of the recommendation (its rationale kept), with the given status."""
        version = RecommendationVersion(
            version=rec.current_version + 1,
            title=title,
            text=text,
            rationale=rec.rationale,
            author_id=author_id,
            created_at=now,
        )
        rec.versions.append(version)
        rec.title, rec.text, rec.current_version, rec.status = title, text, version.version, status
        return version

    def page(self, offset: int, limit: int) -> Sequence[Recommendation]:
        query = select(Recommendation).order_by(Recommendation.number).offset(offset).limit(limit)
        return self.session.scalars(query).unique().all()

    def all(self) -> Sequence[Recommendation]:
        return self.session.scalars(select(Recommendation).order_by(Recommendation.number)).unique().all()

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(Recommendation)) or 0

    def add(self, recommendation: Recommendation) -> Recommendation:
        self.session.add(recommendation)
        self.session.flush()
        return recommendation
