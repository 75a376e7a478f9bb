"""The "Close consultation" / "Record outcome" buttons (coordinators): opens the outcome modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.services import Services
from handlers.blocks.consultations import close_modal
from handlers.consultation_flow import ConsultationState, consultation_id


def close_consultation(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    cid = consultation_id(action)
    view = services.consultations.close_form(cid, body["user"]["id"])
    state = ConsultationState(consultation_id=cid)
    client.views_open(trigger_id=body["trigger_id"], view=close_modal(view, state.dump()))
