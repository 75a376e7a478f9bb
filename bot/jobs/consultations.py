"""Consultation deadlines, reminders, and reading open threads back from Slack.

Each deadline closes its consultation once and each reminder goes out once, whatever the number
of processes: the service claims them with conditional UPDATEs. The functions take `now` so that
tests and the demo decide the time instead of sleeping.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.consultations.views import ConsultationView
from bot.scheduler import BotScheduler
from bot.services import Services
from bot.services.consultations.comments import ReconcileReport, ThreadFetcher, ThreadNotFound
from handlers.blocks.consultations import reminder_message
from handlers.consultation_flow import announce_closed, send_dm

log = logging.getLogger("consult_bot.jobs.consultations")
SWEEP_SECONDS = 60


@dataclass
class SweepReport:
    closed: list[ConsultationView] = field(default_factory=list)
    reminded: int = 0


def register(scheduler: BotScheduler, services: Services, client: WebClient) -> None:
    def deadlines() -> None:
        sweep(services, client)

    def threads() -> None:
        reconcile_open(services, client)

    scheduler.every(SWEEP_SECONDS, "consultation_deadlines", deadlines)
    # The first run is at start: replies posted while no process was running are picked up then.
    scheduler.every(services.settings.consult_reconcile_minutes * 60, "consultation_reconcile", threads)


def sweep(services: Services, client: WebClient, now: datetime | None = None) -> SweepReport:
    """Closes what is past its deadline and reminds organisations without a position."""
    report = SweepReport()
    for view in services.consultations.close_due(now):
        report.closed.append(view)
        try:
            announce_closed(client, services, view)
        except SlackApiError as exc:
            # It is closed (and stays so); one thread Slack refuses must not hold up the others.
            log.warning("could not announce the close of %s: %s", view.ref, exc.response.get("error"))
    for reminder in services.consultations.claim_reminders(now):
        for user, organisation in reminder.recipients:
            text, blocks = reminder_message(reminder.consultation, organisation)
            report.reminded += send_dm(client, user, text, blocks)
    return report


def thread_fetcher(client: WebClient) -> ThreadFetcher:
    """conversations.replies, every page (cursor), as plain message dicts."""

    def fetch(channel: str, ts: str) -> Sequence[Mapping[str, Any]]:
        messages: list[Mapping[str, Any]] = []
        cursor: str | None = None
        while True:
            try:
                page = client.conversations_replies(channel=channel, ts=ts, cursor=cursor, limit=200)
            except SlackApiError as exc:
                if exc.response.get("error") == "thread_not_found":
                    raise ThreadNotFound(f"{channel}/{ts}") from exc
                raise
            messages.extend(page.get("messages") or [])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return messages

    return fetch


def reconcile_open(
    services: Services, client: WebClient, now: datetime | None = None
) -> list[ReconcileReport]:
    """Brings every open consultation's comments in line with its thread (also before a digest)."""
    fetch = thread_fetcher(client)
    bot_user = _bot_user_id(client)
    reports = []
    for consultation_id in services.consultations.open_ids():
        try:
            reports.append(services.consultations.reconcile(consultation_id, fetch, bot_user, now))
        except SlackApiError as exc:
            # One unreadable thread (bot removed from the channel...) must not stop the others.
            log.warning("could not read consultation %s: %s", consultation_id, exc.response.get("error"))
    changed = [r for r in reports if r.changed]
    if changed:
        log.info("reconciled %s", ", ".join(f"{r.ref} +{r.added} ~{r.edited} -{r.deleted}" for r in changed))
    return reports


def _bot_user_id(client: WebClient) -> str | None:
    return str(client.auth_test().get("user_id") or "") or None
