"""Submission of "Publish new version": the diff goes in the thread, organisations are asked to confirm."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.domain.consultations.inputs import validate_revision
from bot.services import Services
from handlers.consultation_flow import ConsultationState
from handlers.ids import ConsultField
from handlers.payloads import FormValues


def publish(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, services: Services
) -> None:
    state = ConsultationState.load(view.get("private_metadata"))
    values = FormValues(view)
    draft = validate_revision(
        values.text(ConsultField.TITLE),
        values.text(ConsultField.TEXT),
        values.text(ConsultField.NOTE),
        values.choices(ConsultField.ADOPTED),
    )
    result = services.consultations.publish_revision(
        state.consultation_id, body["user"]["id"], draft, submission_key=view["id"]
    )
    ack()
    if result is not None:
        services.home.out_of_date()  # organisations asked to confirm have it to do again
        services.outbound.consultation_revised(result)
