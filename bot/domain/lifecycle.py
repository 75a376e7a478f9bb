"""What polls and consultations share: whether they still take answers."""

from __future__ import annotations

from enum import StrEnum


class Lifecycle(StrEnum):
    """Whether a poll or a consultation still takes answers (stored as storage's `Lifecycle`)."""

    OPEN = "open"
    CLOSED = "closed"
