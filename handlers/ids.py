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
