"""The erasure's confirmation modal, submitted: the person is erased, the requester told."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.services import Services
from handlers.blocks.privacy import erased_note, erasure_subject
from handlers.outbound import send_dm


def erase(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, services: Services
) -> None:
    user = body["user"]["id"]
    report = services.data_rights.erase(erasure_subject(view), requester=user)
    ack()
    text, blocks = erased_note(report)
    send_dm(client, user, text, blocks)
