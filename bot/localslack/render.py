"""Render Slack messages and views as plain terminal text, roughly as a person sees them in Slack.

Used by ``consult-bot demo`` and by failing tests to show what the bot "posted". Block Kit is
turned into readable lines: headers with a rule, sections with mrkdwn made readable (user
mentions become ``@Real Name``, links ``label (url)``, dates their fallback text), fields two per
line, buttons ``[ Approve ]``, selects ``[ Select: a / b ]``, inputs ``Label: ________``.
ANSI styling (bold, dim, colours) only with ``color=True``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.localslack.models import EphemeralMessage, Message, User, View
from bot.localslack.render_blocks import (
    BOLD,
    CYAN,
    DIM,
    GREEN,
    RESET,
    RULE,
    WIDTH,
    AnyMessage,
    Style,
    Users,
    block_lines,
    mrkdwn_text,
    render_blocks,
    render_mrkdwn,
    text_of,
    wrap,
)

if TYPE_CHECKING:
    from bot.localslack.server import FakeSlack

__all__ = ["render_blocks", "render_channel", "render_message", "render_mrkdwn", "render_view"]


def _clock(ts: str, tz: tzinfo | None) -> str:
    try:
        when = datetime.fromtimestamp(float(ts), tz) if tz else datetime.fromtimestamp(float(ts)).astimezone()
    except (TypeError, ValueError, OverflowError):
        return ""
    return when.strftime("%H:%M")


def render_message(
    message: AnyMessage,
    users: Users | None = None,
    *,
    channels: Mapping[str, str] | None = None,
    color: bool = False,
    width: int = WIDTH,
    tz: tzinfo | None = None,
    indent: str = "",
    ephemeral_for: str | None = None,
) -> str:
    """A message with its author and time, then its blocks (or text), files and reactions.

    ``message`` is a Message / EphemeralMessage from the fake or a message dict as the Web API
    returns it. ``users`` maps user ids to User records or names.
    """
    style = Style(users or {}, channels or {}, color, width - len(indent) - 2)
    is_ephemeral = isinstance(message, EphemeralMessage)
    if isinstance(message, Message | EphemeralMessage):
        data: Mapping[str, Any] = {
            "ts": message.ts,
            "text": message.text,
            "blocks": message.blocks,
            "attachments": message.attachments,
            "user": message.author,
            "bot_id": message.bot_id,
            "files": message.files if isinstance(message, Message) else [],
            "edited": message.edited if isinstance(message, Message) else None,
            "reactions": message.reactions if isinstance(message, Message) else [],
        }
    else:
        data = message
    author_id = str(data.get("user") or data.get("bot_id") or "")
    author = style.user_name(author_id) if author_id else "unknown"
    header = f"{style.paint(author, BOLD)}  {style.paint(_clock(str(data.get('ts', '')), tz), DIM)}"
    if data.get("edited"):
        header += "  (edited)"
    if is_ephemeral:
        marker = "(only visible to you)"
        if ephemeral_for:
            marker += f" [{ephemeral_for}]"
        header += "  " + style.paint(marker, CYAN)
    body: list[str] = []
    blocks = data.get("blocks") or []
    if blocks:
        body += block_lines(blocks, style)
    elif data.get("text"):
        body += wrap(mrkdwn_text(str(data["text"]), style), style.width)
    for attachment in data.get("attachments") or []:
        if isinstance(attachment, Mapping):
            inner = block_lines(attachment.get("blocks") or [], style)
            if not inner and attachment.get("text"):
                inner = wrap(mrkdwn_text(str(attachment["text"]), style), style.width - 2)
            body += [f"▌ {line}" for line in inner]
    for file in data.get("files") or []:
        if isinstance(file, Mapping):
            title = file.get("title")
            name = str(file.get("name", "file"))
            body.append(f"[file] {name}" + (f" — {title}" if title and title != name else ""))
    reactions = [r for r in data.get("reactions") or [] if isinstance(r, Mapping)]
    if reactions:
        body.append("  ".join(f":{r.get('name')}: {r.get('count', 1)}" for r in reactions))
    lines = [indent + header] + [f"{indent}  {line}" if line else "" for line in body]
    return "\n".join(lines)


def render_view(
    view: View | Mapping[str, Any],
    users: Users | None = None,
    *,
    color: bool = False,
    width: int = WIDTH,
) -> str:
    """A modal as a box with title, blocks and its Close / Submit buttons; a home tab likewise."""
    data = view.to_api() if isinstance(view, View) else view
    style = Style(users or {}, {}, color, width - 2)
    is_home = data.get("type") == "home"
    title = "Home" if is_home else text_of(data.get("title"), style) or "Modal"
    label = f"┌─ {style.paint(title, BOLD)} "
    extra = f" {data.get('callback_id')} " if data.get("callback_id") else ""
    lines = [label + RULE * max(width - len(title) - 4 - len(extra) - 1, 3) + extra + "┐"]
    lines += [f"│ {line}" if line else "│" for line in block_lines(data.get("blocks") or [], style)]
    buttons = []
    if data.get("type") != "home":
        buttons.append(f"[ {text_of(data.get('close'), style) or 'Cancel'} ]")
        if data.get("submit"):
            buttons.append(style.paint(f"[ {text_of(data.get('submit'), style)} ]", BOLD, GREEN))
    footer = f"└─ {'  '.join(buttons)} " if buttons else "└"
    lines.append(footer + RULE * max(width - len(re.sub(r"\033\[\d+m", "", footer)) - 1, 3) + "┘")
    return "\n".join(lines)


def render_channel(
    fake: FakeSlack,
    channel: str,
    title: str | None = None,
    *,
    viewer: str | None = None,
    color: bool = False,
    width: int = WIDTH,
) -> str:
    """The channel (or a user's DM with the bot) as a person sees it: messages oldest first,
    thread replies indented under their root with ``└``, ephemeral messages marked.

    ``viewer`` (a user id) shows only the ephemeral messages that user sees and uses their time
    zone; without it all ephemeral messages are shown, each naming its recipient.
    """
    users: dict[str, User | str] = {u.id: u for u in fake.users()}
    channel_names = {c.id: c.name for c in fake.channels() if not c.is_im}
    info = fake.channel(fake.im_channel(channel) if channel in users else channel)
    tz = _viewer_tz(users.get(viewer) if viewer else None)
    if title is None:
        if info.is_im:
            person = users.get(info.im_user or "")
            name = person.real_name if isinstance(person, User) else info.im_user
            title = f"Direct messages: {fake.bot_name} ↔ {name}"
        else:
            title = f"#{info.name}"
    lines = [_title_line(title, color, width)]
    messages = fake.messages(info.id)
    ephemerals = fake.ephemerals(user=viewer, channel=info.id)
    top = sorted(
        [m for m in messages if not m.is_reply or m.subtype == "thread_broadcast"]
        + [e for e in ephemerals if not e.thread_ts],
        key=lambda m: m.ts,
    )
    common: dict[str, Any] = {"channels": channel_names, "color": color, "width": width, "tz": tz}
    for item in top:
        lines.append(_render_item(item, users, viewer, common, ""))
        replies = sorted(
            [m for m in messages if m.is_reply and m.thread_ts == item.ts]
            + [e for e in ephemerals if e.thread_ts == item.ts],
            key=lambda m: m.ts,
        )
        for reply in replies:
            rendered = _render_item(reply, users, viewer, common, "    ")
            lines.append("  └ " + rendered[4:])
    if len(lines) == 1:
        lines.append("(no messages)")
    return "\n".join(lines)


def _title_line(title: str, color: bool, width: int) -> str:
    shown = f"{BOLD}{title}{RESET}" if color else title
    return f"{shown} " + RULE * max(width - len(title) - 1, 3)


def _render_item(
    item: Message | EphemeralMessage, users: Users, viewer: str | None, common: dict[str, Any], indent: str
) -> str:
    recipient = None
    if isinstance(item, EphemeralMessage) and viewer is None:
        person = users.get(item.user)
        recipient = person.real_name if isinstance(person, User) else item.user
    return render_message(item, users, indent=indent, ephemeral_for=recipient, **common)


def _viewer_tz(user: User | str | None) -> tzinfo | None:
    if not isinstance(user, User):
        return None
    try:
        return ZoneInfo(user.tz)
    except (ZoneInfoNotFoundError, ValueError):
        return None
