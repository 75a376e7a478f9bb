"""Submission of the answer form: validated and stored before the form closes, then confirmed."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.errors import InvalidInput
from bot.domain.polls.answers import Answer, Replacement
from bot.domain.polls.drafts import PollView
from bot.domain.polls.kinds import CHOICE_FIELD, WHOLE, item_field, reason_field
from bot.services import Services
from handlers.blocks.polls import confirmation
from handlers.payloads import FormValues
from handlers.poll_support import PollAnswerState


def submit_answer(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, services: Services
) -> None:
    state = PollAnswerState.load(view.get("private_metadata"))
    user = body["user"]["id"]
    poll = services.polls.get(state.number)
    answer = answer_from_form(poll, FormValues(view))
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


def answer_from_form(poll: PollView, values: FormValues) -> Answer:
    """The answer modal's inputs as an Answer (validated later, with the poll's rules)."""
    reasons = {WHOLE: values.text(reason_field(WHOLE)) or ""}
    if poll.kind.by_buttons:
        return Answer(choices=tuple(int(v) for v in values.choices(CHOICE_FIELD)), reasons=reasons)
    ratings: dict[int, int] = {}
    for index in range(len(poll.options)):
        raw = values.text(item_field(index))
        reasons[index] = values.text(reason_field(index)) or ""
        if raw is None:
            continue
        try:
            ratings[index] = int(raw)
        except ValueError:
            raise InvalidInput({item_field(index): "Give a whole number."}) from None
    return Answer(ratings=ratings, reasons=reasons)
