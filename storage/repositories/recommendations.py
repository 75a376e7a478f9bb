from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Recommendation


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
