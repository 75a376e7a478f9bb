"""Find a common wording: drafting rounds through signed requests into the running bot (both databases).

From a consultation with objections, `Find common wording` posts every option in the thread and a ranking
poll; organisations rank them (one ballot each, partial rankings allowed); closing the poll posts the Schulze
winner and the pairwise results, the winner becomes a suggested wording, and the export keeps the round.
The drafts come from the local OpenAI-compatible stand-in through the real `openai` client.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.domain.consultations.inputs import AmendmentDraft
from bot.domain.periods import current_period
from bot.jobs.digest import send_period_digest
from bot.localllm import FakeLLM
from bot.localslack import FakeSlack, Message, SlackSender
from bot.services import Services
from bot.services.bridging_drafts import DraftingService
from tests.conftest import CHANNEL, eventually
from tests.slack.consultation_support import (
    AUTHOR,
    AUTHOR_COLLEAGUE,
    CATALONIA,
    LOMBARDY,
    answer,
    consultation_id,
)

GERMANY = "U0DE00001"
POLAND = "U0PL00001"
KEY = "sk-test-bridging"
SUGGESTION = (
    "Create an EU-wide programme for collaborative R&D projects of big and small companies, "
    "with capped administration costs."
)


@pytest.fixture(scope="module")
def fake_llm() -> Iterator[FakeLLM]:
    with FakeLLM(api_key=KEY) as fake:
        yield fake


@pytest.fixture
def with_llm(consortium: Services, fake_llm: FakeLLM) -> Iterator[FakeLLM]:
    """The running bot drafts through the stand-in LLM for this test (it has no key otherwise)."""
    fake_llm.reset()
    offline = consortium.bridging.drafting
    settings = consortium.settings.model_copy(
        update={
            "openai_api_key": SecretStr(KEY),
            "openai_base_url": fake_llm.base_url,
            "openai_model": "fake",
        }
    )
    consortium.bridging.drafting = DraftingService(consortium.db, settings)
    yield fake_llm
    consortium.bridging.drafting = offline


def replies(fake: FakeSlack, root: Message) -> list[Message]:
    return fake.thread(CHANNEL, root.ts)[1:]


def thread_text(fake: FakeSlack, root: Message) -> str:
    return " ".join(json.dumps(m.blocks, ensure_ascii=False) for m in replies(fake, root))


def polls_in_thread(fake: FakeSlack, root: Message) -> list[Message]:
    return [m for m in replies(fake, root) if "poll_answer" in json.dumps(m.blocks)]


def with_objections(slack: SlackSender, fake: FakeSlack, root: Message) -> None:
    answer(slack, fake, root, LOMBARDY, "disagree", "Uncapped administration costs would waste funds.")
    answer(slack, fake, root, CATALONIA, "agree_with_changes", "Name small companies first: SMEs need it.")


def find_common_wording(slack: SlackSender, fake: FakeSlack, root: Message, user: str = AUTHOR) -> None:
    assert slack.click(fake.message(CHANNEL, root.ts), CHANNEL, user, "bridging_find").status == 200


def opened_poll(fake: FakeSlack, root: Message, number: int = 1) -> Message:
    """The ranking poll P<number>'s message in the thread, once posted."""

    def found() -> list[Message]:
        return [m for m in replies(fake, root) if m.text.startswith(f"Poll P{number}:")]

    eventually(lambda: bool(found()), timeout=30)
    return found()[-1]


def rank(slack: SlackSender, fake: FakeSlack, poll: Message, user: str, ranks: dict[int, int]) -> None:
    opened = len(fake.calls("views.open"))
    slack.click(fake.message(CHANNEL, poll.ts), CHANNEL, user, "poll_answer")
    view_id = str(fake.wait_for("views.open", count=opened + 1, timeout=20)[-1].response["view"]["id"])
    values = {f"item-{i}": str(r) for i, r in ranks.items()}
    response = slack.submit_view(view_id, user, values, check_required=False)
    assert not (response.json or {}).get("errors"), response.json


