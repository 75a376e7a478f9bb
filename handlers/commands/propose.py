"""`/propose [title]`: opens the proposal modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.domain.errors import DomainError
from bot.domain.recommendations import TITLE_MAX
from bot.domain.text import check_text
from bot.services import Services
from handlers.blocks.recommendations import proposal_modal
from handlers.metadata import ProposalState


def open_proposal_form(ack: Ack, command: dict[str, Any], client: WebClient, services: Services) -> None:
    services.partners.require(command["user_id"])
    title, problem = check_text(
        command.get("text"), label="The title", max_length=TITLE_MAX, required=False, multiline=False
    )
    if problem:
        raise DomainError(
            f"{problem} Run `/propose` with a shorter title, or with none to type it in the form."
        )
    ack()
    state = ProposalState(channel_id=command.get("channel_id"))
    client.views_open(
        trigger_id=command["trigger_id"], view=proposal_modal(title=title, private_metadata=state.dump())
    )
