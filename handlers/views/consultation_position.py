"""Submission of the position modal: the organisation's position is stored, the root message follows."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.domain.consultations.inputs import validate_position
from bot.services import Services
from handlers.consultation_flow import PositionState, refresh_root
from handlers.ids import ConsultField
from handlers.payloads import FormValues


def save_position(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, services: Services
) -> None:
    state = PositionState.load(view.get("private_metadata"))
    draft = validate_position(state.position, FormValues(view).text(ConsultField.REASON))
    services.consultations.record_position(
        state.consultation_id, body["user"]["id"], draft, submission_key=view["id"]
    )
    ack()
    refresh_root(services, state.consultation_id)
