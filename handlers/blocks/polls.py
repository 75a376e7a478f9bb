"""Views of polls: the poll message, the creation and answer modals, confirmations and reminders."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from bot.domain.polls.answers import Answer
from bot.domain.polls.drafts import PollView
from bot.domain.polls.kinds import (
    BUTTON_OPTIONS_MAX,
    CHOICE_FIELD,
    OPTION_MAX,
    POINTS_BUDGET_DEFAULT,
    POINTS_BUDGET_MAX,
    QUESTION_MAX,
    REASON_MAX,
    SCALE_LABELS,
    VERDICTS,
    WHOLE,
    PollKind,
    Visibility,
    item_field,
    reason_field,
)
from bot.domain.polls.tallies import OptionTally, PollResults, ScaleSummary, movements, ranked, respondents_by
from handlers.blocks.common import (
    MESSAGE_BLOCKS_MAX,
    SECTION_TEXT_MAX,
    Block,
    button,
    context,
    escape,
    fallback,
    header,
    plain,
    quoted,
    section,
    truncate,
)
from handlers.ids import PollAction, PollCallback, PollField

# Radio buttons and checkboxes show at most 10 options; beyond that a menu.
_INLINE_CHOICES_MAX = 10
# Results take at most this many sections, so the message stays under 50 blocks.
_RESULT_SECTIONS_MAX = 8
_BAR_WIDTH = 10
_SCALE_SHORT = ("SD", "D", "N", "A", "SA")
_REASONS_SHOWN = 5


def deadline_text(moment: datetime) -> str:
    """A time every reader sees in their own time zone (Slack's date formatting)."""
    fallback_text = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback_text}>"


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
        parts.append("closes " + deadline_text(poll.deadline))
    elif poll.closed_at:
        parts.append("closed " + deadline_text(poll.closed_at))
    parts.append(f"by <@{poll.creator_id}>")
    return " · ".join(parts)


# --- results as text lines -------------------------------------------------------------------------


def _bar(share: float) -> str:
    filled = round(share * _BAR_WIDTH)
    return "▇" * filled + "▁" * (_BAR_WIDTH - filled)


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def scale_line(summary: ScaleSummary) -> str:
    counts = " · ".join(f"{short} {count}" for short, count in zip(_SCALE_SHORT, summary.counts, strict=True))
    if not summary.n:
        return f"`{counts}`"
    return (
        f"`{counts}` · median {summary.median:g} · IQR {summary.iqr:g} · "
        f"{_percent(summary.agree_share)} agree, {_percent(summary.disagree_share)} disagree"
    )


def _item_line(poll: PollView, entry: OptionTally, respondents: int) -> str:
    label = f"*{quoted(entry.label, 400)}*"
    if poll.kind.by_buttons:
        share = entry.votes / respondents if respondents else 0.0
        return f"{label}\n`{_bar(share)}` {entry.votes} ({_percent(share)})"
    if entry.scale is not None:
        return f"{label}\n{scale_line(entry.scale)}"
    if entry.verdicts is not None:
        counts = " · ".join(f"{v.label} {entry.verdicts[v]}" for v in VERDICTS)
        return f"{label}\n{counts}"
    if poll.kind is PollKind.POINTS:
        return f"{label} — {entry.points} points · Borda {entry.borda:g}"
    mean = f" · mean rank {entry.mean_rank:.1f}" if entry.mean_rank is not None else ""
    return f"{label} — Borda {entry.borda:g}{mean}"


def result_lines(results: PollResults) -> list[str]:
    poll = results.poll
    ordered = ranked(poll, results.tallies)
    return [_item_line(poll, entry, results.respondent_count) for entry in ordered]


def _sections(lines: Sequence[str], limit: int = _RESULT_SECTIONS_MAX) -> list[Block]:
    """Lines packed into sections of at most 3000 characters; what does not fit is counted."""
    blocks: list[Block] = []
    current = ""
    for position, line in enumerate(lines):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= SECTION_TEXT_MAX - 100:
            current = candidate
            continue
        if len(blocks) == limit - 1:
            rest = len(lines) - position
            blocks.append(section(f"{current}\n_…and {rest} more_"))
            return blocks
        blocks.append(section(current))
        current = line
    if current:
        blocks.append(section(current))
    return blocks


