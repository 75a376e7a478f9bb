"""The "Suggest wording" button: opens the amendment modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.services import Services
from handlers.blocks.consultations import amendment_modal
from handlers.consultation_flow import ConsultationState, consultation_id


def suggest_wording(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    cid = consultation_id(action)
    view = services.consultations.amendment_form(cid, body["user"]["id"])
    state = ConsultationState(consultation_id=cid)
    client.views_open(trigger_id=body["trigger_id"], view=amendment_modal(view, state.dump()))
