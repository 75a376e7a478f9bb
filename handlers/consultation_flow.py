"""What several consultation listeners do on the Slack side, in one place: post the root message,
keep it current (through the outbound port), post notes in the thread.
Modal state of the consultation forms travels as the models below."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.consultations.kinds import UnknownConsultation
from bot.domain.consultations.views import ConsultationView
from bot.domain.errors import DomainError
from bot.services import Services
from handlers.blocks.common import JsonBlock
from handlers.blocks.consultations import consultation_message
from handlers.metadata import ModalState
from handlers.slack_errors import CANNOT_POST, slack_error


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
        # The channel cannot take the root message: the consultation does not start.
        if slack_error(exc) not in CANNOT_POST:
            raise
        raise DomainError(
            f"I cannot post in this channel, so the consultation on {view.ref} did not start. "
            f"Invite me with `/invite @consult-bot`, then run `/consult {view.ref}` again."
        ) from exc
    view = services.consultations.attach(view.id, str(posted["ts"]), None)
    # Replies whose events came before the ts was stored are read back from the thread.
    services.consultations.catch_up(view.id)
    link = client.chat_getPermalink(channel=str(posted["channel"]), message_ts=str(posted["ts"]))
    services.consultations.set_permalink(view.id, str(link["permalink"]))
    services.home.out_of_date()  # every organisation now has a position to give
    return services.consultations.view(view.id)


def refresh_root(services: Services, consultation_id: int) -> None:
    """Re-renders the root message from the stored state (positions, version, status), coalesced
    with the updates replies ask for."""
    # A position or a new version also changes what people's Homes list.
    services.home.out_of_date()
    services.consultations.root_out_of_date(consultation_id)


def post_in_thread(
    client: WebClient, view: ConsultationView, text: str, blocks: list[JsonBlock], *, broadcast: bool = False
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


def consultation_id(action: dict[str, object]) -> int:
    """The consultation a button belongs to (its value)."""
    value = str(action.get("value") or "")
    if not value.isdigit():
        raise UnknownConsultation()
    return int(value)
