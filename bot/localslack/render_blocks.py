"""Block Kit and mrkdwn as plain terminal text, roughly as a person sees them in Slack: headers with a
rule, sections with mrkdwn made readable (user mentions become ``@Real Name``, links ``label (url)``,
dates their fallback text), fields two per line, buttons ``[ Approve ]``, selects ``[ Select: a / b ]``,
inputs ``Label: ________``. ANSI styling (bold, dim, colours) only with ``color=True``.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from bot.localslack.models import EphemeralMessage, Message, User

__all__ = [
    "AnyMessage",
    "Style",
    "Users",
    "block_lines",
    "mrkdwn_text",
    "render_blocks",
    "render_mrkdwn",
    "text_of",
    "wrap",
]

WIDTH: Final = 100
RULE: Final = "─"

BOLD, DIM, _ITALIC, _STRIKE, RESET = "\033[1m", "\033[2m", "\033[3m", "\033[9m", "\033[0m"
GREEN, RED, CYAN = "\033[32m", "\033[31m", "\033[36m"

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
class Style:
    users: Users
    channels: Mapping[str, str]
    color: bool
    width: int

    def paint(self, text: str, *codes: str) -> str:
        return f"{''.join(codes)}{text}{RESET}" if self.color and text else text

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
    return mrkdwn_text(text, Style(users or {}, channels or {}, color, WIDTH))


def mrkdwn_text(text: str, style: Style) -> str:
    text = _ANGLE.sub(lambda m: _angle(m.group(1), style), text)
    text = html.unescape(text) if "&" in text else text
    if style.color:
        text = _BOLD_RE.sub(lambda m: style.paint(m.group(1), BOLD), text)
        text = _ITALIC_RE.sub(lambda m: style.paint(m.group(1), _ITALIC), text)
        text = _STRIKE_RE.sub(lambda m: style.paint(m.group(1), _STRIKE), text)
    return text


def _angle(inner: str, style: Style) -> str:
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


def wrap(text: str, width: int, indent: str = "") -> list[str]:
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


def text_of(obj: Any, style: Style) -> str:
    if not isinstance(obj, Mapping):
        return ""
    text = str(obj.get("text", ""))
    return (
        mrkdwn_text(text, style)
        if obj.get("type") == "mrkdwn"
        else html.unescape(text)
        if "&" in text
        else text
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
    return "\n".join(block_lines(blocks, Style(users or {}, channels or {}, color, width)))


def block_lines(blocks: Iterable[Any], style: Style) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Mapping):
            lines += _block(block, style)
    return lines


def _block(block: Mapping[str, Any], style: Style) -> list[str]:
    kind = block.get("type")
    width = style.width
    if kind == "header":
        text = text_of(block.get("text"), style)
        shown = style.paint(text, BOLD) if style.color else text.upper()
        return [shown, RULE * min(max(len(text), 3), width)]
    if kind == "divider":
        return [RULE * width]
    if kind == "section":
        lines = wrap(text_of(block.get("text"), style), width) if block.get("text") else []
        fields = [f for f in block.get("fields") or [] if isinstance(f, Mapping)]
        column = (width - 4) // 2
        for i in range(0, len(fields), 2):
            left = wrap(text_of(fields[i], style), column)
            right = wrap(text_of(fields[i + 1], style), column) if i + 1 < len(fields) else []
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
                    f"[image: {el.get('alt_text', '')}]" if el.get("type") == "image" else text_of(el, style)
                )
        return [style.paint(line, DIM) for line in wrap("  ".join(parts), width - 2, indent="› ")]
    if kind == "actions":
        return _inline(
            [_element(el, style) for el in block.get("elements") or [] if isinstance(el, Mapping)], width
        )
    if kind == "input":
        return _input(block, style)
    if kind == "image":
        title = text_of(block.get("title"), style)
        return [f"[image: {block.get('alt_text', '')}]" + (f" {title}" if title else "")]
    if kind == "rich_text":
        return wrap(_rich_text(block.get("elements") or [], style), width)
    if kind == "markdown":
        return wrap(str(block.get("text", "")), width)
    if kind == "file":
        return [f"[file: {block.get('external_id', '')}]"]
    if kind == "video":
        return [f"[video: {text_of(block.get('title'), style)}] {block.get('video_url', '')}"]
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


def _option_text(option: Mapping[str, Any], style: Style) -> str:
    return text_of(option.get("text"), style)


def _element(el: Mapping[str, Any], style: Style) -> str:
    """One interactive element on one line (checkboxes / radio buttons on several)."""
    kind = str(el.get("type", ""))
    if kind in ("button", "workflow_button"):
        label = f"[ {text_of(el.get('text'), style)} ]"
        colour = {"primary": GREEN, "danger": RED}.get(str(el.get("style")))
        return style.paint(label, BOLD, colour) if colour else label
    if kind == "overflow":
        return f"[ ⋯ {' / '.join(_option_text(o, style) for o in _options(el))} ]"
    if kind in ("static_select", "multi_static_select"):
        label = text_of(el.get("placeholder"), style) or "Select"
        selected = _initial_options(el)
        chosen = f" = {', '.join(_option_text(o, style) for o in selected)}" if selected else ""
        return f"[ {label}: {' / '.join(_option_text(o, style) for o in _options(el))}{chosen} ]"
    if kind in _SELECT_LABELS:
        label = text_of(el.get("placeholder"), style) or _SELECT_LABELS[kind]
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
        return f"[ date: {el.get('initial_date') or text_of(el.get('placeholder'), style) or 'YYYY-MM-DD'} ]"
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
        placeholder = text_of(el.get("placeholder"), style)
        return f"________ ({placeholder})" if placeholder else "________"
    if kind == "file_input":
        return "[ Upload file ]"
    return f"[ {kind} ]"


def _element_lines(el: Mapping[str, Any], style: Style) -> list[str]:
    return _element(el, style).split("\n")


def _input(block: Mapping[str, Any], style: Style) -> list[str]:
    label = text_of(block.get("label"), style)
    if block.get("optional"):
        label += " (optional)"
    element = block.get("element")
    rendered = _element(element, style) if isinstance(element, Mapping) else "________"
    if isinstance(element, Mapping) and element.get("multiline") and "\n" not in rendered:
        rendered += "\n________\n________"
    parts = rendered.split("\n")
    lines = [f"{label}: {parts[0]}"] if len(parts) == 1 else [f"{label}:"] + [f"  {p}" for p in parts]
    hint = text_of(block.get("hint"), style)
    if hint:
        lines.append(style.paint(f"  {hint}", DIM))
    return lines


def _rich_text(elements: Iterable[Any], style: Style, depth: int = 0) -> str:
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


def _rich_inline(elements: Iterable[Any], style: Style) -> str:
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
                    for key, c in (("bold", BOLD), ("italic", _ITALIC), ("strike", _STRIKE))
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
