"""The poll creation modal (`/poll` without arguments)."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import DateTimePickerElement

from bot.domain.polls.kinds import (
    POINTS_BUDGET_DEFAULT,
    POINTS_BUDGET_MAX,
    QUESTION_MAX,
    PollKind,
    Visibility,
)
from handlers.blocks.common import modal, option
from handlers.blocks.inputs import checkboxes, input_block, number_input, radio_buttons, select, text_input
from handlers.ids import PollCallback, PollField

_KIND_HINT = (
    "Single or multiple choice: one option per line (max 75 characters each). Agreement scale: one statement "
    "per line. Prioritisation: the options to spread points over or to rank. Validity review: recommendation "
    "references (R1, R3) or `all imported from CLUSTERIX 2012-2014`."
)
_CHOICES_MAX = 100
_OPTIONS_TEXT_MAX = 3000


def creation_modal(private_metadata: str) -> dict[str, Any]:
    kinds = [option(kind.label, kind.value) for kind in PollKind]
    visibility = [
        option("Live", Visibility.LIVE.value),
        option("After answering", Visibility.AFTER_VOTE.value),
        option("After the poll closes", Visibility.AFTER_CLOSE.value),
    ]
    audience = [option("This channel's members", "channel"), option("Every registered partner", "all")]
    settings = [
        option("Anonymous", "anonymous"),
        option("Ask for a reason on disagreement", "require_reason"),
    ]
    return modal(
        callback_id=PollCallback.CREATE.value,
        title="New poll",
        submit="Post poll",
        private_metadata=private_metadata,
        blocks=[
            text_input(PollField.QUESTION, "Question", QUESTION_MAX),
            input_block(PollField.KIND, "Kind", select(PollField.KIND, kinds, initial=kinds[0])),
            text_input(
                PollField.OPTIONS,
                "Options, statements or recommendations",
                _OPTIONS_TEXT_MAX,
                hint=_KIND_HINT,
            ),
            number_input(
                PollField.MAX_CHOICES, "Multiple choice: at most this many choices", 1, _CHOICES_MAX
            ),
            number_input(
                PollField.POINTS_BUDGET,
                f"Prioritisation by points: points each partner spreads (default {POINTS_BUDGET_DEFAULT})",
                1,
                POINTS_BUDGET_MAX,
            ),
            input_block(
                PollField.SETTINGS, "Settings", checkboxes(PollField.SETTINGS, settings), optional=True
            ),
            input_block(
                PollField.VISIBILITY,
                "Show results",
                radio_buttons(PollField.VISIBILITY, visibility, visibility[0]),
            ),
            input_block(
                PollField.DEADLINE,
                "Deadline (it closes then, in your time zone)",
                DateTimePickerElement(action_id=PollField.DEADLINE),
                optional=True,
            ),
            input_block(
                PollField.AUDIENCE, "Who answers", radio_buttons(PollField.AUDIENCE, audience, audience[0])
            ),
        ],
    )