def _hidden_note(results: PollResults) -> str:
    poll = results.poll
    if poll.visibility is Visibility.AFTER_CLOSE:
        when = f" on {deadline_text(poll.deadline)}" if poll.deadline else ""
        return f":lock: Results are hidden until the poll closes{when}."
    return ":see_no_evil: Results are shown to each partner once they have answered (`My answer & results`)."


def _coverage(results: PollResults) -> str:
    return f"{results.respondent_count} of {results.audience_size} partners have answered"


def closing_summary(results: PollResults) -> str:
    """Who answered (by organisation and country, unless anonymous) and who did not."""
    lines = [f"*Answered: {results.respondent_count} of {results.audience_size}*"]
    if results.poll.anonymous:
        lines[0] += " (anonymous: no answer can be linked to anyone any more)"
    elif results.respondents:
        grouped = respondents_by(results.respondents, lambda p: f"{p.organisation} ({p.country})")
        lines.append(
            " · ".join(f"{escape(org)}: {escape(', '.join(names))}" for org, names in grouped.items())
        )
    if results.non_respondents:
        missing = [f"{p.name} ({p.organisation}, {p.country})" for p in results.non_respondents]
        lines.append("*Not answered:* " + escape("; ".join(missing)))
    else:
        lines.append("Everyone answered.")
    return truncate("\n".join(lines), SECTION_TEXT_MAX)


def _previous_round(results: PollResults) -> list[Block]:
    """The previous round's figures on a later round's message; how positions moved once closed."""
    previous = results.previous
    if previous is None or previous.hidden:
        return []
    moved = movements(results) if not results.poll.is_open else ()
    if moved:
        lines = [f"*How positions moved since round {previous.poll.round} ({previous.poll.ref})*"]
        lines += [f"*{quoted(m.label, 300)}*\n{_movement(m.before, m.after)}" for m in moved]
    else:
        lines = [f"*Round {previous.poll.round} ({previous.poll.ref}), {previous.respondent_count} answers*"]
        lines += [
            _item_line(previous.poll, e, previous.respondent_count)
            for e in ranked(previous.poll, previous.tallies)
        ]
    return _sections(lines, limit=3)


def _movement(before: OptionTally, after: OptionTally) -> str:
    if before.scale is not None and after.scale is not None:
        b, a = before.scale, after.scale
        if not b.n or not a.n:
            return f"answers {b.n} → {a.n}"
        return (
            f"median {b.median:g} → {a.median:g} · IQR {b.iqr:g} → {a.iqr:g} · "
            f"agree {_percent(b.agree_share)} → {_percent(a.agree_share)}"
        )
    if before.points is not None and after.points is not None:
        return f"points {before.points} → {after.points} · Borda {before.borda:g} → {after.borda:g}"
    return f"Borda {before.borda or 0:g} → {after.borda or 0:g}"


# --- the poll message ------------------------------------------------------------------------------


def poll_message(results: PollResults) -> tuple[str, list[Block]]:
    """The channel message: question, facts, results (when visible), voting elements and controls."""
    poll = results.poll
    blocks: list[Block] = [
        header(_title(poll)),
        section(f"*{quoted(poll.question, QUESTION_MAX + 100)}*"),
        context(_facts(poll)),
    ]
    blocks += _previous_round(results)
    if results.hidden:
        blocks.append(section(_hidden_note(results)))
    elif poll.kind.by_buttons or results.respondent_count:
        blocks += _sections(result_lines(results))
    if poll.is_open:
        blocks += _voting_elements(poll)
        blocks.append(context(f":busts_in_silhouette: {_coverage(results)}"))
    else:
        blocks.append(section(closing_summary(results)))
    blocks.append(_controls(poll))
    state = "Poll" if poll.is_open else "Closed poll"
    return fallback(f"{state} {poll.ref}: {poll.question}"), blocks[:MESSAGE_BLOCKS_MAX]


