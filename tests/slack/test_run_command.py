"""`consult-bot run` as an operator starts it: a real process, configured by its environment."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.localslack import FakeSlack, SlackSender
from bot.services import Services
from tests.conftest import BOT_TOKEN, CHANNEL, SIGNING_SECRET


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def running_bot(consortium: Services, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "DATABASE_URL": consortium.db.url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
    }
    env.pop("SLACK_APP_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_healthy(url: str, process: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                "consult-bot run exited:\n" + (process.stdout.read() if process.stdout else "")
            )
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"consult-bot run did not become healthy in {timeout:.0f} s")


def test_the_run_command_serves_propose_end_to_end(
    running_bot: str, fake_slack: FakeSlack, consortium: Services
) -> None:
    fake_slack.reset()
    slack = SlackSender(running_bot + "/slack/events", SIGNING_SECRET, fake_slack)
    assert slack.slash("/propose", "Cluster vouchers", user="U0PL00001", channel=CHANNEL).status == 200
    view_id = str(fake_slack.wait_for("views.open")[0].response["view"]["id"])
    fields = {"title": "Cluster vouchers", "text": "Regional cluster vouchers for SMEs.", "level": "regional"}
    assert slack.submit_view(view_id, "U0PL00001", fields).status == 200
    posted = fake_slack.wait_for("chat.postMessage")[0]
    assert posted.params["blocks"][0]["text"]["text"] == "R1 · Cluster vouchers"
    assert slack.slash("/recs", "", user="U0PL00001", channel=CHANNEL, signature="wrong").status == 401
