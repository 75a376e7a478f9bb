"""The Show button of `/digest past`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.domain.errors import DomainError
from bot.services import Services
from handlers.blocks.digest import digest_overview


def show_past(
    ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond, services: Services
) -> None:
    ack()
    partner = services.partners.require(body["user"]["id"])
    value = str(action.get("value") or "")
    built = services.digest.stored(int(value)) if value.isdigit() and partner.is_coordinator else None
    if built is None:
        raise DomainError("That digest is not available. Use `/digest past` to list the digests.")
    text, blocks = digest_overview(built.content)
    respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
