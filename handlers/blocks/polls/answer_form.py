"""The answer modal: a choice with a reason, or a scale, verdict, points or rank per item; Delphi feedback."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from slack_sdk.models.blocks import Block, InputBlock, InputInteractiveElement, Option

from bot.domain.polls.answers import Answer
from bot.domain.polls.drafts import PollView
from bot.domain.polls.kinds import (
    CHOICE_FIELD,
    REASON_MAX,
    SCALE_LABELS,
    VERDICTS,
    WHOLE,
    PollKind,
    item_field,
    reason_field,
)
from bot.domain.polls.tallies import PollResults, ranked
from handlers.blocks.common import modal, option, packed_sections, quoted, section
from handlers.blocks.inputs import (
    checkboxes,
    input_block,
    multi_select,
    number_input,
    radio_buttons,
    select,
    text_input,
)
from handlers.blocks.polls.results import item_line
from handlers.ids import PollCallback

# Radio buttons and checkboxes show at most 10 options; beyond that a menu.
_INLINE_CHOICES_MAX = 10
_FEEDBACK_SECTIONS_MAX = 6
_REASONS_SHOWN = 5


def answer_modal(
    poll: PollView, current: Answer | None, previous: PollResults | None, private_metadata: str
) -> dict[str, Any]:
    """The form for answering (scales, points, ranks, verdicts, or a choice with a reason)."""
    blocks: list[Block] = [section(f"*{quoted(poll.question, 2900)}*")]
    if previous is not None and not previous.hidden:
        blocks += _feedback(previous)
    blocks += _answer_inputs(poll, current or Answer())
    return modal(
        callback_id=PollCallback.ANSWER.value,
        title=f"Answer {poll.ref}",
        submit="Submit answer",
        private_metadata=private_metadata,
        blocks=blocks,
    )


def _feedback(previous: PollResults) -> list[Block]:
    """Delphi: the group's anonymised distribution and reasons from the previous round."""
    lines = [
        f":bar_chart: *Round {previous.poll.round} ({previous.poll.ref}): what the group answered* "
        f"({previous.respondent_count} answers, no names)"
    ]
    for entry in ranked(previous.poll, previous.tallies):
        lines.append(item_line(previous.poll, entry, previous.respondent_count))
        lines += _reasons(entry.reasons)
    lines += _reasons(previous.general_reasons)
    return list(packed_sections(lines, _FEEDBACK_SECTIONS_MAX))


def _reasons(reasons: Iterable[str]) -> list[str]:
    shown = list(reasons)
    lines = [f"> “{quoted(r, 280)}”" for r in shown[:_REASONS_SHOWN]]
    if len(shown) > _REASONS_SHOWN:
        lines.append(f"> _…and {len(shown) - _REASONS_SHOWN} more reasons_")
    return lines


def _answer_inputs(poll: PollView, current: Answer) -> list[Block]:
    if poll.kind.by_buttons:
        return [_choice_input(poll, current), _reason_input(WHOLE, "Your reason (optional)", current)]
    blocks: list[Block] = []
    if poll.kind is PollKind.POINTS:
        blocks.append(section(f"Spread exactly *{poll.points_budget}* points over the options."))
    for index, label in enumerate(poll.options):
        blocks.append(_item_input(poll, index, label, current))
        if poll.kind in (PollKind.SCALE, PollKind.VALIDITY):
            blocks.append(_reason_input(index, _item_reason_label(poll), current))
    if poll.kind in (PollKind.POINTS, PollKind.RANKING):
        blocks.append(_reason_input(WHOLE, "Your reason (optional)", current))
    return blocks


def _item_reason_label(poll: PollView) -> str:
    if not poll.require_reason:
        return "Why?"
    if poll.kind is PollKind.VALIDITY:
        return "Why? (needed for needs revision or obsolete)"
    return "Why? (needed if you disagree)"


def _choice_input(poll: PollView, current: Answer) -> InputBlock:
    options = [option(text, str(i)) for i, text in enumerate(poll.options)]
    chosen = [options[i] for i in current.choices if i < len(options)]
    inline = len(options) <= _INLINE_CHOICES_MAX
    element: InputInteractiveElement
    if poll.kind is PollKind.SINGLE:
        first = chosen[0] if chosen else None
        if inline:
            element = radio_buttons(CHOICE_FIELD, options, first)
        else:
            element = select(CHOICE_FIELD, options, placeholder="Choose", initial=first)
    elif inline:
        element = checkboxes(CHOICE_FIELD, options, chosen)
    else:
        element = multi_select(
            CHOICE_FIELD, options, placeholder="Choose", initial=chosen, max_selected=poll.max_choices or None
        )
    label = "Your choice" if poll.kind is PollKind.SINGLE else "Your choices"
    if poll.max_choices:
        label += f" (at most {poll.max_choices})"
    return input_block(CHOICE_FIELD, label, element)


def _item_input(poll: PollView, index: int, label: str, current: Answer) -> InputBlock:
    field = item_field(index)
    value = current.ratings.get(index)
    if poll.kind is PollKind.POINTS:
        initial = value if value is not None else 0
        return number_input(field, label, 0, poll.points_budget or 0, optional=False, initial=initial)
    options, initial_option = _item_options(poll, value)
    element: InputInteractiveElement
    if poll.kind is PollKind.RANKING:
        element = select(field, options, placeholder="Rank (1 = first)", initial=initial_option)
    else:
        element = radio_buttons(field, options, initial_option)
    # A common-wording ranking may leave options unranked.
    optional = poll.kind is PollKind.RANKING and poll.per_organisation
    return input_block(field, label, element, optional=optional)


def _item_options(poll: PollView, value: int | None) -> tuple[list[Option], Option | None]:
    """The choices for one item and the one already given: scale points, verdicts or ranks."""
    if poll.kind is PollKind.SCALE:
        options = [option(text, str(point)) for point, text in enumerate(SCALE_LABELS, start=1)]
        return options, options[value - 1] if value is not None else None
    if poll.kind is PollKind.VALIDITY:
        options = [option(v.label, str(i)) for i, v in enumerate(VERDICTS)]
        return options, options[value] if value is not None else None
    options = [option(f"{rank}", str(rank)) for rank in range(1, len(poll.options) + 1)]
    return options, options[value - 1] if value is not None else None


def _reason_input(index: int, label: str, current: Answer) -> InputBlock:
    reason = current.reasons.get(index) or ""
    return text_input(reason_field(index), label, REASON_MAX, optional=True, initial=reason)
