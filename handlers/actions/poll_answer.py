"""Answering a poll from its message: a click on an option (or a menu), or `Answer` for the form.

The vote listeners are registered first of all (handlers/actions/__init__.py), since votes are by
far the most frequent request the bot receives and Bolt tries its listeners in order.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.domain.polls.answers import Click, Selection
from bot.services import Services
from handlers.blocks.polls import answer_modal
from handlers.ids import PollAction
from handlers.poll_support import (
    PollAnswerState,
    element_value,
    locate,
    option_index,
    tell_voter,
    vote_request,
)

VOTE_BUTTON = re.compile("^" + re.escape(PollAction.VOTE.value) + r"_\d+$")


def vote(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, services: Services
) -> None:
    # Slack ignores what a click's acknowledgement says, and the vote waits for no database:
    # acknowledge, queue the vote, and answer the voter ephemerally once it is applied.
    ack()
    change = Click(option_index(element_value(action)))
    services.polls.votes.submit(vote_request(body, action, change), tell_voter(respond))


def vote_many(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, services: Services
) -> None:
    ack()
    chosen = tuple(option_index(str(o["value"])) for o in action.get("selected_options") or [])
    services.polls.votes.submit(vote_request(body, action, Selection(chosen)), tell_voter(respond))


def open_answer_form(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    poll = locate(services, body, action)
    form = services.polls.answer_form(poll.id, body["user"]["id"])
    state = PollAnswerState(number=poll.number, poll_id=poll.id, channel_id=poll.channel_id)
    view = answer_modal(form.poll, form.current, form.previous, state.dump())
    client.views_open(trigger_id=body["trigger_id"], view=view)
