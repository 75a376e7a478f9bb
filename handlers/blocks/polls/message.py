"""The poll message in its channel: question, facts, results when visible, voting elements and controls."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, InteractiveElement

from bot.domain.polls.drafts import PollView
from bot.domain.polls.kinds import BUTTON_OPTIONS_MAX, OPTION_MAX, QUESTION_MAX, PollKind
from bot.domain.polls.tallies import PollResults
from handlers.blocks.common import (
    Message,
    actions,
    button,
    confirmation_dialog,
    context,
    fallback,
    header,
    message,
    option,
    packed_sections,
    quoted,
    section,
    slack_date,
    truncate,
)
from handlers.blocks.inputs import multi_select, select
from handlers.blocks.polls.results import (
    closing_summary,
    coverage,
    hidden_note,
    previous_round,
    result_lines,
)
from handlers.ids import PollAction

# Results take at most this many sections, so the message stays far under 50 blocks.
_RESULT_SECTIONS_MAX = 8


def vote_action(index: int) -> str:
    """Buttons in one block need distinct action ids: `poll_vote_0`, `poll_vote_1`, ..."""
    return f"{PollAction.VOTE.value}_{index}"


def option_value(poll: PollView, index: int) -> str:
    return f"{poll.number}:{index}"


def _title(poll: PollView) -> str:
    kind = "Poll" if poll.kind.by_buttons else poll.kind.label
    round_part = f" · round {poll.round}" if poll.round > 1 else ""
    return f"{poll.ref} · {kind}{round_part}"


def _facts(poll: PollView) -> str:
    parts = [poll.kind.label]
    if poll.kind is PollKind.MULTIPLE:
        parts[0] += f" (up to {poll.max_choices})" if poll.max_choices else " (any number)"
    if poll.kind is PollKind.POINTS:
        parts[0] += f", {poll.points_budget} points each"
    parts.append("anonymous" if poll.anonymous else "names kept with answers")
    parts.append(poll.visibility.label)
    parts.append("for this channel's partners" if poll.audience.value == "channel" else "for every partner")
    if poll.is_open and poll.deadline:
        parts.append("closes " + slack_date(poll.deadline))
    elif poll.closed_at:
        parts.append("closed " + slack_date(poll.closed_at))
    parts.append(f"by <@{poll.creator_id}>")
    return " · ".join(parts)


def poll_message(results: PollResults) -> Message:
    """The channel message: question, facts, results (when visible), voting elements and controls."""
    poll = results.poll
    blocks: list[Block] = [
        header(_title(poll)),
        section(f"*{quoted(poll.question, QUESTION_MAX + 100)}*"),
        context(_facts(poll)),
    ]
    blocks += previous_round(results)
    if results.hidden:
        blocks.append(section(hidden_note(results)))
    elif poll.kind.by_buttons or results.respondent_count:
        blocks += packed_sections(result_lines(results), _RESULT_SECTIONS_MAX)
    if poll.is_open:
        blocks += _voting_elements(poll)
        blocks.append(context(f":busts_in_silhouette: {coverage(results)}"))
    else:
        blocks.append(section(closing_summary(results)))
    blocks.append(_controls(poll))
    state = "Poll" if poll.is_open else "Closed poll"
    return message(fallback(f"{state} {poll.ref}: {poll.question}"), blocks)


def _voting_elements(poll: PollView) -> list[Block]:
    if not poll.kind.by_buttons:
        return []
    if len(poll.options) <= BUTTON_OPTIONS_MAX:
        buttons = [
            button(truncate(text, OPTION_MAX), vote_action(i), option_value(poll, i))
            for i, text in enumerate(poll.options)
        ]
        return [actions(*buttons, block_id="poll_options")]
    options = [
        option(truncate(text, OPTION_MAX), option_value(poll, i)) for i, text in enumerate(poll.options)
    ]
    menu: InteractiveElement
    if poll.kind is PollKind.SINGLE:
        menu = select(PollAction.SELECT.value, options, placeholder="Choose your answer")
    else:
        menu = multi_select(
            PollAction.MULTI_SELECT.value,
            options,
            placeholder="Choose your answers",
            max_selected=poll.max_choices or None,
        )
    return [actions(menu, block_id="poll_options")]


def _controls(poll: PollView) -> ActionsBlock:
    value = str(poll.number)
    if not poll.is_open:
        elements = [button("My answer & results", PollAction.MINE.value, value)]
        if poll.kind.supports_rounds and poll.next_number is None:
            elements.append(button("Start next round", PollAction.NEXT_ROUND.value, value))
        return actions(*elements, block_id="poll_controls")
    label = "Answer with a reason…" if poll.kind.by_buttons else "Answer"
    close_confirm = confirmation_dialog(
        "Close this poll?",
        f"Nobody can answer {poll.ref} after it is closed, and its results are final.",
        "Close poll",
        "Keep it open",
    )
    return actions(
        button(label, PollAction.ANSWER.value, value, style=None if poll.kind.by_buttons else "primary"),
        button("My answer & results", PollAction.MINE.value, value),
        button("Remind non-respondents", PollAction.REMIND.value, value),
        button("Close poll", PollAction.CLOSE.value, value, style="danger", confirm=close_confirm),
        block_id="poll_controls",
    )
