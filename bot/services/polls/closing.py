"""Closing polls exactly once, reminders, and the coalesced refresh of a poll's message."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.clock import now_or_utcnow
from bot.domain.errors import DomainError
from bot.domain.polls.drafts import PollView
from bot.domain.polls.kinds import PollStatus, format_poll_ref
from bot.domain.polls.tallies import PollResults
from bot.services.audit import record
from bot.services.polls.base import PollServiceBase, UnknownPoll
from storage.repositories.polls import PollRepository
from storage.repositories.reminders import ReminderRepository

log = logging.getLogger("consult_bot.polls")


@dataclass(frozen=True)
class Reminder:
    poll: PollView
    user_ids: tuple[str, ...]


def reminder_subject(poll_id: int) -> str:
    return f"poll:{poll_id}"


@dataclass(frozen=True)
class RefreshClaim:
    """The go-ahead to update a poll's message with `results`, or when to try again."""

    results: PollResults | None = None
    retry_in: float | None = None


class PollClosing(PollServiceBase):
    """Closes, reminds, and claims message refreshes at most once per interval."""

    def close(self, poll_id: int, user: str, now: datetime | None = None) -> PollView:
        """`Close poll` by its creator or a coordinator; closing a closed poll changes nothing."""
        with self.db.session() as session:
            poll = PollRepository(session).get(poll_id)
            if poll is None:
                raise UnknownPoll()
            self._require_manager(session, poll, user, "close")
        self._close(poll_id, now_or_utcnow(now), closed_by=user)
        return self.get(poll.number)

    def close_due(self, now: datetime | None = None) -> list[int]:
        """Closes every poll past its deadline; returns those this process closed (each poll once)."""
        now = now_or_utcnow(now)
        with self.db.session() as session:
            due = PollRepository(session).due_for_close(now)
        return [poll_id for poll_id in due if self._close(poll_id, now)]

    def _close(self, poll_id: int, now: datetime, *, closed_by: str | None = None) -> bool:
        with self.db.session() as session:
            repo = PollRepository(session)
            if not repo.close(poll_id, now):
                return False
            poll = repo.get(poll_id)
            assert poll is not None
            if closed_by is not None:
                record(session, closed_by, "close poll", format_poll_ref(poll.number), now=now)
            repo.forget_deliveries(poll_id)
            if poll.anonymous:
                # Sealed: without the key no voter hash can be recomputed, and the reshuffle leaves no
                # order to match against the respondents.
                repo.destroy_key(poll_id)
                repo.reshuffle_ballots(poll_id)
        self.updates.request(poll_id, final=True)
        for listener in self.closed_listeners:
            try:
                listener(poll_id)
            except Exception:
                # The poll is closed whatever a listener does; its own retry (or the export) catches up.
                log.exception("a listener of the close of poll %s failed", poll_id)
        return True

    def due_reminders(self, now: datetime | None = None) -> list[Reminder]:
        """Reminders that are due, each claimed so that only one process sends it."""
        now = now_or_utcnow(now)
        with self.db.session() as session:
            due = PollRepository(session).due_for_reminder(now)
        reminders = []
        for poll_id in due:
            with self.db.session() as session:
                repo = PollRepository(session)
                if not repo.claim_reminder(poll_id, now):
                    continue
                poll = repo.get(poll_id)
                assert poll is not None
                _, missing = self._coverage(session, poll)
                users = [p.slack_user_id for p in missing]
                # A sweep sending it again (Slack refused some for now) skips whom it reached.
                reached = ReminderRepository(session).reached(reminder_subject(poll_id), users)
                remaining = tuple(user for user in users if user not in reached)
                reminders.append(Reminder(self._view(session, poll), remaining))
        return reminders

    def remind_now(self, poll_id: int, user: str, *, delivery: str) -> Reminder | None:
        """`Remind non-respondents`: who to remind, for the creator or a coordinator; None when this
        click was already handled (a retried delivery must not send the reminders twice)."""
        with self.db.session() as session:
            repo = PollRepository(session)
            poll = repo.get(poll_id)
            if poll is None:
                raise UnknownPoll()
            self._require_manager(session, poll, user, "send reminders for")
            if poll.status != PollStatus.OPEN:
                raise DomainError(
                    f"{format_poll_ref(poll.number)} is closed; there is nobody left to remind."
                )
            delivery_key = hashlib.sha256(f"remind\n{user}\n{delivery}".encode()).hexdigest()
            if repo.seen_delivery(delivery_key):
                return None
            repo.add_delivery(poll_id, delivery_key)
            _, missing = self._coverage(session, poll)
            record(session, user, "remind poll", format_poll_ref(poll.number), f"{len(missing)} reminded")
            return Reminder(self._view(session, poll), tuple(p.slack_user_id for p in missing))

    def claim_refresh(self, poll_id: int, *, final: bool, now: datetime | None = None) -> RefreshClaim:
        """Whether this process may update the poll's message now (any process: once per interval)."""
        now = now_or_utcnow(now)
        interval = timedelta(seconds=self.refresh_interval)
        with self.db.session() as session:
            repo = PollRepository(session)
            poll = repo.get(poll_id)
            if poll is None or poll.message_ts is None:
                return RefreshClaim()
            # Once closed, only the process that closed it posts the (final) results.
            if poll.status == PollStatus.CLOSED and not final:
                return RefreshClaim()
            if not repo.claim_refresh(poll_id, now, interval):
                last = repo.refreshed_at(poll_id) or now
                return RefreshClaim(retry_in=max((last + interval - now).total_seconds(), 0.05))
            return RefreshClaim(results=self._results(session, poll, None, depth=0))

    def publish_message(self, poll_id: int, final: bool) -> float | None:
        """Brings the poll's message up to date now; or in how many seconds another process lets us."""
        claim = self.claim_refresh(poll_id, final=final)
        if claim.results is None:
            return claim.retry_in
        self.notices.poll_changed(claim.results)
        self.refreshed(poll_id)
        for listener in self.changed_listeners:
            try:
                listener(claim.results)
            except Exception:
                log.exception("a listener of the change of poll %s failed", poll_id)
        return None

    def send_reminder(self, reminder: Reminder) -> list[str]:
        """Sends the reminder a coordinator asked for to everyone it names; returns whom it reached."""
        return list(self.notices.remind_poll(reminder.poll, reminder.user_ids).reached)

    def send_due_reminder(self, reminder: Reminder, now: datetime | None = None) -> list[str]:
        """Sends a reminder claimed by `due_reminders`; returns whom it reached. Those Slack refused
        for now get it from a later sweep: the claim is released, and whom it reached is recorded."""
        if not reminder.user_ids:
            return []
        reach = self.notices.remind_poll(reminder.poll, reminder.user_ids)
        with self.db.session() as session:
            ReminderRepository(session).record_reached(
                reminder_subject(reminder.poll.id), reach.reached, now_or_utcnow(now)
            )
            if reach.retry_later:
                PollRepository(session).release_reminder(reminder.poll.id)
        if reach.retry_later:
            log.warning(
                "the reminder about %s did not reach %d partner(s) for now; the next sweep tries again",
                reminder.poll.ref,
                len(reach.retry_later),
            )
        return list(reach.reached)

    def refreshed(self, poll_id: int, now: datetime | None = None) -> None:
        """The message was updated: the next update of any process waits a full interval from now."""
        with self.db.session() as session:
            PollRepository(session).mark_refreshed(poll_id, now_or_utcnow(now))
