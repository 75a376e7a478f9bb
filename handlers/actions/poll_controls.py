"""The controls on a poll message: my answer and results, reminders, closing, the next Delphi round."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.services import Services
from handlers.blocks.polls import my_answer, reminder_report
from handlers.poll_support import delivery_id, locate, post_poll_message, reminded_names


def show_mine(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, services: Services
) -> None:
    ack()
    own = services.polls.own_view(locate(services, body, action).id, body["user"]["id"])
    text, blocks = my_answer(own.poll, own.answer, own.results)
    respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)


def close_poll(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, services: Services
) -> None:
    ack()
    # The message itself gets the final results (one chat.update, by the process that closed it).
    poll = services.polls.close(locate(services, body, action).id, body["user"]["id"])
    respond(text=f"{poll.ref} is closed.", response_type="ephemeral", replace_original=False)


def remind(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    services: Services,
) -> None:
    ack()
    poll = locate(services, body, action)
    user = body["user"]["id"]
    reminder = services.polls.remind_now(poll.id, user, delivery=delivery_id(body, action))
    if reminder is None:
        return
    reached = set(services.polls.send_reminder(reminder))
    names, unreached = reminded_names(services, reminder.user_ids, reached)
    respond(text=reminder_report(poll, names, unreached), response_type="ephemeral", replace_original=False)


def next_round(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    services: Services,
) -> None:
    ack()
    poll = locate(services, body, action)
    following, created = services.polls.next_round(
        poll.number, body["user"]["id"], submission_key=f"round:{delivery_id(body, action)}"
    )
    if created:
        post_poll_message(client, services, following)
