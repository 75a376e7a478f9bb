"""`/poll "Question?" "A" "B" [flags]` end to end: posting, voting, changing, closing, bad input."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.localslack import FakeSlack, Message, SlackSender
from bot.server import BotServer
from bot.services import Services
from tests.conftest import CHANNEL, clear, eventually

COORDINATOR = "U0COORD01"
PARTNER = "U0HU00001"
OTHER = "U0ES00001"
FINN = "U0FI00001"


def post_quick_poll(slack: SlackSender, fake: FakeSlack, text: str, user: str = COORDINATOR) -> Message:
    before = len(fake.calls("chat.postMessage"))
    response = slack.slash("/poll", text, user=user, channel=CHANNEL)
    assert response.status == 200 and not response.body.strip(), response.body
    posted = fake.wait_for("chat.postMessage", count=before + 1)[-1]
    return fake.message(CHANNEL, str(posted.response["ts"]))


def ephemeral_after(fake: FakeSlack, user: str, count: int) -> str:
    """The text of the user's newest ephemeral once they have more than `count`."""
    fake.wait_until(lambda: len(fake.ephemerals(user)) > count, what=f"an ephemeral message for {user}")
    newest = fake.ephemerals(user)[-1]
    return newest.text + str(newest.blocks)


def click(slack: SlackSender, fake: FakeSlack, message: Message, user: str, action: str) -> str:
    before = len(fake.ephemerals(user))
    response = slack.click(fake.message(CHANNEL, message.ts), CHANNEL, user, action)
    assert response.status == 200
    return ephemeral_after(fake, user, before)


def latest(fake: FakeSlack, services: Services, message: Message) -> str:
    services.polls.updates.flush()
    return str(fake.message(CHANNEL, message.ts).blocks)


