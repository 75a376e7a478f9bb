"""Slack's faults: bursts of 429s and 503s on the Web API change nothing a partner or coordinator sees.

Each kind of failure has its own retry budget (after three 429s a 503 is still retried), a 429's
Retry-After is waited out in full, and what fails for good is kept and sent later, once.
"""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.domain.periods import current_period
from bot.jobs.digest import retry_missing, send_period_digest
from bot.localslack import ApiCall, FakeSlack, Message, SlackSender
from bot.localslack.faults import ANY_METHOD
from bot.server import BotServer
from bot.services import Services
from tests.conftest import CHANNEL, eventually
from tests.slack.test_poll_modal import answer, create

COORDINATOR = "U0COORD01"
VOTERS = ("U0HU00001", "U0ES00001", "U0FI00001")


@pytest.fixture(autouse=True)
def settled_updates(services: Services, slack: SlackSender) -> Iterator[None]:
    yield
    services.polls.votes.flush(timeout=5)
    services.polls.updates.flush(timeout=20)


def posted(call: ApiCall) -> bool:
    return bool(call.response.get("ok"))


def quick_poll(slack: SlackSender, fake: FakeSlack) -> Message:
    before = len([c for c in fake.calls("chat.postMessage") if posted(c)])
    assert slack.slash("/poll", '"Meet in Lyon?" "Yes" "No"', user=COORDINATOR, channel=CHANNEL).status == 200
    call = fake.wait_for("chat.postMessage", posted, timeout=15, count=before + 1)[-1]
    return fake.message(CHANNEL, str(call.response["ts"]))


def failures(fake: FakeSlack, method: str, status: int) -> int:
    return sum(1 for attempt in fake.attempts(method) if attempt.status == status)


def healthy(server: BotServer) -> bool:
    with urllib.request.urlopen(server.url + "/healthz", timeout=10) as response:
        return response.status == 200


def close_and_show(consortium: Services, fake: FakeSlack, message: Message) -> str:
    """Closes poll 1; the poll message as it ends (after its coalesced final update)."""
    assert consortium.polls.votes.flush(timeout=10)
    consortium.polls.close(consortium.polls.get(1).id, COORDINATOR)
    assert consortium.polls.updates.flush(timeout=20)
    final = fake.message(CHANNEL, message.ts)
    assert final.text.startswith("Closed poll")
    return str(final.blocks)


def test_each_vote_confirmation_reaches_its_voter_once_through_429s_and_503s_on_response_urls(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, bot_server: BotServer
) -> None:
    message = quick_poll(slack, fake_slack)
    # Confirmations go to the click's response_url: three rate limits, then two server errors.
    fake_slack.fail_next("response_url", status=429, retry_after=1, times=3)
    fake_slack.fail_next("response_url", status=503, times=2)
    for voter in VOTERS:
        click = slack.click(fake_slack.message(CHANNEL, message.ts), CHANNEL, voter, "poll_vote_0")
        assert click.status == 200
        fake_slack.wait_until(lambda v=voter: len(fake_slack.ephemerals(v)) == 1, 15, "a confirmation")
        # Slack delivers the click again (it missed our ack): no second vote, no second confirmation.
        assert slack.redeliver(slack.deliveries[-1], retry_num=1).status == 200
    assert bot_server.wait_idle()
    assert "3 of 11" in close_and_show(consortium, fake_slack, message)
    assert [len(fake_slack.ephemerals(v)) for v in VOTERS] == [1, 1, 1]
    assert "Your answer to P1 is recorded" in fake_slack.ephemerals(VOTERS[0])[0].text
    assert failures(fake_slack, "response_url", 429) == 3 and failures(fake_slack, "response_url", 503) == 2
    assert fake_slack.retry_after_violations("response_url") == []
    assert healthy(bot_server)


def test_form_answers_are_confirmed_once_through_429s_and_503s_on_chat_post_ephemeral(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, bot_server: BotServer
) -> None:
    message = create(slack, fake_slack, {"question": "Q?", "kind": "multiple", "options": "A\nB\nC"})
    fake_slack.fail_next("chat.postEphemeral", status=429, retry_after=1, times=3)
    fake_slack.fail_next("chat.postEphemeral", status=503, times=2)
    for voter in VOTERS[:2]:
        answered = answer(slack, fake_slack, message, voter, {"choice": ["0", "2"], "reason": "Both matter"})
        assert answered.status == 200 and not (answered.json or {}).get("errors")
        fake_slack.wait_until(lambda v=voter: len(fake_slack.ephemerals(v)) == 1, 15, "a confirmation")
    assert bot_server.wait_idle()
    assert [t.votes for t in consortium.polls.results(1).tallies] == [2, 0, 2]
    assert "2 of 11" in close_and_show(consortium, fake_slack, message)
    assert [len(fake_slack.ephemerals(v)) for v in VOTERS[:2]] == [1, 1]
    assert all(fake_slack.dm_messages(v) == [] for v in VOTERS[:2])
    assert failures(fake_slack, "chat.postEphemeral", 429) == 3
    assert fake_slack.retry_after_violations("chat.postEphemeral") == []
    assert healthy(bot_server)


