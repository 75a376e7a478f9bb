"""The App Home end to end: `app_home_opened` into the bot, `views.publish` to the stand-in, and
the Home's controls used as a person uses them (clicks inside the home view)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.polls.drafts import PollDraft
from bot.domain.polls.kinds import Audience, PollKind, Visibility
from bot.localslack import FakeSlack, SlackSender, View, render_view
from bot.server import BotServer
from bot.services import Services
from tests.conftest import CHANNEL, eventually
from tests.slack.consultation_support import AUTHOR, COORDINATOR, OUTSIDER, answer, propose, start, started

PARTNER = "U0ES00001"  # Laia Puig, ACCIÓ Catalonia (Europe/Madrid)
FINN = "U0FI00001"  # Aino Virtanen, Council of Tampere Region (Europe/Helsinki)


@pytest.fixture(autouse=True)
def settled(services: Services, slack: SlackSender) -> Iterator[None]:
    """Each test ends with its Homes published, so nothing spills into the next test."""
    yield
    services.polls.votes.flush(timeout=5)
    services.polls.updates.flush(timeout=5)
    services.home.updates.flush(timeout=5)


Opener = Callable[[str], View]


@pytest.fixture
def open_home(slack: SlackSender, fake_slack: FakeSlack, services: Services, bot_server: BotServer) -> Opener:
    """Opens a person's Home tab; returns the Home once the bot has published it."""

    def opened(user: str) -> View:
        assert slack.app_home_opened(user).status == 200
        assert bot_server.wait_idle() and services.home.updates.flush()
        home = fake_slack.home_view(user)
        assert home is not None
        return home

    return opened


def flat(view: View) -> str:
    """The view as the stand-in renders it, on one line, without the bold marks."""
    text = render_view(view, width=140)
    return " ".join(text.replace("*", "").replace("│", " ").split())


def shown(fake: FakeSlack, user: str) -> str:
    home = fake.home_view(user)
    return flat(home) if home else ""


def home_shows(fake: FakeSlack, user: str, text: str, present: bool = True) -> None:
    eventually(lambda: (text in shown(fake, user)) is present, timeout=8)


def quick_poll(slack: SlackSender, fake: FakeSlack, services: Services, text: str) -> None:
    """`/poll` in the channel; returns once the bot has noted where it posted the poll."""
    before = len(fake.calls("chat.postMessage"))
    assert slack.slash("/poll", text, user=COORDINATOR, channel=CHANNEL).status == 200
    fake.wait_for("chat.postMessage", count=before + 1)
    eventually(lambda: all(r.poll.message_ts for r in services.polls.all_results()))


def stored_poll(services: Services, number_hint: str, deadline: datetime | None = None) -> None:
    """A poll for every partner, stored with its message as `/poll` leaves it (faster than posting)."""
    draft = PollDraft(
        question=f"Question {number_hint}?",
        kind=PollKind.SINGLE,
        options=("Yes", "No"),
        anonymous=False,
        visibility=Visibility.LIVE,
        audience=Audience.ALL,
        deadline=deadline,
    )
    poll, _ = services.polls.create(
        draft,
        creator=COORDINATOR,
        channel_id=CHANNEL,
        submission_key=f"test:{number_hint}",
        channel_members=[],
        now=datetime.now(UTC),
    )
    services.polls.record_message(poll.id, CHANNEL, f"1700000000.{poll.number:06d}")


def test_a_partner_sees_what_waits_for_their_answer_in_their_time_zone(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, open_home: Opener
) -> None:
    quick_poll(
        slack,
        fake_slack,
        consortium,
        '"Which day suits the meeting?" "Monday" "Tuesday" deadline=2030-03-15T17:00',
    )
    ref = propose(consortium)
    start(slack, fake_slack, ref)
    eventually(lambda: started(consortium, ref))

    home = open_home(PARTNER)
    text = flat(home)
    assert "WAITING FOR YOUR ANSWER (2)" in text
    assert "P1" in text and "Which day suits the meeting?" in text
    # 17:00 in Brussels is 17:00 in Madrid too; the Finnish partner sees Helsinki time.
    assert "Fri 15 Mar 17:00 CET" in text
    assert f"{ref}" in text and "EU-wide programme for collaborative R&D" in text
    actions = {e["action_id"] for b in home.blocks if b["type"] == "actions" for e in b["elements"]}
    assert {"poll_vote_0", "poll_vote_1", "poll_answer", "consultation_position_agree"} <= actions
    assert "COORDINATOR DASHBOARD" not in text
    finn = flat(open_home(FINN))
    assert "Fri 15 Mar 18:00 EET" in finn


