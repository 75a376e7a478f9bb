"""The "Record for an organisation" button (coordinators): opens the on-behalf modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.services import Services
from handlers.blocks.consultations import on_behalf_modal
from handlers.consultation_flow import ConsultationState, consultation_id


def record_for_organisation(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    cid = consultation_id(action)
    view, organisations = services.consultations.on_behalf_form(cid, body["user"]["id"])
    state = ConsultationState(consultation_id=cid)
    client.views_open(trigger_id=body["trigger_id"], view=on_behalf_modal(view, organisations, state.dump()))
