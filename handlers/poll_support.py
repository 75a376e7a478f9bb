"""The Slack side of polls shared by their listeners: posting a new poll, reading a click, and
reading the poll modals' state. (Updates and reminders go through handlers/outbound.py.)"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.clock import utcnow
from bot.domain.errors import DomainError
from bot.domain.polls.answers import Change, VoteOutcome, VoteRequest
from bot.domain.polls.drafts import PollDraft, PollView
from bot.domain.polls.kinds import Audience
from bot.services import Services
from handlers.blocks.common import fallback
from handlers.blocks.polls import confirmation, poll_message
from handlers.metadata import ModalState
from handlers.slack_errors import CANNOT_POST, RETRY_LATER, slack_error

log = logging.getLogger("consult_bot.polls")
_UNEXPECTED = "Sorry, something went wrong on my side and your vote was not recorded. Please click again."


class PollFormState(ModalState):
    channel_id: str


class PollAnswerState(ModalState):
    number: int
    poll_id: int
    channel_id: str | None = None


def now() -> datetime:
    return utcnow()


def _not_there(channel_id: str) -> DomainError:
    return DomainError(
        f"I cannot post in <#{channel_id}>: invite me first with `/invite @consult-bot`, then post the poll "
        "again. No poll was saved."
    )


def _refused(exc: SlackApiError, channel_id: str, method: str) -> DomainError | None:
    """What the poll's creator is told when Slack refused to post it (None: not theirs to fix)."""
    error = slack_error(exc)
    if error in CANNOT_POST:
        return _not_there(channel_id)
    if error in RETRY_LATER:
        log.warning("Slack Web API %s failed: %s; the poll was not saved", method, error)
        return DomainError(
            "Slack could not take the poll just now (it is busy), so no poll was saved. "
            "Please send the same command again in a minute."
        )
    return None


def reminded_names(
    services: Services, reminded: Sequence[str], reached: Collection[str]
) -> tuple[list[str], list[str]]:
    """The names of the partners a reminder reached, and of those Slack could not reach just now."""
    names = {p.slack_user_id: p.name for p in services.partners.all()}
    return (
        [names[u] for u in reminded if u in reached and u in names],
        [names[u] for u in reminded if u not in reached and u in names],
    )


def user_zone(client: WebClient, user: str, default: ZoneInfo) -> ZoneInfo:
    """The person's time zone as set in Slack."""
    try:
        name = client.users_info(user=user)["user"].get("tz")
        return ZoneInfo(str(name)) if name else default
    except (SlackApiError, ZoneInfoNotFoundError, ValueError, KeyError):
        log.warning("no time zone for %s; using %s", user, default)
        return default


def channel_members(client: WebClient, channel_id: str) -> list[str]:
    """Everyone in the channel now (all pages)."""
    members: list[str] = []
    cursor = ""
    try:
        while True:
            page = client.conversations_members(channel=channel_id, cursor=cursor or None, limit=200)
            found: list[Any] = page.get("members") or []
            members += [str(m) for m in found]
            cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return members
    except SlackApiError as exc:
        refusal = _refused(exc, channel_id, "conversations.members")
        if refusal is None:
            raise
        raise refusal from exc


def post_new_poll(
    client: WebClient, services: Services, draft: PollDraft, *, user: str, channel_id: str, key: str
) -> PollView | None:
    """Stores the poll with its audience and posts it in the channel; None for a repeated request."""
    members = channel_members(client, channel_id) if draft.audience is Audience.CHANNEL else []
    poll, created = services.polls.create(
        draft, creator=user, channel_id=channel_id, submission_key=key, channel_members=members, now=now()
    )
    if not created:
        return None
    post_poll_message(client, services, poll)
    return poll


