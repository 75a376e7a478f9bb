"""Submission of "Suggest wording": stored against the version and listed in the thread."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.domain.consultations.inputs import validate_amendment
from bot.services import Services
from handlers.blocks.consultations import amendment_note
from handlers.consultation_flow import ConsultationState, post_in_thread, refresh_root
from handlers.ids import ConsultField
from handlers.payloads import FormValues


def save_suggestion(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, services: Services
) -> None:
    state = ConsultationState.load(view.get("private_metadata"))
    values = FormValues(view)
    draft = validate_amendment(values.text(ConsultField.WORDING), values.text(ConsultField.NOTE))
    amendment, created = services.consultations.suggest(
        state.consultation_id, body["user"]["id"], draft, submission_key=view["id"]
    )
    ack()
    if not created:
        return
    consultation = services.consultations.view(state.consultation_id)
    text, blocks = amendment_note(amendment)
    ts = post_in_thread(client, consultation, text, blocks)
    if ts:
        services.consultations.mark_amendment_posted(amendment.id, ts)
    refresh_root(services, state.consultation_id)
