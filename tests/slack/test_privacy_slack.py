"""Exports and data rights from Slack: `/recs export`, `/privacy`, the erasure's confirmation modal."""

from __future__ import annotations

import io
import json

from docx import Document

from bot.localslack import FakeSlack, SlackSender
from bot.services import Services
from tests.conftest import CHANNEL, eventually
from tests.slack.consultation_support import CATALONIA, COORDINATOR, LOMBARDY, propose


def dm_file(fake: FakeSlack, user: str, name_start: str) -> bytes:
    """The content of the file the bot uploaded into its DM with `user`."""
    fake.wait_for("files.completeUploadExternal")
    dm = fake.wait_for("conversations.open")[-1].response["channel"]["id"]
    (stored,) = [f for f in fake.files() if f.name.startswith(name_start) and dm in f.channels]
    assert stored.content is not None
    return stored.content


def test_a_coordinator_gets_the_annex_as_a_word_file_in_their_dm(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    propose(consortium, title="Voucher & mentoring scheme")
    response = slack.slash("/recs", "export docx", user=COORDINATOR, channel=CHANNEL)
    assert response.status == 200 and "arrives in your direct messages" in response.body
    document = Document(io.BytesIO(dm_file(fake_slack, COORDINATOR, "consult-bot-docx-")))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "R1: Voucher & mentoring scheme"
    ]
    eventually(lambda: any(e.action == "export" and e.subject == "docx" for e in consortium.audit.entries()))


def test_export_is_refused_to_partners_and_a_bad_format_is_explained(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    refused = slack.slash("/recs", "export", user=CATALONIA, channel=CHANNEL)
    assert "Only coordinators can export" in refused.body
    wrong = slack.slash("/recs", "export pdf", user=COORDINATOR, channel=CHANNEL)
    assert "I can't export as `pdf`" in wrong.body and "`docx`" in wrong.body
    assert fake_slack.calls("files.getUploadURLExternal") == []


def test_a_partner_gets_their_own_data_and_not_someone_elses(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    response = slack.slash("/privacy", "", user=LOMBARDY, channel=CHANNEL)
    assert "arrives in your direct messages" in response.body
    data = json.loads(dm_file(fake_slack, LOMBARDY, "personal-data-"))
    assert data["slack_user_id"] == LOMBARDY and data["partner"]["name"] == "Giulia Rossi"
    refused = slack.slash("/privacy", f"export {CATALONIA}", user=LOMBARDY, channel=CHANNEL)
    assert "Only a coordinator can ask for a copy of someone else's data" in refused.body


def test_erasure_by_a_coordinator_is_confirmed_in_a_modal_then_done(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    response = slack.slash("/privacy", f"erase {LOMBARDY}", user=COORDINATOR, channel=CHANNEL)
    assert response.status == 200
    opened = fake_slack.wait_for("views.open")[-1]
    view = opened.response["view"]
    assert "Erase Giulia Rossi (Lombardy Region)?" in json.dumps(view)
    assert LOMBARDY in {p.slack_user_id for p in consortium.partners.all()}  # not before the confirmation
    slack.submit_view(str(view["id"]), COORDINATOR)
    eventually(lambda: LOMBARDY not in {p.slack_user_id for p in consortium.partners.all()})
    names = {p.name for p in consortium.partners.all()}
    assert "Giulia Rossi" not in names and "Erased partner" in names
    eventually(
        lambda: any(
            "Erased: erased as erased-" in (m.text or "") for m in fake_slack.dm_messages(COORDINATOR)
        )
    )


def test_erasure_of_someone_else_by_a_partner_or_of_nobody_is_refused(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    refused = slack.slash("/privacy", f"erase {CATALONIA}", user=LOMBARDY, channel=CHANNEL)
    assert "Only a coordinator can ask for erasing someone else" in refused.body
    refused = slack.slash("/privacy", "erase", user=LOMBARDY, channel=CHANNEL)
    assert "Only a coordinator can ask for erasing someone else" in refused.body
    unknown = slack.slash("/privacy", "erase U0NOBODY1", user=COORDINATOR, channel=CHANNEL)
    assert "no partner or comment author with the Slack id U0NOBODY1; nothing was changed" in unknown.body
    nobody = slack.slash("/privacy", "", user="U0OUTSIDE", channel=CHANNEL)
    assert "The bot holds nothing about you" in nobody.body
    garbled = slack.slash("/privacy", "forget everything now", user=LOMBARDY, channel=CHANNEL)
    assert "I don't understand `/privacy forget everything now`" in garbled.body
    assert fake_slack.calls("views.open") == []
    assert len(consortium.partners.all()) == 11


def test_a_coordinator_picks_whom_to_erase_and_a_partner_erases_themselves(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    slack.slash("/privacy", "erase", user=COORDINATOR, channel=CHANNEL)
    picker = fake_slack.wait_for("views.open")[-1].response["view"]
    slack.submit_view(str(picker["id"]), COORDINATOR, {"person": CATALONIA})
    eventually(lambda: CATALONIA not in {p.slack_user_id for p in consortium.partners.all()})

    slack.slash("/privacy", "erase me", user=LOMBARDY, channel=CHANNEL)
    mine = fake_slack.wait_for("views.open", count=2)[-1].response["view"]
    assert "Erase your data?" in json.dumps(mine)
    slack.submit_view(str(mine["id"]), LOMBARDY)
    eventually(lambda: LOMBARDY not in {p.slack_user_id for p in consortium.partners.all()})
    assert len(consortium.partners.all()) == 11
    erasures = [e for e in consortium.audit.entries() if e.action == "erase"]
    assert erasures[0].actor == COORDINATOR and erasures[1].actor.startswith("erased-")
