"""`/consult [R<n> [deadline=YYYY-MM-DD[THH:MM]]]`: starts the consultation thread, or opens a picker."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.domain.clock import utcnow
from bot.domain.consultations.inputs import ConsultArgumentsError, default_deadline, parse_consult_arguments
from bot.domain.errors import DomainError
from bot.services import Services
from handlers.blocks.consultations import nothing_to_consult, picker_modal
from handlers.consultation_flow import PickState, post_consultation


def consult_usage(default_days: int, zone: str) -> str:
    return (
        f"Use `/consult R3` (deadline in {default_days} days), `/consult R3 deadline=2026-12-15` or "
        f"`/consult R3 deadline=2026-12-15T17:00` ({zone} time), or `/consult` alone to pick from a list."
    )


def consult(
    ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond, services: Services
) -> None:
    settings = services.settings
    user, channel = command["user_id"], command["channel_id"]
    text = (command.get("text") or "").strip()
    if not text:
        choices = services.consultations.consultable(user)
        if not choices:
            raise DomainError(nothing_to_consult())
        ack()
        deadline = default_deadline(utcnow(), settings.consult_deadline_days, settings.timezone)
        view = picker_modal(
            choices, PickState(channel_id=channel).dump(), deadline.astimezone(settings.timezone).date()
        )
        client.views_open(trigger_id=command["trigger_id"], view=view)
        return
    try:
        request = parse_consult_arguments(text, settings.timezone)
    except ConsultArgumentsError as error:
        usage = consult_usage(settings.consult_deadline_days, settings.timezone.key)
        raise DomainError(f"{error.message} {usage}") from None
    # Claimed before the acknowledgement: a second /consult finds this one and links to it.
    started = services.consultations.start(request.ref, user, channel, deadline=request.deadline)
    ack()
    post_consultation(client, services, started)
