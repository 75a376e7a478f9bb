"""The "Publish new version" button (the author or a coordinator): opens the revision modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.services import Services
from handlers.blocks.consultations import revision_modal
from handlers.consultation_flow import ConsultationState, consultation_id


def publish_version(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
) -> None:
    ack()
    cid = consultation_id(action)
    form = services.consultations.revision_form(cid, body["user"]["id"])
    state = ConsultationState(consultation_id=cid)
    client.views_open(trigger_id=body["trigger_id"], view=revision_modal(form, state.dump()))
