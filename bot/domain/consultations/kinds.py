"""Positions, rules, statuses and outcomes of a consultation, the limits on its texts, its errors."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from bot.domain.errors import DomainError
from bot.domain.lifecycle import Lifecycle
from bot.domain.recommendations import TEXT_MAX, Status

REASON_MAX = 1000
AMENDMENT_MAX = TEXT_MAX
AMENDMENT_NOTE_MAX = 1000
REVISION_NOTE_MAX = 1000
OUTCOME_MAX = 3000
SOURCE_MAX = 200
DEADLINE_MAX_DAYS = 365
# A consultation row whose root message was never posted (the process died in between) stops
# blocking a new `/consult` after this long.
PENDING_START_TIMEOUT = timedelta(minutes=2)


class Position(StrEnum):
    AGREE = "agree"
    AGREE_WITH_CHANGES = "agree_with_changes"
    ABSTAIN = "abstain"
    DISAGREE = "disagree"
    BLOCK = "block"

    @property
    def label(self) -> str:
        return _POSITION_LABELS[self]

    @property
    def needs_reason(self) -> bool:
        return self in (Position.DISAGREE, Position.BLOCK)


_POSITION_LABELS = {
    Position.AGREE: "Agree",
    Position.AGREE_WITH_CHANGES: "Agree with changes",
    Position.ABSTAIN: "Abstain",
    Position.DISAGREE: "Disagree",
    Position.BLOCK: "Block",
}


class PositionRule(StrEnum):
    """How an organisation's position is set by its members (CONSULT_POSITION_RULE)."""

    # The latest answer of any member counts.
    LATEST = "latest"
    # The first member who answers speaks for the organisation; only they (or a coordinator) change it.
    FIRST_MEMBER_LOCKS = "first_member_locks"


# A consultation's status: open or closed, as a poll's.
ConsultationStatus = Lifecycle


class Outcome(StrEnum):
    ENDORSED = "endorsed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"endorsed": "Endorsed", "withdrawn": "Withdrawn"}[self.value]

    @property
    def recommendation_status(self) -> Status:
        return Status.ENDORSED if self is Outcome.ENDORSED else Status.WITHDRAWN


# A consultation may start on a recommendation in any of these states.
CONSULTABLE = (Status.DRAFT, Status.IMPORTED, Status.REVISED, Status.ENDORSED, Status.IN_CONSULTATION)


class NotConsultable(DomainError):
    def __init__(self, ref: str, status: Status) -> None:
        super().__init__(
            f"{ref} is {status.value}, so it cannot go into consultation. "
            "Use `/recs` to find a recommendation that is still a draft or under revision."
        )


class AlreadyInConsultation(DomainError):
    def __init__(self, ref: str, permalink: str | None) -> None:
        where = (
            f"Discuss it in its thread: {permalink}" if permalink else "Its thread is being posted right now."
        )
        super().__init__(f"{ref} is already in consultation. {where}")
        self.permalink = permalink


class ConsultationClosed(DomainError):
    def __init__(self, ref: str) -> None:
        super().__init__(
            f"The consultation on {ref} is closed, so positions and suggestions can no longer change. "
            "Ask your coordinator if something is missing."
        )


class UnknownConsultation(DomainError):
    def __init__(self) -> None:
        super().__init__("This consultation no longer exists. Use `/recs` to find the recommendation.")
