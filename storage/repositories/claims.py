"""Claims: conditional UPDATEs that exactly one process (or request) wins."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from sqlalchemy import CursorResult

#: A "last updated" mark this far ahead of now means the clock was set back, not a reason to wait
#: (a little ahead is another process's mark, made while this one waited for the database).
CLOCK_SET_BACK: Final = timedelta(minutes=1)


def won(result: Any) -> bool:
    """Whether the claiming UPDATE changed its one row."""
    assert isinstance(result, CursorResult)
    return bool(result.rowcount == 1)
