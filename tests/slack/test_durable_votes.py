"""An acknowledged vote is a stored vote: a burst of clicks, then SIGKILL, SIGTERM or SIGINT.

The bot runs as `consult-bot run` in a process of its own; the clicks come from this process, each
signed as Slack signs them. Whatever happens to the bot, every click that got its 200 is counted
once after a restart on the same database.
"""

from __future__ import annotations

import csv
import signal
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import cast

import pytest

from bot.domain.errors import DomainError, NotRegistered
from bot.domain.polls.answers import Click, VoteOutcome, VoteRequest
from bot.localslack import FakeSlack, Message, SlackSender
from bot.localslack.client import Delivery
from bot.services import Services
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.conftest import CHANNEL as DEMO_CHANNEL
from tests.slack.bot_process import BotProcess

CHANNEL = "C0BURST01"
COORDINATOR = "U0BCOORD1"
VOTERS = [f"U0BV{i:05d}" for i in range(120)]


@pytest.fixture
def workspace(db: Services, tmp_path: Path) -> Iterator[FakeSlack]:
    """A Slack of its own with 120 registered partners in one channel (no other test sees it)."""
    people = tmp_path / "partners.csv"
    with people.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["slack_user_id", "name", "organisation", "region", "country", "role"])
        out.writerow([COORDINATOR, "Cora Ordinator", "Lead Agency", "Flanders", "BE", "coordinator"])
        for index, user in enumerate(VOTERS):
            out.writerow(
                [user, f"Voter {index}", f"Organisation {index}", f"Region {index % 7}", "BE", "partner"]
            )
    db.partners.import_csv(people)
    with FakeSlack(bot_token=BOT_TOKEN) as fake:
        for user in [COORDINATOR, *VOTERS]:
            fake.add_user(user, user.lower())
        fake.add_channel(CHANNEL, "burst", members=[COORDINATOR, *VOTERS])
        yield fake


def post_poll(bot: BotProcess, fake: FakeSlack) -> Message:
    slack = SlackSender(bot.events_url, SIGNING_SECRET, fake)
    assert (
        slack.slash("/poll", '"Keep the Tuesday slot?" "Yes" "No"', user=COORDINATOR, channel=CHANNEL).status
        == 200
    )
    posted = fake.wait_for("chat.postMessage")[-1]
    return fake.message(CHANNEL, str(posted.response["ts"]))


def burst(bot: BotProcess, fake: FakeSlack, message: Message, voters: list[str]) -> list[Delivery]:
    """Each voter clicks "Yes" once, twenty at a time; returns the clicks that got a 200."""

    def click(user: str) -> Delivery | None:
        slack = SlackSender(bot.events_url, SIGNING_SECRET, fake, timeout=10)
        try:
            response = slack.click(message, CHANNEL, user, "poll_vote_0")
        except OSError:
            return None  # the bot was gone: Slack shows the voter that the click failed
        return slack.deliveries[-1] if response.status == 200 else None

    with ThreadPoolExecutor(max_workers=20) as clickers:
        return [delivery for delivery in clickers.map(click, voters) if delivery is not None]


def voter(delivery: Delivery) -> str:
    return str(delivery.payload["user"]["id"])


def yes_voters(services: Services, number: int = 1) -> set[str]:
    results = services.polls.results(number)
    return {p.slack_user_id for p in results.respondents}


def test_every_acknowledged_vote_survives_a_sigkill_right_after_the_burst(
    db: Services, workspace: FakeSlack, tmp_path: Path
) -> None:
    bot = BotProcess(db.db.url, workspace.api_url, tmp_path)
    with bot:
        message = post_poll(bot, workspace)
        acknowledged = burst(bot, workspace, message, VOTERS)
        bot.kill()  # the moment the last 200 came back
    assert len(acknowledged) == len(VOTERS)
    assert yes_voters(db) == {voter(d) for d in acknowledged}

    with BotProcess(db.db.url, workspace.api_url, tmp_path) as restarted:
        # Slack retries some of those clicks to the restarted bot: each still counts once.
        again = SlackSender(restarted.events_url, SIGNING_SECRET, workspace)
        for delivery in acknowledged[:10]:
            resent = again.send_raw(restarted.events_url, delivery.body, delivery.content_type, retry_num=1)
            assert resent.status == 200
        results = db.polls.results(1)
        assert results.respondent_count == len(VOTERS)
        assert [t.votes for t in results.tallies] == [len(VOTERS), 0]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_during_a_burst_finishes_what_was_acknowledged(
    db: Services, workspace: FakeSlack, tmp_path: Path, signum: int
) -> None:
    bot = BotProcess(db.db.url, workspace.api_url, tmp_path)
    with bot, ThreadPoolExecutor(max_workers=1) as background:
        message = post_poll(bot, workspace)
        clicks = background.submit(burst, bot, workspace, message, VOTERS)
        workspace.wait_until(lambda: len(workspace.ephemerals()) >= 10, what="the first confirmations")
        status = bot.stop(signum)
        acknowledged = {voter(d) for d in clicks.result(timeout=60)}
    assert status == 0, bot.output()
    assert "stopped" in bot.output()
    assert len(acknowledged) >= 10
    assert yes_voters(db) == acknowledged
    # Each acknowledged voter was also told, before the bot ended, that their vote is recorded.
    told = {e.user for e in workspace.ephemerals() if "is recorded" in e.text + str(e.blocks)}
    assert told == acknowledged


def test_a_vote_that_fails_fails_alone_and_each_voter_gets_their_own_outcome(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    assert (
        slack.slash("/poll", '"Which day?" "Monday" "Tuesday"', user="U0COORD01", channel=DEMO_CHANNEL).status
        == 200
    )
    fake_slack.wait_for("chat.postMessage")
    poll = consortium.polls.get(1)
    # A click the code cannot handle (an option index that is not a number) fails with an error
    # that is no refusal: it must fail alone.
    garbled = Click(cast(int, "first"))
    requests = [
        VoteRequest("U0HU00001", Click(0), "d1", poll_id=poll.id),
        VoteRequest("U0ES00001", garbled, "d2", poll_id=poll.id),
        VoteRequest("U0FI00001", Click(1), "d3", poll_id=poll.id),
        VoteRequest("U0OUTSIDE", Click(1), "d4", poll_id=poll.id),
    ]
    first, odd, third, outsider = consortium.polls.answer_all(requests)
    assert isinstance(first, VoteOutcome) and first.counted and first.answer is not None
    assert isinstance(third, VoteOutcome) and third.counted and third.answer is not None
    assert first.answer.choices == (0,) and third.answer.choices == (1,)
    assert isinstance(odd, Exception) and not isinstance(odd, DomainError)
    assert isinstance(outsider, NotRegistered)
    results = consortium.polls.results(1)
    assert {p.slack_user_id for p in results.respondents} == {"U0HU00001", "U0FI00001"}
    assert [t.votes for t in results.tallies] == [1, 1]
