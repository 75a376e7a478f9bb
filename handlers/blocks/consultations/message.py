"""The root message of a consultation thread: the draft, positions per organisation, and its buttons."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block

from bot.domain.consultations.kinds import Position
from bot.domain.consultations.views import ConsultationView, PositionView
from handlers.blocks.common import (
    SECTION_TEXT_MAX,
    Message,
    actions,
    button,
    context,
    escape,
    fallback,
    header,
    listed,
    message,
    quoted,
    section,
    slack_date,
    truncate,
)
from handlers.ids import BridgingAction, ConsultAction, position_action

_POSITION_STYLES = {Position.AGREE: "primary", Position.BLOCK: "danger"}
POSITION_ICONS = {
    Position.AGREE: ":large_green_circle:",
    Position.AGREE_WITH_CHANGES: ":large_yellow_circle:",
    Position.ABSTAIN: ":white_circle:",
    Position.DISAGREE: ":large_orange_circle:",
    Position.BLOCK: ":red_circle:",
}
# Room for the "and N more" note within a section's 3000 characters.
_SUMMARY_MAX = SECTION_TEXT_MAX - 200
_HOLDERS_MAX = 600
_HOW_IT_WORKS = (
    "Reply in this thread to comment. Your organisation's position is the latest answer of any "
    "of its members; Disagree and Block need a reason. Only the author or a coordinator "
    "publishes a new version; coordinators record positions given by e-mail and close. "
    "*Find common wording* drafts rewordings from the objections for the organisations to rank."
)


def mention(user: str | None) -> str:
    return f"<@{user}>" if user and user.startswith(("U", "W")) else "the bot"


def thread_link(view: ConsultationView, label: str = "the consultation thread") -> str:
    return f"<{view.permalink}|{label}>" if view.permalink else label


def tally(view: ConsultationView) -> str:
    counts = view.counts()
    return " · ".join(f"{p.label} {counts[p.value]}" for p in Position)


def consultation_message(view: ConsultationView) -> Message:
    """The draft with its position buttons; it is the root of the consultation thread."""
    blocks: list[Block] = [
        header(f"Consultation · {view.ref} · {view.title}"),
        section(quoted(view.text, 2900)),
        context(
            f"Version {view.version}",
            f"Deadline {slack_date(view.deadline)}",
            f"Started by {mention(view.started_by)}",
            f"{_counted(view.comments, 'comment')} · {_counted(len(view.amendments), 'suggested wording')}",
        ),
        section(position_summary(view)),
    ]
    if view.is_open:
        blocks += [position_buttons(view.id), _tools(view.id), context(_HOW_IT_WORKS)]
    else:
        blocks += _closed_blocks(view)
    return message(fallback(f"Consultation on {view.ref}: {view.title}"), blocks)


def _tools(consultation_id: int) -> ActionsBlock:
    value = str(consultation_id)
    return actions(
        button("Suggest wording", ConsultAction.SUGGEST.value, value),
        button("Publish new version", ConsultAction.REVISE.value, value),
        button("Find common wording", BridgingAction.FIND.value, value),
        button("Record for an organisation", ConsultAction.ON_BEHALF.value, value),
        button("Close consultation", ConsultAction.CLOSE.value, value),
        block_id="consultation_tools",
    )


def position_buttons(consultation_id: int) -> ActionsBlock:
    buttons = [
        button(p.label, position_action(p), str(consultation_id), _POSITION_STYLES.get(p)) for p in Position
    ]
    return actions(*buttons, block_id="consultation_positions")


def outcome_button(consultation_id: int, style: str | None = None) -> ActionsBlock:
    record = button("Record outcome", ConsultAction.CLOSE.value, str(consultation_id), style)
    return actions(record, block_id="consultation_outcome")


def _closed_blocks(view: ConsultationView) -> list[Block]:
    closed = slack_date(view.closed_at) if view.closed_at else "at its deadline"
    if view.outcome is None:
        return [
            section(f":lock: *Closed* {closed}. A coordinator records the outcome."),
            outcome_button(view.id),
        ]
    statement = quoted(view.outcome_statement or "", 2500)
    return [
        section(
            f":lock: *Closed* {closed} · outcome: *{view.outcome.label}* by {mention(view.outcome_by)}\n"
            f">{statement.replace(chr(10), chr(10) + '>')}"
        )
    ]


def position_summary(view: ConsultationView) -> str:
    """Organisations per position, then those without one; cut with "and N more" to fit a section."""
    counts = view.counts()
    lines = [
        "*Positions* · " + " · ".join(f"{p.label} {counts[p.value]}" for p in Position if counts[p.value])
        if view.positions
        else "*Positions* · none yet"
    ]
    for position in Position:
        holders = [_holder(p) for p in view.positions if p.position is position]
        if holders:
            lines.append(f"{POSITION_ICONS[position]} *{position.label}*: " + listed(holders, _HOLDERS_MAX))
    missing = view.without_position()
    if missing:
        lines.append(
            f":hourglass: *No position yet* ({len(missing)}): "
            + listed([escape(m) for m in missing], _HOLDERS_MAX)
        )
    return truncate("\n".join(lines), _SUMMARY_MAX)


def _holder(p: PositionView) -> str:
    text = escape(p.organisation)
    notes = []
    if p.about_old_version:
        notes.append(f"on version {p.version}")
    if p.recorded_on_behalf:
        notes.append(f"recorded by a coordinator, {escape(p.source or 'off Slack')}")
    return text + (f" _({'; '.join(notes)})_" if notes else "")


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
