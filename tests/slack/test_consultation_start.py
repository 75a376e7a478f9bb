"""`/consult`, its picker and the message shortcut: the draft becomes the root of a thread."""

from __future__ import annotations

from bot.domain.recommendations import Status
from bot.localslack import FakeSlack, SlackSender
from bot.services import Services
from tests.conftest import CHANNEL, DEMO_DATA, eventually
from tests.slack.consultation_support import (
    AUTHOR,
    COORDINATOR,
    OUTSIDER,
    TEXT,
    latest,
    propose,
    start,
    started,
)


def test_consult_posts_the_draft_as_a_thread_root_with_the_position_buttons(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    ref = propose(consortium)
    root = start(slack, fake_slack, ref)

    assert root.channel == CHANNEL and root.thread_ts is None
    assert root.blocks[0]["text"]["text"] == f"Consultation · {ref} · EU-wide programme for collaborative R&D"
    shown = str(root.blocks)
    assert "collaborative R&amp;D projects of big and small companies" in shown
    assert "Version 1" in shown and "Deadline <!date^" in shown and "{date_short_pretty} at {time}" in shown
    buttons = next(b for b in root.blocks if b.get("block_id") == "consultation_positions")
    labels = [e["text"]["text"] for e in buttons["elements"]]
    assert labels == ["Agree", "Agree with changes", "Abstain", "Disagree", "Block"]
    eventually(lambda: started(consortium, ref))
    assert consortium.recommendations.get(ref).status is Status.IN_CONSULTATION
    view = latest(consortium, ref)
    assert view.message_ts == root.ts and view.version == 1 and view.is_open
    assert str(view.permalink).startswith("https://") and view.text == TEXT


def test_a_second_consult_points_to_the_existing_thread(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    ref = propose(consortium)
    start(slack, fake_slack, ref)
    eventually(lambda: started(consortium, ref))

    again = slack.slash("/consult", ref.lower(), user=AUTHOR, channel=CHANNEL)

    assert "already in consultation" in again.body
    assert str(latest(consortium, ref).permalink) in again.body
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_an_unknown_reference_says_so_and_how_to_find_one(slack: SlackSender, fake_slack: FakeSlack) -> None:
    response = slack.slash("/consult", "R999", user=COORDINATOR, channel=CHANNEL)
    assert "There is no recommendation R999" in response.body and "/recs" in response.body
    assert fake_slack.calls("chat.postMessage") == []


def test_a_withdrawn_recommendation_cannot_be_consulted_on(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    ref = propose(consortium)
    with consortium.db.engine.begin() as connection:
        from sqlalchemy import text

        connection.execute(text("UPDATE recommendations SET status = 'withdrawn'"))
    response = slack.slash("/consult", ref, user=COORDINATOR, channel=CHANNEL)
    assert f"{ref} is withdrawn" in response.body and "/recs" in response.body
    assert fake_slack.calls("chat.postMessage") == []


def test_bad_arguments_and_past_deadlines_get_the_usage(slack: SlackSender, consortium: Services) -> None:
    ref = propose(consortium)
    nonsense = slack.slash("/consult", f"{ref} next-week", user=COORDINATOR, channel=CHANNEL)
    assert "is not a deadline" in nonsense.body and "deadline=2026-12-15" in nonsense.body
    past = slack.slash("/consult", f"{ref} deadline=2020-01-01", user=COORDINATOR, channel=CHANNEL)
    assert "already passed" in past.body
    assert consortium.consultations.latest(ref) is None


def test_an_explicit_deadline_is_the_end_of_that_day_in_the_consortium_time_zone(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    from datetime import UTC, datetime, timedelta

    ref = propose(consortium)
    day = (datetime.now(UTC) + timedelta(days=30)).date()
    start(slack, fake_slack, ref, extra=f"deadline={day.isoformat()}T17:00")
    eventually(lambda: started(consortium, ref))
    local = latest(consortium, ref).deadline.astimezone(consortium.settings.timezone)
    assert (local.date(), local.hour, local.minute) == (day, 17, 0)


def test_consult_without_a_reference_opens_a_picker_that_starts_it(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    ref = propose(consortium)
    consortium.recommendations.import_csv(DEMO_DATA / "clusterix_2012_2014.csv")
    response = slack.slash("/consult", "", user=COORDINATOR, channel=CHANNEL)
    assert response.status == 200
    view_id = str(fake_slack.wait_for("views.open")[0].response["view"]["id"])
    picker = fake_slack.view(view_id)
    options = next(b for b in picker.blocks if b.get("block_id") == "recommendation")["element"]["options"]
    assert [o["value"] for o in options][-1] == ref and len(options) == 5

    slack.submit_view(view_id, COORDINATOR, {"recommendation": "R3"})

    posted = fake_slack.wait_for("chat.postMessage")[0]
    assert posted.params["channel"] == CHANNEL and "Consultation · R3" in str(posted.params["blocks"])
    eventually(lambda: started(consortium, "R3"))


def test_the_picker_refuses_a_recommendation_that_went_into_consultation_meanwhile(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    ref = propose(consortium)
    slack.slash("/consult", "", user=COORDINATOR, channel=CHANNEL)
    view_id = str(fake_slack.wait_for("views.open")[0].response["view"]["id"])
    start(slack, fake_slack, ref, user=AUTHOR)
    eventually(lambda: started(consortium, ref))

    response = slack.submit_view(view_id, COORDINATOR, {"recommendation": ref})

    assert (
        response.json is not None and "already in consultation" in response.json["errors"]["recommendation"]
    )
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_someone_not_registered_is_told_how_to_register(slack: SlackSender, consortium: Services) -> None:
    ref = propose(consortium)
    response = slack.slash("/consult", ref, user=OUTSIDER, channel=CHANNEL)
    assert "not registered" in response.body
    assert consortium.consultations.latest(ref) is None


def test_in_a_channel_without_the_bot_nothing_starts_and_the_user_learns_why(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    ref = propose(consortium)
    slack.slash("/consult", ref, user=COORDINATOR, channel="C0NOBOT")
    fake_slack.wait_until(lambda: bool(fake_slack.ephemerals(COORDINATOR)), what="an answer")
    assert "Invite me" in fake_slack.ephemerals(COORDINATOR)[-1].text
    assert consortium.consultations.latest(ref) is None
    # The claim was dropped: it can start in the right channel straight away.
    start(slack, fake_slack, ref)
    eventually(lambda: started(consortium, ref))


def test_the_message_shortcut_starts_a_consultation_on_the_announced_recommendation(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    ref = propose(consortium)
    announcement = fake_slack.post_user_message(CHANNEL, AUTHOR, f"What do you think of {ref}?")
    slack.message_shortcut(CHANNEL, announcement.ts, COORDINATOR, "consult_on_message")
    posted = fake_slack.wait_for("chat.postMessage")[0]
    assert f"Consultation · {ref}" in str(posted.params["blocks"])
    eventually(lambda: started(consortium, ref))

    other = fake_slack.post_user_message(CHANNEL, AUTHOR, "Lunch at noon?")
    slack.message_shortcut(CHANNEL, other.ts, COORDINATOR, "consult_on_message")
    fake_slack.wait_until(lambda: bool(fake_slack.ephemerals(COORDINATOR)), what="an answer")
    assert "does not name a recommendation" in fake_slack.ephemerals(COORDINATOR)[-1].text


def test_simultaneous_consults_on_one_recommendation_start_one_thread(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    ref = propose(consortium)
    users = [COORDINATOR, AUTHOR, "U0ES00001", "U0IT00001", "U0PL00001"]
    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        answers = list(pool.map(lambda u: slack.slash("/consult", ref, user=u, channel=CHANNEL), users))

    fake_slack.wait_for("chat.getPermalink")
    eventually(lambda: started(consortium, ref))
    assert len(fake_slack.calls("chat.postMessage")) == 1
    refused = [a for a in answers if "already in consultation" in a.body]
    assert len(refused) == len(users) - 1
