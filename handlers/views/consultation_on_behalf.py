"""Submission of "Record for an organisation": shown as recorded by the coordinator, audited."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.domain.consultations.inputs import validate_on_behalf
from bot.services import Services
from handlers.blocks.consultations import on_behalf_note
from handlers.consultation_flow import ConsultationState, post_in_thread, refresh_root
from handlers.ids import ConsultField
from handlers.payloads import FormValues


def record(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, services: Services
) -> None:
    state = ConsultationState.load(view.get("private_metadata"))
    values = FormValues(view)
    draft = validate_on_behalf(
        values.text(ConsultField.ORGANISATION),
        values.text(ConsultField.POSITION),
        values.text(ConsultField.REASON),
        values.text(ConsultField.SOURCE),
    )
    position = services.consultations.record_on_behalf(
        state.consultation_id, body["user"]["id"], draft, submission_key=view["id"]
    )
    ack()
    consultation = services.consultations.view(state.consultation_id)
    text, blocks = on_behalf_note(consultation, position)
    post_in_thread(client, consultation, text, blocks)
    refresh_root(services, state.consultation_id)
