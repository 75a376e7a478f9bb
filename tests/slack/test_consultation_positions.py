"""Positions: one per organisation, the latest answer of a member counts, reasons, on-behalf records."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.localslack import FakeSlack, Message, SlackSender
from bot.services import Services
from storage.models import ConsultationAudit, ConsultationPositionHistory
from tests.conftest import CHANNEL
from tests.slack.consultation_support import (
    AUTHOR,
    AUTHOR_COLLEAGUE,
    CATALONIA,
    COORDINATOR,
    LOMBARDY,
    OUTSIDER,
    answer,
    latest,
    root_text,
)


def test_a_position_is_the_organisations_and_shows_on_the_root_message(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    response = answer(slack, fake_slack, root, CATALONIA, "agree_with_changes", "Add SMEs from rural areas.")

    assert not (response.json or {}).get("errors")
    positions = consortium.consultations.positions(ref)
    assert [(p.organisation, p.region, p.country, p.position.value) for p in positions] == [
        ("ACCIÓ Catalonia", "Catalonia", "ES", "agree_with_changes")
    ]
    assert positions[0].reason == "Add SMEs from rural areas." and positions[0].version == 1
    fake_slack.wait_until(lambda: "Agree with changes*: ACCIÓ Catalonia" in root_text(fake_slack, root))
    assert "No position yet* (8)" in root_text(fake_slack, root)


def test_the_latest_answer_of_any_member_counts(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    answer(slack, fake_slack, root, AUTHOR, "agree")
    answer(slack, fake_slack, root, AUTHOR_COLLEAGUE, "abstain", "We need to ask our board.")

    positions = consortium.consultations.positions(ref)
    assert len(positions) == 1 and positions[0].position.value == "abstain"
    assert positions[0].set_by == AUTHOR_COLLEAGUE
    with consortium.db.session() as session:
        history = session.scalars(select(ConsultationPositionHistory.position)).all()
    assert sorted(history) == ["abstain", "agree"]


def test_first_member_locks_keeps_the_first_members_answer(
    slack: SlackSender,
    fake_slack: FakeSlack,
    consortium: Services,
    consultation: tuple[str, Message],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ref, root = consultation
    monkeypatch.setattr(consortium.settings, "consult_position_rule", "first_member_locks")
    answer(slack, fake_slack, root, AUTHOR, "agree")
    slack.click(root, CHANNEL, AUTHOR_COLLEAGUE, "consultation_position_block")

    fake_slack.wait_until(lambda: bool(fake_slack.ephemerals(AUTHOR_COLLEAGUE)), what="a refusal")
    assert (
        "Zsófia Kovács gave Pannon Business Network's position first"
        in fake_slack.ephemerals(AUTHOR_COLLEAGUE)[-1].text
    )
    assert consortium.consultations.positions(ref)[0].position.value == "agree"


def test_disagree_and_block_need_a_reason_and_long_reasons_are_refused(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    missing = answer(slack, fake_slack, root, LOMBARDY, "block", "  ")
    assert missing.json is not None and "Say why" in missing.json["errors"]["reason"]

    too_long = answer(slack, fake_slack, root, LOMBARDY, "disagree", "x" * 1500)
    assert too_long.json is not None and "1,500 characters" in too_long.json["errors"]["reason"]
    assert consortium.consultations.positions(ref) == []

    fine = answer(slack, fake_slack, root, LOMBARDY, "block", "Conflicts with our regional programme.")
    assert not (fine.json or {}).get("errors")
    assert consortium.consultations.positions(ref)[0].position.value == "block"


def test_a_repeated_submission_stores_one_answer(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    answer(slack, fake_slack, root, CATALONIA, "agree")
    again = slack.redeliver(slack.deliveries[-1], retry_num=1)
    assert again.status == 200
    with consortium.db.session() as session:
        assert session.scalar(select(func.count()).select_from(ConsultationPositionHistory)) == 1
    assert len(consortium.consultations.positions(ref)) == 1


def test_someone_not_registered_cannot_answer(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    _, root = consultation
    slack.click(root, CHANNEL, OUTSIDER, "consultation_position_agree")
    fake_slack.wait_until(lambda: bool(fake_slack.ephemerals(OUTSIDER)), what="a refusal")
    assert "not registered" in fake_slack.ephemerals(OUTSIDER)[-1].text
    assert fake_slack.calls("views.open") == []


def test_a_coordinator_records_a_position_given_by_email(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    slack.click(root, CHANNEL, COORDINATOR, "consultation_on_behalf")
    view_id = str(fake_slack.wait_for("views.open")[0].response["view"]["id"])
    response = slack.submit_view(
        view_id,
        COORDINATOR,
        {
            "organisation": "Council of Tampere Region",
            "position": "disagree",
            "reason": "Overlaps with Horizon Europe.",
            "source": "by e-mail on 3 December",
        },
    )

    assert not (response.json or {}).get("errors")
    position = consortium.consultations.positions(ref)[0]
    assert (position.organisation, position.country, position.position.value) == (
        "Council of Tampere Region",
        "FI",
        "disagree",
    )
    assert position.recorded_on_behalf and position.on_behalf_by == COORDINATOR
    assert position.source == "by e-mail on 3 December"
    note = fake_slack.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == root.ts)[0]
    assert "recorded the position of *Council of Tampere Region*" in str(note.params["blocks"])
    fake_slack.wait_until(
        lambda: "recorded by a coordinator, by e-mail on 3 December" in root_text(fake_slack, root)
    )
    with consortium.db.session() as session:
        audit = session.scalars(
            select(ConsultationAudit).where(ConsultationAudit.action == "position_on_behalf")
        ).one()
        assert audit.actor == COORDINATOR and audit.organisation == "Council of Tampere Region"
    assert latest(consortium, ref).positions[0].reason == "Overlaps with Horizon Europe."


def test_only_coordinators_record_for_an_organisation(
    slack: SlackSender, fake_slack: FakeSlack, consultation: tuple[str, Message]
) -> None:
    _, root = consultation
    slack.click(root, CHANNEL, CATALONIA, "consultation_on_behalf")
    fake_slack.wait_until(lambda: bool(fake_slack.ephemerals(CATALONIA)), what="a refusal")
    assert "Only a coordinator" in fake_slack.ephemerals(CATALONIA)[-1].text
    assert fake_slack.calls("views.open") == []


def test_two_members_answering_at_once_leave_one_position_for_their_organisation(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    ref, root = consultation
    views = []
    for user in (AUTHOR, AUTHOR_COLLEAGUE):
        slack.click(root, CHANNEL, user, "consultation_position_agree")
        views.append(
            (user, str(fake_slack.wait_for("views.open", count=len(views) + 1)[-1].response["view"]["id"]))
        )
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda v: slack.submit_view(v[1], v[0], {"reason": v[0]}), views))

    assert all(not (a.json or {}).get("errors") for a in answers)
    (position,) = consortium.consultations.positions(ref)
    assert position.organisation == "Pannon Business Network" and position.reason in (
        AUTHOR,
        AUTHOR_COLLEAGUE,
    )
    with consortium.db.session() as session:
        assert session.scalar(select(func.count()).select_from(ConsultationPositionHistory)) == 2


def test_a_position_is_saved_even_when_someone_deleted_the_root_message(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    fake_slack.delete_message(CHANNEL, root.ts)
    response = answer(slack, fake_slack, root, CATALONIA, "agree")
    assert not (response.json or {}).get("errors")
    fake_slack.wait_for("chat.update", lambda c: c.response.get("error") == "message_not_found")
    assert consortium.consultations.positions(ref)[0].organisation == "ACCIÓ Catalonia"
    assert fake_slack.ephemerals(CATALONIA) == []