def _voting_elements(poll: PollView) -> list[Block]:
    if not poll.kind.by_buttons:
        return []
    if len(poll.options) <= BUTTON_OPTIONS_MAX:
        buttons = [
            button(truncate(option, OPTION_MAX), vote_action(i), option_value(poll, i))
            for i, option in enumerate(poll.options)
        ]
        return [{"type": "actions", "block_id": "poll_options", "elements": buttons}]
    options = [_option(truncate(o, OPTION_MAX), option_value(poll, i)) for i, o in enumerate(poll.options)]
    if poll.kind is PollKind.SINGLE:
        element: dict[str, Any] = {
            "type": "static_select",
            "action_id": PollAction.SELECT.value,
            "placeholder": plain("Choose your answer"),
            "options": options,
        }
    else:
        element = {
            "type": "multi_static_select",
            "action_id": PollAction.MULTI_SELECT.value,
            "placeholder": plain("Choose your answers"),
            "options": options,
        }
        if poll.max_choices:
            element["max_selected_items"] = poll.max_choices
    return [{"type": "actions", "block_id": "poll_options", "elements": [element]}]


def _controls(poll: PollView) -> Block:
    value = str(poll.number)
    elements: list[dict[str, Any]] = []
    if poll.is_open:
        label = "Answer with a reason…" if poll.kind.by_buttons else "Answer"
        elements.append(
            button(label, PollAction.ANSWER.value, value, style=None if poll.kind.by_buttons else "primary")
        )
        elements.append(button("My answer & results", PollAction.MINE.value, value))
        elements.append(button("Remind non-respondents", PollAction.REMIND.value, value))
        close = button("Close poll", PollAction.CLOSE.value, value, style="danger")
        close["confirm"] = {
            "title": plain("Close this poll?"),
            "text": plain(f"Nobody can answer {poll.ref} after it is closed, and its results are final."),
            "confirm": plain("Close poll"),
            "deny": plain("Keep it open"),
        }
        elements.append(close)
    else:
        elements.append(button("My answer & results", PollAction.MINE.value, value))
        if poll.kind.supports_rounds and poll.next_number is None:
            elements.append(button("Start next round", PollAction.NEXT_ROUND.value, value))
    return {"type": "actions", "block_id": "poll_controls", "elements": elements}


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, OPTION_MAX), "value": value}


# --- answers in words -------------------------------------------------------------------------------


def describe(poll: PollView, answer: Answer) -> list[str]:
    """The answer as lines of mrkdwn (escaped)."""
    if poll.kind.by_buttons:
        lines = [f"*{quoted(poll.options[i], 200)}*" for i in answer.choices]
    else:
        lines = []
        for index, value in sorted(answer.ratings.items()):
            lines.append(f"*{quoted(poll.options[index], 200)}*: {_rating(poll, value)}")
            if reason := answer.reasons.get(index):
                lines.append(f"> {quoted(reason, 300)}")
    if reason := answer.reasons.get(WHOLE):
        lines.append(f"_Your reason:_ {quoted(reason, 500)}")
    return lines


def _rating(poll: PollView, value: int) -> str:
    if poll.kind is PollKind.SCALE:
        return SCALE_LABELS[value - 1]
    if poll.kind is PollKind.VALIDITY:
        return VERDICTS[value].label
    if poll.kind is PollKind.POINTS:
        return f"{value} points"
    return f"rank {value}"


def confirmation(
    poll: PollView, answer: Answer | None, results: PollResults | None, *, counted: bool = True
) -> tuple[str, list[Block]]:
    """The ephemeral answer to a vote: the voter's current answer and, if they may see them, results."""
    if answer is None:
        text = f"You have no answer to {poll.ref} now: you took back every choice."
        blocks = [section(text)]
    else:
        verb = "is recorded" if counted else "was already recorded"
        text = f"Your answer to {poll.ref} {verb}."
        blocks = [section(f":white_check_mark: {text}\n" + "\n".join(describe(poll, answer)))]
    blocks.append(context(_change_note(poll)))
    blocks += _results_for_one(poll, results)
    return fallback(text), blocks[:MESSAGE_BLOCKS_MAX]


