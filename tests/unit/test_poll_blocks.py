"""Poll surfaces stay within Slack's limits at their largest, and people's words never ping."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.domain.partners import PartnerInfo, Role
from bot.domain.polls.answers import Answer
from bot.domain.polls.drafts import PollView
from bot.domain.polls.kinds import Audience, PollKind, PollStatus, Visibility
from bot.domain.polls.tallies import PollResults, tally
from bot.localslack import validate_message_blocks, validate_view
from handlers.blocks.common import slack_date as deadline_text
from handlers.blocks.polls import (
    answer_modal,
    confirmation,
    creation_modal,
    my_answer,
    poll_message,
    reminder_dm,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PEOPLE = tuple(
    PartnerInfo(
        f"U{i:04d}", f"Person {i} " + "x" * 40, f"Organisation {i} " + "y" * 60, "Region", "AT", Role.PARTNER
    )
    for i in range(40)
)


def view(kind: PollKind, count: int, **extra: object) -> PollView:
    options = tuple(
        f"{'Statement' if kind is PollKind.SCALE else 'Option'} {i} " + "w" * 60 for i in range(count)
    )
    base = PollView(
        id=1,
        number=12,
        question="Which of these? " + "q" * 480,
        kind=kind,
        options=tuple(o[:75] if kind is not PollKind.SCALE else o + "z" * 200 for o in options),
        anonymous=False,
        visibility=Visibility.LIVE,
        audience=Audience.CHANNEL,
        status=PollStatus.OPEN,
        creator_id="U0000",
        created_at=NOW,
        deadline=NOW,
        points_budget=100 if kind is PollKind.POINTS else None,
        require_reason=kind is PollKind.SCALE,
    )
    return replace(base, **extra)  # type: ignore[arg-type]


def answers_for(poll: PollView) -> list[Answer]:
    count = len(poll.options)
    if poll.kind.by_buttons:
        return [Answer(choices=(i % count,), reasons={-1: "r" * 1000}) for i in range(40)]
    values = {
        PollKind.SCALE: lambda i, j: 1 + (i + j) % 5,
        PollKind.POINTS: lambda i, j: 100 if j == i % count else 0,
        PollKind.RANKING: lambda i, j: 1 + (i + j) % count,
        PollKind.VALIDITY: lambda i, j: (i + j) % 4,
    }[poll.kind]
    return [
        Answer(
            ratings={j: values(i, j) for j in range(count)}, reasons={j: "why " * 200 for j in range(count)}
        )
        for i in range(40)
    ]


def results(poll: PollView, *, hidden: bool = False, previous: PollResults | None = None) -> PollResults:
    answers = answers_for(poll)
    return PollResults(
        poll,
        PEOPLE[:30],
        PEOPLE[30:],
        hidden=hidden,
        tallies=() if hidden else tally(poll, answers),
        general_reasons=tuple("general " * 50 for _ in range(20)),
        previous=previous,
    )


LARGEST = [
    (PollKind.SINGLE, 100),
    (PollKind.SINGLE, 25),
    (PollKind.MULTIPLE, 100),
    (PollKind.MULTIPLE, 11),
    (PollKind.SCALE, 20),
    (PollKind.POINTS, 20),
    (PollKind.RANKING, 20),
    (PollKind.VALIDITY, 30),
]


@pytest.mark.parametrize(("kind", "count"), LARGEST)
@pytest.mark.parametrize("status", [PollStatus.OPEN, PollStatus.CLOSED])
def test_the_largest_poll_messages_fit_slacks_limits(kind: PollKind, count: int, status: PollStatus) -> None:
    poll = view(kind, count, status=status, closed_at=NOW if status is PollStatus.CLOSED else None)
    _, blocks = poll_message(results(poll))
    assert validate_message_blocks(blocks) == []
    assert len(blocks) <= 50


@pytest.mark.parametrize(("kind", "count"), LARGEST)
def test_the_largest_answer_forms_and_confirmations_fit(kind: PollKind, count: int) -> None:
    poll = view(kind, count, round=2, previous_number=11)
    previous = results(view(kind, count, status=PollStatus.CLOSED))
    current = answers_for(poll)[0]
    form = answer_modal(poll, current, previous, '{"number": 12, "poll_id": 1}')
    assert validate_view(form) == []
    _, blocks = confirmation(poll, current, results(poll))
    assert validate_message_blocks(blocks) == []
    _, mine = my_answer(poll, current, results(poll))
    assert validate_message_blocks(mine) == []


def test_a_later_round_shows_the_previous_rounds_figures_and_then_the_movement() -> None:
    first = results(view(PollKind.SCALE, 3, status=PollStatus.CLOSED))
    second_poll = view(PollKind.SCALE, 3, round=2, previous_number=11)
    _, open_blocks = poll_message(results(second_poll, previous=first))
    assert "Round 1" in str(open_blocks)
    closed = replace(second_poll, status=PollStatus.CLOSED, closed_at=NOW)
    _, closed_blocks = poll_message(results(closed, previous=first))
    assert "How positions moved" in str(closed_blocks) and "→" in str(closed_blocks)
    assert validate_message_blocks(closed_blocks) == []


def test_the_creation_form_and_the_reminder_fit() -> None:
    assert validate_view(creation_modal('{"channel_id": "C1"}')) == []
    _, blocks = reminder_dm(view(PollKind.SINGLE, 2), "https://example.slack.com/archives/C1/p1")
    assert validate_message_blocks(blocks) == []


def test_hidden_results_show_no_counts() -> None:
    poll = view(PollKind.SINGLE, 3, visibility=Visibility.AFTER_CLOSE)
    _, blocks = poll_message(results(poll, hidden=True))
    text = str(blocks)
    assert "hidden until the poll closes" in text and "(0%)" not in text and "%)" not in text


def _mrkdwn(node: object) -> list[str]:
    """Every mrkdwn text in a Block Kit tree: where Slack would turn `<!channel>` into a ping."""
    if isinstance(node, dict):
        own = [str(node["text"])] if node.get("type") == "mrkdwn" else []
        return own + [t for value in node.values() for t in _mrkdwn(value)]
    if isinstance(node, list):
        return [t for item in node for t in _mrkdwn(item)]
    return []


def test_mentions_in_questions_options_and_reasons_never_ping() -> None:
    poll = replace(
        view(PollKind.SINGLE, 2), question="Hi <!channel> and <@U0AT00002>", options=("<!here>", "B")
    )
    answer = Answer(choices=(0,), reasons={-1: "<!everyone> agrees"})
    text, blocks = poll_message(results(poll))
    confirm_text, confirm = confirmation(poll, answer, None)
    parsed = [text, confirm_text, *_mrkdwn(blocks), *_mrkdwn(confirm)]
    for ping in ("<!channel>", "<!here>", "<!everyone>", "<@U0AT00002>"):
        assert not any(ping in t for t in parsed), ping
    assert any("&lt;!channel&gt;" in t for t in parsed) and any("&lt;!everyone&gt;" in t for t in parsed)


def test_deadlines_are_shown_in_each_readers_time_zone() -> None:
    moment = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    expected = f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|2026-12-01 16:00 UTC>"
    assert deadline_text(moment) == expected