def test_the_author_sees_their_proposal_and_their_organisations_position(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, open_home: Opener
) -> None:
    ref = propose(consortium)
    root = start(slack, fake_slack, ref)
    eventually(lambda: started(consortium, ref))
    answer(slack, fake_slack, root, AUTHOR, "agree")
    text = flat(open_home(AUTHOR))
    assert f"{ref} EU-wide programme for collaborative R&D: in consultation" in text
    assert "Agree" in text and "Zsófia Kovács" in text
    assert "WAITING FOR YOUR ANSWER (0)" in text


def test_a_vote_from_the_home_is_counted_and_the_home_republished(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, open_home: Opener
) -> None:
    quick_poll(slack, fake_slack, consortium, '"Which day?" "Monday" "Tuesday"')
    home = open_home(PARTNER)
    assert slack.click_in_view(home.id, PARTNER, "poll_vote_1").status == 200
    eventually(lambda: consortium.polls.results(1).respondent_count == 1)
    home_shows(fake_slack, PARTNER, "Nothing waits for your answer.")
    # A repeated delivery of the same click changes nothing.
    results = consortium.polls.results(1)
    assert [t.votes for t in results.tallies] == [0, 1]


def test_the_answer_form_and_the_position_form_open_from_the_home(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, open_home: Opener
) -> None:
    quick_poll(slack, fake_slack, consortium, '"Which day?" "Monday" "Tuesday"')
    ref = propose(consortium)
    start(slack, fake_slack, ref)
    eventually(lambda: started(consortium, ref))
    home = open_home(PARTNER)

    opened = len(fake_slack.calls("views.open"))
    slack.click_in_view(home.id, PARTNER, "poll_answer")
    form = fake_slack.wait_for("views.open", count=opened + 1)[-1].response["view"]
    response = slack.submit_view(form["id"], PARTNER, {"choice": "0", "reason": "Mondays are quiet."})
    assert response.status == 200, response.body
    eventually(lambda: consortium.polls.results(1).respondent_count == 1)

    slack.click_in_view(home.id, PARTNER, "consultation_position_disagree")
    form = fake_slack.wait_for("views.open", count=opened + 2)[-1].response["view"]
    response = slack.submit_view(form["id"], PARTNER, {"reason": "Catalonia funds this already."})
    assert response.status == 200, response.body
    positions = consortium.consultations.positions(ref)
    assert [(p.organisation, p.position.value) for p in positions] == [("ACCIÓ Catalonia", "disagree")]
    home_shows(fake_slack, PARTNER, "Nothing waits for your answer.")
    home_shows(fake_slack, PARTNER, "Disagree")


def test_the_coordinator_dashboard_counts_and_reminds_only_those_missing(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, open_home: Opener
) -> None:
    quick_poll(slack, fake_slack, consortium, '"Which day?" "Monday" "Tuesday"')
    ref = propose(consortium)
    root = start(slack, fake_slack, ref)
    eventually(lambda: started(consortium, ref))
    answer(slack, fake_slack, root, PARTNER, "agree")
    message = fake_slack.messages(CHANNEL)[0]
    slack.click(message, CHANNEL, FINN, "poll_vote_0")
    eventually(lambda: consortium.polls.results(1).respondent_count == 1)

    home = open_home(COORDINATOR)
    text = flat(home)
    assert "COORDINATOR DASHBOARD" in text
    assert "1 of 11 partners have answered" in text
    assert "1 of 9 organisations have answered" in text
    # Not yet answered, by country; Pannon's two people count as one organisation with two people.
    assert "*HU* Ministry for National Economy, Pannon Business Network (2 people)" in _texts(home)
    assert "CONSENSUS BOARD" in text and "support 100 %" in text
    assert {"New poll", "New consultation", "Preview the digest"} <= _button_labels(home)

    fake_slack.reset_calls()
    slack.click_in_view(home.id, COORDINATOR, "home_remind", value="P1")
    report = fake_slack.wait_for("chat.postMessage", _report_to_coordinator)[-1]
    assert "Reminded 10 partner(s) who have not answered P1" in str(report.params)
    reminded = {c.params["channel"] for c in fake_slack.calls("chat.postMessage") if c is not report}
    assert FINN not in reminded and PARTNER in reminded and len(reminded) == 10  # all but Finn

    fake_slack.reset_calls()
    slack.click_in_view(home.id, COORDINATOR, "home_remind", value=ref)
    report = fake_slack.wait_for("chat.postMessage", _report_to_coordinator)[-1]
    assert "8 organisation(s) without a position on " + ref in str(report.params)
    assert "ACCIÓ Catalonia" not in str(report.params)
    reminded = {c.params["channel"] for c in fake_slack.calls("chat.postMessage") if c is not report}
    assert PARTNER not in reminded and AUTHOR in reminded


def _report_to_coordinator(call: Any) -> bool:
    return call.params.get("channel") == COORDINATOR and "Reminded" in str(call.params.get("text"))


def _texts(view: View) -> str:
    return str(view.blocks)


