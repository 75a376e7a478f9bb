"""The one clock of the services, jobs and handlers: timezone-aware UTC.

Services take `now` so that tests and scheduled sweeps decide the time; without it, it is this clock's.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def now_or_utcnow(now: datetime | None) -> datetime:
    """`now` when a test or a scheduled sweep decides the time; the current time otherwise."""
    return now or utcnow()
