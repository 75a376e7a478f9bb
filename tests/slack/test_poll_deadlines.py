"""Deadlines and reminders: closed once and reminded once, whatever runs the sweeps and how often."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.app import build_bot
from bot.jobs.polls import CLOSE_JOB, REMIND_JOB, close_due_polls, register, send_due_reminders
from bot.localslack import FakeSlack, Message, SlackSender
from bot.scheduler import BotScheduler
from bot.services import Services
from storage.db import Database
from storage.models import Poll
from tests.conftest import CHANNEL

COORDINATOR = "U0COORD01"
VOTERS = ["U0HU00001", "U0ES00001"]


def poll_with_deadline(slack: SlackSender, fake: FakeSlack, deadline: datetime, flags: str = "") -> Message:
    before = len(fake.calls("chat.postMessage"))
    text = f'"Host the next meeting?" "Yes" "No" {flags} deadline={deadline:%Y-%m-%dT%H:%M}+00:00'
    assert slack.slash("/poll", text, user=COORDINATOR, channel=CHANNEL).status == 200
    call = fake.wait_for("chat.postMessage", count=before + 1)[-1]
    return fake.message(CHANNEL, str(call.response["ts"]))


def vote(slack: SlackSender, fake: FakeSlack, message: Message, users: list[str]) -> None:
    for user in users:
        before = len(fake.ephemerals(user))
        slack.click(fake.message(CHANNEL, message.ts), CHANNEL, user, "poll_vote_0")
        wait_for_ephemeral(fake, user, before)


def wait_for_ephemeral(fake: FakeSlack, user: str, before: int) -> None:
    fake.wait_until(lambda: len(fake.ephemerals(user)) > before, what=f"an answer to {user}")


def deadline_ahead(days: int = 2) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(second=0, microsecond=0)


def final_updates(fake: FakeSlack, message: Message) -> list[str]:
    return [
        str(c.params["text"])
        for c in fake.calls("chat.update")
        if c.params.get("ts") == message.ts and str(c.params["text"]).startswith("Closed poll")
    ]


def test_the_sweep_closes_a_poll_at_its_deadline_once(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    deadline = deadline_ahead()
    message = poll_with_deadline(slack, fake_slack, deadline)
    vote(slack, fake_slack, message, VOTERS)
    assert close_due_polls(consortium, now=deadline - timedelta(minutes=1)) == []
    closed = close_due_polls(consortium, now=deadline + timedelta(seconds=1))
    assert closed == [consortium.polls.get(1).id]
    assert close_due_polls(consortium, now=deadline + timedelta(minutes=1)) == []
    consortium.polls.updates.flush()
    assert len(final_updates(fake_slack, message)) == 1
    assert "Answered: 2 of 11" in str(fake_slack.message(CHANNEL, message.ts).blocks)
    assert not consortium.polls.get(1).is_open


def test_two_processes_sweeping_at_once_close_the_poll_once(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    deadline = deadline_ahead()
    message = poll_with_deadline(slack, fake_slack, deadline)
    consortium.polls.updates.flush()
    # A second process: its own engine and connection pool on the same database.
    other = build_bot(consortium.settings, db=Database(consortium.db.url))
    barrier = threading.Barrier(2)
    outcomes: dict[str, list[int]] = {}

    def sweep(name: str, services: Services) -> None:
        barrier.wait()
        outcomes[name] = close_due_polls(services, now=deadline + timedelta(seconds=5))

    threads = [threading.Thread(target=sweep, args=(n, s)) for n, s in (("a", consortium), ("b", other))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    consortium.polls.updates.flush()
    other.polls.updates.flush()
    assert sorted(len(ids) for ids in outcomes.values()) == [0, 1]
    assert len(final_updates(fake_slack, message)) == 1
    other.polls.updates.stop()
    other.db.dispose()


def test_a_deadline_passed_while_no_bot_ran_is_honoured_at_start(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = poll_with_deadline(slack, fake_slack, deadline_ahead())
    # The bot was down across the deadline: it is in the past when the scheduler starts.
    with consortium.db.session() as session:
        session.execute(update(Poll).values(deadline=datetime.now(UTC) - timedelta(hours=1)))
    scheduler = BotScheduler(consortium.settings.timezone)
    register(scheduler, consortium)
    scheduler.start()
    try:
        fake_slack.wait_for("chat.update", lambda c: str(c.params.get("text")).startswith("Closed poll"))
    finally:
        scheduler.shutdown()
    assert not consortium.polls.get(1).is_open
    assert len(final_updates(fake_slack, message)) == 1


def test_a_poll_closed_before_its_message_was_noted_still_ends_with_its_final_results(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    deadline = deadline_ahead()
    closed: list[int] = []

    def deadline_passes_at_once(_posted: object) -> None:
        # The message is on Slack; the bot has not heard its ts yet.
        assert consortium.polls.get(1).message_ts is None
        closed.extend(close_due_polls(consortium, now=deadline + timedelta(seconds=1)))

    hook = fake_slack.after_next("chat.postMessage", deadline_passes_at_once)
    message = poll_with_deadline(slack, fake_slack, deadline)
    hook.wait()
    assert closed == [consortium.polls.get(1).id]
    fake_slack.wait_until(lambda: len(final_updates(fake_slack, message)) == 1, what="the final results")
    assert "Closed poll" in fake_slack.message(CHANNEL, message.ts).text
    consortium.polls.updates.flush()
    assert len(final_updates(fake_slack, message)) == 1


def test_the_scheduler_runs_both_poll_sweeps(consortium: Services) -> None:
    scheduler = BotScheduler(consortium.settings.timezone)
    register(scheduler, consortium)
    assert {CLOSE_JOB, REMIND_JOB} <= set(scheduler.job_names())


def test_reminders_reach_only_those_who_have_not_answered_and_only_once(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    deadline = deadline_ahead(days=3)
    message = poll_with_deadline(slack, fake_slack, deadline, flags="anonymous")
    vote(slack, fake_slack, message, VOTERS)
    assert send_due_reminders(consortium, now=deadline - timedelta(hours=25)) == 0
    sent = send_due_reminders(consortium, now=deadline - timedelta(hours=23))
    assert sent == 9
    assert send_due_reminders(consortium, now=deadline - timedelta(hours=22)) == 0
    reminded = {
        str(c.params["channel"])
        for c in fake_slack.calls("chat.postMessage")
        if "Reminder" in str(c.params["text"])
    }
    assert len(reminded) == 9 and not reminded & set(VOTERS) and COORDINATOR in reminded
    dm = fake_slack.dm_messages("U0IT00001")[-1]
    assert "Host the next meeting?" in str(dm.blocks) and f"<!date^{int(deadline.timestamp())}^" in str(
        dm.blocks
    )


def test_remind_non_respondents_on_the_message(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = poll_with_deadline(slack, fake_slack, deadline_ahead())
    vote(slack, fake_slack, message, VOTERS)
    slack.click(fake_slack.message(CHANNEL, message.ts), CHANNEL, VOTERS[0], "poll_remind")
    fake_slack.wait_until(lambda: len(fake_slack.ephemerals(VOTERS[0])) == 2)
    assert "Only the poll's creator" in fake_slack.ephemerals(VOTERS[0])[-1].text
    slack.click(fake_slack.message(CHANNEL, message.ts), CHANNEL, COORDINATOR, "poll_remind")
    fake_slack.wait_until(lambda: bool(fake_slack.ephemerals(COORDINATOR)))
    report = fake_slack.ephemerals(COORDINATOR)[-1].text
    assert "Reminded 9 partner(s)" in report and "Zsófia" not in report
    slack.redeliver(slack.deliveries[-1], retry_num=1)
    consortium.polls.updates.flush()
    reminders = [c for c in fake_slack.calls("chat.postMessage") if "Reminder" in str(c.params["text"])]
    assert len(reminders) == 9
