"""Poll results for a viewer, for the export and for the digest."""

from __future__ import annotations

from datetime import datetime

from bot.domain.polls.answers import Answer
from bot.domain.polls.tallies import PollResults
from bot.services.polls.base import PollServiceBase
from storage.repositories.polls import PollRepository


class PollResultReads(PollServiceBase):
    """Results as a viewer may see them, and every poll's for the export and the digest."""

    def results(self, number: int, viewer: str | None = None) -> PollResults:
        """The results as `viewer` may see them (None: as anyone may, e.g. on the channel message).

        Results hidden until close stay hidden to everyone, coordinators included, until it closes.
        """
        with self.db.session() as session:
            return self._results(session, self._poll(session, number), viewer, depth=0)

    def all_results(self) -> list[PollResults]:
        """Every poll's results as anyone may see them (for the digest and the export)."""
        with self.db.session() as session:
            return [self._results(session, poll, None, depth=0) for poll in PollRepository(session).all()]

    def active_results(self, since: datetime) -> list[PollResults]:
        """The results of the polls open now or closed since `since`: what a digest reports."""
        with self.db.session() as session:
            polls = PollRepository(session).active_since(since)
            return [self._results(session, poll, None, depth=0) for poll in polls]

    def rankings(self, poll_id: int) -> list[dict[int, int]]:
        """Every current ranking of a ranking poll (option index -> rank), one per ballot."""
        with self.db.session() as session:
            ballots = PollRepository(session).ballots(poll_id)
            return [dict(Answer.from_json(b.answer).ratings) for b in ballots]
