"""The weekly digest by DIGEST_CRON in CONSULT_TIMEZONE, sent once per period whatever fires."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from slack_sdk import WebClient

from bot.delivery import DeliveryReport, deliver_digest
from bot.domain.periods import Period, ended_period
from bot.jobs.consultations import reconcile_open
from bot.scheduler import BotScheduler
from bot.services import Services

log = logging.getLogger("consult_bot.digest")


def register(scheduler: BotScheduler, services: Services, client: WebClient) -> None:
    settings = services.settings

    def weekly() -> None:
        send_period_digest(services, client, ended_period(settings.digest_cron, settings.timezone, _now()))

    def catch_up() -> None:
        """At start: a period whose digest was missed while no process ran is sent now."""
        if services.digest.last_delivered() is not None:
            weekly()

    scheduler.cron(settings.digest_cron, "weekly_digest", weekly)
    scheduler.once("digest_catch_up", catch_up)


def send_period_digest(services: Services, client: WebClient, period: Period) -> DeliveryReport:
    """Reconciles the consultation threads, builds the period's digest (once) and delivers it (once)."""
    reconcile_open(services, client)
    built = services.digest.build(period, _now())
    report = deliver_digest(services, client, built)
    log.info("digest %s: %s", period.key, report.describe())
    return report


def _now() -> datetime:
    return datetime.now(UTC)
