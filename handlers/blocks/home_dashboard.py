"""The coordinator's part of the Home: common actions, who has answered what (with `Remind`), and the
consensus board of the recommendations in consultation."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ConfirmObject, DividerBlock, PlainTextObject

from bot.domain.digest import percent
from bot.domain.home import BoardRow, Dashboard, Missing, Progress
from handlers.blocks.common import SECTION_TEXT_MAX, escape, quoted, truncate
from handlers.blocks.digest import TREND_ICONS
from handlers.blocks.home_parts import Page, button, closes, context, folded, header, section
from handlers.ids import HomeAction

DASHBOARD_PAGE = 10  # one section per open poll or consultation
BOARD_SHOWN = 20


def dashboard_blocks(dashboard: Dashboard, zone: ZoneInfo, wanted: int) -> list[Block]:
    blocks: list[Block] = [
        DividerBlock(),
        header("Coordinator dashboard"),
        ActionsBlock(
            block_id="home_common_actions",
            elements=[
                button("New poll", HomeAction.NEW_POLL.value, "poll", style="primary"),
                button("New consultation", HomeAction.NEW_CONSULTATION.value, "consultation"),
                button("Preview the digest", HomeAction.DIGEST_PREVIEW.value, "digest"),
                button("Annex (Word)", HomeAction.ANNEX.value, "docx"),
                button("Annex (Markdown)", HomeAction.ANNEX.value + "_markdown", "markdown"),
            ],
        ),
    ]
    rows = dashboard.progress
    if not rows:
        blocks.append(context("No poll or consultation is open."))
    page = Page.of(len(rows), DASHBOARD_PAGE, wanted)
    blocks += [_progress(row, zone) for row in rows[page.start : page.stop]]
    blocks += page.controls("dashboard", "home_dashboard_pages")
    blocks.append(header("Consensus board"))
    board: list[Block] = [*folded([_board_line(row) for row in dashboard.board], BOARD_SHOWN, "more")]
    return blocks + (board or [context("No recommendation is in consultation.")])


def _progress(row: Progress, zone: ZoneInfo) -> Block:
    head = (
        f"*{row.ref}* · {quoted(row.title, 200)}\n"
        f"*{row.answered} of {row.expected}* {row.unit} have answered · "
        f"{closes(row.deadline, zone)}"
    )
    if row.complete:
        return section(
            f"{head}\n:white_check_mark: Everyone has answered.", block_id=f"home_progress_{row.ref}"
        )
    remind = button("Remind", HomeAction.REMIND.value, row.ref)
    remind.confirm = ConfirmObject(
        title=PlainTextObject(text="Send reminders?"),
        text=PlainTextObject(
            text=truncate(f"A direct message about {row.ref} to those who have not answered.", 300)
        ),
        confirm=PlainTextObject(text="Remind them"),
        deny=PlainTextObject(text="Not now"),
    )
    not_yet = f"\nNot yet: {_by_country(row.missing, SECTION_TEXT_MAX - len(head) - 20)}"
    return section(head + not_yet, block_id=f"home_progress_{row.ref}", accessory=remind)


def _by_country(missing: Sequence[Missing], limit: int) -> str:
    """`*AT* ecoplus Lower Austria (2 people) · *HU* ...`, cut with a count when it is long."""
    countries: dict[str, list[str]] = {}
    for m in missing:
        people = f" ({m.people} people)" if m.people > 1 else ""
        countries.setdefault(m.country, []).append(escape(m.organisation) + people)
    parts = [f"*{country}* {', '.join(orgs)}" for country, orgs in countries.items()]
    shown = ""
    for count, part in enumerate(parts):
        candidate = f"{shown} · {part}" if shown else part
        if len(candidate) > limit - 40:
            return f"{shown} · _and {len(parts) - count} more countries_"
        shown = candidate
    return shown


def _board_line(row: BoardRow) -> str:
    blocked = " · :no_entry: blocked" if row.blocked else ""
    return (
        f"{TREND_ICONS.get(row.trend.value, '')} *{row.ref}* {quoted(row.title, 120)}: "
        f"support {percent(row.support)} · coverage {percent(row.coverage)} · "
        f"group-aware {percent(row.group_aware_consensus)} · {row.trend.value}{blocked}"
    )


def consultation_reminder_report(ref: str, organisations: Sequence[str]) -> str:
    if not organisations:
        return f"Every organisation has a position on {ref}; nobody needed a reminder."
    return (
        f"Reminded the members of {len(organisations)} organisation(s) without a position on {ref}: "
        + escape(", ".join(organisations))
        + "."
    )
