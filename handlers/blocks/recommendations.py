"""Views of recommendations: the proposal modal, the announcement, the `/recs` list."""

from __future__ import annotations

from typing import Any

from bot.domain.consensus.recommendations import RecommendationFigures
from bot.domain.recommendations import (
    RATIONALE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Level,
    Page,
    RecommendationView,
    Status,
)
from handlers.blocks.common import (
    Block,
    Message,
    actions,
    button,
    context,
    divider,
    escape,
    fallback,
    header,
    message,
    modal,
    option,
    quoted,
    section,
)
from handlers.blocks.inputs import select_input, text_input
from handlers.ids import Action, Callback, ProposalField

STATUS_ICONS = {
    Status.DRAFT: ":memo:",
    Status.IN_CONSULTATION: ":speech_balloon:",
    Status.REVISED: ":pencil2:",
    Status.ENDORSED: ":white_check_mark:",
    Status.ADOPTED: ":trophy:",
    Status.WITHDRAWN: ":no_entry_sign:",
    Status.IMPORTED: ":books:",
}
THEMES_MAX = 500


def proposal_modal(*, title: str, private_metadata: str) -> dict[str, Any]:
    level_options = [option(level.label, level.value) for level in Level]
    return modal(
        callback_id=Callback.PROPOSAL.value,
        title="Propose a recommendation",
        submit="Propose",
        private_metadata=private_metadata,
        blocks=[
            section(
                "Your proposal is saved as a *draft* with a reference (R1, R2, ...) "
                "that partners can discuss."
            ),
            text_input(
                ProposalField.TITLE,
                "Title",
                TITLE_MAX,
                multiline=False,
                hint="One line that says what should change.",
                initial=title,
            ),
            text_input(ProposalField.TEXT, "Recommendation", TEXT_MAX, hint="What should be done, by whom."),
            text_input(
                ProposalField.RATIONALE,
                "Rationale",
                RATIONALE_MAX,
                optional=True,
                hint="Why: the evidence or good practice behind it.",
            ),
            text_input(
                ProposalField.THEMES,
                "Themes",
                THEMES_MAX,
                multiline=False,
                optional=True,
                hint="Separated by commas, e.g. internationalisation, R&D collaboration",
            ),
            select_input(ProposalField.LEVEL, "Policy level", level_options, "Choose a level"),
        ],
    )


def _proposer(rec: RecommendationView) -> str:
    if rec.proposer_organisation is None:
        return f"from _{escape(rec.origin or 'an earlier set')}_"
    who = f"<@{rec.proposer_slack_id}>" if rec.proposer_slack_id else escape(rec.proposer_name or "")
    region = escape(rec.proposer_region or "")
    return f"{who}, {escape(rec.proposer_organisation)} ({region}, {rec.proposer_country})"


def _facts(rec: RecommendationView) -> str:
    parts = [
        f"{STATUS_ICONS[rec.status]} {rec.status.value}",
        f"{rec.level.label} level",
        f"version {rec.version}",
    ]
    if rec.themes:
        parts.append("themes: " + ", ".join(escape(t) for t in rec.themes))
    return " · ".join(parts)


def announcement(rec: RecommendationView) -> Message:
    """The channel message that confirms a new proposal."""
    blocks: list[Block] = [
        header(f"{rec.ref} · {rec.title}"),
        section(quoted(rec.text, 2900)),
    ]
    if rec.rationale:
        blocks.append(section("*Rationale*\n" + quoted(rec.rationale, 2800)))
    blocks.append(context(f"Proposed by {_proposer(rec)}", _facts(rec)))
    return message(fallback(f"New proposal {rec.ref}: {rec.title}"), blocks)


def detail(rec: RecommendationView) -> Message:
    blocks: list[Block] = [header(f"{rec.ref} · {rec.title}"), section(quoted(rec.text, 2900))]
    if rec.rationale:
        blocks.append(section("*Rationale*\n" + quoted(rec.rationale, 2800)))
    origin = "proposed by " + _proposer(rec) if rec.proposer_organisation else _proposer(rec)
    blocks.append(context(origin, _facts(rec)))
    return message(fallback(f"{rec.ref}: {rec.title}"), blocks)


def _consensus(figures: RecommendationFigures | None) -> str:
    """Support and coverage once anyone took a position; the flags that matter most."""
    if figures is None or figures.n + figures.x == 0:
        return ""
    flags = [
        label
        for label, on in (
            (":globe_with_meridians: common denominator", figures.common_denominator),
            (":no_entry: blocked", figures.blocked),
            (":left_right_arrow: divisive", figures.divisive),
        )
        if on
    ]
    line = f"\nsupport {round(figures.support * 100)} % · coverage {round(figures.coverage * 100)} %"
    return line + "".join(f" · {flag}" for flag in flags)


def recommendation_list(page: Page) -> Message:
    """One page of `/recs`: at most 2 blocks per item plus 4, far under the 50-block cap."""
    if page.total == 0:
        return message(
            "No recommendations yet",
            [
                section(
                    "No recommendations yet. Propose the first one with `/propose`, or ask your coordinator "
                    "to import an earlier set with `consult-bot recs import`."
                )
            ],
        )
    blocks: list[Block] = [header(f"Recommendations ({page.total})")]
    for rec in page.items:
        by = (
            escape(rec.proposer_organisation)
            if rec.proposer_organisation
            else f"_{escape(rec.origin or '')}_"
        )
        blocks.append(
            section(
                f"*{rec.ref}* · {quoted(rec.title, 600)}\n"
                f"{STATUS_ICONS[rec.status]} {rec.status.value} · {by}"
                f"{_consensus(page.consensus.get(rec.ref))}",
                accessory=button("Details", Action.RECS_DETAIL.value, rec.ref),
            )
        )
    blocks.append(divider())
    nav = []
    if page.page > 1:
        nav.append(button("◀ Previous", Action.RECS_PAGE.value, str(page.page - 1)))
    if page.page < page.pages:
        nav.append(button("Next ▶", Action.RECS_PAGE.value, str(page.page + 1)))
    blocks.append(context(f"Page {page.page} of {page.pages} · `/recs R3` shows R3 in full"))
    if nav:
        blocks.append(actions(*nav))
    return message(f"Recommendations, page {page.page} of {page.pages}", blocks)
