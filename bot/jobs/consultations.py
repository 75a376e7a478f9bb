"""Consultation deadlines, reminders, and reading open threads back from Slack.

Each deadline closes its consultation once and each reminder goes out once, whatever the number
of processes: the service claims them with conditional UPDATEs. The functions take `now` so that
tests and the demo decide the time instead of sleeping.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.consultations.views import ConsultationView
from bot.scheduler import BotScheduler
from bot.services import Services
from bot.services.consultations.comments import ReconcileReport
from bot.services.ports import DeliveryFailed

log = logging.getLogger("consult_bot.jobs.consultations")
SWEEP_SECONDS = 60


@dataclass
class SweepReport:
    closed: list[ConsultationView] = field(default_factory=list)
    reminded: int = 0


def register(scheduler: BotScheduler, services: Services) -> None:
    scheduler.every(SWEEP_SECONDS, "consultation_deadlines", lambda: sweep(services))
    # The first run is at start: replies posted while no process was running are picked up then.
    scheduler.every(
        services.settings.consult_reconcile_minutes * 60,
        "consultation_reconcile",
        lambda: reconcile_open(services),
    )


def sweep(services: Services, now: datetime | None = None) -> SweepReport:
    """Closes what is past its deadline and reminds organisations without a position."""
    report = SweepReport()
    outbound = services.outbound
    for view in services.consultations.close_due(now):
        report.closed.append(view)
        services.home.out_of_date()  # it leaves everyone's Home
        try:
            outbound.consultation_closed(view, services.consultations.coordinators())
        except DeliveryFailed as failure:
            # It is closed (and stays so); one thread Slack refuses must not hold up the others.
            log.warning("could not announce the close of %s: %s", view.ref, failure)
    for reminder in services.consultations.claim_reminders(now):
        if not reminder.recipients:
            continue
        reach = outbound.remind_consultation(reminder.consultation, reminder.recipients)
        services.consultations.reminded(reminder, reach, now)
        report.reminded += len(reach.reached)
        if reach.retry_later:
            log.warning(
                "the reminder about %s did not reach %d person(s) for now; the next sweep tries again",
                reminder.consultation.ref,
                len(reach.retry_later),
            )
    return report


def reconcile_open(services: Services, now: datetime | None = None) -> list[ReconcileReport]:
    """Brings every open consultation's comments in line with its thread (also before a digest)."""
    outbound = services.outbound
    bot_user = outbound.bot_user_id()
    reports = []
    for consultation_id in services.consultations.open_ids():
        try:
            reports.append(services.consultations.reconcile(consultation_id, outbound.thread, bot_user, now))
        except DeliveryFailed as failure:
            # One unreadable thread (bot removed from the channel...) must not stop the others.
            log.warning("could not read consultation %s: %s", consultation_id, failure)
    changed = [r for r in reports if r.changed]
    if changed:
        log.info("reconciled %s", ", ".join(f"{r.ref} +{r.added} ~{r.edited} -{r.deleted}" for r in changed))
    return reports
