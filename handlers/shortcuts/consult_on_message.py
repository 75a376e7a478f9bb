"""The message shortcut "Start consultation" on a recommendation's message."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.services import Services
from handlers.consultation_flow import post_consultation


def consult_on_message(
    ack: Ack, shortcut: dict[str, Any], client: WebClient, respond: Respond, services: Services
) -> None:
    # Slack ignores the body of a shortcut's acknowledgement: answers go to the response_url.
    ack()
    user, channel = shortcut["user"]["id"], shortcut["channel"]["id"]
    text = str((shortcut.get("message") or {}).get("text") or "")
    started = services.consultations.start_from_message(user, channel, shortcut["message_ts"], text)
    post_consultation(client, services, started)
