"""The bulk reads one App Home is built from: a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from storage.models import (
    Consultation,
    ConsultationPosition,
    Digest,
    Partner,
    Poll,
    PollAudience,
    PollRespondent,
    Recommendation,
)

OPEN = "open"


class HomeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def partners(self) -> Sequence[Partner]:
        return self.session.scalars(select(Partner).order_by(Partner.country, Partner.organisation)).all()

    def open_polls(self) -> Sequence[Poll]:
        """Open polls whose message is posted (a poll without one cannot be answered yet)."""
        query = select(Poll).where(Poll.status == OPEN, Poll.message_ts.is_not(None))
        return self.session.scalars(query.order_by(Poll.deadline.is_(None), Poll.deadline, Poll.number)).all()

    def audiences(self, poll_ids: Sequence[int]) -> dict[int, set[str]]:
        """The recorded audience of each channel poll among `poll_ids`."""
        return self._people_by_poll(PollAudience, poll_ids)

    def respondents(self, poll_ids: Sequence[int]) -> dict[int, set[str]]:
        return self._people_by_poll(PollRespondent, poll_ids)

    def _people_by_poll(
        self, table: type[PollAudience] | type[PollRespondent], poll_ids: Sequence[int]
    ) -> dict[int, set[str]]:
        found: dict[int, set[str]] = defaultdict(set)
        if poll_ids:
            rows = self.session.execute(
                select(table.poll_id, table.slack_user_id).where(table.poll_id.in_(poll_ids))
            )
            for poll_id, user in rows:
                found[poll_id].add(user)
        return found

    def open_consultations(self) -> Sequence[Consultation]:
        """Open consultations whose root message is posted, soonest deadline first."""
        query = select(Consultation).where(Consultation.status == OPEN, Consultation.message_ts.is_not(None))
        return self.session.scalars(query.order_by(Consultation.deadline, Consultation.id)).all()

    def positions(self, consultation_ids: Sequence[int]) -> dict[int, list[ConsultationPosition]]:
        found: dict[int, list[ConsultationPosition]] = defaultdict(list)
        if consultation_ids:
            query = select(ConsultationPosition).where(
                ConsultationPosition.consultation_id.in_(consultation_ids)
            )
            for position in self.session.scalars(query.order_by(ConsultationPosition.organisation)):
                found[position.consultation_id].append(position)
        return found

    def proposals_of(self, partner_id: int) -> Sequence[Recommendation]:
        query = select(Recommendation).where(Recommendation.proposer_id == partner_id)
        return self.session.scalars(query.order_by(Recommendation.number.desc())).all()

    def latest_digests(self, limit: int) -> Sequence[Digest]:
        """The newest digests, newest first, without their bulky content and Markdown."""
        query = select(Digest).options(defer(Digest.content), defer(Digest.markdown))
        return self.session.scalars(query.order_by(Digest.period_key.desc()).limit(limit)).all()

    def working_channel(self) -> str | None:
        """Where the consortium works: the channel of the newest poll or consultation."""
        poll = self.session.scalar(
            select(Poll.channel_id).where(Poll.channel_id.is_not(None)).order_by(Poll.id.desc()).limit(1)
        )
        consultation = self.session.scalar(
            select(Consultation.channel_id).order_by(Consultation.id.desc()).limit(1)
        )
        return poll or consultation
