"""Every action, block and callback id the bot uses, in one place."""

from __future__ import annotations

from enum import StrEnum


class Callback(StrEnum):
    PROPOSAL = "proposal_submit"


class Action(StrEnum):
    RECS_PAGE = "recs_page"
    RECS_DETAIL = "recs_detail"


class ProposalField(StrEnum):
    """Block ids of the proposal modal; also the field names of the validation errors."""

    TITLE = "title"
    TEXT = "text"
    RATIONALE = "rationale"
    THEMES = "themes"
    LEVEL = "level"


class ConsultCallback(StrEnum):
    """Modals of consultations."""

    PICK = "consultation_pick_submit"
    POSITION = "consultation_position_submit"
    AMENDMENT = "consultation_amendment_submit"
    REVISION = "consultation_revision_submit"
    ON_BEHALF = "consultation_on_behalf_submit"
    CLOSE = "consultation_close_submit"


class BridgingAction(StrEnum):
    """Common wording: `Find common wording` (value: consultation id), `Revise with critiques` (round id)."""

    FIND = "bridging_find"
    REVISE = "bridging_revise"


class ConsultAction(StrEnum):
    """Buttons of consultation messages (their value is the consultation id)."""

    SUGGEST = "consultation_suggest"
    REVISE = "consultation_revise"
    ON_BEHALF = "consultation_on_behalf"
    CLOSE = "consultation_close"
    CONFIRM = "consultation_confirm"


# One button per position: `consultation_position_agree`, `consultation_position_block`, ...
POSITION_ACTION_PREFIX = "consultation_position_"


def position_action(position: str) -> str:
    return POSITION_ACTION_PREFIX + position


class ConsultField(StrEnum):
    """Block ids of the consultation modals; also the field names of their validation errors."""

    RECOMMENDATION = "recommendation"
    DEADLINE = "deadline"
    REASON = "reason"
    WORDING = "wording"
    NOTE = "note"
    TITLE = "title"
    TEXT = "text"
    ADOPTED = "adopted"
    ORGANISATION = "organisation"
    POSITION = "position"
    SOURCE = "source"
    OUTCOME = "outcome"
    STATEMENT = "statement"


class PollCallback(StrEnum):
    CREATE = "poll_create"
    ANSWER = "poll_answer_submit"


class PollAction(StrEnum):
    """Elements of a poll message; option elements carry `<poll number>:<option index>`."""

    VOTE = "poll_vote"
    SELECT = "poll_select"
    MULTI_SELECT = "poll_multi_select"
    ANSWER = "poll_answer"
    MINE = "poll_mine"
    REMIND = "poll_remind"
    CLOSE = "poll_close"
    NEXT_ROUND = "poll_next_round"


class PollField(StrEnum):
    """Block ids of the poll creation modal; also the field names of its validation errors."""

    QUESTION = "question"
    KIND = "kind"
    OPTIONS = "options"
    MAX_CHOICES = "max_choices"
    POINTS_BUDGET = "points_budget"
    SETTINGS = "settings"
    VISIBILITY = "visibility"
    DEADLINE = "deadline"
    AUDIENCE = "audience"


class DigestAction(StrEnum):
    SHOW_PAST = "digest_show_past"


class PrivacyCallback(StrEnum):
    """The erasure's confirmation modal; its private_metadata is the person's Slack id."""

    ERASE = "privacy_erase_submit"


class HomeAction(StrEnum):
    """Controls of the App Home (answering uses the poll and consultation elements themselves)."""

    PAGE = "home_page"  # `home_page_previous` and `home_page_next`, value `<list>:<page>`
    REMIND = "home_remind"  # value `P<n>` (a poll) or `R<n>` (its open consultation)
    NEW_POLL = "home_new_poll"
    NEW_CONSULTATION = "home_new_consultation"
    DIGEST_PREVIEW = "home_digest_preview"
    ANNEX = "home_annex"  # value: the export format
    MY_DATA = "home_my_data"
