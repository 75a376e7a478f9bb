"""Submission of the proposal modal: validate, store, then announce in the channel."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.recommendations import validate_proposal
from bot.services import Services
from handlers.blocks.recommendations import announcement
from handlers.ids import ProposalField
from handlers.metadata import ProposalState
from handlers.payloads import FormValues
from handlers.slack_errors import CANNOT_POST, slack_error

log = logging.getLogger(__name__)


def submit_proposal(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, services: Services
) -> None:
    values = FormValues(view)
    draft = validate_proposal(
        title=values.text(ProposalField.TITLE),
        text=values.text(ProposalField.TEXT),
        rationale=values.text(ProposalField.RATIONALE),
        themes=values.text(ProposalField.THEMES),
        level=values.text(ProposalField.LEVEL),
    )
    state = ProposalState.load(view.get("private_metadata"))
    user = body["user"]["id"]
    # Stored before the modal closes, so a closed modal always means a saved proposal.
    rec, created = services.recommendations.propose(
        user, draft, submission_key=view["id"], channel_id=state.channel_id
    )
    ack()
    if not created:
        return
    text, blocks = announcement(rec)
    try:
        if state.channel_id is None:
            raise LookupError("no channel")
        posted = client.chat_postMessage(channel=state.channel_id, text=text, blocks=blocks)
    except (SlackApiError, LookupError) as exc:
        # The channel cannot take the announcement: tell the proposer directly instead.
        if isinstance(exc, SlackApiError) and slack_error(exc) not in CANNOT_POST:
            raise
        log.info("announcing %s in its channel failed (%s); sending it to the proposer", rec.ref, exc)
        note = f"{text}. I could not post it in the channel (invite me with `/invite @consult-bot`)."
        posted = client.chat_postMessage(channel=user, text=note, blocks=blocks)
    services.recommendations.record_message(rec.number, posted["channel"], posted["ts"])
