"""Claims: conditional UPDATEs that exactly one process (or request) wins."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import ColumnElement, CursorResult, or_
from sqlalchemy.orm import InstrumentedAttribute

#: A "last updated" mark this far ahead of now means the clock was set back, not a reason to wait
#: (a little ahead is another process's mark, made while this one waited for the database).
CLOCK_SET_BACK: Final = timedelta(minutes=1)


def free_to_refresh(
    last_refreshed: InstrumentedAttribute[datetime | None], now: datetime, interval: timedelta
) -> ColumnElement[bool]:
    """No process updated the message within `interval` (or the mark is from a clock set back)."""
    return or_(
        last_refreshed.is_(None),
        last_refreshed <= now - interval,
        last_refreshed > now + CLOCK_SET_BACK,
    )


def won(result: Any) -> bool:
    """Whether the claiming UPDATE changed its one row."""
    assert isinstance(result, CursorResult)
    return bool(result.rowcount == 1)
