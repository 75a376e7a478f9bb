"""`/recs`: the list, its pages, one recommendation, and bad references."""

from __future__ import annotations

from bot.domain.recommendations import Level, ProposalDraft
from bot.localslack import FakeSlack, SlackSender
from bot.services import Services
from tests.conftest import CHANNEL, DEMO_DATA

PARTNER = "U0ES00001"


def propose_many(services: Services, count: int) -> None:
    for i in range(count):
        draft = ProposalDraft(f"Recommendation number {i + 1}", "Text", "", ("theme",), Level.REGIONAL)
        services.recommendations.propose(PARTNER, draft, submission_key=f"V{i}", channel_id=CHANNEL)


def all_text(blocks: list[dict[str, object]]) -> str:
    return str(blocks)


def test_the_list_shows_reference_title_status_organisation_and_origin(
    slack: SlackSender, consortium: Services
) -> None:
    consortium.recommendations.import_csv(DEMO_DATA / "clusterix_2012_2014.csv")
    propose_many(consortium, 1)
    response = slack.slash("/recs", "", user=PARTNER, channel=CHANNEL)
    assert response.status == 200 and response.json is not None
    assert response.json["response_type"] == "ephemeral"
    text = all_text(response.json["blocks"])
    assert "*R1* · Foster cross-sector internationalisation strategies" in text
    assert "CLUSTERIX 2012-2014" in text and "imported" in text
    assert "*R5* · Recommendation number 1" in text and "ACCIÓ Catalonia" in text and "draft" in text


def test_long_lists_are_paginated_within_block_kit_limits(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    propose_many(consortium, 25)
    response = slack.slash("/recs", "", user=PARTNER, channel=CHANNEL)
    assert response.json is not None
    blocks = response.json["blocks"]
    assert len(blocks) <= 50
    assert "Page 1 of 3" in all_text(blocks)
    assert "Recommendation number 10" in all_text(blocks) and "Recommendation number 11" not in all_text(
        blocks
    )

    # The fake holds the ephemeral list; clicking Next replaces it with page 2.
    slack.click_ephemeral(CHANNEL, PARTNER, "recs_page", value="2")
    posted = fake_slack.wait_for("response_url", lambda c: "Page 2 of 3" in str(c.params))[0]
    assert posted.params["replace_original"] is True
    assert "Recommendation number 11" in str(posted.params["blocks"])


def test_a_page_can_be_asked_for_directly(slack: SlackSender, consortium: Services) -> None:
    propose_many(consortium, 25)
    response = slack.slash("/recs", "3", user=PARTNER, channel=CHANNEL)
    assert "Page 3 of 3" in response.body and "Recommendation number 25" in response.body


def test_one_recommendation_in_full(slack: SlackSender, consortium: Services) -> None:
    consortium.recommendations.import_csv(DEMO_DATA / "clusterix_2012_2014.csv")
    response = slack.slash("/recs", "r2", user=PARTNER, channel=CHANNEL)
    assert response.json is not None
    assert response.json["blocks"][0]["text"]["text"] == "R2 · Align cluster policy with smart specialisation"
    assert "RIS3" in response.body


def test_an_unknown_reference_says_how_to_find_one(slack: SlackSender, consortium: Services) -> None:
    response = slack.slash("/recs", "R999", user=PARTNER, channel=CHANNEL)
    assert response.status == 200
    assert "There is no recommendation R999" in response.body and "/recs" in response.body


def test_gibberish_gets_usage(slack: SlackSender, consortium: Services) -> None:
    response = slack.slash("/recs", "banana <!channel>", user=PARTNER, channel=CHANNEL)
    assert response.status == 200
    assert "/recs R3" in response.body and "<!channel>" not in response.body


def test_an_empty_consortium_is_told_how_to_start(slack: SlackSender, consortium: Services) -> None:
    response = slack.slash("/recs", "", user=PARTNER, channel=CHANNEL)
    assert "No recommendations yet" in response.body and "/propose" in response.body


def test_the_list_shows_consensus_once_partners_took_positions(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    from tests.slack.consultation_support import answer, propose, start

    ref = propose(consortium)
    root = start(slack, fake_slack, ref)
    answer(slack, fake_slack, root, "U0ES00001", "agree")
    answer(slack, fake_slack, root, "U0IT00001", "block", "State aid rules forbid it.")
    response = slack.slash("/recs", "", user=PARTNER, channel=CHANNEL)
    # 2 of 9 registered organisations answered; 1 of 2 supports; Lombardy blocks.
    assert response.json is not None
    assert "support 50 % · coverage 22 % · :no_entry: blocked" in str(response.json["blocks"])


def test_a_refusal_right_after_the_acknowledgement_still_answers_at_once(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    import time

    propose_many(consortium, 1)
    slack.slash("/recs", "", user=PARTNER, channel=CHANNEL)
    started = time.monotonic()
    # A Details button for a recommendation that no longer exists: refused just after ack().
    response = slack.click_ephemeral(CHANNEL, PARTNER, "recs_detail", value="R1", block_id=None)
    assert response.status == 200
    with consortium.db.session() as session:
        from sqlalchemy import text

        session.execute(text("DELETE FROM recommendation_themes"))
        session.execute(text("DELETE FROM recommendation_versions"))
        session.execute(text("DELETE FROM recommendations"))
    for _ in range(5):
        response = slack.click_ephemeral(CHANNEL, PARTNER, "recs_detail", value="R1")
        assert response.status == 200
    assert time.monotonic() - started < 2.5
    told = fake_slack.wait_for("response_url", lambda c: "There is no recommendation R1" in str(c.params))
    assert told
