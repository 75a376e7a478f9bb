"""Replies in a consultation thread are its comments: new, edited and deleted ones are followed,
and what the bot missed while it was down is read back from Slack (conversations.replies)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from bot.app import build_bot
from bot.jobs.consultations import reconcile_open
from bot.localslack import ApiCall, FakeSlack, Message, SlackSender
from bot.server import BotServer
from bot.services import Services
from storage.db import Database
from tests.conftest import CHANNEL, SIGNING_SECRET, eventually
from tests.slack.consultation_support import (
    AUTHOR,
    CATALONIA,
    COORDINATOR,
    LOMBARDY,
    OUTSIDER,
    latest,
    propose,
    root_text,
    root_updates,
    start,
    started,
)


def comment_count(services: Services, ref: str) -> int:
    return latest(services, ref).comments


def test_a_reply_is_a_comment_with_its_authors_organisation_region_and_country(
    slack: SlackSender, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    slack.user_posts(CHANNEL, CATALONIA, "We support this, with <!channel> regional SMEs in mind.", root.ts)

    eventually(lambda: comment_count(consortium, ref) == 1)
    (comment,) = consortium.consultations.comments(latest(consortium, ref).id)
    assert (comment.author, comment.organisation, comment.region, comment.country) == (
        CATALONIA,
        "ACCIÓ Catalonia",
        "Catalonia",
        "ES",
    )
    assert comment.text == "We support this, with <!channel> regional SMEs in mind."
    assert comment.permalink and comment.ts.replace(".", "") in comment.permalink
    assert not comment.edited and not comment.deleted


def test_the_bots_own_messages_messages_elsewhere_and_duplicates_do_not_count(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    slack.user_posts(CHANNEL, LOMBARDY, "Not in the thread.")
    elsewhere = fake_slack.post_user_message(CHANNEL, LOMBARDY, "Another topic")
    slack.user_posts(CHANNEL, LOMBARDY, "A reply to another topic", elsewhere.ts)
    bot_note = {
        "type": "message",
        "subtype": "bot_message",
        "bot_id": fake_slack.bot_id,
        "text": "Suggestion 1",
    }
    slack.event(bot_note | {"channel": CHANNEL, "ts": fake_slack.new_ts(), "thread_ts": root.ts})
    slack.event(
        {"type": "message", "user": fake_slack.bot_user_id, "bot_id": fake_slack.bot_id, "text": "hi"}
        | {"channel": CHANNEL, "ts": fake_slack.new_ts(), "thread_ts": root.ts}
    )
    _, first = slack.user_posts(CHANNEL, CATALONIA, "Counted once", root.ts)
    delivery = slack.deliveries[-1]
    slack.redeliver(delivery, retry_num=1)
    slack.redeliver(delivery, retry_num=2)

    eventually(lambda: comment_count(consortium, ref) == 1)
    assert first.status == 200
    assert [c.text for c in consortium.consultations.comments(latest(consortium, ref).id)] == ["Counted once"]


def test_edits_and_deletions_are_followed(
    slack: SlackSender, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    kept, _ = slack.user_posts(CHANNEL, CATALONIA, "First wording", root.ts)
    gone, _ = slack.user_posts(CHANNEL, LOMBARDY, "Soon deleted", root.ts)
    eventually(lambda: comment_count(consortium, ref) == 2)

    slack.user_edits(CHANNEL, kept.ts, "Second wording")
    slack.user_deletes(CHANNEL, gone.ts)

    eventually(lambda: comment_count(consortium, ref) == 1)
    comments = {c.ts: c for c in consortium.consultations.comments(latest(consortium, ref).id)}
    eventually(
        lambda: consortium.consultations.comments(latest(consortium, ref).id)[0].text == "Second wording"
    )
    assert comments[gone.ts].deleted and comments[gone.ts].text == "Soon deleted"


def test_an_edit_of_a_deleted_message_and_an_unknown_thread_are_ignored(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    msg, _ = slack.user_posts(CHANNEL, CATALONIA, "Original", root.ts)
    eventually(lambda: comment_count(consortium, ref) == 1)
    slack.user_deletes(CHANNEL, msg.ts)
    eventually(lambda: comment_count(consortium, ref) == 0)
    late_edit = {
        "type": "message",
        "subtype": "message_changed",
        "channel": CHANNEL,
        "ts": fake_slack.new_ts(),
        "message": msg.to_api()
        | {"text": "Edited after deletion", "edited": {"user": CATALONIA, "ts": fake_slack.new_ts()}},
    }
    assert slack.event(late_edit).status == 200
    unknown = {"type": "message", "user": CATALONIA, "text": "hello", "channel": CHANNEL}
    assert slack.event(unknown | {"ts": fake_slack.new_ts(), "thread_ts": "1700000000.000100"}).status == 200
    assert (
        slack.event(
            {"type": "message", "subtype": "message_deleted", "channel": CHANNEL, "deleted_ts": "1.2"}
        ).status
        == 200
    )

    (comment,) = consortium.consultations.comments(latest(consortium, ref).id)
    assert comment.text == "Original" and comment.deleted


def test_shared_files_keep_their_names_and_links_and_outsiders_count_without_an_organisation(
    slack: SlackSender, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    slack.user_posts(CHANNEL, LOMBARDY, "Our position paper", root.ts, files=["position-paper.pdf"])
    slack.user_posts(CHANNEL, OUTSIDER, "An observer's view", root.ts)

    eventually(lambda: comment_count(consortium, ref) == 2)
    paper, observer = consortium.consultations.comments(latest(consortium, ref).id)
    assert [f.name for f in paper.files] == ["position-paper.pdf"]
    assert (
        paper.files[0].permalink.startswith("https://") and "position-paper.pdf" in paper.files[0].permalink
    )
    assert observer.author == OUTSIDER and observer.organisation is None and observer.country is None


def test_reconcile_adds_what_was_missed_applies_edits_and_marks_deletions(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    edited, _ = slack.user_posts(CHANNEL, CATALONIA, "Before the outage", root.ts)
    deleted, _ = slack.user_posts(CHANNEL, LOMBARDY, "Deleted during the outage", root.ts)
    eventually(lambda: comment_count(consortium, ref) == 2)
    # The bot is down: Slack changes, no event reaches the bot.
    missed = fake_slack.post_user_message(CHANNEL, AUTHOR, "Posted during the outage", thread_ts=root.ts)
    fake_slack.edit_user_message(CHANNEL, edited.ts, "Edited during the outage")
    fake_slack.delete_message(CHANNEL, deleted.ts)

    (report,) = reconcile_open(consortium)

    assert (report.added, report.edited, report.deleted) == (1, 1, 1)
    comments = {c.ts: c for c in consortium.consultations.comments(latest(consortium, ref).id)}
    assert comments[missed.ts].organisation == "Pannon Business Network"
    assert comments[edited.ts].text == "Edited during the outage" and comments[edited.ts].edited
    assert comments[deleted.ts].deleted
    assert comment_count(consortium, ref) == 2
    fake_slack.wait_until(lambda: "2 comments" in root_text(fake_slack, root), what="the count read back")
    again = reconcile_open(consortium)
    assert not again[0].changed


def test_reconcile_reads_every_page_of_a_long_thread(
    fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    read_at_start = len(fake_slack.calls("conversations.replies"))
    for i in range(230):
        fake_slack.post_user_message(
            CHANNEL, CATALONIA if i % 2 else LOMBARDY, f"comment {i}", thread_ts=root.ts
        )

    reconcile_open(consortium)

    assert comment_count(consortium, ref) == 230
    pages = [
        c for c in fake_slack.calls("conversations.replies")[read_at_start:] if c.params.get("ts") == root.ts
    ]
    assert len(pages) == 2 and pages[1].params.get("cursor")


def test_comments_since_gives_the_digest_new_edited_and_deleted_comments(
    slack: SlackSender, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    old, _ = slack.user_posts(CHANNEL, CATALONIA, "Old", root.ts)
    eventually(lambda: comment_count(consortium, ref) == 1)
    since = datetime.now(UTC) + timedelta(seconds=1)
    assert consortium.consultations.comments_since(ref, since) == []
    later = since + timedelta(minutes=5)
    consortium.consultations.record_deletion(CHANNEL, old.ts, now=later)

    (changed,) = consortium.consultations.comments_since(ref, since)
    assert changed.deleted and changed.organisation == "ACCIÓ Catalonia" and changed.region == "Catalonia"
    assert COORDINATOR not in changed.text


def test_a_deletion_that_overtakes_its_message_still_leaves_it_deleted(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    msg = fake_slack.post_user_message(CHANNEL, CATALONIA, "Posted and deleted at once", thread_ts=root.ts)
    late = {"type": "message", "user": CATALONIA, "text": msg.text, "ts": msg.ts, "thread_ts": root.ts}
    slack.user_deletes(CHANNEL, msg.ts)
    eventually(lambda: len(consortium.consultations.comments(latest(consortium, ref).id)) == 1)
    slack.event(late | {"channel": CHANNEL, "channel_type": "channel"})

    (comment,) = consortium.consultations.comments(latest(consortium, ref).id)
    assert comment.deleted and comment.text == "Posted and deleted at once"
    assert comment_count(consortium, ref) == 0


def test_a_reply_in_the_instant_before_the_thread_is_stored_counts_once(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, bot_server: BotServer
) -> None:
    ref = propose(consortium)
    seen: dict[str, object] = {}

    def reply_at_once(posted: ApiCall) -> None:
        # Slack holds the root message; the bot has not heard its ts yet.
        slack.user_posts(CHANNEL, CATALONIA, "Straight away: we agree.", str(posted.response["ts"]))
        slack.redeliver(slack.deliveries[-1], retry_num=1)
        # Both deliveries are handled while /consult's listener still waits for this answer.
        seen["handled"] = bot_server.wait_idle(busy=1)
        seen["ts stored"] = latest(consortium, ref).message_ts

    hook = fake_slack.after_next("chat.postMessage", reply_at_once)
    root = start(slack, fake_slack, ref)
    hook.wait()
    assert seen["handled"] and seen["ts stored"] is None

    eventually(lambda: comment_count(consortium, ref) == 1)
    late_retry = next(d for d in slack.deliveries if d.kind == "message")
    assert slack.redeliver(late_retry, retry_num=2).status == 200
    assert bot_server.wait_idle()
    (comment,) = consortium.consultations.comments(latest(consortium, ref).id)
    assert comment.text == "Straight away: we agree." and comment.organisation == "ACCIÓ Catalonia"
    fake_slack.wait_until(lambda: "1 comment ·" in root_text(fake_slack, root), what="the root's count")


def test_when_the_read_back_fails_the_consultation_starts_and_the_reconcile_counts_the_reply(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, bot_server: BotServer
) -> None:
    ref = propose(consortium)

    def reply_at_once(posted: ApiCall) -> None:
        slack.user_posts(CHANNEL, LOMBARDY, "Too early for the bot.", str(posted.response["ts"]))
        bot_server.wait_idle(busy=1)

    hook = fake_slack.after_next("chat.postMessage", reply_at_once)
    fake_slack.fail_next("conversations.replies", status=200, error="internal_error")
    root = start(slack, fake_slack, ref)
    hook.wait()
    eventually(lambda: started(consortium, ref))
    assert bot_server.wait_idle()
    # Nobody is told the start failed: it did not.
    assert fake_slack.calls("response_url") == [] and fake_slack.ephemerals(COORDINATOR) == []
    assert comment_count(consortium, ref) == 0

    (report,) = reconcile_open(consortium)

    assert report.added == 1 and comment_count(consortium, ref) == 1
    fake_slack.wait_until(lambda: "1 comment ·" in root_text(fake_slack, root), what="the root's count")


def test_the_root_message_counts_replies_as_they_come_and_go(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    assert "0 comments" in root_text(fake_slack, root)
    slack.user_posts(CHANNEL, CATALONIA, "We support it.", root.ts)
    gone, _ = slack.user_posts(CHANNEL, LOMBARDY, "Posted in the wrong thread, sorry.", root.ts)
    fake_slack.wait_until(lambda: "2 comments" in root_text(fake_slack, root), what="two comments")

    slack.user_deletes(CHANNEL, gone.ts)

    fake_slack.wait_until(lambda: "1 comment ·" in root_text(fake_slack, root), what="one comment")
    assert comment_count(consortium, ref) == 1


def test_a_burst_of_replies_updates_the_root_about_once_a_second(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    before = len(root_updates(fake_slack, root))
    authors = itertools.cycle([CATALONIA, LOMBARDY, AUTHOR, OUTSIDER])
    replies = 30
    for i in range(replies):
        slack.user_posts(CHANNEL, next(authors), f"Point {i + 1}", root.ts)

    eventually(lambda: comment_count(consortium, ref) == replies)
    assert consortium.consultations.root_updates.flush()
    updates = [c.at for c in root_updates(fake_slack, root)[before:]]
    assert 1 <= len(updates) < replies / 3, f"{len(updates)} root updates for {replies} replies"
    assert all(later - earlier >= 0.9 for earlier, later in itertools.pairwise(updates))
    assert f"{replies} comments" in root_text(fake_slack, root)


def test_two_bot_processes_share_the_roots_pace(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, consultation: tuple[str, Message]
) -> None:
    ref, root = consultation
    # A second process: its own engine, services and HTTP endpoint; Slack spreads the events.
    other = build_bot(consortium.settings, db=Database(consortium.db.url))
    server = BotServer(other).start()
    try:
        senders = itertools.cycle([slack, SlackSender(server.events_url, SIGNING_SECRET, fake_slack)])
        before = len(root_updates(fake_slack, root))
        replies = 20
        for i in range(replies):
            next(senders).user_posts(CHANNEL, CATALONIA if i % 2 else LOMBARDY, f"Point {i + 1}", root.ts)

        eventually(lambda: comment_count(consortium, ref) == replies)
        assert server.wait_idle() and other.consultations.root_updates.flush(timeout=30)
        assert consortium.consultations.root_updates.flush(timeout=30)
    finally:
        server.stop()
        other.consultations.root_updates.stop()
        other.db.dispose()
    updates = [c.at for c in root_updates(fake_slack, root)[before:]]
    assert all(later - earlier >= 0.9 for earlier, later in itertools.pairwise(updates)), updates
    assert f"{replies} comments" in root_text(fake_slack, root)
