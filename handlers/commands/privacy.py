"""`/privacy [export | erase] [me | U<slack id>]`: a person's own data as a file, or an erasure.

Anyone gets a copy of their own data; a coordinator also someone else's. An erasure, of oneself
or by a coordinator of anyone, happens only once confirmed in a modal (coordinators pick the person
there). Commands arrive unescaped, so someone else is named by their Slack id (`consult-bot
partners list` shows them) or picked in the modal.
"""

from __future__ import annotations

import json
import re
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.domain.errors import DomainError
from bot.services import Services
from bot.services.exports import ExportFile
from handlers.blocks.privacy import erase_confirmation, file_on_its_way
from handlers.files import send_file_dm

USAGE = (
    "Use `/privacy` for a copy of everything the bot holds about you, `/privacy erase me` to erase "
    "yourself, and, for coordinators, `/privacy export U0123ABCD` or `/privacy erase [U0123ABCD]`."
)
# A bare Slack user id, or a mention as Slack writes it when it escapes one.
_PERSON = re.compile(r"^(?:<@([UW][A-Z0-9]{2,30})(?:\|[^>]*)?>|([UW][A-Z0-9]{2,30}))$")


def privacy(ack: Ack, command: dict[str, Any], client: WebClient, services: Services) -> None:
    user = command["user_id"]
    action, subject = parse_privacy(command.get("text") or "", user)
    if action == "erase":
        person = services.data_rights.person_to_erase(subject, requester=user) if subject else None
        if person is None:
            services.data_rights.require_coordinator(user)
        ack()
        view = erase_confirmation(person, self_erasure=subject == user)
        client.views_open(trigger_id=command["trigger_id"], view=view)
        return
    data = services.data_rights.export_data(subject or user, requester=user)
    ack(text=file_on_its_way("the copy of the data"), response_type="ephemeral")
    send_personal_data(client, user, subject or user, data)


def send_personal_data(client: WebClient, user: str, subject: str, data: dict[str, Any]) -> None:
    """The copy of `subject`'s data as a JSON file in `user`'s direct messages."""
    content = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    whom = "you" if subject == user else f"<@{subject}>"
    send_file_dm(
        client,
        user,
        ExportFile(f"personal-data-{subject}.json", content),
        f"Everything the bot holds about {whom}",
    )


def parse_privacy(text: str, user: str) -> tuple[str, str | None]:
    """(`export` or `erase`, the Slack id concerned); None: the person is picked in the modal."""
    words = text.split()
    action = words[0].lower() if words else "export"
    if action not in ("export", "erase") or len(words) > 2:
        raise DomainError(f"I don't understand `/privacy {text.strip()[:50]}`. {USAGE}")
    if len(words) < 2:
        return action, user if action == "export" else None
    if words[1].lower() == "me":
        return action, user
    match = _PERSON.match(words[1])
    if not match:
        raise DomainError(f"`{words[1][:40]}` is not a Slack user id (U0123ABCD). {USAGE}")
    return action, match.group(1) or match.group(2)