def _change_note(poll: PollView) -> str:
    until = f" (deadline {deadline_text(poll.deadline)})" if poll.deadline else ""
    note = f"You can change it until {poll.ref} closes{until}."
    if poll.anonymous:
        note += (
            " Anonymous poll: your choice is stored without your name, and the last link to you is "
            "destroyed when it closes."
        )
    return note


def _results_for_one(poll: PollView, results: PollResults | None) -> list[Block]:
    if results is None or results.hidden:
        return [context(_hidden_note(results) if results else _hidden_reason(poll))]
    lines = [f"*Results so far ({_coverage(results)})*" if poll.is_open else "*Final results*"]
    return _sections([*lines, *result_lines(results)], limit=4)


def _hidden_reason(poll: PollView) -> str:
    if poll.visibility is Visibility.AFTER_CLOSE and poll.is_open:
        return ":lock: Results are hidden until the poll closes."
    return ":see_no_evil: You will see the results once you have answered."


def my_answer(poll: PollView, answer: Answer | None, results: PollResults) -> tuple[str, list[Block]]:
    """`My answer & results`: the person's own answer and the results they may see."""
    if answer is not None:
        head = f"Your answer to {poll.ref}:\n" + "\n".join(describe(poll, answer))
    elif poll.anonymous and not poll.is_open:
        head = f"{poll.ref} is closed and sealed: no answer can be linked to anyone any more, yours included."
    else:
        head = f"You have not answered {poll.ref}."
    blocks = [section(head)]
    if results.hidden:
        blocks.append(context(_hidden_note(results)))
    else:
        title = "*Final results*" if not poll.is_open else f"*Results so far ({_coverage(results)})*"
        blocks += _sections([title, *result_lines(results)], limit=4)
    return fallback(f"Your answer to {poll.ref}"), blocks[:MESSAGE_BLOCKS_MAX]


# --- reminders ------------------------------------------------------------------------------------


def reminder_dm(poll: PollView, permalink: str | None) -> tuple[str, list[Block]]:
    when = f" It closes {deadline_text(poll.deadline)}." if poll.deadline else ""
    link = f"<{permalink}|Open {poll.ref}>" if permalink else f"{poll.ref} in <#{poll.channel_id}>"
    text = f"Reminder: you have not answered poll {poll.ref} yet."
    blocks = [section(f":bell: {text}{when}\n*{quoted(poll.question, 1500)}*\n{link}")]
    return fallback(f"{text} {poll.question}"), blocks


def reminder_report(poll: PollView, names: Sequence[str]) -> str:
    if not names:
        return f"Everyone in {poll.ref}'s audience has answered; nobody needed a reminder."
    return (
        f"Reminded {len(names)} partner(s) who have not answered {poll.ref}: "
        + escape(", ".join(names))
        + "."
    )


# --- the creation modal ---------------------------------------------------------------------------

_KIND_HINT = (
    "Single or multiple choice: one option per line (max 75 characters each). Agreement scale: one statement "
    "per line. Prioritisation: the options to spread points over or to rank. Validity review: recommendation "
    "references (R1, R3) or `all imported from CLUSTERIX 2012-2014`."
)


