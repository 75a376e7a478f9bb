"""APScheduler in the bot's process: periodic sweeps and cron jobs.

Exactly-once across processes is not the scheduler's job: every job claims its work in the
database (a conditional UPDATE or a unique key), so any number of `consult-bot run` processes
may run the same jobs against one PostgreSQL database, and a job that fires twice does nothing
the second time. Sweeps also catch up on deadlines that passed while no process was running.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger("consult_bot.scheduler")

# What a job returns (a report, say) is for its callers in tests and the demo; the scheduler ignores it.
Job = Callable[[], object]


class BotScheduler:
    def __init__(self, timezone: ZoneInfo) -> None:
        self.timezone = timezone
        self._scheduler = BackgroundScheduler(
            timezone=timezone, job_defaults={"coalesce": True, "max_instances": 1}
        )

    def every(self, seconds: float, name: str, job: Job, *, start_now: bool = True) -> None:
        """A sweep; the first run is immediate so that work missed while down is done at start."""
        first = datetime.now(self.timezone) + timedelta(seconds=0 if start_now else seconds)
        self._scheduler.add_job(
            _guarded(name, job),
            IntervalTrigger(seconds=seconds),
            id=name,
            name=name,
            next_run_time=first,
            replace_existing=True,
            misfire_grace_time=None,
        )

    def cron(self, expression: str, name: str, job: Job) -> None:
        trigger = CronTrigger.from_crontab(expression, timezone=self.timezone)
        self._scheduler.add_job(
            _guarded(name, job), trigger, id=name, name=name, replace_existing=True, misfire_grace_time=3600
        )

    def once(self, name: str, job: Job) -> None:
        """A job that runs once, right after start (catching up on what was missed while down)."""
        self._scheduler.add_job(
            _guarded(name, job), id=name, name=name, replace_existing=True, misfire_grace_time=None
        )

    def job_names(self) -> list[str]:
        return sorted(job.id for job in self._scheduler.get_jobs())

    def start(self) -> None:
        self._scheduler.start()
        log.info("scheduler started with jobs: %s", ", ".join(self.job_names()) or "none")

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)


def _guarded(name: str, job: Job) -> Callable[[], None]:
    """A failing run is logged and retried at the next tick instead of killing the job."""

    def run() -> None:
        try:
            job()
        except Exception:
            log.exception("scheduled job %s failed; it runs again at its next time", name)

    run.__name__ = name
    return run
