"""Slack's error codes the bot answers in its own words, written once."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

# Slack's answers when the bot cannot post in (or read) a channel: not invited, archived, gone.
CANNOT_POST = frozenset({"channel_not_found", "not_in_channel", "is_archived", "restricted_action"})
# ... and when the message to update is no longer there to update.
MESSAGE_GONE = CANNOT_POST | {"message_not_found", "cant_update_message"}

# ... and when Slack could not take the call for now (still so after the client's retries).
RETRY_LATER = frozenset(
    {"ratelimited", "service_unavailable", "fatal_error", "internal_error", "request_timeout"}
    | {"429", "500", "502", "503", "504"}
)


def slack_error(exc: SlackApiError) -> str:
    """The error code of a refused call (or its HTTP status when Slack gave none)."""
    return str(exc.response.get("error") or exc.response.status_code)
