"""`/poll`: the poll form, or `/poll "Question?" "A" "B" [flags]` for a quick poll in the channel."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.domain.errors import DomainError
from bot.domain.polls.quick import QuickPollError, parse_quick_poll
from bot.services import Services
from handlers.blocks.polls import creation_modal
from handlers.poll_support import PollFormState, now, post_new_poll, user_zone

USAGE = (
    'Use `/poll "Question?" "Option A" "Option B"` with optional flags after the options: '
    "`anonymous`, `multiple` or `multiple=N`, `hide-results`, `deadline=2026-12-01T17:00` "
    "(your time zone, or add an offset such as `+01:00`). `/poll` alone opens the full form."
)


def poll(ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond, services: Services) -> None:
    user, channel = command["user_id"], command["channel_id"]
    services.partners.require(user)
    text = (command.get("text") or "").strip()
    if not text:
        ack()
        view = creation_modal(PollFormState(channel_id=channel).dump())
        client.views_open(trigger_id=command["trigger_id"], view=view)
        return
    # Everything that can be checked without Slack is answered in the acknowledgement.
    try:
        quick = parse_quick_poll(text, now())
    except QuickPollError as error:
        raise DomainError(f"{error.message}\n{USAGE}") from None
    ack()
    draft = quick.draft
    if quick.local_deadline is not None:
        draft = quick.resolve(user_zone(client, user, services.settings.timezone), now())
    post_new_poll(
        client, services, draft, user=user, channel_id=channel, key=f"command:{command['trigger_id']}"
    )