def test_a_quick_poll_is_posted_with_a_button_per_option(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = post_quick_poll(slack, fake_slack, '"Which day suits the meeting?" "Monday" "Tuesday" "Friday"')
    assert message.blocks[0]["text"]["text"] == "P1 · Poll"
    buttons = next(b for b in message.blocks if b.get("block_id") == "poll_options")["elements"]
    assert [b["text"]["text"] for b in buttons] == ["Monday", "Tuesday", "Friday"]
    controls = next(b for b in message.blocks if b.get("block_id") == "poll_controls")["elements"]
    assert {"Close poll", "Remind non-respondents"} <= {c["text"]["text"] for c in controls}
    assert "Which day suits the meeting?" in str(message.blocks)
    poll = consortium.polls.get(1)
    assert poll.options == ("Monday", "Tuesday", "Friday") and not poll.anonymous
    eventually(lambda: consortium.polls.get(1).message_ts == message.ts)


def test_a_vote_is_confirmed_to_the_voter_and_the_message_updates(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = post_quick_poll(slack, fake_slack, '"Which day?" "Monday" "Tuesday"')
    confirmation = click(slack, fake_slack, message, PARTNER, "poll_vote_1")
    assert "Your answer to P1 is recorded" in confirmation and "Tuesday" in confirmation
    update = fake_slack.wait_for("chat.update")[-1]
    assert update.params["ts"] == message.ts
    assert "1 of 11 partners have answered" in latest(fake_slack, consortium, message)
    assert "1 (100%)" in latest(fake_slack, consortium, message)


def test_a_voter_changes_their_answer_and_still_counts_once(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = post_quick_poll(slack, fake_slack, '"Which day?" "Monday" "Tuesday"')
    click(slack, fake_slack, message, PARTNER, "poll_vote_0")
    changed = click(slack, fake_slack, message, PARTNER, "poll_vote_1")
    assert (
        "Tuesday" in changed.split("Results so far")[0] and "Monday" not in changed.split("Results so far")[0]
    )
    results = consortium.polls.results(1)
    assert [t.votes for t in results.tallies] == [0, 1] and results.respondent_count == 1


def test_multiple_choice_toggles_within_its_maximum(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = post_quick_poll(slack, fake_slack, '"Lunch?" "Pasta" "Soup" "Salad" multiple=2')
    click(slack, fake_slack, message, PARTNER, "poll_vote_0")
    click(slack, fake_slack, message, PARTNER, "poll_vote_2")
    refused = click(slack, fake_slack, message, PARTNER, "poll_vote_1")
    assert "the most this poll allows" in refused
    assert [t.votes for t in consortium.polls.results(1).tallies] == [1, 0, 1]
    taken_back = click(slack, fake_slack, message, PARTNER, "poll_vote_0")
    assert "Salad" in taken_back
    assert [t.votes for t in consortium.polls.results(1).tallies] == [0, 0, 1]


def test_a_retried_click_counts_once(slack: SlackSender, fake_slack: FakeSlack, consortium: Services) -> None:
    message = post_quick_poll(slack, fake_slack, '"Lunch?" "Pasta" "Soup" multiple')
    click(slack, fake_slack, message, PARTNER, "poll_vote_0")
    again = slack.redeliver(slack.deliveries[-1], retry_num=1)
    assert again.status == 200
    assert consortium.polls.votes.flush()
    # A toggle delivered twice would have switched Pasta on and off again: it is on, once.
    answer = consortium.polls.current_answer(consortium.polls.get(1).id, PARTNER)
    assert answer is not None and answer.choices == (0,)
    assert len(fake_slack.ephemerals(PARTNER)) == 1


def test_two_concurrent_clicks_by_one_person_leave_one_answer(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, bot_server: BotServer
) -> None:
    message = post_quick_poll(slack, fake_slack, '"Which day?" "Monday" "Tuesday"')
    current = fake_slack.message(CHANNEL, message.ts)
    threads = [
        threading.Thread(target=slack.click, args=(current, CHANNEL, PARTNER, f"poll_vote_{i}"))
        for i in (0, 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert consortium.polls.votes.flush()
    # Each click is answered (after its acknowledgement), or only the last of a batch: either way
    # the voter sees their answer.
    fake_slack.wait_until(lambda: len(fake_slack.ephemerals(PARTNER)) >= 1, what="the voter's answer")
    assert bot_server.wait_idle()
    assert len(fake_slack.ephemerals(PARTNER)) <= 2
    results = consortium.polls.results(1)
    assert results.respondent_count == 1 and sum(t.votes for t in results.tallies) == 1


def test_votes_after_close_are_refused_and_the_final_message_says_who_answered(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = post_quick_poll(slack, fake_slack, '"Which day?" "Monday" "Tuesday"')
    click(slack, fake_slack, message, PARTNER, "poll_vote_0")
    click(slack, fake_slack, message, OTHER, "poll_vote_1")
    still_open = fake_slack.message(CHANNEL, message.ts)
    refused = click(slack, fake_slack, message, PARTNER, "poll_close")
    assert "Only the poll's creator" in refused and consortium.polls.get(1).is_open
    click(slack, fake_slack, message, COORDINATOR, "poll_close")
    final = latest(fake_slack, consortium, message)
    assert "Answered: 2 of 11" in final
    assert (
        "Pannon Business Network (HU): Zsófia Kovács" in final and "ACCIÓ Catalonia (ES): Laia Puig" in final
    )
    assert "Not answered:" in final and "Giulia Rossi (Lombardy Region, IT)" in final
    assert "poll_vote_0" not in final
    before = len(fake_slack.ephemerals(FINN))
    response = slack.click(still_open, CHANNEL, FINN, "poll_vote_0")
    assert response.status == 200
    assert "P1 is closed, so your answer was not recorded" in ephemeral_after(fake_slack, FINN, before)
    assert consortium.polls.results(1).respondent_count == 2


def test_a_click_on_a_poll_the_database_does_not_know_gets_a_clear_message(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = post_quick_poll(slack, fake_slack, '"Which day?" "Monday" "Tuesday"')
    eventually(lambda: consortium.polls.get(1).message_ts is not None)
    assert consortium.home.updates.flush()  # the Homes the new poll changed are published
    clear(consortium.db)
    answer = click(slack, fake_slack, message, PARTNER, "poll_vote_0")
    assert "I don't know the poll P1 any more" in answer


def test_someone_not_registered_cannot_vote(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = post_quick_poll(slack, fake_slack, '"Which day?" "Monday" "Tuesday"')
    answer = click(slack, fake_slack, message, "U0OUTSIDE", "poll_vote_0")
    assert "not registered" in answer
    assert consortium.polls.results(1).respondent_count == 0


def test_hidden_results_stay_hidden_until_close(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = post_quick_poll(slack, fake_slack, '"Budget?" "More" "Less" hide-results')
    confirmation = click(slack, fake_slack, message, PARTNER, "poll_vote_0")
    assert "hidden until the poll closes" in confirmation and "(100%)" not in confirmation
    mine = click(slack, fake_slack, message, COORDINATOR, "poll_mine")
    assert "hidden until the poll closes" in mine
    shown = latest(fake_slack, consortium, message)
    assert "1 of 11 partners have answered" in shown and "(100%)" not in shown
    assert consortium.polls.results(1, viewer=COORDINATOR).hidden
    click(slack, fake_slack, message, COORDINATOR, "poll_close")
    assert "1 (100%)" in latest(fake_slack, consortium, message)


def test_the_deadline_without_offset_is_in_the_creators_time_zone(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    year = datetime.now(UTC).year + 1
    message = post_quick_poll(slack, fake_slack, f'"Q?" "A" "B" deadline={year}-06-01T17:00', user=FINN)
    # Helsinki is UTC+3 in summer.
    deadline = datetime(year, 6, 1, 14, 0, tzinfo=UTC)
    assert consortium.polls.get(1).deadline == deadline
    assert f"<!date^{int(deadline.timestamp())}^" in str(message.blocks)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Meet?" "Yes"', "at least two options"),
        ('"Meet?" "Yes" "YES"', "are the same"),
        ('"Meet?" "Yes" "' + "n" * 80 + '"', "Slack shows at most 75"),
        ('"Meet?" "Yes" "No', "quote is not closed"),
        ('"Meet?" "Yes" "No" secret', "not a flag I know"),
        ('"Meet?" "Yes" "No" deadline=2020-01-01T10:00+01:00', "already passed"),
        ('"Meet?" "Yes" "No" deadline=next-week', "YYYY-MM-DDTHH:MM"),
        ('"Meet?" ' + " ".join(f'"O{i}"' for i in range(101)), "at most 100 options"),
    ],
)
def test_bad_quick_polls_get_a_clear_answer_and_nothing_is_posted(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, text: str, expected: str
) -> None:
    response = slack.slash("/poll", text, user=COORDINATOR, channel=CHANNEL)
    assert response.status == 200
    assert expected in response.body and "No poll was posted" in response.body
    assert fake_slack.calls("chat.postMessage") == []
    assert consortium.polls.all_results() == []


def test_a_local_deadline_already_past_in_the_creators_zone_is_answered_after_the_ack(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    # Two hours ago in Helsinki is not yet "past everywhere", so only the time zone can tell.
    past = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = slack.slash("/poll", f'"Q?" "A" "B" deadline={past}', user=FINN, channel=CHANNEL)
    assert response.status == 200
    assert "has already passed" in ephemeral_after(fake_slack, FINN, 0)
    assert fake_slack.calls("chat.postMessage") == [] and consortium.polls.all_results() == []


def test_many_options_become_a_menu(slack: SlackSender, fake_slack: FakeSlack, consortium: Services) -> None:
    options = " ".join(f'"Region {i}"' for i in range(30))
    message = post_quick_poll(slack, fake_slack, f'"Where next?" {options} multiple=3')
    menu = next(b for b in message.blocks if b.get("block_id") == "poll_options")["elements"][0]
    assert (
        menu["type"] == "multi_static_select"
        and len(menu["options"]) == 30
        and menu["max_selected_items"] == 3
    )
    before = len(fake_slack.ephemerals(PARTNER))
    slack.click(message, CHANNEL, PARTNER, "poll_multi_select", selected_options=["1:4", "1:29"])
    assert "Region 29" in ephemeral_after(fake_slack, PARTNER, before)
    assert [t.votes for t in consortium.polls.results(1).tallies if t.votes] == [1, 1]


def test_mentions_in_a_poll_never_ping(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = post_quick_poll(slack, fake_slack, '"Ping <!channel> now?" "<!here>" "No"')
    texts = [message.text] + [
        str(b.get("text", {}).get("text", "")) for b in message.blocks if b["type"] == "section"
    ]
    assert all("<!channel>" not in t and "<!here>" not in t for t in texts)
    assert any("&lt;!channel&gt;" in t for t in texts)


def test_the_bot_outside_the_channel_says_so_and_keeps_nothing(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    response = slack.slash("/poll", '"Q?" "A" "B"', user=PARTNER, channel="C0NOBOT")
    assert response.status == 200
    assert "/invite @consult-bot" in ephemeral_after(fake_slack, PARTNER, 0)
    assert consortium.polls.all_results() == []


def test_a_duplicated_command_posts_one_poll(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    post_quick_poll(slack, fake_slack, '"Q?" "A" "B"')
    again = slack.redeliver(slack.deliveries[-1], retry_num=1)
    assert again.status == 200
    consortium.polls.updates.flush()
    assert len(fake_slack.calls("chat.postMessage")) == 1 and len(consortium.polls.all_results()) == 1


def test_a_burst_of_votes_updates_the_message_at_most_once_a_second(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = post_quick_poll(slack, fake_slack, '"Lunch?" "Pasta" "Soup" "Salad" multiple')
    voters = [p.slack_user_id for p in consortium.partners.all()]
    current = fake_slack.message(CHANNEL, message.ts)

    def clicks(user: str) -> None:
        for option in range(3):
            slack.click(current, CHANNEL, user, f"poll_vote_{option}")

    threads = [threading.Thread(target=clicks, args=(user,)) for user in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert consortium.polls.votes.flush() and consortium.polls.updates.flush()
    updates = [c.at for c in fake_slack.calls("chat.update") if c.params.get("ts") == message.ts]
    assert 1 <= len(updates) <= 3, f"{len(updates)} updates for {3 * len(voters)} votes"
    assert all(later - earlier >= 0.9 for earlier, later in itertools.pairwise(updates))
    assert "11 of 11 partners have answered" in latest(fake_slack, consortium, message)
    assert [t.votes for t in consortium.polls.results(1).tallies] == [11, 11, 11]


def test_a_rate_limited_update_is_waited_out(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = post_quick_poll(slack, fake_slack, '"Which day?" "Monday" "Tuesday"')
    fake_slack.fail_next("chat.update", status=429, retry_after=1)
    click(slack, fake_slack, message, PARTNER, "poll_vote_0")
    updated = fake_slack.wait_for("chat.update", lambda c: c.ok, timeout=8)[-1]
    failed = [c for c in fake_slack.calls("chat.update") if c.response.get("error") == "ratelimited"]
    assert len(failed) == 1 and updated.at - failed[0].at >= 0.9
    assert "1 (100%)" in latest(fake_slack, consortium, message)
