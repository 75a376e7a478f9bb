"""Submission of the answer form: validated and stored before the form closes, then confirmed."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.polls.answers import Replacement
from bot.services import Services
from handlers.blocks.polls import confirmation
from handlers.poll_support import PollAnswerState, answer_from_form, state_values


def submit_answer(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, services: Services
) -> None:
    state = PollAnswerState.load(view.get("private_metadata"))
    user = body["user"]["id"]
    poll = services.polls.get(state.number)
    answer = answer_from_form(poll, state_values(view))
    outcome = services.polls.answer(state.poll_id, user, Replacement(answer), delivery=f"view:{view['id']}")
    ack()
    if not outcome.counted:
        return
    text, blocks = confirmation(outcome.poll, outcome.answer, outcome.results)
    try:
        client.chat_postEphemeral(channel=str(poll.channel_id), user=user, text=text, blocks=blocks)
    except SlackApiError:
        # Not a member of the poll's channel (an every-partner poll): a direct message instead.
        client.chat_postMessage(channel=user, text=text, blocks=blocks)
