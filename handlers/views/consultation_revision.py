"""Submission of "Publish new version": the diff goes in the thread, organisations are asked to confirm."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.domain.consultations.inputs import validate_revision
from bot.services import Services
from handlers.consultation_flow import ConsultationState
from handlers.ids import ConsultField
from handlers.payloads import input_values


def publish(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, services: Services
) -> None:
    state = ConsultationState.load(view.get("private_metadata"))
    values = input_values(view)
    draft = validate_revision(
        values.get(ConsultField.TITLE),
        values.get(ConsultField.TEXT),
        values.get(ConsultField.NOTE),
        _selected(view, ConsultField.ADOPTED),
    )
    result = services.consultations.publish_revision(
        state.consultation_id, body["user"]["id"], draft, submission_key=view["id"]
    )
    ack()
    if result is not None:
        services.outbound.consultation_revised(result)


def _selected(view: dict[str, Any], field: ConsultField) -> list[str]:
    block = view.get("state", {}).get("values", {}).get(field.value, {})
    options = block.get(field.value, {}).get("selected_options") or []
    return [str(option.get("value")) for option in options]
