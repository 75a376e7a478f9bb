"""Slack's faults: bursts of 429s and 503s on the Web API change nothing a partner or coordinator sees.

Each kind of failure has its own retry budget (after three 429s a 503 is still retried), a 429's
Retry-After is waited out in full, and what fails for good is kept and sent later, once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.domain.periods import current_period
from bot.jobs.digest import retry_missing, send_period_digest
from bot.localslack import FakeSlack, Message, SlackSender
from bot.services import Services
from tests.conftest import CHANNEL

COORDINATOR = "U0COORD01"
VOTERS = ("U0HU00001", "U0ES00001", "U0FI00001")


@pytest.fixture(autouse=True)
def settled_updates(services: Services, slack: SlackSender) -> Iterator[None]:
    yield
    services.polls.votes.flush(timeout=5)
    services.polls.updates.flush(timeout=20)


def quick_poll(slack: SlackSender, fake: FakeSlack) -> Message:
    before = len(fake.calls("chat.postMessage"))
    assert slack.slash("/poll", '"Meet in Lyon?" "Yes" "No"', user=COORDINATOR, channel=CHANNEL).status == 200
    posted = fake.wait_for("chat.postMessage", count=before + 1)[-1]
    return fake.message(CHANNEL, str(posted.response["ts"]))


def test_votes_and_the_final_results_survive_a_burst_of_429s_then_503s_on_chat_update(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = quick_poll(slack, fake_slack)
    # Slack rate-limits and then fails the confirmations' neighbours: the votes' own updates.
    fake_slack.fail_next("chat.update", status=429, retry_after=1, times=2)
    fake_slack.fail_next("chat.update", status=503, times=1)
    for voter in VOTERS:
        before = len(fake_slack.ephemerals(voter))
        assert (
            slack.click(fake_slack.message(CHANNEL, message.ts), CHANNEL, voter, "poll_vote_0").status == 200
        )
        fake_slack.wait_until(
            lambda v=voter, b=before: len(fake_slack.ephemerals(v)) > b, what="a confirmation"
        )
    assert consortium.polls.updates.flush(timeout=20)
    # The close's final update meets three rate limits, then two server errors: with one budget
    # shared by both kinds the 503s would not be retried and the message would never show the end.
    fake_slack.fail_next("chat.update", status=429, retry_after=1, times=3)
    fake_slack.fail_next("chat.update", status=503, times=2)
    assert consortium.polls.votes.flush(timeout=10)
    poll = consortium.polls.get(1)
    consortium.polls.close(poll.id, COORDINATOR)
    assert consortium.polls.updates.flush(timeout=20)
    shown = str(fake_slack.message(CHANNEL, message.ts).blocks)
    assert fake_slack.message(CHANNEL, message.ts).text.startswith("Closed poll")
    assert "3 of 11" in shown
    assert all(len(fake_slack.ephemerals(v)) == 1 for v in VOTERS)
    assert fake_slack.retry_after_violations("chat.update") == []
    assert sum(1 for a in fake_slack.attempts("chat.update") if a.status == 429) == 5


def test_a_digest_slack_refused_for_good_is_sent_later_exactly_once(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    period = current_period(consortium.settings.digest_cron, consortium.settings.timezone, datetime.now(UTC))
    # More 503s than the retry budget: this run cannot reach the coordinator.
    fake_slack.fail_next("conversations.open", status=503, times=5)
    first = send_period_digest(consortium, period)
    assert first.sent == [] and [who for who, _ in first.failed] == [COORDINATOR]
    assert not first.complete
    again = retry_missing(consortium)
    assert again is not None and again.sent == [COORDINATOR] and again.complete
    assert retry_missing(consortium) is not None
    overviews = [
        c
        for c in fake_slack.calls("chat.postMessage")
        if c.params.get("channel") != CHANNEL and not c.params.get("thread_ts")
    ]
    assert len(overviews) == 1
