"""Poll deadlines and reminders: sweeps that any number of processes may run at once.

Each poll is closed by exactly one conditional UPDATE (status open -> closed) and each reminder is
claimed by one (reminder_sent_at unset -> now), so a sweep that runs twice, or in two processes,
closes and reminds once. The first sweep runs at start: deadlines passed while down are honoured.
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient

from bot.scheduler import BotScheduler
from bot.services import Services
from handlers.poll_support import bind_publisher, send_reminders

log = logging.getLogger("consult_bot.jobs.polls")
CLOSE_JOB = "polls.close_due"
REMIND_JOB = "polls.reminders"


def register(scheduler: BotScheduler, services: Services, client: WebClient) -> None:
    if not services.polls.updates.bound:
        bind_publisher(client, services)
    every = services.settings.poll_sweep_seconds

    def close_job() -> None:
        close_due_polls(services, client)

    def remind_job() -> None:
        send_due_reminders(services, client)

    scheduler.every(every, CLOSE_JOB, close_job)
    scheduler.every(every, REMIND_JOB, remind_job)


def close_due_polls(services: Services, client: WebClient, now: datetime | None = None) -> list[int]:
    """Closes the polls past their deadline; their messages get the final results (coalesced)."""
    if not services.polls.updates.bound:
        bind_publisher(client, services)
    closed = services.polls.close_due(now)
    if closed:
        log.info("closed %d poll(s) at their deadline", len(closed))
    return closed


def send_due_reminders(services: Services, client: WebClient, now: datetime | None = None) -> int:
    """Sends the due reminders to the partners who have not answered; returns how many went out."""
    sent = 0
    for reminder in services.polls.due_reminders(now):
        sent += len(send_reminders(client, reminder))
        log.info("reminded %d partner(s) about %s", len(reminder.user_ids), reminder.poll.ref)
    return sent
