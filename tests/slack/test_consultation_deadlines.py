"""Deadlines, reminders and closing: each happens once, however often the sweep runs."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.recommendations import Status
from bot.jobs.consultations import sweep
from bot.localslack import FakeSlack, Message, SlackSender
from bot.services import Services
from tests.conftest import CHANNEL, eventually
from tests.slack.consultation_support import (
    AUTHOR,
    AUTHOR_COLLEAGUE,
    CATALONIA,
    COORDINATOR,
    LOMBARDY,
    answer,
    latest,
    root_text,
    start,
    started,
)


def test_organisations_without_a_position_are_reminded_once_before_the_deadline(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    answer(slack, fake_slack, root, AUTHOR, "agree")
    deadline = latest(consortium, ref).deadline

    assert sweep(consortium, now=deadline - timedelta(days=5)).reminded == 0
    report = sweep(consortium, now=deadline - timedelta(hours=47))
    again = sweep(consortium, now=deadline - timedelta(hours=46))

    # 11 partners; Pannon Business Network (2 people) has answered.
    assert report.reminded == 9 and again.reminded == 0
    assert fake_slack.dm_messages(AUTHOR) == [] and fake_slack.dm_messages(AUTHOR_COLLEAGUE) == []
    reminder = fake_slack.dm_messages(CATALONIA)
    assert len(reminder) == 1 and "*ACCIÓ Catalonia* has no position yet" in str(reminder[0].blocks)
    assert "consultation_position_agree" in str(reminder[0].blocks)


def test_a_reminder_button_records_the_position_in_the_thread(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    sweep(consortium, now=latest(consortium, ref).deadline - timedelta(hours=1))
    dm = fake_slack.dm_messages(LOMBARDY)[-1]
    answer(slack, fake_slack, dm, LOMBARDY, "abstain", channel=LOMBARDY)
    assert latest(consortium, ref).positions[0].organisation == "Lombardy Region"
    fake_slack.wait_until(lambda: "*Abstain*: Lombardy Region" in root_text(fake_slack, root))


def test_the_deadline_closes_once_and_asks_coordinators_for_the_outcome(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    after = latest(consortium, ref).deadline + timedelta(minutes=1)

    first = sweep(consortium, now=after)
    second = sweep(consortium, now=after + timedelta(minutes=1))

    assert [v.ref for v in first.closed] == [ref] and second.closed == []
    assert not latest(consortium, ref).is_open and latest(consortium, ref).awaiting_outcome
    closed_notes = [
        m for m in fake_slack.thread(CHANNEL, root.ts)[1:] if "closed at its deadline" in str(m.blocks)
    ]
    assert len(closed_notes) == 1
    assert "Record outcome" in str(fake_slack.dm_messages(COORDINATOR)[-1].blocks)
    assert "Record outcome" in root_text(fake_slack, root) and "consultation_position_agree" not in root_text(
        fake_slack, root
    )
    # A new round may start while the outcome is pending; the closed thread stays as it is.
    start(slack, fake_slack, ref)
    eventually(lambda: latest(consortium, ref).is_open and started(consortium, ref))


def test_a_position_after_close_is_refused(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, _ = consultation
    sweep(consortium, now=latest(consortium, ref).deadline - timedelta(hours=1))
    dm = fake_slack.dm_messages(CATALONIA)[-1]
    sweep(consortium, now=latest(consortium, ref).deadline + timedelta(seconds=1))

    slack.click(dm, CATALONIA, CATALONIA, "consultation_position_agree")

    fake_slack.wait_until(lambda: bool(fake_slack.ephemerals(CATALONIA)), what="a refusal")
    assert "is closed" in fake_slack.ephemerals(CATALONIA)[-1].text
    assert latest(consortium, ref).positions == ()


def close_with(slack: SlackSender, fake: FakeSlack, root: Message, outcome: str, statement: str) -> None:
    opened = len(fake.calls("views.open"))
    slack.click(root, CHANNEL, COORDINATOR, "consultation_close")
    view_id = str(fake.wait_for("views.open", count=opened + 1)[-1].response["view"]["id"])
    response = slack.submit_view(view_id, COORDINATOR, {"outcome": outcome, "statement": statement})
    assert not (response.json or {}).get("errors"), response.body


def test_the_coordinator_closes_with_an_outcome_and_the_status_follows(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    answer(slack, fake_slack, root, CATALONIA, "agree")

    close_with(slack, fake_slack, root, "endorsed", "Endorsed at the Vienna partner meeting.")

    view = latest(consortium, ref)
    assert view.outcome is not None and view.outcome.value == "endorsed" and not view.is_open
    assert consortium.recommendations.get(ref).status is Status.ENDORSED
    note = fake_slack.wait_for("chat.postMessage", lambda c: "is closed" in str(c.params.get("blocks")))[0]
    assert note.params["thread_ts"] == root.ts and note.params.get("reply_broadcast") in (True, "true", "1")
    fake_slack.wait_until(lambda: "Endorsed at the Vienna partner meeting." in root_text(fake_slack, root))
    # Closed means closed: the buttons are gone, a sweep changes nothing.
    assert "consultation_position_agree" not in root_text(fake_slack, root)
    assert sweep(consortium, now=view.deadline + timedelta(days=1)).closed == []


def test_withdrawn_by_the_outcome_cannot_be_consulted_again(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    close_with(slack, fake_slack, root, "withdrawn", "Covered by R2.")
    assert consortium.recommendations.get(ref).status is Status.WITHDRAWN
    response = slack.slash("/consult", ref, user=COORDINATOR, channel=CHANNEL)
    assert f"{ref} is withdrawn" in response.body


def test_only_a_coordinator_closes_and_the_statement_is_required(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    slack.click(root, CHANNEL, AUTHOR, "consultation_close")
    fake_slack.wait_until(lambda: bool(fake_slack.ephemerals(AUTHOR)), what="a refusal")
    assert "Only a coordinator" in fake_slack.ephemerals(AUTHOR)[-1].text

    slack.click(root, CHANNEL, COORDINATOR, "consultation_close")
    view_id = str(fake_slack.wait_for("views.open")[-1].response["view"]["id"])
    response = slack.submit_view(
        view_id, COORDINATOR, {"outcome": "endorsed", "statement": "s" * 3100}, check_required=False
    )
    assert response.json is not None and "3,100 characters" in response.json["errors"]["statement"]
    assert latest(consortium, ref).is_open


def test_the_scheduler_runs_the_sweep_and_reads_threads_back_at_start(consortium: Services) -> None:
    from bot.jobs.consultations import register
    from bot.scheduler import BotScheduler

    scheduler = BotScheduler(consortium.settings.timezone)
    register(scheduler, consortium)
    assert {"consultation_deadlines", "consultation_reconcile"} <= set(scheduler.job_names())
