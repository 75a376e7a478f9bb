"""Slack's faults on what the bot sends on its own: Homes, the digest and reminders.

Bursts of 429s and 503s are retried within their budgets; what Slack refuses for longer is logged
with its method and error and sent later by the next run of its job, still once per person.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.domain.periods import current_period
from bot.jobs import digest as digest_jobs
from bot.jobs.digest import retry_missing, send_period_digest
from bot.localslack import FakeSlack, SlackSender
from bot.scheduler import BotScheduler
from bot.server import BotServer
from bot.services import Services
from tests.conftest import CHANNEL
from tests.slack.test_slack_faults import COORDINATOR, VOTERS, failures, healthy, posted, quick_poll


@pytest.fixture(autouse=True)
def settled(services: Services, slack: SlackSender) -> Iterator[None]:
    yield
    services.polls.votes.flush(timeout=5)
    services.polls.updates.flush(timeout=20)
    services.home.updates.flush(timeout=20)


def digest_overviews(fake: FakeSlack) -> list[str]:
    """Top-level direct messages carrying the digest (its parts go in their thread)."""
    return [
        str(c.params.get("channel"))
        for c in fake.calls("chat.postMessage")
        if posted(c) and c.params.get("channel") != CHANNEL and not c.params.get("thread_ts")
    ]


def test_a_home_is_published_once_through_429s_and_503s_on_views_publish(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, bot_server: BotServer
) -> None:
    message = quick_poll(slack, fake_slack)
    fake_slack.fail_next("views.publish", status=429, retry_after=1, times=3)
    fake_slack.fail_next("views.publish", status=503, times=2)
    assert slack.app_home_opened(VOTERS[0]).status == 200
    assert bot_server.wait_idle() and consortium.home.updates.flush(timeout=20)
    home = fake_slack.home_view(VOTERS[0])
    assert home is not None and "Meet in Lyon?" in str(home.blocks)
    published = [c for c in fake_slack.calls("views.publish") if posted(c)]
    assert [c.params["user_id"] for c in published] == [VOTERS[0]]
    # The Home keeps following the poll: the vote shows there once Slack takes calls again.
    slack.click(fake_slack.message(CHANNEL, message.ts), CHANNEL, VOTERS[0], "poll_vote_0")
    fake_slack.wait_until(lambda: len(fake_slack.ephemerals(VOTERS[0])) == 1, 15, "a confirmation")
    assert consortium.polls.updates.flush(timeout=20) and consortium.home.updates.flush(timeout=20)
    assert len([c for c in fake_slack.calls("views.publish") if posted(c)]) == 2
    assert failures(fake_slack, "views.publish", 429) == 3 and failures(fake_slack, "views.publish", 503) == 2
    assert fake_slack.retry_after_violations("views.publish") == []
    assert healthy(bot_server)


def test_the_digest_reaches_the_coordinator_once_while_conversations_open_fails_for_a_while(
    slack: SlackSender,
    fake_slack: FakeSlack,
    consortium: Services,
    bot_server: BotServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    period = current_period(consortium.settings.digest_cron, consortium.settings.timezone, datetime.now(UTC))
    # Longer than the seven attempts of one call (Retry-After 1 s each): the weekly run misses them.
    fake_slack.fail_for("conversations.open", seconds=7.5, status=429, retry_after=1)
    with caplog.at_level(logging.WARNING):
        first = send_period_digest(consortium, period)
    assert first.sent == [] and [who for who, _ in first.failed] == [COORDINATOR]
    assert "conversations.open failed: ratelimited" in caplog.text
    assert digest_overviews(fake_slack) == []
    # The retry job's next run (every SLACK_RETRY_LATER_SECONDS) waits out Slack's last Retry-After.
    scheduler = BotScheduler(consortium.settings.timezone)
    digest_jobs.register(scheduler, consortium)
    assert digest_jobs.RETRY_JOB in scheduler.job_names()
    later = retry_missing(consortium)
    assert later is not None and later.sent == [COORDINATOR] and later.complete
    again = retry_missing(consortium)
    assert again is not None and again.complete and again.sent == []
    assert digest_overviews(fake_slack) == [digest_overviews(fake_slack)[0]]
    assert len([m for m in fake_slack.dm_messages(COORDINATOR) if m.thread_ts in (None, m.ts)]) == 1
    assert fake_slack.retry_after_violations("conversations.open") == []
    assert healthy(bot_server)
