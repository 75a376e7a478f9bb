"""Poll kinds, visibility, audience, status and verdicts; the limits Slack sets on a poll."""

from __future__ import annotations

import re
from enum import StrEnum

from bot.domain.lifecycle import Lifecycle

# Slack's limits decide ours: an option is a button or menu option (75 characters); a message has
# at most 25 buttons in an actions block, a menu at most 100 options.
OPTION_MAX = 75
QUESTION_MAX = 500
REASON_MAX = 1000
BUTTON_OPTIONS_MAX = 25
SELECT_OPTIONS_MAX = 100
# Answered in a modal (100 blocks): each statement or option takes up to four blocks there.
SCALE_STATEMENTS_MAX = 20
PRIORITY_OPTIONS_MAX = 20
VALIDITY_ITEMS_MAX = 30
POINTS_BUDGET_DEFAULT = 100
POINTS_BUDGET_MAX = 1000
# The key of a reason that belongs to the whole answer rather than to one statement.
WHOLE = -1
SCALE_LABELS = ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree")
_POLL_REF = re.compile(r"^\s*[Pp]\s*-?\s*(\d{1,9})\s*$")


class PollKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"
    POINTS = "points"
    RANKING = "ranking"
    VALIDITY = "validity"

    @property
    def label(self) -> str:
        return {
            "single": "Single choice",
            "multiple": "Multiple choice",
            "scale": "Agreement scale",
            "points": "Prioritisation (points)",
            "ranking": "Prioritisation (ranking)",
            "validity": "Validity review",
        }[self.value]

    @property
    def item_word(self) -> str:
        """What one line of the poll is called: an option, a statement, a recommendation."""
        return {"scale": "statement", "validity": "recommendation"}.get(self.value, "option")

    @property
    def by_buttons(self) -> bool:
        """Choices are clicked on the message; the other kinds are answered in a modal."""
        return self in (PollKind.SINGLE, PollKind.MULTIPLE)

    @property
    def supports_rounds(self) -> bool:
        """Delphi rounds re-run an agreement scale or a prioritisation."""
        return self in (PollKind.SCALE, PollKind.POINTS, PollKind.RANKING)

    @property
    def items_max(self) -> int:
        return {
            "single": SELECT_OPTIONS_MAX,
            "multiple": SELECT_OPTIONS_MAX,
            "scale": SCALE_STATEMENTS_MAX,
            "points": PRIORITY_OPTIONS_MAX,
            "ranking": PRIORITY_OPTIONS_MAX,
            "validity": VALIDITY_ITEMS_MAX,
        }[self.value]


class Visibility(StrEnum):
    LIVE = "live"
    AFTER_VOTE = "after_vote"
    AFTER_CLOSE = "after_close"

    @property
    def label(self) -> str:
        return {
            "live": "results live",
            "after_vote": "results shown once you have answered",
            "after_close": "results hidden until the poll closes",
        }[self.value]


class Audience(StrEnum):
    CHANNEL = "channel"
    ALL = "all"


# A poll's status: open or closed, as a consultation's.
PollStatus = Lifecycle


class Verdict(StrEnum):
    STILL_VALID = "still_valid"
    IMPLEMENTING = "being_implemented"
    NEEDS_REVISION = "needs_revision"
    OBSOLETE = "obsolete"

    @property
    def label(self) -> str:
        return {
            "still_valid": "Still valid",
            "being_implemented": "Valid and being implemented",
            "needs_revision": "Needs revision",
            "obsolete": "Obsolete",
        }[self.value]


VERDICTS = tuple(Verdict)


def format_poll_ref(number: int) -> str:
    return f"P{number}"


def parse_poll_ref(text: str) -> int | None:
    """`P3`, `p3`, `P-3` and `P 3` all mean poll 3."""
    match = _POLL_REF.match(text)
    return int(match.group(1)) if match else None


def item_field(index: int) -> str:
    """The answer modal's block id (and error key) of one statement, option or recommendation."""
    return f"item-{index}"


def reason_field(index: int) -> str:
    return "reason" if index == WHOLE else f"reason-{index}"


CHOICE_FIELD = "choice"