def close(slack: SlackSender, fake: FakeSlack, poll: Message, root: Message, user: str = AUTHOR) -> None:
    before = len(replies(fake, root))
    slack.click(fake.message(CHANNEL, poll.ts), CHANNEL, user, "poll_close")
    eventually(lambda: "Result of" in json.dumps([m.blocks for m in replies(fake, root)[before:]]), 30)


def test_a_round_from_objections_to_the_schulze_winner_in_the_thread_and_the_export(
    slack: SlackSender,
    fake_slack: FakeSlack,
    consortium: Services,
    consultation: tuple[str, Message],
    with_llm: FakeLLM,
    tmp_path: Path,
) -> None:
    ref, root = consultation
    with_objections(slack, fake_slack, root)
    find_common_wording(slack, fake_slack, root)
    poll = opened_poll(fake_slack, root)
    shown = thread_text(fake_slack, root)
    for label in ("Current text", "Wording A", "Wording B"):
        assert label in shown
    assert "answers O1 objection (Lombardy Region, IT)" in shown and "Drafted with an LLM" in shown
    assert "P1" in shown and len(with_llm.completions) == 1

    # Lombardy, Catalonia and Pannon (its later member's ballot replaces the earlier one) put Wording A
    # first; Germany ranks only Wording B.
    rank(slack, fake_slack, poll, LOMBARDY, {1: 1})
    rank(slack, fake_slack, poll, CATALONIA, {1: 1, 0: 2})
    rank(slack, fake_slack, poll, AUTHOR, {0: 1, 1: 2})
    rank(slack, fake_slack, poll, AUTHOR_COLLEAGUE, {1: 1})
    rank(slack, fake_slack, poll, GERMANY, {2: 1})
    close(slack, fake_slack, poll, root)

    result = thread_text(fake_slack, root)
    assert "Result of P1 (Schulze): *Wording A* wins, ranked by 4 organisations." in result
    assert "*Wording A* beats *the current text* 3 to 0" in result
    assert "*Wording A* beats *Wording B* 3 to 1" in result
    assert "Revise with critiques" in result
    view = consortium.consultations.view(consultation_id(root))
    winner_text = consortium.bridging.rounds_for([view.id])[view.id][0].candidates[1].text
    assert [a.text for a in view.amendments] == [winner_text]

    document = consortium.export.write_json(tmp_path / "export.json").document
    exported = next(p for p in document["polls"] if p["ref"] == "P1")
    assert exported["kind"] == "ranking" and exported["schulze"][0] == "Wording A"
    assert exported["pairwise"]["Wording A"]["Current text"] == 3
    rounds = next(c for c in document["consultations"] if c["ref"] == ref)["rounds"]
    assert rounds[0]["winner"] == "Wording A" and rounds[0]["candidates"][0]["label"] == "Current text"

    # The weekly digest reports the round: options, turnout and winner, in its thread and its Markdown.
    settings = consortium.settings
    fake_slack.reset_calls()
    send_period_digest(consortium, current_period(settings.digest_cron, settings.timezone, datetime.now(UTC)))
    reported = f"*{ref}* round 1 (P1): 3 options, ranked by 4 of 9 organisations; winner: *Wording A*."
    assert any(reported in json.dumps(c.params.get("blocks")) for c in fake_slack.calls("chat.postMessage"))
    markdown = next(f for f in fake_slack.files() if f.name.endswith(".md")).content or b""
    assert "## Common wording rounds" in markdown.decode() and "winner: Wording A" in markdown.decode()


