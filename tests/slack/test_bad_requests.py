"""Requests that are not valid Slack requests: always a 4xx, nothing stored, nothing leaked in logs."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from bot.localslack import FakeSlack, SlackSender
from bot.server import BotServer
from bot.services import Services
from tests.conftest import BOT_TOKEN, CHANNEL, SIGNING_SECRET
from tests.slack.bot_process import BotProcess

FORM = "application/x-www-form-urlencoded"


def form(**fields: str) -> str:
    return urllib.parse.urlencode(fields)


BAD_BODIES = {
    "malformed JSON in payload": (form(payload='{"type": "block_actions",'), FORM, 400),
    "payload is a JSON list": (form(payload='[{"type": "block_actions"}]'), FORM, 400),
    "payload is a JSON string": (form(payload='"block_actions"'), FORM, 400),
    "payload without type": (form(payload='{"user": {"id": "U0HU00001"}}'), FORM, 400),
    "payload of an unknown type": (form(payload='{"type": "no_such_thing"}'), FORM, 400),
    "form without payload or command": (form(text="hello"), FORM, 400),
    "JSON body that is a list": ('[{"type": "event_callback"}]', "application/json", 400),
    "JSON body of an unknown type": ('{"type": "no_such_event"}', "application/json", 400),
    "JSON body that is not JSON": ('{"type": "event_callback"', "application/json", 400),
    "plain text body": ("type=block_actions", "text/plain", 415),
    "no content type": ("payload=%7B%7D", "", 415),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_a_signed_body_that_slack_would_never_send_gets_a_4xx_and_changes_nothing(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, case: str
) -> None:
    body, content_type, status = BAD_BODIES[case]
    response = slack.send_raw(slack.events_url, body, content_type)
    assert response.status == status, response.body
    assert fake_slack.calls() == []
    assert consortium.recommendations.all() == [] and consortium.polls.all_results() == []


@pytest.mark.parametrize("signature", ["missing", "wrong", "stale"])
def test_a_malformed_body_without_a_valid_signature_gets_401(slack: SlackSender, signature: str) -> None:
    response = slack.send_raw(slack.events_url, form(payload="{not json"), FORM, signature=signature)
    assert response.status == 401


def test_metrics_are_served_in_prometheus_text_format(
    bot_server: BotServer, slack: SlackSender, fake_slack: FakeSlack
) -> None:
    slack.send_raw(slack.events_url, form(payload="[]"), FORM)
    assert slack.slash("/propose", "Cluster vouchers", user="U0PL00001", channel=CHANNEL).status == 200
    fake_slack.wait_for("views.open")
    text = urllib.request.urlopen(bot_server.url + "/metrics", timeout=5).read().decode()
    assert "# TYPE consult_bot_request_seconds histogram" in text
    assert 'consult_bot_request_seconds_count{kind="invalid",status="400"}' in text
    assert 'consult_bot_request_seconds_count{kind="slash_command",status="200"}' in text
    assert 'consult_bot_slack_api_attempts_total{method="views.open",status="200"}' in text
    for family in ("votes_stored", "digest_runs", "llm_calls", "llm_tokens"):
        assert f"# TYPE consult_bot_{family}_total counter" in text


def test_warnings_in_json_logs_carry_no_token_secret_response_url_or_body(
    db: Services, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    marker = "a-partner-wrote-this-privately"
    response_url = "https://hooks.slack.com/actions/T0001/123/secretpart"
    payload = {
        "type": "block_actions",
        "token": "legacy-verification-token",
        "user": {"id": "U0HU00001"},
        "response_url": response_url,
        "actions": [{"action_id": "no_listener_matches_this", "value": marker}],
        "trigger_id": "1.2.3",
        "api_app_id": "A1",
        "team": {"id": "T0001"},
    }
    body = form(payload=json.dumps(payload))
    with BotProcess(db.db.url, fake_slack.api_url, tmp_path, LOG_FORMAT="json") as bot:
        sender = SlackSender(bot.events_url, SIGNING_SECRET, fake_slack)
        assert sender.send_raw(bot.events_url, body, FORM).status == 404  # Bolt: no listener
        assert sender.send_raw(bot.events_url, body, FORM, signature="wrong").status == 401
        assert sender.send_raw(bot.events_url, form(payload="{bad"), FORM).status == 400
        bot.stop()
    lines = [line for line in bot.output().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # one JSON object per line
    assert any(e["level"] == "WARNING" for e in entries), lines
    loud = json.dumps([e for e in entries if e["level"] in ("WARNING", "ERROR", "CRITICAL")])
    for leak in (marker, response_url, "secretpart", BOT_TOKEN, SIGNING_SECRET, "legacy-verification-token"):
        assert leak not in loud
