"""`/propose` end to end: signed slash command, modal, submission, announcement."""

from __future__ import annotations

from bot.localslack import FakeSlack, SlackSender
from bot.services import Services
from tests.conftest import CHANNEL, eventually

PARTNER = "U0HU00001"
GOOD = {
    "title": "EU-wide programme for collaborative R&D",
    "text": "Set up an EU-wide programme for collaborative R&D projects of big and small companies.",
    "rationale": "SMEs rarely join large R&D consortia on their own.",
    "themes": "R&D collaboration, SMEs",
    "level": "eu",
}


def open_form(slack: SlackSender, fake: FakeSlack, text: str = "", user: str = PARTNER) -> str:
    response = slack.slash("/propose", text, user=user, channel=CHANNEL)
    assert response.status == 200
    call = fake.wait_for("views.open")[0]
    return str(call.response["view"]["id"])


def test_partner_proposes_and_the_channel_sees_the_reference(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    view_id = open_form(slack, fake_slack, "EU-wide programme for collaborative R&D")
    opened = fake_slack.view(view_id)
    title_input = next(b for b in opened.blocks if b.get("block_id") == "title")
    assert title_input["element"]["initial_value"] == "EU-wide programme for collaborative R&D"

    response = slack.submit_view(view_id, PARTNER, GOOD)

    assert response.status == 200
    assert not (response.json or {}).get("errors")
    posted = fake_slack.wait_for("chat.postMessage")[0]
    assert posted.params["channel"] == CHANNEL
    assert "R1" in posted.params["text"]
    header = posted.params["blocks"][0]["text"]["text"]
    assert header == "R1 · EU-wide programme for collaborative R&D"
    context = str(posted.params["blocks"])
    assert "Pannon Business Network" in context and "HU" in context
    rec = consortium.recommendations.get("R1")
    assert rec.themes == ("R&D collaboration", "SMEs")
    assert rec.status.value == "draft" and rec.level.value == "eu"
    assert rec.proposer_organisation == "Pannon Business Network"
    eventually(lambda: consortium.recommendations.get("R1").message_ts == posted.response["ts"])
    assert consortium.recommendations.get("R1").channel_id == CHANNEL


def test_references_count_up_after_imported_recommendations(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    from tests.conftest import DEMO_DATA

    consortium.recommendations.import_csv(DEMO_DATA / "clusterix_2012_2014.csv")
    slack.submit_view(open_form(slack, fake_slack), PARTNER, GOOD)
    posted = fake_slack.wait_for("chat.postMessage")[0]
    assert posted.params["blocks"][0]["text"]["text"].startswith("R5 · ")


def test_someone_not_registered_is_told_how_to_register(slack: SlackSender, fake_slack: FakeSlack) -> None:
    response = slack.slash("/propose", "", user="U0OUTSIDE", channel=CHANNEL)
    assert response.status == 200
    assert "not registered" in response.body and "consult-bot partners import" in response.body
    assert fake_slack.calls("views.open") == []


def test_empty_fields_are_field_errors_and_nothing_is_stored(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    view_id = open_form(slack, fake_slack)
    response = slack.submit_view(view_id, PARTNER, {**GOOD, "title": "   ", "text": ""}, check_required=False)
    assert response.json is not None and response.json["response_action"] == "errors"
    assert set(response.json["errors"]) == {"title", "text"}
    assert "required" in response.json["errors"]["title"]
    assert consortium.recommendations.all() == []
    assert fake_slack.calls("chat.postMessage") == []


def test_over_long_and_control_character_fields_are_refused(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    view_id = open_form(slack, fake_slack)
    # A client that ignores the modal's max_length still cannot store an over-long title.
    response = slack.submit_view(
        view_id, PARTNER, {**GOOD, "title": "x" * 5000, "rationale": "ok\x07bell"}, check_required=False
    )
    assert response.json is not None
    errors = response.json["errors"]
    assert "5,000 characters" in errors["title"] and "150" in errors["title"]
    assert "control characters" in errors["rationale"]
    assert consortium.recommendations.all() == []


def test_a_5000_character_title_in_the_command_gets_a_clear_answer(
    slack: SlackSender, fake_slack: FakeSlack
) -> None:
    response = slack.slash("/propose", "t" * 5000, user=PARTNER, channel=CHANNEL)
    assert response.status == 200
    assert "5,000 characters" in response.body and "shorter title" in response.body
    assert fake_slack.calls("views.open") == []


def test_mentions_in_a_title_are_shown_escaped_never_live(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    view_id = open_form(slack, fake_slack)
    title = "Ping <!channel> and <@U0AT00002> <!here|here>"
    slack.submit_view(view_id, PARTNER, {**GOOD, "title": title, "text": "Tell <!everyone> now"})
    posted = fake_slack.wait_for("chat.postMessage")[0]
    # Slack parses mentions in mrkdwn and in the notification text; plain_text is shown as typed.
    parsed = [posted.params["text"]] + [
        str(obj["text"]) for obj in _text_objects(posted.params["blocks"]) if obj["type"] == "mrkdwn"
    ]
    for text in parsed:
        assert "<!channel>" not in text and "<!everyone>" not in text and "<@U0AT00002>" not in text
    assert any("&lt;!everyone&gt;" in text for text in parsed)
    assert posted.params["blocks"][0]["text"] == {
        "type": "plain_text",
        "text": f"R1 · {title}",
        "emoji": True,
    }
    assert consortium.recommendations.get("R1").title == title


def test_a_duplicated_submission_stores_and_announces_once(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    view_id = open_form(slack, fake_slack)
    first = slack.submit_view(view_id, PARTNER, GOOD)
    again = slack.redeliver(slack.deliveries[-1], retry_num=1)
    assert first.status == again.status == 200
    fake_slack.wait_for("chat.postMessage")
    assert len(consortium.recommendations.all()) == 1
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_when_the_bot_is_not_in_the_channel_the_proposer_gets_the_confirmation(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    slack.slash("/propose", "", user=PARTNER, channel="C0NOBOT")
    view_id = str(fake_slack.wait_for("views.open")[0].response["view"]["id"])
    slack.submit_view(view_id, PARTNER, GOOD)
    calls = fake_slack.wait_for("chat.postMessage", lambda c: c.response.get("ok"))
    assert calls[0].params["channel"] == PARTNER
    assert "invite me" in calls[0].params["text"]
    assert consortium.recommendations.get("R1").title == GOOD["title"]


def _text_objects(node: object) -> list[dict[str, object]]:
    """Every text object in a Block Kit tree."""
    found: list[dict[str, object]] = []
    if isinstance(node, dict):
        if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
            found.append(node)
        for value in node.values():
            found.extend(_text_objects(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_text_objects(item))
    return found


def test_a_rate_limited_announcement_is_retried_after_slacks_wait(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    view_id = open_form(slack, fake_slack)
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    assert slack.submit_view(view_id, PARTNER, GOOD).status == 200
    calls = fake_slack.wait_for("chat.postMessage", lambda c: bool(c.response.get("ok")), timeout=8)
    assert calls[0].params["channel"] == CHANNEL
    assert len([c for c in fake_slack.calls("chat.postMessage") if c.response.get("ok")]) == 1