def test_a_repeated_click_starts_one_round_and_outsiders_are_told_who_can(
    slack: SlackSender,
    fake_slack: FakeSlack,
    consortium: Services,
    consultation: tuple[str, Message],
    with_llm: FakeLLM,
) -> None:
    _, root = consultation
    with_objections(slack, fake_slack, root)
    find_common_wording(slack, fake_slack, root)
    slack.redeliver(slack.deliveries[-1], retry_num=1)
    opened_poll(fake_slack, root)
    eventually(lambda: len(polls_in_thread(fake_slack, root)) == 1)
    find_common_wording(slack, fake_slack, root, user=POLAND)
    eventually(lambda: any("Only the author" in e.text for e in fake_slack.ephemerals(POLAND)))
    assert len(polls_in_thread(fake_slack, root)) == 1


def test_without_an_llm_the_partners_suggestions_are_ranked_and_the_round_says_so(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    _, root = consultation
    with_objections(slack, fake_slack, root)
    consortium.consultations.suggest(
        consultation_id(root), GERMANY, AmendmentDraft(SUGGESTION, ""), submission_key="suggestion-1"
    )
    find_common_wording(slack, fake_slack, root)
    opened_poll(fake_slack, root)
    shown = thread_text(fake_slack, root)
    assert "No LLM drafted this round" in shown and "S1 suggested wording" in shown
    assert "Wording A" in shown and "Wording B" not in shown


def test_nothing_to_bridge_without_objections_is_answered_and_nothing_is_posted(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    _, root = consultation
    find_common_wording(slack, fake_slack, root)
    refusal = "nothing to find a common wording for"
    eventually(lambda: any(refusal in e.text for e in fake_slack.ephemerals(AUTHOR)))
    assert not replies(fake_slack, root)


def test_critiques_of_the_winner_drive_one_revision_round_whose_winner_is_the_suggested_wording(
    slack: SlackSender,
    fake_slack: FakeSlack,
    consortium: Services,
    consultation: tuple[str, Message],
    with_llm: FakeLLM,
) -> None:
    _, root = consultation
    with_objections(slack, fake_slack, root)
    find_common_wording(slack, fake_slack, root)
    first = opened_poll(fake_slack, root)
    rank(slack, fake_slack, first, LOMBARDY, {1: 1})
    rank(slack, fake_slack, first, CATALONIA, {1: 1, 0: 2})
    close(slack, fake_slack, first, root)
    critique = "The cap on administration costs must stay below ten percent of the grant."
    slack.user_posts(CHANNEL, GERMANY, critique, thread_ts=root.ts)
    eventually(
        lambda: any(c.text == critique for c in consortium.consultations.comments(consultation_id(root)))
    )

    result = next(
        m for m in reversed(replies(fake_slack, root)) if "Revise with critiques" in json.dumps(m.blocks)
    )
    assert slack.click(result, CHANNEL, POLAND, "bridging_revise").status == 200  # not theirs to revise
    eventually(lambda: any("Only the author" in e.text for e in fake_slack.ephemerals(POLAND)))
    slack.click(result, CHANNEL, AUTHOR, "bridging_revise")
    second = opened_poll(fake_slack, root, number=2)
    revision_prompt = with_llm.completions[-1]
    assert '<point id="K1" kind="critique"' in revision_prompt.user and "<winner>" in revision_prompt.user
    shown = thread_text(fake_slack, root)
    assert (
        "(the previous round's winner)" in shown
        and "K1 critique (Cluster Agency Baden-Württemberg, DE)" in shown
    )

    rank(slack, fake_slack, second, LOMBARDY, {2: 1, 1: 2})
    rank(slack, fake_slack, second, GERMANY, {2: 1})
    close(slack, fake_slack, second, root)
    view = consortium.consultations.view(consultation_id(root))
    rounds = consortium.bridging.rounds_for([view.id])[view.id]
    assert [r.round for r in rounds] == [1, 2] and rounds[1].winner_label == "Wording B"
    assert view.amendments[-1].text == rounds[1].candidates[2].text
    assert "Revise with critiques" not in json.dumps(
        replies(fake_slack, root)[-1].blocks
    )  # one revision only
