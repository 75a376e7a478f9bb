"""Typed Block Kit helpers on slack-sdk's models: text cut to Slack's limits, the common blocks, and the
finished surface as the JSON that WebClient, Bolt's ack/respond and views.* take.

Builders compose these models; `message()` and `modal()` validate them (slack-sdk's `validate_json()` checks
Slack's limits) when the surface is built, so a surface that Slack would refuse fails in tests, not in Slack.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    BlockElement,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InteractiveElement,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.blocks import Block as Block
from slack_sdk.models.views import View

# A block as Slack's JSON: what a finished surface holds.
JsonBlock = dict[str, Any]
# A message: its notification text and its blocks.
Message = tuple[str, list[JsonBlock]]

# Slack's published limits (https://api.slack.com/reference/block-kit).
MESSAGE_BLOCKS_MAX = 50
MODAL_BLOCKS_MAX = 100
SECTION_TEXT_MAX = 3000
FIELD_TEXT_MAX = 2000
HEADER_TEXT_MAX = 150
BUTTON_TEXT_MAX = 75
OPTION_TEXT_MAX = 75
OPTIONS_MAX = 100
CONTEXT_ELEMENTS_MAX = 10
MODAL_TITLE_MAX = 24
MODAL_BUTTON_MAX = 24
PLACEHOLDER_MAX = 150
CONFIRM_TITLE_MAX = 100
CONFIRM_TEXT_MAX = 300
CONFIRM_BUTTON_MAX = 30
FALLBACK_TEXT_MAX = 3000
# Lines packed into one section leave this much room for an "…and N more" note.
_PACKING_SLACK = 100


# --- text ---------------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Text shown as typed: no mentions, links or channel pings (Slack's three control characters)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def quoted(text: str, limit: int) -> str:
    """People's words, escaped and cut so that the escaped form fits the limit."""
    escaped = escape(text)
    while len(escaped) > limit:
        text = text[: max(0, len(text) - (len(escaped) - limit) - 1)]
        escaped = escape(text.rstrip() + "…")
    return escaped


def listed(items: Sequence[str], limit: int) -> str:
    """Items joined by commas up to `limit` characters; the rest counted ("and 3 more")."""
    shown: list[str] = []
    for item in items:
        if len(", ".join([*shown, item])) > limit:
            break
        shown.append(item)
    rest = len(items) - len(shown)
    return ", ".join(shown) + (f" and {rest} more" if rest else "")


def fallback(text: str) -> str:
    """The notification text of a message, escaped like its blocks."""
    return truncate(escape(text), FALLBACK_TEXT_MAX)


def slack_date(moment: datetime) -> str:
    """A time every reader sees in their own time zone (Slack's date formatting); the fallback is UTC."""
    fallback_text = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback_text}>"


def mrkdwn(text: str, limit: int = SECTION_TEXT_MAX) -> MarkdownTextObject:
    """A mrkdwn text object; `text` must already be escaped where it holds people's words."""
    return MarkdownTextObject(text=truncate(text, limit))


def plain(text: str, limit: int = SECTION_TEXT_MAX) -> PlainTextObject:
    """A plain text object; Slack refuses an empty one, so an empty text becomes a space."""
    return PlainTextObject(text=truncate(text, limit) or " ", emoji=True)


# --- blocks and elements ------------------------------------------------------------------------


def section(text: str, *, accessory: BlockElement | None = None, block_id: str | None = None) -> SectionBlock:
    return SectionBlock(text=mrkdwn(text), accessory=accessory, block_id=block_id)


def packed_sections(lines: Sequence[str], limit: int) -> list[SectionBlock]:
    """Lines packed into at most `limit` sections of Slack's size; what does not fit is counted."""
    blocks: list[SectionBlock] = []
    current = ""
    for position, line in enumerate(lines):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= SECTION_TEXT_MAX - _PACKING_SLACK:
            current = candidate
            continue
        if len(blocks) == limit - 1:
            rest = len(lines) - position
            blocks.append(section(f"{current}\n_…and {rest} more_"))
            return blocks
        blocks.append(section(current))
        current = line
    if current:
        blocks.append(section(current))
    return blocks


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=plain(text, HEADER_TEXT_MAX))


def context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[mrkdwn(t) for t in texts[:CONTEXT_ELEMENTS_MAX]])


def divider() -> DividerBlock:
    return DividerBlock()


def actions(*elements: InteractiveElement, block_id: str | None = None) -> ActionsBlock:
    return ActionsBlock(elements=list(elements), block_id=block_id)


def button(
    text: str,
    action_id: str,
    value: str = "",
    style: str | None = None,
    *,
    confirm: ConfirmObject | None = None,
) -> ButtonElement:
    return ButtonElement(
        text=plain(text, BUTTON_TEXT_MAX),
        action_id=action_id,
        value=value or None,
        style=style,
        confirm=confirm,
    )


def confirmation_dialog(title: str, text: str, confirm: str, deny: str) -> ConfirmObject:
    """The "are you sure?" dialog of a button that cannot be undone."""
    return ConfirmObject(
        title=plain(title, CONFIRM_TITLE_MAX),
        text=plain(text, CONFIRM_TEXT_MAX),
        confirm=plain(confirm, CONFIRM_BUTTON_MAX),
        deny=plain(deny, CONFIRM_BUTTON_MAX),
    )


def option(text: str, value: str, description: str | None = None) -> Option:
    return Option(
        text=plain(text, OPTION_TEXT_MAX),
        value=value,
        description=plain(description, OPTION_TEXT_MAX) if description else None,
    )


# --- finished surfaces --------------------------------------------------------------------------


def message(text: str, blocks: Sequence[Block]) -> Message:
    """A message's text and blocks as JSON; each block is validated against Slack's limits."""
    if len(blocks) > MESSAGE_BLOCKS_MAX:
        raise ValueError(f"a message holds at most {MESSAGE_BLOCKS_MAX} blocks, not {len(blocks)}")
    return text, [block.to_dict() for block in blocks]


def modal(
    *,
    callback_id: str,
    title: str,
    submit: str,
    private_metadata: str,
    blocks: Sequence[Block],
    close: str = "Cancel",
) -> dict[str, Any]:
    """A modal view as JSON for views.open; slack-sdk checks its title, buttons and 100-block limit."""
    view = View(
        type="modal",
        callback_id=callback_id,
        private_metadata=private_metadata,
        title=plain(title, MODAL_TITLE_MAX),
        submit=plain(submit, MODAL_BUTTON_MAX),
        close=plain(close, MODAL_BUTTON_MAX),
        blocks=list(blocks),
    )
    return view.to_dict()
