"""What one partner sees about a poll: the confirmation of their answer, `My answer & results`, reminders."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block

from bot.domain.polls.answers import Answer
from bot.domain.polls.drafts import PollView
from bot.domain.polls.kinds import WHOLE, Visibility
from bot.domain.polls.tallies import PollResults
from handlers.blocks.common import (
    Message,
    context,
    escape,
    fallback,
    message,
    packed_sections,
    quoted,
    section,
    slack_date,
)
from handlers.blocks.polls.results import coverage, hidden_note, rating_text, result_lines

# A reply keeps its results to a few sections.
_RESULT_SECTIONS_MAX = 4


def describe(poll: PollView, answer: Answer) -> list[str]:
    """The answer as lines of mrkdwn (escaped)."""
    if poll.kind.by_buttons:
        lines = [f"*{quoted(poll.options[i], 200)}*" for i in answer.choices]
    else:
        lines = []
        for index, value in sorted(answer.ratings.items()):
            lines.append(f"*{quoted(poll.options[index], 200)}*: {rating_text(poll, value)}")
            if reason := answer.reasons.get(index):
                lines.append(f"> {quoted(reason, 300)}")
    if reason := answer.reasons.get(WHOLE):
        lines.append(f"_Your reason:_ {quoted(reason, 500)}")
    return lines


def confirmation(
    poll: PollView, answer: Answer | None, results: PollResults | None, *, counted: bool = True
) -> Message:
    """The ephemeral answer to a vote: the voter's current answer and, if they may see them, results."""
    if answer is None:
        text = f"You have no answer to {poll.ref} now: you took back every choice."
        blocks: list[Block] = [section(text)]
    else:
        verb = "is recorded" if counted else "was already recorded"
        text = f"Your answer to {poll.ref} {verb}."
        blocks = [section(f":white_check_mark: {text}\n" + "\n".join(describe(poll, answer)))]
    blocks.append(context(_change_note(poll)))
    blocks += _results_for_one(poll, results)
    return message(fallback(text), blocks)


def _change_note(poll: PollView) -> str:
    until = f" (deadline {slack_date(poll.deadline)})" if poll.deadline else ""
    note = f"You can change it until {poll.ref} closes{until}."
    if poll.anonymous:
        note += (
            " Anonymous poll: your choice is stored without your name, and the last link to you is "
            "destroyed when it closes."
        )
    return note


def _results_for_one(poll: PollView, results: PollResults | None) -> list[Block]:
    if results is None or results.hidden:
        return [context(hidden_note(results) if results else _hidden_reason(poll))]
    return _visible_results(poll, results)


def _visible_results(poll: PollView, results: PollResults) -> list[Block]:
    title = f"*Results so far ({coverage(results)})*" if poll.is_open else "*Final results*"
    return list(packed_sections([title, *result_lines(results)], _RESULT_SECTIONS_MAX))


def _hidden_reason(poll: PollView) -> str:
    if poll.visibility is Visibility.AFTER_CLOSE and poll.is_open:
        return ":lock: Results are hidden until the poll closes."
    return ":see_no_evil: You will see the results once you have answered."


def my_answer(poll: PollView, answer: Answer | None, results: PollResults) -> Message:
    """`My answer & results`: the person's own answer and the results they may see."""
    if answer is not None:
        head = f"Your answer to {poll.ref}:\n" + "\n".join(describe(poll, answer))
    elif poll.anonymous and not poll.is_open:
        head = f"{poll.ref} is closed and sealed: no answer can be linked to anyone any more, yours included."
    else:
        head = f"You have not answered {poll.ref}."
    blocks: list[Block] = [section(head)]
    if results.hidden:
        blocks.append(context(hidden_note(results)))
    else:
        blocks += _visible_results(poll, results)
    return message(fallback(f"Your answer to {poll.ref}"), blocks)


def reminder_dm(poll: PollView, permalink: str | None) -> Message:
    when = f" It closes {slack_date(poll.deadline)}." if poll.deadline else ""
    link = f"<{permalink}|Open {poll.ref}>" if permalink else f"{poll.ref} in <#{poll.channel_id}>"
    text = f"Reminder: you have not answered poll {poll.ref} yet."
    blocks = [section(f":bell: {text}{when}\n*{quoted(poll.question, 1500)}*\n{link}")]
    return message(fallback(f"{text} {poll.question}"), blocks)


def reminder_report(poll: PollView, names: Sequence[str], unreached: Sequence[str] = ()) -> str:
    if not names and not unreached:
        return f"Everyone in {poll.ref}'s audience has answered; nobody needed a reminder."
    report = (
        f"Reminded {len(names)} partner(s) who have not answered {poll.ref}: "
        + escape(", ".join(names))
        + "."
    )
    if unreached:
        report += (
            f" Slack could not deliver the reminder to {len(unreached)} partner(s) just now: "
            + escape(", ".join(unreached))
            + "."
        )
    return report
