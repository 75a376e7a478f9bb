"""DATA_RETENTION_DAYS: once a day (and at start), what closed longer ago is erased."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.scheduler import BotScheduler
from bot.services import Services
from bot.services.data_rights import RetentionReport

log = logging.getLogger("consult_bot.jobs.retention")
RETENTION_JOB = "data.retention"
DAY_SECONDS = 24 * 3600


def register(scheduler: BotScheduler, services: Services) -> None:
    if services.settings.data_retention_days is None:
        return

    def daily() -> None:
        apply_retention(services)

    scheduler.every(DAY_SECONDS, RETENTION_JOB, daily)


def apply_retention(services: Services, now: datetime | None = None) -> RetentionReport:
    report = services.data_rights.apply_retention(now)
    if report.changed:
        log.info("retention: erased %d comments, unlinked %d answers", report.comments, report.answers)
    return report