def test_a_new_poll_is_posted_once_through_429s_and_503s_on_chat_post_message(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, bot_server: BotServer
) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1, times=3)
    fake_slack.fail_next("chat.postMessage", status=503, times=2)
    message = quick_poll(slack, fake_slack)
    assert bot_server.wait_idle()
    posted = [m for m in fake_slack.messages(CHANNEL) if "Meet in Lyon?" in m.text]
    assert [m.ts for m in posted] == [message.ts]
    assert consortium.polls.get(1).message_ts == message.ts
    assert fake_slack.ephemerals(COORDINATOR) == []  # nothing went wrong, as far as they can tell
    slack.click(fake_slack.message(CHANNEL, message.ts), CHANNEL, VOTERS[0], "poll_vote_1")
    fake_slack.wait_until(lambda: len(fake_slack.ephemerals(VOTERS[0])) == 1, what="a confirmation")
    assert "1 of 11" in close_and_show(consortium, fake_slack, message)
    assert fake_slack.retry_after_violations("chat.postMessage") == []
    assert healthy(bot_server)


def test_a_poll_slack_cannot_take_for_now_is_refused_clearly_and_sending_it_again_works(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, caplog: pytest.LogCaptureFixture
) -> None:
    fake_slack.fail_next("chat.postMessage", status=200, error="internal_error")
    with caplog.at_level(logging.WARNING):
        assert (
            slack.slash("/poll", '"Meet in Lyon?" "Yes" "No"', user=COORDINATOR, channel=CHANNEL).status
            == 200
        )
        fake_slack.wait_until(lambda: bool(fake_slack.ephemerals(COORDINATOR)), 15, "the refusal")
    refusal = fake_slack.ephemerals(COORDINATOR)[-1].text
    assert "Slack could not take the poll just now" in refusal and "send the same command again" in refusal
    assert "chat.postMessage failed: internal_error" in caplog.text
    assert consortium.polls.all_results() == []
    message = quick_poll(slack, fake_slack)
    eventually(lambda: [r.poll.message_ts for r in consortium.polls.all_results()] == [message.ts])


def test_the_final_results_reach_the_poll_message_after_slack_refused_the_update_for_now(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, caplog: pytest.LogCaptureFixture
) -> None:
    message = quick_poll(slack, fake_slack)
    slack.click(fake_slack.message(CHANNEL, message.ts), CHANNEL, VOTERS[0], "poll_vote_0")
    fake_slack.wait_until(lambda: len(fake_slack.ephemerals(VOTERS[0])) == 1, 15, "a confirmation")
    assert consortium.polls.updates.flush(timeout=20)
    # Refused twice without a status worth retrying at once: the refresher tries again later.
    fake_slack.fail_next("chat.update", status=200, error="internal_error", times=2)
    with caplog.at_level(logging.WARNING):
        assert "1 of 11" in close_and_show(consortium, fake_slack, message)
    assert "chat.update failed: internal_error" in caplog.text
    finals = [
        c for c in fake_slack.calls("chat.update") if posted(c) and str(c.params["text"]).startswith("Closed")
    ]
    assert len(finals) == 1


def test_a_window_of_429s_on_every_method_changes_nothing_voters_see(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, bot_server: BotServer
) -> None:
    message = quick_poll(slack, fake_slack)
    assert consortium.polls.updates.flush(timeout=20)
    # Every Web API method and every response_url is rate limited while the votes arrive.
    fake_slack.fail_for(ANY_METHOD, seconds=1.5, status=429, retry_after=1)
    for voter in VOTERS:
        click = slack.click(fake_slack.message(CHANNEL, message.ts), CHANNEL, voter, "poll_vote_1")
        assert click.status == 200
    for voter in VOTERS:
        fake_slack.wait_until(lambda v=voter: len(fake_slack.ephemerals(v)) == 1, 15, "a confirmation")
    assert bot_server.wait_idle()
    assert [t.votes for t in consortium.polls.results(1).tallies] == [0, 3]
    assert "3 of 11" in close_and_show(consortium, fake_slack, message)
    assert [len(fake_slack.ephemerals(v)) for v in VOTERS] == [1, 1, 1]
    assert failures(fake_slack, "chat.update", 429) + failures(fake_slack, "response_url", 429) >= 3
    assert fake_slack.retry_after_violations("chat.update") == []
    assert healthy(bot_server)


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
