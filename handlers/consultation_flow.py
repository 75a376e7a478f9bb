"""What several consultation listeners (and the scheduled jobs) do on the Slack side, in one place:
post the root message, keep it current, post notes in the thread, send direct messages.
Modal state of the consultation forms travels as the models below."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.consultations.kinds import UnknownConsultation
from bot.domain.consultations.views import ConsultationView, RevisionResult
from bot.domain.errors import DomainError
from bot.services import Services
from handlers.blocks.common import Block
from handlers.blocks.consultations import (
    closed_note,
    confirm_request_message,
    consultation_message,
    outcome_request_message,
    revision_note,
)
from handlers.metadata import ModalState

log = logging.getLogger("consult_bot.consultations")
# The channel cannot take the root message: the consultation does not start.
_UNPOSTABLE = {"channel_not_found", "not_in_channel", "is_archived", "restricted_action"}
_GONE = _UNPOSTABLE | {"message_not_found", "cant_update_message"}


class PickState(ModalState):
    channel_id: str


class ConsultationState(ModalState):
    consultation_id: int


class PositionState(ModalState):
    consultation_id: int
    position: str


def post_consultation(client: WebClient, services: Services, view: ConsultationView) -> ConsultationView:
    """Posts the root message of a claimed consultation; without it, the claim is dropped."""
    text, blocks = consultation_message(view)
    try:
        posted = client.chat_postMessage(channel=view.channel_id, text=text, blocks=blocks)
    except SlackApiError as exc:
        services.consultations.abandon(view.id)
        if exc.response.get("error") not in _UNPOSTABLE:
            raise
        raise DomainError(
            f"I cannot post in this channel, so the consultation on {view.ref} did not start. "
            f"Invite me with `/invite @consult-bot`, then run `/consult {view.ref}` again."
        ) from exc
    view = services.consultations.attach(view.id, str(posted["ts"]), None)
    link = client.chat_getPermalink(channel=str(posted["channel"]), message_ts=str(posted["ts"]))
    services.consultations.set_permalink(view.id, str(link["permalink"]))
    return services.consultations.view(view.id)


def refresh_root(client: WebClient, services: Services, consultation_id: int) -> None:
    """Re-renders the root message from the stored state (positions, version, status)."""
    view = services.consultations.view(consultation_id)
    if view.message_ts is None:
        return
    text, blocks = consultation_message(view)
    try:
        client.chat_update(channel=view.channel_id, ts=view.message_ts, text=text, blocks=blocks)
    except SlackApiError as exc:
        # Someone deleted the root message or removed the bot: what is stored stays right.
        if exc.response.get("error") not in _GONE:
            raise
        log.warning("the root message of %s cannot be updated: %s", view.ref, exc.response.get("error"))


def post_in_thread(
    client: WebClient, view: ConsultationView, text: str, blocks: list[Block], *, broadcast: bool = False
) -> str | None:
    if view.message_ts is None:
        return None
    posted = client.chat_postMessage(
        channel=view.channel_id,
        thread_ts=view.message_ts,
        text=text,
        blocks=blocks,
        reply_broadcast=broadcast,
    )
    return str(posted["ts"])


def send_dm(client: WebClient, user: str, text: str, blocks: list[Block]) -> bool:
    """A direct message; a person Slack no longer knows is skipped (and logged), not fatal."""
    try:
        client.chat_postMessage(channel=user, text=text, blocks=blocks)
    except SlackApiError as exc:
        log.warning("could not send a direct message to %s: %s", user, exc.response.get("error"))
        return False
    return True


def announce_revision(client: WebClient, services: Services, result: RevisionResult) -> None:
    """The diff in the thread, the root message at the new version, and a DM to each organisation."""
    text, blocks = revision_note(result)
    post_in_thread(client, result.consultation, text, blocks)
    refresh_root(client, services, result.consultation.id)
    for request in result.confirm_requests:
        dm_text, dm_blocks = confirm_request_message(result.consultation, request)
        send_dm(client, request.slack_user_id, dm_text, dm_blocks)


def announce_closed(client: WebClient, services: Services, view: ConsultationView) -> None:
    """The thread (and channel) learns it closed; at the deadline, coordinators are asked for the outcome."""
    text, blocks = closed_note(view)
    post_in_thread(client, view, text, blocks, broadcast=True)
    refresh_root(client, services, view.id)
    if view.outcome is None:
        dm_text, dm_blocks = outcome_request_message(view)
        for coordinator in services.consultations.coordinators():
            send_dm(client, coordinator, dm_text, dm_blocks)


def consultation_id(action: dict[str, object]) -> int:
    """The consultation a button belongs to (its value)."""
    value = str(action.get("value") or "")
    if not value.isdigit():
        raise UnknownConsultation()
    return int(value)
