from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from storage.models import Lifecycle, Poll, PollAudience, PollBallot, PollDelivery, PollKey, PollRespondent
from storage.repositories.claims import free_to_refresh, won


class PollRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- polls ---------------------------------------------------------------------------------------

    def next_number(self) -> int:
        highest = self.session.scalar(select(func.max(Poll.number)))
        return (highest or 0) + 1

    def add(self, poll: Poll) -> Poll:
        self.session.add(poll)
        self.session.flush()
        return poll

    def get(self, poll_id: int) -> Poll | None:
        return self.session.get(Poll, poll_id)

    def by_number(self, number: int) -> Poll | None:
        return self.session.scalar(select(Poll).where(Poll.number == number))

    def by_submission_key(self, key: str) -> Poll | None:
        return self.session.scalar(select(Poll).where(Poll.submission_key == key))

    def by_message(self, channel_id: str, message_ts: str) -> Poll | None:
        return self.session.scalar(
            select(Poll).where(Poll.channel_id == channel_id, Poll.message_ts == message_ts)
        )

    def next_round_of(self, poll_id: int) -> Poll | None:
        return self.session.scalar(select(Poll).where(Poll.previous_id == poll_id))

    def all(self) -> Sequence[Poll]:
        return self.session.scalars(select(Poll).order_by(Poll.number)).all()

    def active_since(self, since: datetime) -> Sequence[Poll]:
        """The polls open now or closed since `since`, in reference order."""
        active = (Poll.status == Lifecycle.OPEN) | (Poll.closed_at >= since)
        return self.session.scalars(select(Poll).where(active).order_by(Poll.number)).all()

    def delete(self, poll: Poll) -> None:
        self.session.delete(poll)
        self.session.flush()

    def lock_open(self, poll_id: int) -> bool:
        """Locks the poll's row for this transaction if it is open; False when it is closed.

        The answer and the close both write this row, so they are serialised: an answer either
        commits before the close or finds the poll closed.
        """
        result = self.session.execute(
            update(Poll)
            .where(Poll.id == poll_id, Poll.status == Lifecycle.OPEN)
            .values(revision=Poll.revision + 1)
            .execution_options(synchronize_session=False)
        )
        return won(result)

    def close(self, poll_id: int, now: datetime) -> bool:
        """True only for the one transaction (of any process) that closed the poll."""
        result = self.session.execute(
            update(Poll)
            .where(Poll.id == poll_id, Poll.status == Lifecycle.OPEN)
            .values(status=Lifecycle.CLOSED, closed_at=now, revision=Poll.revision + 1)
            .execution_options(synchronize_session=False)
        )
        return won(result)

    def due_for_close(self, now: datetime) -> list[int]:
        query = select(Poll.id).where(
            Poll.status == Lifecycle.OPEN, Poll.deadline.is_not(None), Poll.deadline <= now
        )
        return list(self.session.scalars(query.order_by(Poll.deadline)))

    def due_for_reminder(self, now: datetime) -> list[int]:
        query = select(Poll.id).where(
            Poll.status == Lifecycle.OPEN,
            Poll.remind_at.is_not(None),
            Poll.remind_at <= now,
            Poll.reminder_sent_at.is_(None),
            Poll.message_ts.is_not(None),
        )
        return list(self.session.scalars(query.order_by(Poll.remind_at)))

    def claim_reminder(self, poll_id: int, now: datetime) -> bool:
        result = self.session.execute(
            update(Poll)
            .where(Poll.id == poll_id, Poll.status == Lifecycle.OPEN, Poll.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)
            .execution_options(synchronize_session=False)
        )
        return won(result)

    def release_reminder(self, poll_id: int) -> None:
        """The reminder is due again: the next sweep sends it to whom it has not reached."""
        self.session.execute(
            update(Poll)
            .where(Poll.id == poll_id, Poll.status == Lifecycle.OPEN)
            .values(reminder_sent_at=None)
            .execution_options(synchronize_session=False)
        )

    def claim_refresh(self, poll_id: int, now: datetime, interval: timedelta) -> bool:
        """The right to update the poll's message now, unless any process did so within `interval`."""
        result = self.session.execute(
            update(Poll)
            .where(Poll.id == poll_id, free_to_refresh(Poll.refreshed_at, now, interval))
            .values(refreshed_at=now)
            .execution_options(synchronize_session=False)
        )
        return won(result)

    def mark_refreshed(self, poll_id: int, now: datetime) -> None:
        self.session.execute(
            update(Poll)
            .where(Poll.id == poll_id)
            .values(refreshed_at=now)
            .execution_options(synchronize_session=False)
        )

    def refreshed_at(self, poll_id: int) -> datetime | None:
        return self.session.scalar(select(Poll.refreshed_at).where(Poll.id == poll_id))

    # -- keys, audience, respondents -----------------------------------------------------------------

    def key(self, poll_id: int) -> bytes | None:
        return self.session.scalar(select(PollKey.key).where(PollKey.poll_id == poll_id))

    def add_key(self, poll_id: int, key: bytes) -> None:
        self.session.add(PollKey(poll_id=poll_id, key=key))

    def destroy_key(self, poll_id: int) -> None:
        self.session.execute(delete(PollKey).where(PollKey.poll_id == poll_id))

    def audience(self, poll_id: int) -> set[str]:
        return set(
            self.session.scalars(select(PollAudience.slack_user_id).where(PollAudience.poll_id == poll_id))
        )

    def audience_among(self, poll_id: int, user_ids: Sequence[str]) -> set[str]:
        query = select(PollAudience.slack_user_id).where(
            PollAudience.poll_id == poll_id, PollAudience.slack_user_id.in_(user_ids)
        )
        return set(self.session.scalars(query))

    def set_audience(self, poll_id: int, user_ids: Sequence[str]) -> None:
        self.session.add_all(PollAudience(poll_id=poll_id, slack_user_id=u) for u in sorted(set(user_ids)))

    def respondents(self, poll_id: int) -> list[str]:
        query = select(PollRespondent.slack_user_id).where(PollRespondent.poll_id == poll_id)
        return sorted(self.session.scalars(query))

    def has_answered(self, poll_id: int, user_id: str) -> bool:
        query = select(PollRespondent.id).where(
            PollRespondent.poll_id == poll_id, PollRespondent.slack_user_id == user_id
        )
        return self.session.scalar(query) is not None

    def answered_among(self, poll_id: int, user_ids: Sequence[str]) -> set[str]:
        query = select(PollRespondent.slack_user_id).where(
            PollRespondent.poll_id == poll_id, PollRespondent.slack_user_id.in_(user_ids)
        )
        return set(self.session.scalars(query))

    def add_respondent(self, poll_id: int, user_id: str) -> None:
        self.session.add(PollRespondent(poll_id=poll_id, slack_user_id=user_id))

    def remove_respondent(self, poll_id: int, user_id: str) -> None:
        self.session.execute(
            delete(PollRespondent).where(
                PollRespondent.poll_id == poll_id, PollRespondent.slack_user_id == user_id
            )
        )

    # -- ballots and deliveries ----------------------------------------------------------------------

    def ballot(self, poll_id: int, voter_key: str) -> PollBallot | None:
        return self.session.scalar(
            select(PollBallot).where(PollBallot.poll_id == poll_id, PollBallot.voter_key == voter_key)
        )

    def ballots_for(self, poll_id: int, voter_keys: Sequence[str]) -> dict[str, PollBallot]:
        query = select(PollBallot).where(PollBallot.poll_id == poll_id, PollBallot.voter_key.in_(voter_keys))
        return {ballot.voter_key: ballot for ballot in self.session.scalars(query)}

    def ballots(self, poll_id: int) -> Sequence[PollBallot]:
        return self.session.scalars(select(PollBallot).where(PollBallot.poll_id == poll_id)).all()

    def answers(self, poll_id: int) -> list[tuple[str, dict[str, Any]]]:
        """(voter key, answer) of each ballot: plain rows, quicker to read than ballots."""
        query = select(PollBallot.voter_key, PollBallot.answer).where(PollBallot.poll_id == poll_id)
        return [(key, answer) for key, answer in self.session.execute(query)]

    def add_ballot(self, ballot: PollBallot) -> None:
        self.session.add(ballot)

    def delete_ballot(self, ballot: PollBallot) -> None:
        self.session.delete(ballot)

    def seen_deliveries(self, delivery_keys: Sequence[str]) -> set[str]:
        query = select(PollDelivery.delivery_key).where(PollDelivery.delivery_key.in_(delivery_keys))
        return set(self.session.scalars(query))

    def seen_delivery(self, delivery_key: str) -> bool:
        query = select(PollDelivery.id).where(PollDelivery.delivery_key == delivery_key)
        return self.session.scalar(query) is not None

    def add_delivery(self, poll_id: int, delivery_key: str) -> None:
        self.session.add(PollDelivery(poll_id=poll_id, delivery_key=delivery_key))

    def forget_deliveries(self, poll_id: int) -> None:
        self.session.execute(delete(PollDelivery).where(PollDelivery.poll_id == poll_id))

    def reshuffle_ballots(self, poll_id: int) -> None:
        """Writes the ballots again in a random order with fresh ids, so that neither their ids nor
        their order can be matched against the order in which people answered."""
        old = list(self.ballots(poll_id))
        answers = [dict(ballot.answer) for ballot in old]
        secrets.SystemRandom().shuffle(answers)
        # The copies are written before the originals go, so their ids are new on every backend.
        for answer in answers:
            # The voter keys are meaningless without the destroyed key; fresh random ones keep the
            # one-answer-per-voter constraint without keeping anything that could be matched.
            self.session.add(PollBallot(poll_id=poll_id, voter_key=secrets.token_hex(32), answer=answer))
        self.session.flush()
        self.session.execute(delete(PollBallot).where(PollBallot.id.in_([ballot.id for ballot in old])))
