"""The consultation root's buttons that open a form: "Suggest wording", "Publish new version",
"Record for an organisation" and "Close consultation" / "Record outcome". The service checks who
may use each and reads what the form starts from; the modal carries the consultation in its
private metadata."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.services import Services
from handlers.blocks.consultations import amendment_modal, close_modal, on_behalf_modal, revision_modal
from handlers.consultation_flow import ConsultationState, consultation_id

Form = TypeVar("Form")


def _open_form(
    client: WebClient,
    body: dict[str, Any],
    action: dict[str, Any],
    read_form: Callable[[int, str], Form],
    modal: Callable[[Form, str], dict[str, Any]],
) -> None:
    cid = consultation_id(action)
    form = read_form(cid, body["user"]["id"])
    client.views_open(
        trigger_id=body["trigger_id"], view=modal(form, ConsultationState(consultation_id=cid).dump())
    )


def suggest_wording(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, services: Services
) -> None:
    ack()
    _open_form(client, body, action, services.consultations.amendment_form, amendment_modal)


def publish_version(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, services: Services
) -> None:
    ack()
    _open_form(client, body, action, services.consultations.revision_form, revision_modal)


def close_consultation(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, services: Services
) -> None:
    ack()
    _open_form(client, body, action, services.consultations.close_form, close_modal)


def record_for_organisation(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, services: Services
) -> None:
    ack()
    _open_form(
        client,
        body,
        action,
        services.consultations.on_behalf_form,
        lambda form, metadata: on_behalf_modal(*form, metadata),
    )