def post_poll_message(client: WebClient, services: Services, poll: PollView) -> None:
    """Posts a stored poll (chat.postMessage: the bot then owns the message it keeps up to date)."""
    channel_id = str(poll.channel_id)
    text, blocks = poll_message(services.polls.results(poll.number))
    try:
        posted = client.chat_postMessage(channel=channel_id, text=text, blocks=blocks)
    except SlackApiError as exc:
        services.polls.discard(poll.id)
        refusal = _refused(exc, channel_id, "chat.postMessage")
        if refusal is None:
            raise
        raise refusal from exc
    services.polls.record_message(poll.id, str(posted["channel"]), str(posted["ts"]))
    services.home.out_of_date()  # a new poll waits for its audience's answers


def clicked_message(body: dict[str, Any]) -> tuple[str, str]:
    """The channel and timestamp of the message whose element was used."""
    container = body.get("container") or {}
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
    return channel, str(container.get("message_ts") or "")


def element_value(action: dict[str, Any]) -> str:
    """A button's value, or a menu's (first) chosen option value."""
    if action.get("value"):
        return str(action["value"])
    if action.get("selected_option"):
        return str(action["selected_option"]["value"])
    chosen = action.get("selected_options") or []
    return str(chosen[0]["value"]) if chosen else ""


def poll_number(value: str) -> int | None:
    """The poll number from an element value `<poll number>[:<option index>]`."""
    number = value.split(":", 1)[0]
    return int(number) if number.isdigit() else None


def from_home(body: dict[str, Any]) -> bool:
    """Whether the element was used in a view (the App Home), not on a message."""
    return (body.get("container") or {}).get("type") == "view"


def locate(services: Services, body: dict[str, Any], action: dict[str, Any]) -> PollView:
    """The poll behind the clicked message (its channel and timestamp), or UnknownPoll; from the
    Home, whose elements carry the poll's number, the poll of that number."""
    number = poll_number(element_value(action))
    if from_home(body) and number is not None:
        return services.polls.get(number)
    return services.polls.for_message(*clicked_message(body), number)


def vote_request(body: dict[str, Any], action: dict[str, Any], change: Change) -> VoteRequest:
    """A click on a poll message (or on the poll in the Home) as a vote to queue."""
    return VoteRequest(
        user=body["user"]["id"],
        change=change,
        delivery=delivery_id(body, action),
        message=None if from_home(body) else clicked_message(body),
        number=poll_number(element_value(action)),
    )


def tell_voter(
    respond: Respond, client: WebClient, body: dict[str, Any]
) -> Callable[[VoteOutcome | Exception], None]:
    """How a queued vote's outcome reaches the voter: their current answer, or why not (ephemeral).
    A vote from the Home has no message to answer under (no response_url): the Home itself shows it
    was counted, and a refusal comes as a direct message."""
    user = str(body["user"]["id"])
    reply = respond if body.get("response_url") else None

    def tell(result: VoteOutcome | Exception) -> None:
        if isinstance(result, VoteOutcome):
            if not result.counted or reply is None:
                return  # a repeated delivery: the voter already has their confirmation
            text, blocks = confirmation(result.poll, result.answer, result.results)
            reply(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
            return
        message = fallback(result.message if isinstance(result, DomainError) else _UNEXPECTED)
        if reply is None:
            client.chat_postMessage(channel=user, text=message)
        else:
            reply(text=message, response_type="ephemeral", replace_original=False)

    return tell


def option_index(value: str) -> int:
    """The option index from an element value `<poll number>:<index>`."""
    _, _, index = value.partition(":")
    if not index.isdigit():
        raise DomainError(
            "This button is not one of the poll's options; use the buttons on the poll message."
        )
    return int(index)


def delivery_id(body: dict[str, Any], action: dict[str, Any]) -> str:
    """Identifies one click: a retried or duplicated delivery of it carries the same values."""
    chosen = action.get("value") or action.get("selected_option") or action.get("selected_options")
    return f"{body['user']['id']}:{action.get('action_ts')}:{action.get('action_id')}:{chosen}"