def creation_modal(private_metadata: str) -> dict[str, Any]:
    kinds = [_option(kind.label, kind.value) for kind in PollKind]
    visibility = [
        _option("Live", Visibility.LIVE.value),
        _option("After answering", Visibility.AFTER_VOTE.value),
        _option("After the poll closes", Visibility.AFTER_CLOSE.value),
    ]
    audience = [_option("This channel's members", "channel"), _option("Every registered partner", "all")]
    settings = [
        _option("Anonymous", "anonymous"),
        _option("Ask for a reason on disagreement", "require_reason"),
    ]
    return {
        "type": "modal",
        "callback_id": PollCallback.CREATE.value,
        "private_metadata": private_metadata,
        "title": plain("New poll", 24),
        "submit": plain("Post poll"),
        "close": plain("Cancel"),
        "blocks": [
            _text_input(PollField.QUESTION, "Question", QUESTION_MAX, multiline=True),
            _select_input(PollField.KIND, "Kind", kinds, initial=kinds[0]),
            _text_input(
                PollField.OPTIONS,
                "Options, statements or recommendations",
                3000,
                multiline=True,
                hint=_KIND_HINT,
            ),
            _number_input(PollField.MAX_CHOICES, "Multiple choice: at most this many choices", 1, 100),
            _number_input(
                PollField.POINTS_BUDGET,
                f"Prioritisation by points: points each partner spreads (default {POINTS_BUDGET_DEFAULT})",
                1,
                POINTS_BUDGET_MAX,
            ),
            {
                "type": "input",
                "block_id": PollField.SETTINGS.value,
                "optional": True,
                "label": plain("Settings"),
                "element": {"type": "checkboxes", "action_id": PollField.SETTINGS.value, "options": settings},
            },
            _radio_input(PollField.VISIBILITY, "Show results", visibility, visibility[0]),
            {
                "type": "input",
                "block_id": PollField.DEADLINE.value,
                "optional": True,
                "label": plain("Deadline (it closes then, in your time zone)"),
                "element": {"type": "datetimepicker", "action_id": PollField.DEADLINE.value},
            },
            _radio_input(PollField.AUDIENCE, "Who answers", audience, audience[0]),
        ],
    }


