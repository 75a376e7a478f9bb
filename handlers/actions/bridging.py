"""`Find common wording` on a consultation's root message, and `Revise with critiques` on a round's result.

Both acknowledge at once, record the round (a repeated delivery of the click finds it), then draft the
candidates and open the ranking poll: drafting may take an LLM call.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.services import Services
from handlers.blocks.bridging import drafting_notice


def find_common_wording(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, services: Services
) -> None:
    ack()  # Slack ignores a click's acknowledgement body: refusals go through respond (the error handler)
    user = body["user"]["id"]
    started, created = services.bridging.start(int(action["value"]), user, start_key=_click_key(body, action))
    if created:
        respond(drafting_notice(started), response_type="ephemeral", replace_original=False)
        services.bridging.open_round(started.id)


def revise_with_critiques(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, services: Services
) -> None:
    ack()
    user = body["user"]["id"]
    round_id = int(action["value"])
    revised, created = services.bridging.revise(round_id, user, start_key=_click_key(body, action))
    if created:
        respond(drafting_notice(revised), response_type="ephemeral", replace_original=False)
        services.bridging.open_round(revised.id)


def _click_key(body: dict[str, Any], action: dict[str, Any]) -> str:
    """The same for a retried delivery of one click, different for the next click."""
    return f"{body['user']['id']}:{action.get('action_ts') or body.get('trigger_id')}"
