"""The App Home's own controls: turning a page, and the coordinator's dashboard (`Remind`, new poll,
new consultation, digest preview). A Home has no channel and no response_url: answers come by
direct message, and forms open with the click's trigger."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.domain.clock import utcnow
from bot.domain.consultations.inputs import default_deadline
from bot.domain.errors import DomainError
from bot.domain.periods import current_period
from bot.services import Services
from handlers.blocks.consultations import nothing_to_consult, picker_modal, reminder_message
from handlers.blocks.digest import digest_overview
from handlers.blocks.home import parse_pages
from handlers.blocks.home_dashboard import consultation_reminder_report
from handlers.blocks.polls import creation_modal, reminder_report
from handlers.commands.privacy import send_personal_data
from handlers.commands.recs import export_format
from handlers.consultation_flow import PickState
from handlers.files import send_file_dm
from handlers.ids import HomeAction
from handlers.outbound import send_dm
from handlers.poll_support import PollFormState, delivery_id, reminded_names

PAGE_BUTTON = re.compile("^" + re.escape(HomeAction.PAGE.value) + "_(previous|next)$")
ANNEX_BUTTON = re.compile("^" + re.escape(HomeAction.ANNEX.value) + "(_markdown)?$")


def turn_page(ack: Ack, body: dict[str, Any], action: dict[str, Any], services: Services) -> None:
    ack()
    services.home.turn_page(body["user"]["id"], parse_pages(str(action.get("value") or "")))


def remind(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, services: Services
) -> None:
    ack()
    user, ref = body["user"]["id"], str(action.get("value") or "")
    delivery = delivery_id(body, action)
    services.home.require_coordinator(user, "send reminders from the dashboard")
    if ref.startswith("P") and ref[1:].isdigit():
        poll = services.polls.get(int(ref[1:]))
        reminder = services.polls.remind_now(poll.id, user, delivery=delivery)
        if reminder is None:
            return
        reached = set(services.polls.send_reminder(reminder))
        report = reminder_report(poll, *reminded_names(services, reminder.user_ids, reached))
    elif ref.startswith("R") and ref[1:].isdigit():
        found = services.home.consultation_reminder(ref, user, delivery=delivery)
        if found is None:
            return
        for organisation, members in found.members.items():
            text, blocks = reminder_message(found.consultation, organisation)
            for member in members:
                send_dm(client, member, text, blocks)
        report = consultation_reminder_report(ref, list(found.members))
    else:
        raise DomainError("This Remind button is out of date; open the Home again.")
    client.chat_postMessage(channel=user, text=report)


def new_poll(ack: Ack, body: dict[str, Any], client: WebClient, services: Services) -> None:
    ack()
    services.partners.require(body["user"]["id"])
    state = PollFormState(channel_id=services.home.working_channel())
    client.views_open(trigger_id=body["trigger_id"], view=creation_modal(state.dump()))


def new_consultation(ack: Ack, body: dict[str, Any], client: WebClient, services: Services) -> None:
    ack()
    choices = services.consultations.consultable(body["user"]["id"])
    if not choices:
        raise DomainError(nothing_to_consult())
    settings = services.settings
    deadline = default_deadline(utcnow(), settings.consult_deadline_days, settings.timezone)
    state = PickState(channel_id=services.home.working_channel())
    view = picker_modal(choices, state.dump(), deadline.astimezone(settings.timezone).date())
    client.views_open(trigger_id=body["trigger_id"], view=view)


def send_my_data(ack: Ack, body: dict[str, Any], client: WebClient, services: Services) -> None:
    ack()
    user = body["user"]["id"]
    send_personal_data(client, user, user, services.data_rights.export_data(user, requester=user))


def send_annex(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, services: Services
) -> None:
    """The policy document's annex (the button's value is the format), in the coordinator's DM."""
    ack()
    user = body["user"]["id"]
    services.export.require_coordinator(user)
    fmt = export_format([str(action.get("value") or "")])
    send_file_dm(
        client, user, services.export.file_for(user, fmt), f"The {fmt.value} export of the recommendations"
    )


def preview_digest(ack: Ack, body: dict[str, Any], client: WebClient, services: Services) -> None:
    ack()
    user = body["user"]["id"]
    services.home.require_coordinator(user, "preview the digest")
    settings, now = services.settings, utcnow()
    built = services.digest.preview(current_period(settings.digest_cron, settings.timezone, now), now)
    text, blocks = digest_overview(built.content)
    client.chat_postMessage(channel=user, text=text, blocks=blocks, unfurl_links=False)
