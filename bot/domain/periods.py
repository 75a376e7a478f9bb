"""Digest periods: the intervals between two fire times of DIGEST_CRON, in CONSULT_TIMEZONE."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

# Far enough back to find the previous fire of any cron that fires at least once a quarter.
_LOOKBACK = timedelta(days=100)


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        """Unique per period: a second build or a second fire finds the same key."""
        return self.start.isoformat(timespec="minutes")


def _fires(cron: str, zone: ZoneInfo, after: datetime, until: datetime) -> list[datetime]:
    trigger = CronTrigger.from_crontab(cron, timezone=zone)
    fires: list[datetime] = []
    previous: datetime | None = None
    current = trigger.get_next_fire_time(None, after)
    while current is not None and current <= until:
        fires.append(current)
        previous = current
        current = trigger.get_next_fire_time(previous, previous + timedelta(seconds=1))
    return fires


def current_period(cron: str, zone: ZoneInfo, now: datetime) -> Period:
    """The period that contains `now`: from the last fire at or before it to the next fire."""
    local = now.astimezone(zone)
    past = _fires(cron, zone, local - _LOOKBACK, local)
    trigger = CronTrigger.from_crontab(cron, timezone=zone)
    upcoming = trigger.get_next_fire_time(None, local + timedelta(seconds=1))
    if not past or upcoming is None:
        raise ValueError(f"the cron {cron!r} does not fire at least once every {_LOOKBACK.days} days")
    return Period(past[-1], upcoming)


def ended_period(cron: str, zone: ZoneInfo, now: datetime) -> Period:
    """The period that the latest fire at or before `now` closed (what the weekly job delivers)."""
    local = now.astimezone(zone)
    past = _fires(cron, zone, local - _LOOKBACK, local)
    if len(past) < 2:
        raise ValueError(f"the cron {cron!r} does not fire at least once every {_LOOKBACK.days // 2} days")
    return Period(past[-2], past[-1])
