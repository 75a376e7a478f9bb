"""Poll deadlines and reminders: sweeps that any number of processes may run at once.

Each poll is closed by exactly one conditional UPDATE (status open -> closed) and each reminder is
claimed by one (reminder_sent_at unset -> now), so a sweep that runs twice, or in two processes,
closes and reminds once. The first sweep runs at start: deadlines passed while down are honoured.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.scheduler import BotScheduler
from bot.services import Services

log = logging.getLogger("consult_bot.jobs.polls")
CLOSE_JOB = "polls.close_due"
REMIND_JOB = "polls.reminders"


def register(scheduler: BotScheduler, services: Services) -> None:
    every = services.settings.poll_sweep_seconds
    scheduler.every(every, CLOSE_JOB, lambda: close_due_polls(services))
    scheduler.every(every, REMIND_JOB, lambda: send_due_reminders(services))


def close_due_polls(services: Services, now: datetime | None = None) -> list[int]:
    """Closes the polls past their deadline; their messages get the final results (coalesced)."""
    closed = services.polls.close_due(now)
    if closed:
        log.info("closed %d poll(s) at their deadline", len(closed))
    return closed


def send_due_reminders(services: Services, now: datetime | None = None) -> int:
    """Sends the due reminders to the partners who have not answered; returns how many went out
    (a reminder Slack refused for now is sent by a later sweep, once)."""
    sent = 0
    for reminder in services.polls.due_reminders(now):
        reached = services.polls.send_due_reminder(reminder, now)
        sent += len(reached)
        log.info("reminded %d partner(s) about %s", len(reached), reminder.poll.ref)
    return sent
