"""Render Slack messages and views as plain terminal text, roughly as a person sees them in Slack.

Used by ``consult-bot demo`` and by failing tests to show what the bot "posted". Block Kit is
turned into readable lines: headers with a rule, sections with mrkdwn made readable (user
mentions become ``@Real Name``, links ``label (url)``, dates their fallback text), fields two per
line, buttons ``[ Approve ]``, selects ``[ Select: a / b ]``, inputs ``Label: ________``.
ANSI styling (bold, dim, colours) only with ``color=True``.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.localslack.server import EphemeralMessage, Message, User, View

if TYPE_CHECKING:
    from bot.localslack.server import FakeSlack

__all__ = ["render_blocks", "render_channel", "render_message", "render_mrkdwn", "render_view"]

WIDTH: Final = 100
RULE: Final = "─"

_BOLD, _DIM, _ITALIC, _STRIKE, _RESET = "\033[1m", "\033[2m", "\033[3m", "\033[9m", "\033[0m"
_GREEN, _RED, _CYAN = "\033[32m", "\033[31m", "\033[36m"

_ANGLE = re.compile(r"<([^<>\n]+)>")
_BOLD_RE = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC_RE = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRIKE_RE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")

_SELECT_LABELS: Final = {
    "users_select": "Select a user",
    "multi_users_select": "Select users",
    "conversations_select": "Select a conversation",
    "multi_conversations_select": "Select conversations",
    "channels_select": "Select a channel",
    "multi_channels_select": "Select channels",
    "external_select": "Select",
    "multi_external_select": "Select",
}

Users = Mapping[str, User | str]
AnyMessage = Message | EphemeralMessage | Mapping[str, Any]


@dataclass(frozen=True)
class _Style:
    users: Users
    channels: Mapping[str, str]
    color: bool
    width: int

    def paint(self, text: str, *codes: str) -> str:
        return f"{''.join(codes)}{text}{_RESET}" if self.color and text else text

    def user_name(self, user_id: str) -> str:
        user = self.users.get(user_id)
        if isinstance(user, User):
            return user.real_name or user.name
        return user or user_id


# ---------------------------------------------------------------------------------------------
# mrkdwn
# ---------------------------------------------------------------------------------------------


def render_mrkdwn(
    text: str,
    users: Users | None = None,
    channels: Mapping[str, str] | None = None,
    *,
    color: bool = False,
) -> str:
    """Slack mrkdwn as a person reads it: mentions, links, dates and entities resolved."""
    return _mrkdwn(text, _Style(users or {}, channels or {}, color, WIDTH))


def _mrkdwn(text: str, style: _Style) -> str:
    text = _ANGLE.sub(lambda m: _angle(m.group(1), style), text)
    text = html.unescape(text) if "&" in text else text
    if style.color:
        text = _BOLD_RE.sub(lambda m: style.paint(m.group(1), _BOLD), text)
        text = _ITALIC_RE.sub(lambda m: style.paint(m.group(1), _ITALIC), text)
        text = _STRIKE_RE.sub(lambda m: style.paint(m.group(1), _STRIKE), text)
    return text


def _angle(inner: str, style: _Style) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        user_id = target[1:]
        name = style.user_name(user_id)
        return "@" + (label if name == user_id and label else name)
    if target.startswith("#"):
        channel_id = target[1:]
        return "#" + (label or style.channels.get(channel_id, channel_id))
    if target.startswith("!"):
        keyword = target[1:].split("^", 1)[0]
        if keyword in ("here", "channel", "everyone"):
            return f"@{keyword}"
        if keyword == "subteam":
            return label or "@group"
        return label or keyword  # !date^...|fallback -> fallback
    if not label or label == target:
        return target
    return f"{label} ({target})"


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if not paragraph.strip():
            lines.append(indent.rstrip())
            continue
        lines += textwrap.wrap(
            paragraph,
            width=max(width, 20),
            initial_indent=indent,
            subsequent_indent=indent,
            break_long_words=True,
            break_on_hyphens=False,
            drop_whitespace=True,
        ) or [indent]
    return lines


def _text_obj(obj: Any, style: _Style) -> str:
    if not isinstance(obj, Mapping):
        return ""
    text = str(obj.get("text", ""))
    return (
        _mrkdwn(text, style) if obj.get("type") == "mrkdwn" else html.unescape(text) if "&" in text else text
    )


# ---------------------------------------------------------------------------------------------
# blocks
# ---------------------------------------------------------------------------------------------


def render_blocks(
    blocks: Sequence[Mapping[str, Any]],
    users: Users | None = None,
    *,
    channels: Mapping[str, str] | None = None,
    color: bool = False,
    width: int = WIDTH,
) -> str:
    """Block Kit blocks as terminal lines."""
    return "\n".join(_blocks(blocks, _Style(users or {}, channels or {}, color, width)))


def _blocks(blocks: Iterable[Any], style: _Style) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Mapping):
            lines += _block(block, style)
    return lines


def _block(block: Mapping[str, Any], style: _Style) -> list[str]:
    kind = block.get("type")
    width = style.width
    if kind == "header":
        text = _text_obj(block.get("text"), style)
        shown = style.paint(text, _BOLD) if style.color else text.upper()
        return [shown, RULE * min(max(len(text), 3), width)]
    if kind == "divider":
        return [RULE * width]
    if kind == "section":
        lines = _wrap(_text_obj(block.get("text"), style), width) if block.get("text") else []
        fields = [f for f in block.get("fields") or [] if isinstance(f, Mapping)]
        column = (width - 4) // 2
        for i in range(0, len(fields), 2):
            left = _wrap(_text_obj(fields[i], style), column)
            right = _wrap(_text_obj(fields[i + 1], style), column) if i + 1 < len(fields) else []
            for row in range(max(len(left), len(right))):
                cell = left[row] if row < len(left) else ""
                other = right[row] if row < len(right) else ""
                lines.append(f"{_pad(cell, column)}    {other}".rstrip())
        accessory = block.get("accessory")
        if isinstance(accessory, Mapping):
            lines += _element_lines(accessory, style)
        return lines
    if kind == "context":
        parts = []
        for el in block.get("elements") or []:
            if isinstance(el, Mapping):
                parts.append(
                    f"[image: {el.get('alt_text', '')}]"
                    if el.get("type") == "image"
                    else _text_obj(el, style)
                )
        return [style.paint(line, _DIM) for line in _wrap("  ".join(parts), width - 2, indent="› ")]
    if kind == "actions":
        return _inline(
            [_element(el, style) for el in block.get("elements") or [] if isinstance(el, Mapping)], width
        )
    if kind == "input":
        return _input(block, style)
    if kind == "image":
        title = _text_obj(block.get("title"), style)
        return [f"[image: {block.get('alt_text', '')}]" + (f" {title}" if title else "")]
    if kind == "rich_text":
        return _wrap(_rich_text(block.get("elements") or [], style), width)
    if kind == "markdown":
        return _wrap(str(block.get("text", "")), width)
    if kind == "file":
        return [f"[file: {block.get('external_id', '')}]"]
    if kind == "video":
        return [f"[video: {_text_obj(block.get('title'), style)}] {block.get('video_url', '')}"]
    return [f"[{kind}]"]


def _pad(text: str, width: int) -> str:
    visible = len(re.sub(r"\033\[\d+m", "", text))
    return text + " " * max(width - visible, 0)


def _inline(parts: list[str], width: int) -> list[str]:
    """Elements side by side, wrapped to the width."""
    lines: list[str] = []
    current = ""
    for part in parts:
        for piece in part.split("\n"):
            if current and len(current) + 2 + len(piece) > width:
                lines.append(current)
                current = piece
            else:
                current = f"{current}  {piece}" if current else piece
    if current:
        lines.append(current)
    return lines


def _options(el: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    options = [o for o in el.get("options") or [] if isinstance(o, Mapping)]
    for group in el.get("option_groups") or []:
        if isinstance(group, Mapping):
            options += [o for o in group.get("options") or [] if isinstance(o, Mapping)]
    return options


def _initial_options(el: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    preset = [el["initial_option"]] if isinstance(el.get("initial_option"), Mapping) else []
    return preset + [o for o in el.get("initial_options") or [] if isinstance(o, Mapping)]


def _option_text(option: Mapping[str, Any], style: _Style) -> str:
    return _text_obj(option.get("text"), style)


def _element(el: Mapping[str, Any], style: _Style) -> str:
    """One interactive element on one line (checkboxes / radio buttons on several)."""
    kind = str(el.get("type", ""))
    if kind in ("button", "workflow_button"):
        label = f"[ {_text_obj(el.get('text'), style)} ]"
        colour = {"primary": _GREEN, "danger": _RED}.get(str(el.get("style")))
        return style.paint(label, _BOLD, colour) if colour else label
    if kind == "overflow":
        return f"[ ⋯ {' / '.join(_option_text(o, style) for o in _options(el))} ]"
    if kind in ("static_select", "multi_static_select"):
        label = _text_obj(el.get("placeholder"), style) or "Select"
        selected = _initial_options(el)
        chosen = f" = {', '.join(_option_text(o, style) for o in selected)}" if selected else ""
        return f"[ {label}: {' / '.join(_option_text(o, style) for o in _options(el))}{chosen} ]"
    if kind in _SELECT_LABELS:
        label = _text_obj(el.get("placeholder"), style) or _SELECT_LABELS[kind]
        preset = el.get("initial_user") or el.get("initial_conversation") or el.get("initial_channel")
        if isinstance(preset, str):
            shown = (
                f"@{style.user_name(preset)}" if "user" in kind else f"#{style.channels.get(preset, preset)}"
            )
            return f"[ {label}: {shown} ▾ ]"
        return f"[ {label} ▾ ]"
    if kind in ("checkboxes", "radio_buttons"):
        checked = {o.get("value") for o in _initial_options(el)}
        marks = ("[x]", "[ ]") if kind == "checkboxes" else ("(•)", "( )")
        return "\n".join(
            f"{marks[0] if o.get('value') in checked else marks[1]} {_option_text(o, style)}"
            for o in _options(el)
        )
    if kind == "datepicker":
        return (
            f"[ date: {el.get('initial_date') or _text_obj(el.get('placeholder'), style) or 'YYYY-MM-DD'} ]"
        )
    if kind == "timepicker":
        return f"[ time: {el.get('initial_time') or 'HH:MM'} ]"
    if kind == "datetimepicker":
        stamp = el.get("initial_date_time")
        when = datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M") if isinstance(stamp, int) else "…"
        return f"[ date & time: {when} ]"
    if kind == "image":
        return f"[image: {el.get('alt_text', '')}]"
    if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_input", "rich_text_input"):
        value = el.get("initial_value")
        if isinstance(value, str) and value:
            return value
        placeholder = _text_obj(el.get("placeholder"), style)
        return f"________ ({placeholder})" if placeholder else "________"
    if kind == "file_input":
        return "[ Upload file ]"
    return f"[ {kind} ]"


def _element_lines(el: Mapping[str, Any], style: _Style) -> list[str]:
    return _element(el, style).split("\n")


def _input(block: Mapping[str, Any], style: _Style) -> list[str]:
    label = _text_obj(block.get("label"), style)
    if block.get("optional"):
        label += " (optional)"
    element = block.get("element")
    rendered = _element(element, style) if isinstance(element, Mapping) else "________"
    if isinstance(element, Mapping) and element.get("multiline") and "\n" not in rendered:
        rendered += "\n________\n________"
    parts = rendered.split("\n")
    lines = [f"{label}: {parts[0]}"] if len(parts) == 1 else [f"{label}:"] + [f"  {p}" for p in parts]
    hint = _text_obj(block.get("hint"), style)
    if hint:
        lines.append(style.paint(f"  {hint}", _DIM))
    return lines


def _rich_text(elements: Iterable[Any], style: _Style, depth: int = 0) -> str:
    out: list[str] = []
    for el in elements:
        if not isinstance(el, Mapping):
            continue
        kind = el.get("type")
        inner = el.get("elements") or []
        if kind == "rich_text_section":
            out.append(_rich_inline(inner, style))
        elif kind == "rich_text_list":
            ordered = el.get("style") == "ordered"
            indent = "  " * int(el.get("indent") or 0)
            for i, item in enumerate(inner, start=1):
                text = _rich_inline(item.get("elements") or [], style) if isinstance(item, Mapping) else ""
                out.append(f"{indent}{f'{i}.' if ordered else '•'} {text}")
        elif kind == "rich_text_preformatted":
            out.append("\n".join(f"    {line}" for line in _rich_inline(inner, style).split("\n")))
        elif kind == "rich_text_quote":
            out.append("\n".join(f"> {line}" for line in _rich_inline(inner, style).split("\n")))
    return "\n".join(out)


def _rich_inline(elements: Iterable[Any], style: _Style) -> str:
    parts: list[str] = []
    for el in elements:
        if not isinstance(el, Mapping):
            continue
        kind = el.get("type")
        if kind == "text":
            text = str(el.get("text", ""))
            marks = el.get("style") or {}
            if isinstance(marks, Mapping) and style.color:
                codes = [
                    c
                    for key, c in (("bold", _BOLD), ("italic", _ITALIC), ("strike", _STRIKE))
                    if marks.get(key)
                ]
                text = style.paint(text, *codes) if codes else text
            parts.append(text)
        elif kind == "user":
            parts.append("@" + style.user_name(str(el.get("user_id", ""))))
        elif kind == "channel":
            channel_id = str(el.get("channel_id", ""))
            parts.append("#" + style.channels.get(channel_id, channel_id))
        elif kind == "link":
            url, label = str(el.get("url", "")), el.get("text")
            parts.append(f"{label} ({url})" if label and label != url else url)
        elif kind == "emoji":
            parts.append(f":{el.get('name', '')}:")
        elif kind == "broadcast":
            parts.append(f"@{el.get('range', 'here')}")
        elif kind == "usergroup":
            parts.append("@group")
        elif kind == "date":
            parts.append(str(el.get("fallback") or el.get("timestamp", "")))
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# messages, views, channels
# ---------------------------------------------------------------------------------------------


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
    style = _Style(users or {}, channels or {}, color, width - len(indent) - 2)
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
    header = f"{style.paint(author, _BOLD)}  {style.paint(_clock(str(data.get('ts', '')), tz), _DIM)}"
    if data.get("edited"):
        header += "  (edited)"
    if is_ephemeral:
        marker = "(only visible to you)"
        if ephemeral_for:
            marker += f" [{ephemeral_for}]"
        header += "  " + style.paint(marker, _CYAN)
    body: list[str] = []
    blocks = data.get("blocks") or []
    if blocks:
        body += _blocks(blocks, style)
    elif data.get("text"):
        body += _wrap(_mrkdwn(str(data["text"]), style), style.width)
    for attachment in data.get("attachments") or []:
        if isinstance(attachment, Mapping):
            inner = _blocks(attachment.get("blocks") or [], style)
            if not inner and attachment.get("text"):
                inner = _wrap(_mrkdwn(str(attachment["text"]), style), style.width - 2)
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
    style = _Style(users or {}, {}, color, width - 2)
    is_home = data.get("type") == "home"
    title = "Home" if is_home else _text_obj(data.get("title"), style) or "Modal"
    label = f"┌─ {style.paint(title, _BOLD)} "
    extra = f" {data.get('callback_id')} " if data.get("callback_id") else ""
    lines = [label + RULE * max(width - len(title) - 4 - len(extra) - 1, 3) + extra + "┐"]
    lines += [f"│ {line}" if line else "│" for line in _blocks(data.get("blocks") or [], style)]
    buttons = []
    if data.get("type") != "home":
        buttons.append(f"[ {_text_obj(data.get('close'), style) or 'Cancel'} ]")
        if data.get("submit"):
            buttons.append(style.paint(f"[ {_text_obj(data.get('submit'), style)} ]", _BOLD, _GREEN))
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
    shown = f"{_BOLD}{title}{_RESET}" if color else title
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
