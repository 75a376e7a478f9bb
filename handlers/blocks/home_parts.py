"""Small typed pieces the Home's builders share: times in the reader's zone, text sections that fit,
folded lists and page buttons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from handlers.blocks.common import (
    BUTTON_TEXT_MAX,
    HEADER_TEXT_MAX,
    SECTION_TEXT_MAX,
    truncate,
)
from handlers.ids import HomeAction


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    """A time in the reader's own time zone, e.g. `Fri 11 Dec 17:00 CET`."""
    local = moment.astimezone(zone)
    return f"{local:%a %d %b %H:%M} {local.tzname()}"


def closes(deadline: datetime | None, zone: ZoneInfo) -> str:
    return f"closes {local_time(deadline, zone)}" if deadline else "no deadline"


def text(mrkdwn: str) -> MarkdownTextObject:
    """Already escaped mrkdwn, cut to what a section takes."""
    return MarkdownTextObject(text=truncate(mrkdwn, SECTION_TEXT_MAX))


def section(mrkdwn: str, block_id: str | None = None, accessory: ButtonElement | None = None) -> SectionBlock:
    return SectionBlock(text=text(mrkdwn), block_id=block_id, accessory=accessory)


def header(title: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=truncate(title, HEADER_TEXT_MAX), emoji=True))


def context(mrkdwn: str) -> ContextBlock:
    return ContextBlock(elements=[text(mrkdwn)])


def button(label: str, action_id: str, value: str, style: str | None = None) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=truncate(label, BUTTON_TEXT_MAX), emoji=True),
        action_id=action_id,
        value=value,
        style=style,
    )


def folded(lines: Sequence[str], shown: int, more: str = "more") -> list[SectionBlock]:
    """Lines in as few sections as fit; past `shown` lines, one line says how many are left."""
    kept = list(lines[:shown])
    if len(lines) > shown:
        kept.append(f"_…and {len(lines) - shown} {more}_")
    sections: list[SectionBlock] = []
    chunk = ""
    for line in kept:
        line = truncate(line, SECTION_TEXT_MAX)
        if chunk and len(chunk) + 1 + len(line) > SECTION_TEXT_MAX:
            sections.append(section(chunk))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        sections.append(section(chunk))
    return sections


@dataclass(frozen=True)
class Page:
    """One page of a long list: which items, and the buttons to the neighbouring pages."""

    number: int
    count: int
    start: int
    stop: int

    @classmethod
    def of(cls, total: int, size: int, wanted: int) -> Page:
        count = max(1, -(-total // size))
        number = min(max(wanted, 1), count)
        return cls(number, count, (number - 1) * size, min(number * size, total))

    def controls(self, name: str, block_id: str) -> list[Block]:
        if self.count == 1:
            return []
        page = HomeAction.PAGE.value
        buttons = []
        if self.number > 1:
            buttons.append(button("‹ Previous", f"{page}_previous", f"{name}:{self.number - 1}"))
        if self.number < self.count:
            buttons.append(button("Next ›", f"{page}_next", f"{name}:{self.number + 1}"))
        return [
            context(f"Page {self.number} of {self.count}"),
            ActionsBlock(block_id=block_id, elements=buttons),
        ]
