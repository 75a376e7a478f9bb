"""`consult-bot run` in Socket Mode, as a coordinator on a laptop runs it: a real process with
SLACK_APP_TOKEN set, connected to the local Slack's WebSocket server, driven through envelopes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.demo import run_demo
from bot.localslack import FakeSlack, Message, SlackSender
from bot.services import Services
from tests.conftest import BOT_TOKEN, CHANNEL, SIGNING_SECRET, eventually
from tests.slack.consultation_support import LOMBARDY, latest, propose, start, started

COORDINATOR = "U0COORD01"
PARTNER = "U0HU00001"


ENTRY_POINTS = {
    "consult-bot run": [sys.executable, "-m", "bot.cli", "run"],
    # what `slack run` starts (slack.json's hooks run app.py with the tokens set)
    "app.py": [sys.executable, str(Path(__file__).resolve().parents[2] / "app.py")],
}


@contextmanager
def bot_process(
    command: list[str], services: Services, fake: FakeSlack, cwd: Path
) -> Iterator[subprocess.Popen[str]]:
    """The bot as a process in Socket Mode, once it has connected to the local Slack's socket."""
    opened = fake.socket_mode.connections_opened
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_APP_TOKEN": fake.app_token,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": services.db.url,
    }
    env.pop("PORT", None)
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        try:
            fake.socket_mode.wait_for_connection(opened + 1, timeout=30)
        except AssertionError:
            process.terminate()
            output = process.communicate(timeout=10)[0]
            raise AssertionError(f"{command} never connected over Socket Mode:\n{output}") from None
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=15)


