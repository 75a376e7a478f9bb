"""Small pure helpers for Block Kit: escaping and Slack's size limits."""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]

# Slack's published limits (https://api.slack.com/reference/block-kit).
MESSAGE_BLOCKS_MAX = 50
MODAL_BLOCKS_MAX = 100
SECTION_TEXT_MAX = 3000
FIELD_TEXT_MAX = 2000
HEADER_TEXT_MAX = 150
BUTTON_TEXT_MAX = 75
OPTION_TEXT_MAX = 75
CONTEXT_ELEMENTS_MAX = 10
MODAL_TITLE_MAX = 24
FALLBACK_TEXT_MAX = 3000


def escape(text: str) -> str:
    """Text shown as typed: no mentions, links or channel pings (Slack's three control characters)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def mrkdwn(text: str, limit: int = SECTION_TEXT_MAX) -> dict[str, Any]:
    """A mrkdwn text object; `text` must already be escaped where it holds people's words."""
    return {"type": "mrkdwn", "text": truncate(text, limit)}


def plain(text: str, limit: int = SECTION_TEXT_MAX) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit) or " ", "emoji": True}


def quoted(text: str, limit: int) -> str:
    """People's words, escaped and cut so that the escaped form fits the limit."""
    escaped = escape(text)
    while len(escaped) > limit:
        text = text[: max(0, len(text) - (len(escaped) - limit) - 1)]
        escaped = escape(text.rstrip() + "…")
    return escaped


def section(text: str, **extra: Any) -> Block:
    return {"type": "section", "text": mrkdwn(text), **extra}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_TEXT_MAX)}


def context(*texts: str) -> Block:
    return {
        "type": "context",
        "elements": [mrkdwn(t, SECTION_TEXT_MAX) for t in texts[:CONTEXT_ELEMENTS_MAX]],
    }


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str = "", style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": plain(text, BUTTON_TEXT_MAX), "action_id": action_id}
    if value:
        element["value"] = value
    if style:
        element["style"] = style
    return element


def fallback(text: str) -> str:
    """The notification text of a message, escaped like its blocks."""
    return truncate(escape(text), FALLBACK_TEXT_MAX)
