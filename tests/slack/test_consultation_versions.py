"""Suggested wordings and new versions: the diff in the thread, old positions kept and re-confirmed."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.domain.recommendations import Status
from bot.localslack import FakeSlack, Message, SlackSender
from bot.services import Services
from storage.models import ConsultationAmendment, RecommendationVersion
from tests.conftest import CHANNEL, eventually
from tests.slack.consultation_support import (
    AUTHOR,
    CATALONIA,
    COORDINATOR,
    LOMBARDY,
    answer,
    latest,
    root_text,
)

NEW_TEXT = "Create an EU-wide programme for collaborative R&D projects of large companies and cluster SMEs."


def open_modal(slack: SlackSender, fake: FakeSlack, root: Message, user: str, action: str) -> str:
    before = len(fake.calls("views.open"))
    slack.click(root, CHANNEL, user, action)
    call = fake.wait_for("views.open", count=before + 1)[-1]
    assert call.ok, call.response
    return str(call.response["view"]["id"])


def thread_notes(fake: FakeSlack, root: Message) -> list[str]:
    return [str(m.blocks) for m in fake.thread(CHANNEL, root.ts)[1:]]


def test_a_suggested_wording_is_stored_against_the_version_and_listed_in_the_thread(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    view_id = open_modal(slack, fake_slack, root, CATALONIA, "consultation_suggest")
    response = slack.submit_view(view_id, CATALONIA, {"wording": NEW_TEXT, "note": "Name cluster SMEs."})
    assert not (response.json or {}).get("errors")

    fake_slack.wait_until(
        lambda: len(thread_notes(fake_slack, root)) == 1, what="the suggestion in the thread"
    )
    note = thread_notes(fake_slack, root)[0]
    assert (
        "Suggestion" in note and "ACCIÓ Catalonia" in note and "version 1" in note and "cluster SMEs" in note
    )
    (amendment,) = latest(consortium, ref).amendments
    assert (amendment.version, amendment.organisation, amendment.text) == (1, "ACCIÓ Catalonia", NEW_TEXT)
    slack.redeliver(slack.deliveries[-1], retry_num=1)
    with consortium.db.session() as session:
        assert session.scalar(select(func.count()).select_from(ConsultationAmendment)) == 1


def test_an_over_long_suggestion_is_a_field_error(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    view_id = open_modal(slack, fake_slack, root, CATALONIA, "consultation_suggest")
    response = slack.submit_view(
        view_id, CATALONIA, {"wording": "w" * 3500, "note": "n" * 1200}, check_required=False
    )
    assert response.json is not None
    assert (
        "3,500 characters" in response.json["errors"]["wording"]
        and "1,200" in response.json["errors"]["note"]
    )
    assert latest(consortium, ref).amendments == ()


def test_the_author_publishes_a_new_version_with_a_readable_diff(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    answer(slack, fake_slack, root, CATALONIA, "agree")
    answer(slack, fake_slack, root, LOMBARDY, "disagree", "Too vague about SMEs.")
    view_id = open_modal(slack, fake_slack, root, AUTHOR, "consultation_revise")
    opened = fake_slack.view(view_id)
    text_input = next(b for b in opened.blocks if b.get("block_id") == "text")
    assert text_input["element"]["initial_value"] == latest(consortium, ref).text

    response = slack.submit_view(view_id, AUTHOR, {"text": NEW_TEXT, "note": "Names cluster SMEs."})

    assert not (response.json or {}).get("errors")
    fake_slack.wait_until(
        lambda: any("Version 2" in n for n in thread_notes(fake_slack, root)), what="the diff"
    )
    diff = next(n for n in thread_notes(fake_slack, root) if "Version 2" in n)
    assert "~big~ *large companies* and ~small companies.~ *cluster SMEs.*" in diff
    view = latest(consortium, ref)
    assert view.version == 2 and view.text == NEW_TEXT
    assert consortium.recommendations.get(ref).status is Status.REVISED
    assert consortium.recommendations.get(ref).version == 2
    with consortium.db.session() as session:
        assert session.scalar(select(func.count()).select_from(RecommendationVersion)) == 2
    # Positions on version 1 stay, marked as such, and their organisations are asked about version 2.
    assert {p.organisation: p.about_old_version for p in view.positions} == {
        "ACCIÓ Catalonia": True,
        "Lombardy Region": True,
    }
    fake_slack.wait_until(
        lambda: bool(fake_slack.dm_messages(CATALONIA) and fake_slack.dm_messages(LOMBARDY))
    )
    assert "Keep Agree" in str(fake_slack.dm_messages(CATALONIA)[-1].blocks)
    fake_slack.wait_until(lambda: "ACCIÓ Catalonia _(on version 1)_" in root_text(fake_slack, root))
    slack.redeliver(slack.deliveries[-1], retry_num=1)
    assert latest(consortium, ref).version == 2


def test_keep_confirms_the_position_on_the_new_version(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    answer(slack, fake_slack, root, CATALONIA, "agree_with_changes", "Mention SMEs.")
    view_id = open_modal(slack, fake_slack, root, COORDINATOR, "consultation_revise")
    slack.submit_view(view_id, COORDINATOR, {"text": NEW_TEXT})
    fake_slack.wait_until(lambda: bool(fake_slack.dm_messages(CATALONIA)), what="the request to confirm")
    dm = fake_slack.dm_messages(CATALONIA)[-1]

    slack.click(dm, CATALONIA, CATALONIA, "consultation_confirm")

    eventually(lambda: not latest(consortium, ref).positions[0].about_old_version)
    kept = latest(consortium, ref).positions[0]
    assert (kept.position.value, kept.reason, kept.version) == ("agree_with_changes", "Mention SMEs.", 2)
    fake_slack.wait_until(
        lambda: "keeps *Agree with changes*" in str(fake_slack.dm_messages(CATALONIA)[-1].blocks)
    )


def test_a_partner_who_is_not_the_author_cannot_publish_a_version(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    slack.click(root, CHANNEL, LOMBARDY, "consultation_revise")
    fake_slack.wait_until(lambda: bool(fake_slack.ephemerals(LOMBARDY)), what="a refusal")
    assert "Only the author" in fake_slack.ephemerals(LOMBARDY)[-1].text
    assert "Suggest wording" in fake_slack.ephemerals(LOMBARDY)[-1].text
    assert latest(consortium, ref).version == 1


def test_publishing_the_same_wording_again_is_a_field_error(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    view_id = open_modal(slack, fake_slack, root, AUTHOR, "consultation_revise")
    response = slack.submit_view(view_id, AUTHOR, {})
    assert response.json is not None and "version 1 already" in response.json["errors"]["text"]
    assert latest(consortium, ref).version == 1