@pytest.fixture
def socket_bot(consortium: Services, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[SlackSender]:
    """`consult-bot run` in Socket Mode, and a sender that reaches it over its socket."""
    fake_slack.reset()
    with bot_process(ENTRY_POINTS["consult-bot run"], consortium, fake_slack, tmp_path):
        yield SlackSender.over_socket_mode(fake_slack)
    fake_slack.reset()


def post_poll(slack: SlackSender, fake: FakeSlack, text: str) -> Message:
    before = len(fake.calls("chat.postMessage"))
    response = slack.slash("/poll", text, user=COORDINATOR, channel=CHANNEL)
    assert response.status == 200, response.body
    posted = fake.wait_for("chat.postMessage", count=before + 1, timeout=10)[-1]
    return fake.message(CHANNEL, str(posted.response["ts"]))


def vote(slack: SlackSender, fake: FakeSlack, message: Message, user: str, action: str) -> str:
    before = len(fake.ephemerals(user))
    assert slack.click(fake.message(CHANNEL, message.ts), CHANNEL, user, action).status == 200
    fake.wait_until(lambda: len(fake.ephemerals(user)) > before, timeout=10, what=f"a confirmation to {user}")
    return fake.ephemerals(user)[-1].text + str(fake.ephemerals(user)[-1].blocks)


def test_over_the_socket_a_slash_command_opens_a_modal_whose_submission_stores_a_proposal(
    socket_bot: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    assert socket_bot.slash("/propose", "Cluster vouchers", user=PARTNER, channel=CHANNEL).status == 200
    view_id = str(fake_slack.wait_for("views.open", timeout=10)[0].response["view"]["id"])
    assert fake_slack.view(view_id).is_open
    fields = {"title": "Cluster vouchers", "text": "Regional cluster vouchers for SMEs.", "level": "regional"}
    assert socket_bot.submit_view(view_id, PARTNER, fields).status == 200
    posted = fake_slack.wait_for("chat.postMessage", timeout=10)[0]
    assert posted.params["blocks"][0]["text"]["text"] == "R1 · Cluster vouchers"
    assert not fake_slack.view(view_id).is_open
    assert consortium.recommendations.get("R1").title == "Cluster vouchers"
    assert [d.envelope_type for d in socket_bot.deliveries] == ["slash_commands", "interactive"]


def test_over_the_socket_an_invalid_submission_keeps_the_modal_open_with_the_error(
    socket_bot: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    assert socket_bot.slash("/propose", "", user=PARTNER, channel=CHANNEL).status == 200
    view_id = str(fake_slack.wait_for("views.open", timeout=10)[0].response["view"]["id"])
    fields = {"title": "   ", "text": "", "level": "eu"}
    answer = socket_bot.submit_view(view_id, PARTNER, fields, check_required=False)
    assert answer.json is not None and answer.json["response_action"] == "errors", answer.body
    assert set(answer.json["errors"]) == {"title", "text"}
    assert fake_slack.view(view_id).is_open
    assert consortium.recommendations.all() == []


def test_over_the_socket_a_click_stores_a_vote_and_a_thread_reply_becomes_a_comment(
    socket_bot: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = post_poll(socket_bot, fake_slack, '"Which day?" "Monday" "Tuesday"')
    assert "Your answer to P1 is recorded" in vote(socket_bot, fake_slack, message, PARTNER, "poll_vote_1")
    poll = consortium.polls.get(1)
    answer = consortium.polls.current_answer(poll.id, PARTNER)
    assert answer is not None and answer.choices == (1,)  # Tuesday

    ref = propose(consortium)
    root = start(socket_bot, fake_slack, ref)
    eventually(lambda: started(consortium, ref), timeout=10)
    socket_bot.user_posts(CHANNEL, LOMBARDY, "We support this for our SMEs.", root.ts)
    eventually(lambda: len(comments(consortium, ref)) == 1, timeout=10)
    assert comments(consortium, ref)[0].text == "We support this for our SMEs."


def test_the_bot_reconnects_after_a_dropped_socket_and_after_a_refresh_and_keeps_working(
    socket_bot: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = post_poll(socket_bot, fake_slack, '"Which day?" "Monday" "Tuesday"')
    opened = fake_slack.socket_mode.connections_opened

    fake_slack.socket_mode.drop()
    fake_slack.socket_mode.wait_for_connection(opened + 1, timeout=30)
    assert "Your answer to P1 is recorded" in vote(socket_bot, fake_slack, message, PARTNER, "poll_vote_0")

    fake_slack.socket_mode.request_refresh()
    fake_slack.socket_mode.wait_for_connection(opened + 2, timeout=30)
    assert "Your answer to P1 is recorded" in vote(
        socket_bot, fake_slack, message, "U0ES00001", "poll_vote_1"
    )
    poll = consortium.polls.get(1)
    assert consortium.polls.current_answer(poll.id, PARTNER) is not None
    assert consortium.polls.current_answer(poll.id, "U0ES00001") is not None
    assert len(fake_slack.calls("apps.connections.open")) >= 3


def comments(services: Services, ref: str) -> list[Any]:
    return list(services.consultations.comments(latest(services, ref).id))


def test_what_slack_run_starts_connects_over_the_socket_and_answers_a_command(
    consortium: Services, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    fake_slack.reset()
    with bot_process(ENTRY_POINTS["app.py"], consortium, fake_slack, tmp_path):
        slack = SlackSender.over_socket_mode(fake_slack)
        assert slack.slash("/propose", "Cluster vouchers", user=PARTNER, channel=CHANNEL).status == 200
        opened = fake_slack.wait_for("views.open", timeout=10)[0]
        assert opened.response["view"]["callback_id"]
    fake_slack.reset()


def test_the_demo_plays_over_socket_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.demo_scenes import foundation

    assert run_demo(tmp_path, foundation.SCENES, socket_mode=True) == 0
    shown = capsys.readouterr().out
    assert "The real bot connects over Socket Mode" in shown
    assert "The form shows under 'themes': Give at most 8 themes" in shown  # an error answered on the socket
    assert "R5 · EU-WIDE PROGRAMME" in shown  # the proposal made through /propose and its modal, posted
    assert (tmp_path / "export.json").is_file()
