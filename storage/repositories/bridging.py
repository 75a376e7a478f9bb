from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models.bridging import BridgingRound

ACTIVE = ("drafting", "ranking")


class BridgingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, round_id: int) -> BridgingRound | None:
        return self.session.get(BridgingRound, round_id)

    def by_start_key(self, start_key: str) -> BridgingRound | None:
        return self.session.scalar(select(BridgingRound).where(BridgingRound.start_key == start_key))

    def by_poll(self, poll_id: int) -> BridgingRound | None:
        return self.session.scalar(select(BridgingRound).where(BridgingRound.poll_id == poll_id))

    def active(self, consultation_id: int) -> BridgingRound | None:
        """The round still drafting or ranking on this consultation, if any."""
        return self.session.scalar(
            select(BridgingRound).where(
                BridgingRound.consultation_id == consultation_id, BridgingRound.status.in_(ACTIVE)
            )
        )

    def touched_since(self, since: datetime) -> list[BridgingRound]:
        """Rounds started, or closed, since `since` (a digest's period), oldest first."""
        return list(
            self.session.scalars(
                select(BridgingRound)
                .where((BridgingRound.created_at >= since) | (BridgingRound.closed_at >= since))
                .order_by(BridgingRound.id)
            )
        )

    def for_consultations(self, consultation_ids: Sequence[int]) -> list[BridgingRound]:
        """Every round of these consultations, oldest first: one query for a whole export or digest."""
        if not consultation_ids:
            return []
        return list(
            self.session.scalars(
                select(BridgingRound)
                .where(BridgingRound.consultation_id.in_(consultation_ids))
                .order_by(BridgingRound.consultation_id, BridgingRound.round, BridgingRound.id)
            )
        )

    def add(self, bridging_round: BridgingRound) -> BridgingRound:
        """Raises IntegrityError at flush for a repeated start key."""
        self.session.add(bridging_round)
        self.session.flush()
        return bridging_round
