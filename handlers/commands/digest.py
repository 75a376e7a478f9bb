"""`/digest [past]`: coordinators preview this period's digest or look at past ones."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.domain.clock import utcnow
from bot.domain.errors import NotAllowed
from bot.domain.periods import current_period
from bot.services import Services
from handlers.blocks.digest import digest_overview, past_digests


def digest(ack: Ack, command: dict[str, Any], respond: Respond, services: Services) -> None:
    partner = services.partners.require(command["user_id"])
    if not partner.is_coordinator:
        raise NotAllowed(
            "Only coordinators can preview the digest; it reaches them every week by direct "
            "message. Ask your coordinator for the latest one."
        )
    if (command.get("text") or "").strip().lower() == "past":
        text, blocks = past_digests(services.digest.past())
        ack(text=text, blocks=blocks, response_type="ephemeral")
        return
    ack(text="Building the digest of this period so far…", response_type="ephemeral")
    settings = services.settings
    now = utcnow()
    built = services.digest.preview(current_period(settings.digest_cron, settings.timezone, now), now)
    text, blocks = digest_overview(built.content)
    respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=True)