def _button_labels(home: View) -> set[str]:
    return {
        str(e["text"]["text"])
        for b in home.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "button"
    }


def test_only_coordinators_can_remind_from_a_dashboard(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, open_home: Opener
) -> None:
    quick_poll(slack, fake_slack, consortium, '"Which day?" "Monday" "Tuesday"')
    home = open_home(COORDINATOR)
    # A partner replays the coordinator's button (as a forged request could): refused, nobody reminded.
    fake_slack.reset_calls()
    payload_home = fake_slack.view(home.id)
    slack.click_in_view(payload_home.id, PARTNER, "home_remind", value="P1")
    refusal = fake_slack.wait_for("chat.postMessage", lambda c: c.params.get("channel") == PARTNER)
    assert "Only coordinators" in str(refusal[-1].params)
    assert [c.params["channel"] for c in fake_slack.calls("chat.postMessage")] == [PARTNER]


def test_the_home_is_republished_when_a_poll_closes(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, open_home: Opener
) -> None:
    quick_poll(slack, fake_slack, consortium, '"Which day?" "Monday" "Tuesday"')
    open_home(PARTNER)
    home_shows(fake_slack, PARTNER, "WAITING FOR YOUR ANSWER (1)")
    consortium.polls.close(consortium.polls.get(1).id, COORDINATOR)
    home_shows(fake_slack, PARTNER, "Nothing waits for your answer.")


def test_someone_not_registered_is_told_how_to_get_registered(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, open_home: Opener
) -> None:
    text = flat(open_home(OUTSIDER))
    assert "not registered" in text and "consult-bot partners import" in text


def test_the_messages_tab_publishes_nothing(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, bot_server: BotServer
) -> None:
    assert slack.app_home_opened(PARTNER, tab="messages").status == 200
    assert bot_server.wait_idle()
    consortium.home.updates.flush()
    assert fake_slack.calls("views.publish") == []


def test_long_lists_are_paged_within_slacks_limits(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, open_home: Opener
) -> None:
    soon = datetime.now(UTC) + timedelta(days=3)
    for n in range(30):
        stored_poll(consortium, str(n), deadline=soon + timedelta(hours=n))
    home = open_home(COORDINATOR)
    assert len(home.blocks) <= 100
    text = flat(home)
    assert "WAITING FOR YOUR ANSWER (30)" in text and "Page 1 of 4" in text and "Page 1 of 3" in text
    assert "Question 0?" in text and "Question 29?" not in text

    slack.click_in_view(home.id, COORDINATOR, "home_page_next", value="todo:2", block_id="home_todo_pages")
    home_shows(fake_slack, COORDINATOR, "Page 2 of 4")
    for page in (3, 4):
        turned = fake_slack.home_view(COORDINATOR)
        assert turned is not None
        slack.click_in_view(turned.id, COORDINATOR, "home_page_next", value=f"todo:{page}")
        home_shows(fake_slack, COORDINATOR, f"Page {page} of 4")
    final = fake_slack.home_view(COORDINATOR)
    assert final is not None and len(final.blocks) <= 100
    assert "Question 29?" in flat(final)
    todo = final.blocks[: next(i for i, b in enumerate(final.blocks) if b["type"] == "divider")]
    assert "Question 29?" in str(todo) and "Question 0?" not in str(todo)


def test_a_partner_gets_their_own_data_from_the_home(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, open_home: Opener
) -> None:
    home = open_home(PARTNER)
    slack.click_in_view(home.id, PARTNER, "home_my_data")
    dm = fake_slack.im_channel(PARTNER)
    fake_slack.wait_until(
        lambda: any(dm in f.channels and f.uploaded for f in fake_slack.files()), what="the file"
    )
    (stored,) = [f for f in fake_slack.files() if dm in f.channels]
    assert stored.name == f"personal-data-{PARTNER}.json"
    assert "Laia Puig" in (stored.content or b"").decode()


def test_the_annex_reaches_only_a_coordinator(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, open_home: Opener
) -> None:
    propose(consortium)
    home = open_home(COORDINATOR)
    slack.click_in_view(home.id, COORDINATOR, "home_annex", value="docx")
    dm = fake_slack.im_channel(COORDINATOR)
    fake_slack.wait_until(
        lambda: any(dm in f.channels and f.uploaded for f in fake_slack.files()), what="the annex"
    )
    assert [f.name.rsplit(".", 1)[-1] for f in fake_slack.files() if dm in f.channels] == ["docx"]
    # A partner replaying the button gets a refusal and no file.
    slack.click_in_view(home.id, PARTNER, "home_annex_markdown", value="markdown")
    refusal = fake_slack.wait_for("chat.postMessage", lambda c: c.params.get("channel") == PARTNER)
    assert "Only coordinators can export" in str(refusal[-1].params)
    assert not [f for f in fake_slack.files() if fake_slack.im_channel(PARTNER) in f.channels]
