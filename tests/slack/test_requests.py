"""The HTTP endpoint: Slack's signature rules and the health check."""

from __future__ import annotations

import urllib.request

import pytest

from bot.localslack import FakeSlack, SlackSender
from bot.server import BotServer
from tests.conftest import CHANNEL


@pytest.mark.parametrize("signature", ["missing", "wrong", "stale"])
def test_unsigned_mis_signed_and_stale_requests_are_refused(
    slack: SlackSender, fake_slack: FakeSlack, signature: str
) -> None:
    response = slack.slash("/propose", "A title", user="U0HU00001", channel=CHANNEL, signature=signature)
    assert response.status == 401
    assert fake_slack.calls("views.open") == []


def test_health_check_reports_a_reachable_database(bot_server: BotServer) -> None:
    with urllib.request.urlopen(bot_server.url + "/healthz", timeout=5) as response:
        assert response.status == 200
        assert b'"ok":true' in response.read().replace(b" ", b"")


def test_url_verification_is_answered(slack: SlackSender) -> None:
    response = slack.url_verification("challenge-token")
    assert response.status == 200 and "challenge-token" in response.body
