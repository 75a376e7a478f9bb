"""The "Keep <position>" button in the direct message sent after a new version: same answer, new version."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.services import Services
from handlers.blocks.consultations import confirmed_message
from handlers.consultation_flow import consultation_id, refresh_root


def keep_position(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    services: Services,
) -> None:
    cid = consultation_id(action)
    # Stored before the acknowledgement: an acknowledged position is a stored one.
    view, position = services.consultations.confirm_position(cid, body["user"]["id"])
    ack()
    text, blocks = confirmed_message(view, position)
    respond(text=text, blocks=blocks, replace_original=True)
    refresh_root(services, cid)
