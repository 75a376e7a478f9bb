"""The weekly digest end to end: positions and comments in Slack in, a DM per coordinator out."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import build_bot
from bot.domain.periods import Period, current_period
from bot.domain.recommendations import Level, ProposalDraft
from bot.jobs.digest import send_period_digest
from bot.localllm import FakeLLM
from bot.localslack import FakeSlack, SlackSender
from bot.services import Services
from tests.conftest import CHANNEL, test_settings
from tests.slack.consultation_support import (
    CATALONIA,
    COORDINATOR,
    LOMBARDY,
    answer,
    propose,
    start,
)

GERMANY = "U0DE00001"
POLAND = "U0PL00001"
HUNGARY = "U0HU00001"
COORDINATOR_DM_OPEN = "conversations.open"


def period(services: Services, weeks_ago: int = 0) -> Period:
    now = datetime.now(UTC) - timedelta(weeks=weeks_ago)
    return current_period(services.settings.digest_cron, services.settings.timezone, now)


@pytest.fixture
def consulted(slack: SlackSender, fake_slack: FakeSlack, consortium: Services) -> dict[str, str]:
    """R1 is backed in five countries; R2 is disputed and blocked; partners discuss R2 in its thread."""
    r1 = propose(consortium, "EU-wide programme for collaborative R&D")
    r2 = propose(
        consortium, "Replace regional cluster funding by one EU fund", "One EU fund for all clusters."
    )
    root1 = start(slack, fake_slack, r1)
    for user in (HUNGARY, CATALONIA, LOMBARDY, GERMANY, POLAND):
        answer(slack, fake_slack, root1, user, "agree")
    root2 = start(slack, fake_slack, r2)
    answer(slack, fake_slack, root2, HUNGARY, "agree")
    answer(slack, fake_slack, root2, CATALONIA, "disagree", "Our regional programmes already do this better.")
    answer(
        slack, fake_slack, root2, LOMBARDY, "block", "It conflicts with the state aid rules we must follow."
    )
    slack.user_posts(
        CHANNEL,
        CATALONIA,
        "Regional programmes know their clusters; one EU fund would not.",
        thread_ts=root2.ts,
    )
    slack.user_posts(
        CHANNEL, LOMBARDY, "State aid rules make a single fund impossible for us.", thread_ts=root2.ts
    )
    slack.user_posts(
        CHANNEL, HUNGARY, "A single fund would cut the paperwork for small clusters.", thread_ts=root2.ts
    )
    fake_slack.wait_until(lambda: consortium.consultations.latest(r2).comments == 3)  # type: ignore[union-attr]
    return {"r1": r1, "r2": r2, "thread": root2.ts}


def test_each_coordinator_gets_the_digest_with_figures_crux_and_gaps(
    consulted: dict[str, str], fake_slack: FakeSlack, consortium: Services
) -> None:
    fake_slack.reset_calls()
    report = send_period_digest(consortium, period(consortium))

    assert report.sent == [COORDINATOR]
    opened = fake_slack.calls(COORDINATOR_DM_OPEN)
    assert [c.params["users"] for c in opened] == [COORDINATOR]
    dm = opened[0].response["channel"]["id"]
    posts = [c for c in fake_slack.calls("chat.postMessage") if c.params["channel"] == dm]
    overview = posts[0]
    assert "thread_ts" not in overview.params
    text = str(overview.params["blocks"])
    assert "Emerging common denominators" in text and consulted["r1"] in text
    assert "support 100 %" in text
    assert "Contested" in text and "state aid rules" in text and "*Block*" in text
    assert "Flanders Innovation" in text  # has not answered R1 or R2
    assert "offline summarizer" in text
    replies = [c for c in posts[1:] if c.params.get("thread_ts") == overview.response["ts"]]
    summary = str([r.params["blocks"] for r in replies])
    assert consulted["r2"] in summary and "State aid rules make a single fund impossible" in summary
    uploads = fake_slack.calls("files.completeUploadExternal")
    assert len(uploads) == 1 and uploads[0].params.get("thread_ts") == overview.response["ts"]
    names = sorted(f.name for f in fake_slack.files())
    assert names[0].startswith("consensus-chart-") and names[1].startswith("consensus-digest-")
    markdown = next(f for f in fake_slack.files() if f.name.endswith(".md")).content.decode()
    assert "## Contested" in markdown and "It conflicts with the state aid rules" in markdown


def test_a_period_is_sent_once_even_when_the_job_fires_twice_at_once(
    consulted: dict[str, str], fake_slack: FakeSlack, consortium: Services
) -> None:
    fake_slack.reset_calls()
    same_period = period(consortium)
    other = build_bot(consortium.settings, db=consortium.db)  # a second bot process
    threads = [
        threading.Thread(target=send_period_digest, args=(s, same_period))
        for s in (consortium, other, consortium)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    top_level = [c for c in fake_slack.calls("chat.postMessage") if "thread_ts" not in c.params]
    assert len(top_level) == 1
    again = send_period_digest(consortium, same_period)
    assert again.sent == [] and again.already_sent == [COORDINATOR]


def test_a_failed_send_is_tried_again_at_the_next_run(
    consulted: dict[str, str], fake_slack: FakeSlack, consortium: Services
) -> None:
    fake_slack.fail_next("conversations.open", status=200, error="user_not_found")
    first = send_period_digest(consortium, period(consortium))
    assert first.failed == [(COORDINATOR, "user_not_found")]
    second = send_period_digest(consortium, period(consortium))
    assert second.sent == [COORDINATOR]


def test_a_quiet_week_says_so_and_trends_compare_with_the_last_digest(
    consulted: dict[str, str], fake_slack: FakeSlack, consortium: Services
) -> None:
    last_week = consortium.digest.build(period(consortium, weeks_ago=1), datetime.now(UTC))
    assert {i.ref for i in last_week.content.common_denominators} == {consulted["r1"]}
    this_week = consortium.digest.preview(period(consortium), datetime.now(UTC) + timedelta(seconds=1))
    assert this_week.content.headline[-1].startswith("A quiet week") or all(
        "new proposal" not in line for line in this_week.content.headline
    )
    item = next(i for i in this_week.content.common_denominators if i.ref == consulted["r1"])
    assert item.trend == "stable"
    assert this_week.content.summaries_written == 0 and this_week.content.prompt_tokens == 0


def test_the_llm_writes_grounded_summaries_and_an_unchanged_thread_costs_nothing(
    consulted: dict[str, str], fake_slack: FakeSlack, consortium: Services
) -> None:
    with FakeLLM("sk-test") as llm:
        settings = test_settings(
            consortium.db.url, fake_slack.api_url, openai_api_key="sk-test", openai_base_url=llm.base_url
        )
        services = build_bot(settings, db=consortium.db)
        first = services.digest.preview(period(services), datetime.now(UTC))
        assert first.content.summarizer.startswith("llm:")
        assert first.content.prompt_tokens > 0 and first.content.summaries_written == 1
        contested = next(i for i in first.content.contested if i.ref == consulted["r2"])
        assert contested.summary is not None and contested.summary.summarizer.startswith("LLM summary")
        cited = str(contested.summary.model_dump())
        assert "https://" in cited  # citations are permalinks to the comments
        calls = len(llm.completions)
        again = services.digest.preview(period(services), datetime.now(UTC))
        assert len(llm.completions) == calls and again.content.prompt_tokens == 0
        assert again.content.summaries_from_cache == 1
        first_tokens = f"{first.content.prompt_tokens} prompt, {first.content.completion_tokens} completion"
        assert again.markdown == first.markdown.replace(
            f"{first_tokens} (1 summaries written, 0 from cache)",
            "0 prompt, 0 completion (0 summaries written, 1 from cache)",
        )


def test_no_partner_words_can_ping_through_the_digest(
    slack: SlackSender, consulted: dict[str, str], fake_slack: FakeSlack, consortium: Services
) -> None:
    slack.user_posts(
        CHANNEL,
        CATALONIA,
        "<!channel> please read <@U0COORD01> http://evil.example now",
        thread_ts=consulted["thread"],
    )
    fake_slack.wait_until(lambda: consortium.consultations.latest(consulted["r2"]).comments == 4)  # type: ignore[union-attr]
    fake_slack.reset_calls()
    send_period_digest(consortium, period(consortium))
    for call in fake_slack.calls("chat.postMessage"):
        rendered = str(call.params.get("blocks")) + str(call.params.get("text"))
        assert "<!channel>" not in rendered and "<@U0COORD01>" not in rendered
        assert "http://evil.example" not in rendered


def test_digest_command_is_for_coordinators(
    slack: SlackSender, consulted: dict[str, str], fake_slack: FakeSlack
) -> None:
    refused = slack.slash("/digest", "", user=CATALONIA, channel=CHANNEL)
    assert "Only coordinators" in refused.body
    ack = slack.slash("/digest", "", user=COORDINATOR, channel=CHANNEL)
    assert "Building the digest" in ack.body
    preview = fake_slack.wait_for("response_url", lambda c: "Consensus digest" in str(c.params))[0]
    assert consulted["r1"] in str(preview.params["blocks"])


def test_past_digests_are_listed_and_shown(
    slack: SlackSender, consulted: dict[str, str], fake_slack: FakeSlack, consortium: Services
) -> None:
    built = consortium.digest.build(period(consortium, weeks_ago=1), datetime.now(UTC))
    listing = slack.slash("/digest", "past", user=COORDINATOR, channel=CHANNEL)
    assert "Past digests" in listing.body and "built, not sent" in listing.body
    slack.click_ephemeral(CHANNEL, COORDINATOR, "digest_show_past", value=str(built.digest_id))
    shown = fake_slack.wait_for("response_url", lambda c: "Consensus digest" in str(c.params))[0]
    assert consulted["r1"] in str(shown.params["blocks"])


def test_a_large_consortium_stays_within_block_kit_limits(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    for i in range(12):
        draft = ProposalDraft(f"Recommendation {i} " + "x" * 120, "Text " * 200, "", ("theme",), Level.EU)
        ref = consortium.recommendations.propose(
            HUNGARY, draft, submission_key=f"big-{i}", channel_id=CHANNEL
        )[0].ref
        root = start(slack, fake_slack, ref)
        for user in (HUNGARY, CATALONIA, LOMBARDY, GERMANY, POLAND):
            answer(slack, fake_slack, root, user, "agree" if i % 2 else "block", "" if i % 2 else "No " * 300)
        slack.user_posts(CHANNEL, CATALONIA, "Comment " * 300, thread_ts=root.ts)
    fake_slack.reset_calls()
    report = send_period_digest(consortium, period(consortium))
    assert report.sent == [COORDINATOR] and not report.failed  # the stand-in refuses what Slack would
    assert all(len(c.params["blocks"]) <= 50 for c in fake_slack.calls("chat.postMessage"))
