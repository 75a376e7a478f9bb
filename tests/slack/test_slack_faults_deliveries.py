"""Slack's faults on what the bot sends on its own: Homes, the digest and reminders.

Bursts of 429s and 503s are retried within their budgets; what Slack refuses for longer is logged
with its method and error and sent later by the next run of its job, still once per person.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.domain.clock import utcnow
from bot.domain.periods import current_period
from bot.jobs import digest as digest_jobs
from bot.jobs.consultations import sweep
from bot.jobs.digest import retry_missing, send_period_digest
from bot.jobs.polls import send_due_reminders
from bot.localslack import FakeSlack, Message, SlackSender
from bot.scheduler import BotScheduler
from bot.server import BotServer
from bot.services import Services
from tests.conftest import CHANNEL, eventually
from tests.slack.consultation_support import AUTHOR, answer, latest
from tests.slack.test_poll_deadlines import deadline_ahead, poll_with_deadline, vote
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


def homes_published(fake: FakeSlack, user: str) -> int:
    return sum(1 for c in fake.calls("views.publish") if posted(c) and c.params.get("user_id") == user)


def test_a_home_is_published_once_through_429s_and_503s_on_views_publish(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, bot_server: BotServer
) -> None:
    message = quick_poll(slack, fake_slack)
    # Homes published before (by earlier tests in this process) follow the new poll first.
    eventually(lambda: consortium.polls.get(1).message_ts is not None)
    assert bot_server.wait_idle() and consortium.home.updates.flush(timeout=20)
    before = homes_published(fake_slack, VOTERS[0])
    fake_slack.fail_next("views.publish", status=429, retry_after=1, times=3)
    fake_slack.fail_next("views.publish", status=503, times=2)
    assert slack.app_home_opened(VOTERS[0]).status == 200
    assert bot_server.wait_idle() and consortium.home.updates.flush(timeout=20)
    home = fake_slack.home_view(VOTERS[0])
    assert home is not None and "Meet in Lyon?" in str(home.blocks)
    assert homes_published(fake_slack, VOTERS[0]) == before + 1
    # The Home keeps following the poll: the vote shows there once Slack takes calls again.
    slack.click(fake_slack.message(CHANNEL, message.ts), CHANNEL, VOTERS[0], "poll_vote_0")
    fake_slack.wait_until(lambda: len(fake_slack.ephemerals(VOTERS[0])) == 1, 15, "a confirmation")
    assert consortium.polls.updates.flush(timeout=20) and consortium.home.updates.flush(timeout=20)
    assert homes_published(fake_slack, VOTERS[0]) == before + 2
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
    period = current_period(consortium.settings.digest_cron, consortium.settings.timezone, utcnow())
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


def direct_messages(fake: FakeSlack) -> Counter[str]:
    """How many direct messages each person got (the bot posts them to the user id)."""
    return Counter(
        str(c.params["channel"])
        for c in fake.calls("chat.postMessage")
        if posted(c) and str(c.params["channel"]).startswith("U")
    )


def refuse_reminders_for_now(fake: FakeSlack, refused: int) -> None:
    """A burst the client's retries get through, then `refused` reminders Slack cannot take now."""
    fake.fail_next("chat.postMessage", status=429, retry_after=1, times=3)
    fake.fail_next("chat.postMessage", status=503, times=2)
    fake.fail_next("chat.postMessage", status=200, error="internal_error", times=refused)


def test_a_poll_reminder_slack_refused_for_now_is_sent_by_the_next_sweep_once(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, caplog: pytest.LogCaptureFixture
) -> None:
    deadline = deadline_ahead(days=3)
    message = poll_with_deadline(slack, fake_slack, deadline)
    vote(slack, fake_slack, message, list(VOTERS[:2]))
    refuse_reminders_for_now(fake_slack, refused=2)
    with caplog.at_level(logging.WARNING):
        assert send_due_reminders(consortium, now=deadline - timedelta(hours=23)) == 7
    assert "chat.postMessage to U" in caplog.text and "internal_error; retried later" in caplog.text
    assert send_due_reminders(consortium, now=deadline - timedelta(hours=22)) == 2
    assert send_due_reminders(consortium, now=deadline - timedelta(hours=21)) == 0
    reminded = direct_messages(fake_slack)
    assert len(reminded) == 9 and set(reminded.values()) == {1} and not reminded.keys() & set(VOTERS[:2])
    assert fake_slack.retry_after_violations("chat.postMessage") == []


def test_a_consultation_reminder_slack_refused_for_now_is_sent_by_the_next_sweep_once(
    slack: SlackSender,
    fake_slack: FakeSlack,
    consortium: Services,
    consultation: tuple[str, Message],
    caplog: pytest.LogCaptureFixture,
) -> None:
    ref, root = consultation
    answer(slack, fake_slack, root, AUTHOR, "agree")
    deadline = latest(consortium, ref).deadline
    assert deadline is not None
    before = direct_messages(fake_slack)
    refuse_reminders_for_now(fake_slack, refused=3)
    with caplog.at_level(logging.WARNING):
        assert sweep(consortium, now=deadline - timedelta(hours=47)).reminded == 6
    assert "internal_error; retried later" in caplog.text
    assert sweep(consortium, now=deadline - timedelta(hours=46)).reminded == 3
    assert sweep(consortium, now=deadline - timedelta(hours=45)).reminded == 0
    reminded = direct_messages(fake_slack) - before
    assert len(reminded) == 9 and set(reminded.values()) == {1}
    assert fake_slack.retry_after_violations("chat.postMessage") == []


def test_remind_non_respondents_names_whom_slack_could_not_reach_just_now(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = poll_with_deadline(slack, fake_slack, deadline_ahead())
    vote(slack, fake_slack, message, list(VOTERS[:2]))
    fake_slack.fail_next("chat.postMessage", status=200, error="internal_error")
    slack.click(fake_slack.message(CHANNEL, message.ts), CHANNEL, COORDINATOR, "poll_remind")
    fake_slack.wait_until(lambda: bool(fake_slack.ephemerals(COORDINATOR)), 15, "the report")
    report = fake_slack.ephemerals(COORDINATOR)[-1].text
    assert "Reminded 8 partner(s)" in report
    assert "Slack could not deliver the reminder to 1 partner(s) just now" in report
    assert sum(direct_messages(fake_slack).values()) == 8
