"""The App Home as a typed view: what waits for the person's answer (with the controls that answer
it), their organisation's positions, their proposals, the latest digest's headline, and for
coordinators the dashboard (`home_dashboard`). Long lists are paged or folded so that the view
stays within Slack's 100 blocks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    Option,
    PlainTextObject,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.consultations.kinds import Position
from bot.domain.home import ConsultationItem, HomeScreen
from bot.domain.polls.drafts import PollView
from bot.domain.polls.kinds import OPTION_MAX, PollKind
from handlers.blocks.common import MODAL_BLOCKS_MAX, escape, quoted, truncate
from handlers.blocks.home_dashboard import dashboard_blocks
from handlers.blocks.home_parts import Page, button, closes, context, folded, header, section
from handlers.blocks.polls.message import option_value, vote_action
from handlers.ids import HomeAction, PollAction, position_action

HOME_BLOCKS_MAX = MODAL_BLOCKS_MAX  # Slack's limit for a Home tab is also 100 blocks
WAITING_PAGE = 8  # items waiting for an answer per page: two blocks each
LIST_SHOWN = 15  # lines of a folded list
_INLINE_BUTTONS_MAX = 5
_POSITION_STYLES = {Position.AGREE: "primary", Position.BLOCK: "danger"}


def home_view(screen: HomeScreen, zone: ZoneInfo, pages: Mapping[str, int] | None = None) -> View:
    pages = pages or {}
    partner = screen.partner
    blocks: list[Block] = [
        header("Your consult-bot Home"),
        context(f"{escape(partner.name)} · {escape(partner.affiliation)} · times in {escape(str(zone))}"),
    ]
    blocks += _to_answer(screen, zone, pages.get("todo", 1))
    blocks += [DividerBlock(), header("Your organisation's positions")]
    positions = [
        f"*{p.consultation.ref}* {quoted(p.consultation.title, 150)}: *{p.position.label}* "
        f"(by {escape(p.set_by_name)}) · {closes(p.consultation.deadline, zone)}"
        for p in screen.positions
    ]
    blocks += _or_note(folded(positions, LIST_SHOWN), "No positions on open consultations yet.")
    blocks += [header("Your proposals")]
    proposals = [f"*{p.ref}* {quoted(p.title, 150)}: {p.status.value}" for p in screen.proposals]
    blocks += _or_note(
        folded(proposals, LIST_SHOWN), "You have not proposed a recommendation yet: `/propose`."
    )
    blocks += [header("Latest digest")]
    headline = screen.digest_headline
    blocks.append(section(quoted(headline, 2900)) if headline else context("No digest has been sent yet."))
    blocks.append(
        section(
            "*Your data* · a copy of everything the bot holds about you, by direct message "
            "(also `/privacy`).",
            block_id="home_my_data",
            accessory=button("Send me my data", HomeAction.MY_DATA.value, "json"),
        )
    )
    if screen.dashboard is not None:
        blocks += dashboard_blocks(screen.dashboard, zone, pages.get("dashboard", 1))
    return View(type="home", blocks=blocks[:HOME_BLOCKS_MAX], private_metadata=_pages(pages))


def unregistered_view() -> View:
    """What someone who is not a registered partner sees: how to get registered."""
    return View(
        type="home",
        blocks=[
            header("Welcome to consult-bot"),
            section(
                "You are not registered as a partner of this consortium yet, so there is nothing for you "
                "to answer here.\n*To get registered*, ask your coordinator to add you (your name, "
                "organisation, region and country) to the partner list with `consult-bot partners import`. "
                "Once you are registered, this Home lists the polls and consultations that wait for your "
                "answer."
            ),
        ],
    )


def _to_answer(screen: HomeScreen, zone: ZoneInfo, wanted: int) -> list[Block]:
    items: list[PollView | ConsultationItem] = [*screen.polls_to_answer, *screen.consultations_to_answer]
    blocks: list[Block] = [header(f"Waiting for your answer ({len(items)})")]
    if not items:
        return [*blocks, section("Nothing waits for your answer. :white_check_mark:")]
    page = Page.of(len(items), WAITING_PAGE, wanted)
    for item in items[page.start : page.stop]:
        blocks += _poll_item(item, zone) if isinstance(item, PollView) else _consultation_item(item, zone)
    return blocks + page.controls("todo", "home_todo_pages")


def _poll_item(poll: PollView, zone: ZoneInfo) -> list[Block]:
    line = f"*{poll.ref}* · {quoted(poll.question, 500)}\n{poll.kind.label} · {closes(poll.deadline, zone)}"
    return [
        section(line, block_id=f"home_poll_{poll.number}"),
        ActionsBlock(block_id=f"home_poll_{poll.number}_answer", elements=_poll_controls(poll)),
    ]


def _poll_controls(poll: PollView) -> list[ButtonElement | StaticSelectElement | StaticMultiSelectElement]:
    """The poll's own voting elements (the same action ids and values as on its message)."""
    answer = str(poll.number)
    if not poll.kind.by_buttons:
        return [button("Answer", PollAction.ANSWER.value, answer, style="primary")]
    elements: list[ButtonElement | StaticSelectElement | StaticMultiSelectElement] = []
    if len(poll.options) <= _INLINE_BUTTONS_MAX:
        elements = [button(o, vote_action(i), option_value(poll, i)) for i, o in enumerate(poll.options)]
    else:
        options = [
            Option(text=PlainTextObject(text=truncate(o, OPTION_MAX)), value=option_value(poll, i))
            for i, o in enumerate(poll.options)
        ]
        if poll.kind is PollKind.SINGLE:
            elements = [
                StaticSelectElement(
                    action_id=PollAction.SELECT.value, placeholder="Choose your answer", options=options
                )
            ]
        else:
            elements = [
                StaticMultiSelectElement(
                    action_id=PollAction.MULTI_SELECT.value,
                    placeholder="Choose your answers",
                    options=options,
                    max_selected_items=poll.max_choices,
                )
            ]
    return [*elements, button("Answer with a reason…", PollAction.ANSWER.value, answer)]


def _consultation_item(item: ConsultationItem, zone: ZoneInfo) -> list[Block]:
    thread = f" · <{item.permalink}|thread>" if item.permalink else ""
    line = (
        f"*{item.ref}* · {quoted(item.title, 500)}\n"
        f"Consultation on version {item.version} · {closes(item.deadline, zone)}{thread}"
    )
    return [
        section(line, block_id=f"home_consultation_{item.id}"),
        ActionsBlock(
            block_id=f"home_consultation_{item.id}_positions",
            elements=[
                button(p.label, position_action(p), str(item.id), _POSITION_STYLES.get(p)) for p in Position
            ],
        ),
    ]


def _or_note(sections: Sequence[Block], note: str) -> list[Block]:
    return list(sections) if sections else [context(note)]


def _pages(pages: Mapping[str, int]) -> str:
    return ",".join(f"{name}:{number}" for name, number in sorted(pages.items()))


def parse_pages(raw: str | None) -> dict[str, int]:
    """The pages a Home shows, from its private metadata or a page button's value (`todo:2`)."""
    pages: dict[str, int] = {}
    for part in (raw or "").split(","):
        name, _, number = part.partition(":")
        if name in ("todo", "dashboard") and number.isdigit():
            pages[name] = int(number)
    return pages
