"""Submission of the outcome modal: closed with the coordinator's statement; the status follows."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.domain.consultations.inputs import validate_outcome
from bot.services import Services
from handlers.consultation_flow import ConsultationState
from handlers.ids import ConsultField
from handlers.payloads import FormValues


def close(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, services: Services
) -> None:
    state = ConsultationState.load(view.get("private_metadata"))
    values = FormValues(view)
    draft = validate_outcome(values.text(ConsultField.OUTCOME), values.text(ConsultField.STATEMENT))
    result = services.consultations.close(
        state.consultation_id, body["user"]["id"], draft, submission_key=view["id"]
    )
    ack()
    if result is not None:
        services.home.out_of_date()  # it leaves everyone's Home
        services.outbound.consultation_closed(result.consultation, services.consultations.coordinators())
