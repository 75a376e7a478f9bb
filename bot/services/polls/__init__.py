"""Polls, cut by use case: creating, answering, results, closing (with reminders and message refreshes)."""

from __future__ import annotations

from datetime import timedelta

from bot.services.partners import PartnerService
from bot.services.poll_updates import MessageRefresher
from bot.services.poll_votes import VoteWriter
from bot.services.polls.answering import PollAnswers
from bot.services.polls.closing import PollClosing
from bot.services.polls.confirmations import LiveResults
from bot.services.polls.creating import PollCreation
from bot.services.polls.results import PollResultReads
from bot.services.ports import PollNotices
from storage.db import Database


class PollService(PollCreation, PollAnswers, PollResultReads, PollClosing):
    """Every poll use case over one database; the composition root builds one."""

    def __init__(
        self,
        db: Database,
        partners: PartnerService,
        notices: PollNotices,
        *,
        reminder_lead: timedelta,
        refresh_interval: float = 1.0,
        retry_after_failure: float = 30.0,
    ) -> None:
        self.db = db
        self.partners = partners
        self.notices = notices
        self.reminder_lead = reminder_lead
        self.refresh_interval = refresh_interval
        self.updates = MessageRefresher[int](
            self.publish_message, refresh_interval, retry_after_failure=retry_after_failure
        )
        self.live_results = LiveResults(self.read_results)
        self.message_polls = {}
        self.votes = VoteWriter(self.store_all)
        self.closed_listeners = []
        self.changed_listeners = []


__all__ = ["PollService"]
