"""The weekly digest by DIGEST_CRON in CONSULT_TIMEZONE, sent once per period whatever fires.

A coordinator Slack could not reach keeps their claim released: the retry job sends them the
period's digest later (still once each), until everyone has it.
"""

from __future__ import annotations

import logging

from bot.domain.clock import utcnow
from bot.domain.periods import Period, ended_period
from bot.jobs.consultations import reconcile_open
from bot.metrics import DIGEST_RUNS
from bot.scheduler import BotScheduler
from bot.services import Services
from bot.services.digest_delivery import DeliveryReport

log = logging.getLogger("consult_bot.digest")
RETRY_JOB = "digest_retry"


def register(scheduler: BotScheduler, services: Services) -> None:
    settings = services.settings

    def weekly() -> None:
        send_period_digest(services, ended_period(settings.digest_cron, settings.timezone, utcnow()))

    def catch_up() -> None:
        """At start: a period whose digest was missed while no process ran is sent now."""
        if services.digest.last_delivered() is not None:
            weekly()

    scheduler.cron(settings.digest_cron, "weekly_digest", weekly)
    scheduler.once("digest_catch_up", catch_up)
    scheduler.every(settings.slack_retry_later_seconds, RETRY_JOB, lambda: retry_missing(services))


def send_period_digest(services: Services, period: Period) -> DeliveryReport:
    """Reconciles the consultation threads, builds the period's digest (once) and delivers it (once)."""
    reconcile_open(services)
    built = services.digest.build(period, utcnow())
    report = services.digest_delivery.deliver(built)
    DIGEST_RUNS.labels(outcome="incomplete" if report.failed else "delivered").inc()
    log.info("digest %s: %s", period.key, report.describe())
    return report


def retry_missing(services: Services) -> DeliveryReport | None:
    """Sends the latest stored digest to whoever it has not reached yet (each recipient's claim
    keeps that to once); None when there is no digest yet."""
    latest = services.digest.past(1)
    built = services.digest.stored(latest[0].digest_id) if latest else None
    if built is None:
        return None
    report = services.digest_delivery.deliver(built)
    if report.sent or report.failed:
        log.info("digest %s, sent again: %s", built.content.period_key, report.describe())
    return report
