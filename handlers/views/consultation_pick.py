"""Submission of the `/consult` picker: claim, close the modal, post the thread in the channel."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.domain.consultations.inputs import deadline_from_parts
from bot.domain.errors import InvalidInput
from bot.services import Services
from handlers.consultation_flow import PickState, post_consultation
from handlers.ids import ConsultField
from handlers.payloads import FormValues


def start_picked(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, services: Services
) -> None:
    values = FormValues(view)
    ref = values.text(ConsultField.RECOMMENDATION) or ""
    if not ref:
        raise InvalidInput({ConsultField.RECOMMENDATION.value: "Choose the recommendation to consult on."})
    day = values.text(ConsultField.DEADLINE)
    deadline = deadline_from_parts(day, None, services.settings.timezone) if day else None
    state = PickState.load(view.get("private_metadata"))
    started = services.consultations.start(ref, body["user"]["id"], state.channel_id, deadline=deadline)
    ack()
    post_consultation(client, services, started)
