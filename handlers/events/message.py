"""Message events: replies in a consultation thread are its comments (new, edited, deleted)."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.domain.consultations.threads import thread_message
from bot.services import Services


def follow_thread(event: dict[str, Any], context: BoltContext, services: Services) -> None:
    # Events are acknowledged by Bolt before this runs; duplicates are absorbed by (channel, ts).
    channel = str(event.get("channel") or "")
    subtype = event.get("subtype")
    bot_user = context.bot_user_id
    if subtype == "message_changed":
        services.consultations.record_edit(thread_message(event.get("message") or {}, channel), bot_user)
    elif subtype == "message_deleted":
        previous = event.get("previous_message")
        services.consultations.record_deletion(
            channel,
            str(event.get("deleted_ts") or ""),
            thread_message(previous, channel) if isinstance(previous, dict) else None,
            bot_user,
        )
    else:
        services.consultations.record_message(thread_message(event, channel), bot_user)