def _text_input(field: PollField, label: str, max_length: int, *, multiline: bool, hint: str = "") -> Block:
    block: Block = {
        "type": "input",
        "block_id": field.value,
        "label": plain(label),
        "element": {
            "type": "plain_text_input",
            "action_id": field.value,
            "multiline": multiline,
            "max_length": max_length,
        },
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def _select_input(
    field: PollField, label: str, options: list[dict[str, Any]], initial: dict[str, Any]
) -> Block:
    return {
        "type": "input",
        "block_id": field.value,
        "label": plain(label),
        "element": {
            "type": "static_select",
            "action_id": field.value,
            "options": options,
            "initial_option": initial,
        },
    }


def _radio_input(
    field: PollField, label: str, options: list[dict[str, Any]], initial: dict[str, Any]
) -> Block:
    return {
        "type": "input",
        "block_id": field.value,
        "label": plain(label),
        "element": {
            "type": "radio_buttons",
            "action_id": field.value,
            "options": options,
            "initial_option": initial,
        },
    }


def _number_input(field: PollField, label: str, low: int, high: int) -> Block:
    return {
        "type": "input",
        "block_id": field.value,
        "optional": True,
        "label": plain(label),
        "element": {
            "type": "number_input",
            "action_id": field.value,
            "is_decimal_allowed": False,
            "min_value": str(low),
            "max_value": str(high),
        },
    }


# --- the answer modal -------------------------------------------------------------------------------


def answer_modal(
    poll: PollView, current: Answer | None, previous: PollResults | None, private_metadata: str
) -> dict[str, Any]:
    """The form for answering (scales, points, ranks, verdicts, or a choice with a reason)."""
    blocks: list[Block] = [section(f"*{quoted(poll.question, 2900)}*")]
    if previous is not None and not previous.hidden:
        blocks += _feedback(previous)
    blocks += _answer_inputs(poll, current or Answer())
    return {
        "type": "modal",
        "callback_id": PollCallback.ANSWER.value,
        "private_metadata": private_metadata,
        "title": plain(f"Answer {poll.ref}", 24),
        "submit": plain("Submit answer"),
        "close": plain("Cancel"),
        "blocks": blocks[:100],
    }


def _feedback(previous: PollResults) -> list[Block]:
    """Delphi: the group's anonymised distribution and reasons from the previous round."""
    lines = [
        f":bar_chart: *Round {previous.poll.round} ({previous.poll.ref}): what the group answered* "
        f"({previous.respondent_count} answers, no names)"
    ]
    for entry in ranked(previous.poll, previous.tallies):
        lines.append(_item_line(previous.poll, entry, previous.respondent_count))
        lines += _reasons(entry.reasons)
    lines += _reasons(previous.general_reasons)
    return _sections(lines, limit=6)


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
            required = poll.require_reason
            hint = "Why? (needed if you disagree)" if required else "Why?"
            if poll.kind is PollKind.VALIDITY and required:
                hint = "Why? (needed for needs revision or obsolete)"
            blocks.append(_reason_input(index, hint, current))
    if poll.kind in (PollKind.POINTS, PollKind.RANKING):
        blocks.append(_reason_input(WHOLE, "Your reason (optional)", current))
    return blocks


def _choice_input(poll: PollView, current: Answer) -> Block:
    options = [_option(truncate(o, OPTION_MAX), str(i)) for i, o in enumerate(poll.options)]
    chosen = [options[i] for i in current.choices if i < len(options)]
    inline = len(options) <= _INLINE_CHOICES_MAX
    if poll.kind is PollKind.SINGLE:
        element: dict[str, Any] = {"type": "radio_buttons" if inline else "static_select", "options": options}
        if chosen:
            element["initial_option"] = chosen[0]
    else:
        element = {"type": "checkboxes" if inline else "multi_static_select", "options": options}
        if chosen:
            element["initial_options"] = chosen
        if not inline and poll.max_choices:
            element["max_selected_items"] = poll.max_choices
    if not inline:
        element["placeholder"] = plain("Choose")
    element["action_id"] = CHOICE_FIELD
    label = "Your choice" if poll.kind is PollKind.SINGLE else "Your choices"
    if poll.max_choices:
        label += f" (at most {poll.max_choices})"
    return {"type": "input", "block_id": CHOICE_FIELD, "label": plain(label), "element": element}


def _item_input(poll: PollView, index: int, label: str, current: Answer) -> Block:
    value = current.ratings.get(index)
    element: dict[str, Any]
    if poll.kind is PollKind.SCALE:
        options = [_option(text, str(point)) for point, text in enumerate(SCALE_LABELS, start=1)]
        element = {"type": "radio_buttons", "options": options}
        if value is not None:
            element["initial_option"] = options[value - 1]
    elif poll.kind is PollKind.VALIDITY:
        options = [_option(v.label, str(i)) for i, v in enumerate(VERDICTS)]
        element = {"type": "radio_buttons", "options": options}
        if value is not None:
            element["initial_option"] = options[value]
    elif poll.kind is PollKind.POINTS:
        element = {
            "type": "number_input",
            "is_decimal_allowed": False,
            "min_value": "0",
            "max_value": str(poll.points_budget),
            "initial_value": str(value if value is not None else 0),
        }
    else:
        options = [_option(f"{rank}", str(rank)) for rank in range(1, len(poll.options) + 1)]
        element = {"type": "static_select", "placeholder": plain("Rank (1 = first)"), "options": options}
        if value is not None:
            element["initial_option"] = options[value - 1]
    element["action_id"] = item_field(index)
    block: Block = {
        "type": "input",
        "block_id": item_field(index),
        "label": plain(label, 2000),
        "element": element,
    }
    if poll.kind is PollKind.RANKING and poll.per_organisation:
        block["optional"] = True  # a common-wording ranking may leave options unranked
    return block


def _reason_input(index: int, label: str, current: Answer) -> Block:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": reason_field(index),
        "multiline": True,
        "max_length": REASON_MAX,
    }
    if reason := current.reasons.get(index):
        element["initial_value"] = reason[:REASON_MAX]
    return {
        "type": "input",
        "block_id": reason_field(index),
        "optional": True,
        "label": plain(label),
        "element": element,
    }
