"""The consultation rules in plain Python: reasons, limits, deadlines, the diff, thread messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.consultations.inputs import (
    ConsultArgumentsError,
    check_deadline,
    deadline_from_parts,
    default_deadline,
    parse_consult_arguments,
    reminder_due,
    validate_amendment,
    validate_on_behalf,
    validate_outcome,
    validate_position,
    validate_revision,
)
from bot.domain.consultations.kinds import Position
from bot.domain.consultations.threads import is_newer_edit, reply_permalink, thread_message
from bot.domain.consultations.views import PositionView, diff_as_text, position_counts, word_diff
from bot.domain.errors import InvalidInput

BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def test_position_labels_are_the_ones_people_see() -> None:
    assert [p.label for p in Position] == ["Agree", "Agree with changes", "Abstain", "Disagree", "Block"]
    assert [p.value for p in Position] == ["agree", "agree_with_changes", "abstain", "disagree", "block"]


@pytest.mark.parametrize("position", ["disagree", "block"])
def test_disagree_and_block_need_a_reason(position: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        validate_position(position, "   ")
    assert "Say why" in refused.value.field_errors["reason"]
    assert validate_position(position, " Because. ").reason == "Because."


def test_the_other_positions_take_an_optional_reason_within_its_limit() -> None:
    assert validate_position("agree", None).reason == ""
    with pytest.raises(InvalidInput) as refused:
        validate_position("agree_with_changes", "x" * 1001)
    assert "1,001 characters" in refused.value.field_errors["reason"]
    with pytest.raises(InvalidInput) as unknown:
        validate_position("maybe", "")
    assert "Agree with changes" in unknown.value.field_errors["position"]


def test_amendments_revisions_outcomes_and_on_behalf_records_report_each_bad_field() -> None:
    with pytest.raises(InvalidInput) as amendment:
        validate_amendment("", "n" * 1001)
    assert set(amendment.value.field_errors) == {"wording", "note"}
    with pytest.raises(InvalidInput) as revision:
        validate_revision("t" * 151, "", None)
    assert set(revision.value.field_errors) == {"title", "text"}
    assert validate_revision("T", "Text", "", ["3", "x", "1", "3"]).adopted == (1, 3)
    with pytest.raises(InvalidInput) as outcome:
        validate_outcome("adopted", "")
    assert set(outcome.value.field_errors) == {"outcome", "statement"}
    with pytest.raises(InvalidInput) as on_behalf:
        validate_on_behalf("", "block", "", "")
    assert set(on_behalf.value.field_errors) == {"organisation", "reason", "source"}


def test_consult_arguments_take_a_reference_and_an_optional_local_deadline() -> None:
    assert parse_consult_arguments("R3", BRUSSELS).deadline is None
    request = parse_consult_arguments("r3 deadline=2026-12-15", BRUSSELS)
    assert request.ref == "r3"
    assert request.deadline == datetime(2026, 12, 15, 22, 59, tzinfo=UTC)  # 23:59 in Brussels (CET)
    timed = parse_consult_arguments("R3 2026-07-01T17:00", BRUSSELS)
    assert timed.deadline == datetime(2026, 7, 1, 15, 0, tzinfo=UTC)  # CEST
    for bad in ("R3 soon", "R3 deadline=2026-02-30", "R3 a b"):
        with pytest.raises(ConsultArgumentsError) as refused:
            parse_consult_arguments(bad, BRUSSELS)
        # The command adds how to write it (tests/slack/test_consultation_start.py).
        assert bad.split()[-1] in refused.value.message


def test_deadlines_must_lie_ahead_and_within_a_year() -> None:
    with pytest.raises(InvalidInput):
        check_deadline(NOW - timedelta(minutes=1), NOW)
    with pytest.raises(InvalidInput):
        check_deadline(NOW + timedelta(days=400), NOW)
    check_deadline(NOW + timedelta(days=14), NOW)
    assert default_deadline(NOW, 14, BRUSSELS) == datetime(2026, 12, 9, 22, 59, tzinfo=UTC)
    assert deadline_from_parts("2026-13-01", None, BRUSSELS) is None
    deadline = NOW + timedelta(days=3)
    lead = timedelta(hours=48)
    assert not reminder_due(deadline, NOW, lead)
    assert reminder_due(deadline, deadline - timedelta(hours=1), lead)
    assert not reminder_due(deadline, deadline, lead)


def test_the_word_diff_shows_what_was_removed_and_added() -> None:
    segments = word_diff(
        "Fund meeting places for cluster managers.", "Fund regular meeting places for managers."
    )
    assert diff_as_text(segments) == "Fund {+regular+} meeting places for [-cluster-] managers."
    assert (
        "".join(s.text for s in segments if s.kind != "added") == "Fund meeting places for cluster managers."
    )
    assert word_diff("same", "same") == [word_diff("same", "same")[0]]


def test_thread_messages_tell_people_from_bots_and_roots() -> None:
    reply = {"type": "message", "user": "U1", "text": "hi", "ts": "2.0", "thread_ts": "1.0"}
    assert thread_message(reply, "C1").is_human_reply("UBOT")
    assert not thread_message(reply | {"ts": "1.0"}, "C1").is_human_reply("UBOT")
    assert not thread_message(reply | {"bot_id": "B1"}, "C1").is_human_reply("UBOT")
    assert not thread_message(reply | {"user": "UBOT"}, "C1").is_human_reply("UBOT")
    assert not thread_message(reply | {"subtype": "channel_join"}, "C1").is_human_reply("UBOT")
    assert not thread_message({k: v for k, v in reply.items() if k != "thread_ts"}, "C1").is_human_reply(
        "UBOT"
    )
    shared = thread_message(
        reply | {"subtype": "file_share", "files": [{"name": "a.pdf", "permalink": "https://x/a.pdf"}]}, "C1"
    )
    assert shared.is_human_reply("UBOT") and shared.files[0].name == "a.pdf"
    assert thread_message(reply | {"edited": {"ts": "3.0"}}, "C1").edited_ts == "3.0"


def test_edits_apply_in_order_and_reply_permalinks_follow_slacks_form() -> None:
    assert is_newer_edit("5.0", None) and is_newer_edit("5.1", "5.0")
    assert not is_newer_edit("4.9", "5.0") and not is_newer_edit(None, "5.0")
    link = reply_permalink("https://acme.slack.com/archives/C1/p1000", "C1", "1001.000200", "1000.000100")
    assert link == "https://acme.slack.com/archives/C1/p1001000200?thread_ts=1000.000100&cid=C1"
    assert reply_permalink(None, "C1", "1.0", "1.0") is None


def test_position_counts_list_every_position() -> None:
    def view(org: str, position: Position) -> PositionView:
        return PositionView(org, "R", "AT", position, "", 1, 1, "U1", "Anna", NOW)

    counts = position_counts(
        [view("A", Position.AGREE), view("B", Position.AGREE), view("C", Position.BLOCK)]
    )
    assert counts == {"agree": 2, "agree_with_changes": 0, "abstain": 0, "disagree": 0, "block": 1}
