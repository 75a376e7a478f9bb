"""Answering a poll from its message: a click on an option (or a menu), or `Answer` for the form.

The vote listeners are registered first of all (handlers/actions/__init__.py), since votes are by
far the most frequent request the bot receives and Bolt tries its listeners in order. A vote is
acknowledged only once the transaction holding it has committed: an acknowledged vote is a stored vote.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.domain.polls.answers import Click, Selection, VoteOutcome, VoteRequest
from bot.services import Services
from bot.services.poll_votes import Busy, Stopping
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
# Slack waits three seconds for an acknowledgement; past this a vote is not acknowledged at all.
_ACK_WITHIN = 2.5


def vote(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    services: Services,
) -> None:
    change = Click(option_index(element_value(action)))
    cast(services, vote_request(body, action, change), ack, tell_voter(respond, client, body))


def vote_many(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    services: Services,
) -> None:
    chosen = tuple(option_index(str(o["value"])) for o in action.get("selected_options") or [])
    cast(services, vote_request(body, action, Selection(chosen)), ack, tell_voter(respond, client, body))


def cast(
    services: Services, request: VoteRequest, ack: Ack, tell: Callable[[VoteOutcome | Exception], None]
) -> None:
    """Hands the vote to the writer, acknowledges once it is committed, then tells the voter (with
    the results, read after the acknowledgement)."""
    try:
        pending = services.polls.votes.submit(request)
    except (Busy, Stopping) as refusal:
        ack()
        tell(refusal)
        return
    try:
        outcome = pending.result(timeout=_ACK_WITHIN)
    except FutureTimeout:
        # Not acknowledged: Slack shows the voter that the click failed; its outcome follows.
        pending.add_done_callback(lambda done: tell(services.polls.with_results(done.result())))
        return
    ack()
    tell(services.polls.with_results(outcome))


def open_answer_form(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    services: Services,
) -> None:
    ack()
    poll = locate(services, body, action)
    form = services.polls.answer_form(poll.id, body["user"]["id"])
    state = PollAnswerState(number=poll.number, poll_id=poll.id, channel_id=poll.channel_id)
    view = answer_modal(form.poll, form.current, form.previous, state.dump())
    client.views_open(trigger_id=body["trigger_id"], view=view)
