"""The consultation surfaces stay within Slack's limits and never ping, however big the consortium."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.consultations.kinds import ConsultationStatus, Outcome, Position
from bot.domain.consultations.views import (
    AmendmentView,
    ConsultationView,
    PositionForm,
    PositionView,
    RevisionForm,
    word_diff,
)
from bot.domain.recommendations import Status
from bot.localslack import validate_message_blocks, validate_view
from handlers.blocks.common import slack_date
from handlers.blocks.consultations import (
    close_modal,
    consultation_message,
    diff_mrkdwn,
    on_behalf_modal,
    position_modal,
    revision_modal,
)

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
LONG = "Ministry of Regional Development, Innovation and Cluster Policy <!channel> " * 2


def big_consultation(**changes: object) -> ConsultationView:
    organisations = tuple(f"{LONG} {i}" for i in range(40))
    positions = tuple(
        PositionView(org, "Region", "AT", list(Position)[i % 5], "r" * 900, 1 + i % 2, 2, "U1", "Anna", NOW)
        for i, org in enumerate(organisations[:30])
    )
    amendments = tuple(
        AmendmentView(i, 2, "U1", "Anna <!here>", LONG, "w" * 3000, "n" * 1000, NOW) for i in range(1, 151)
    )
    view = ConsultationView(
        id=7,
        ref="R12",
        title="T <!channel> " * 20,
        text="x" * 3000,
        recommendation_status=Status.IN_CONSULTATION,
        version=2,
        status=ConsultationStatus.OPEN,
        channel_id="C1",
        message_ts="1.0",
        permalink="https://acme.slack.com/archives/C1/p10",
        deadline=NOW + timedelta(days=14),
        opened_at=NOW,
        started_by="U1",
        proposer="U2",
        comments=400,
        positions=positions,
        amendments=amendments,
        organisations=organisations,
    )
    return ConsultationView(**{**vars(view), **changes})  # type: ignore[arg-type]


def test_the_root_message_of_a_big_consultation_fits_and_escapes_names() -> None:
    text, blocks = consultation_message(big_consultation())
    assert validate_message_blocks(blocks) == []
    summary = str(blocks[3])
    assert "and " in summary and " more" in summary
    assert "<!channel>" not in str(blocks[1:]) and "&lt;!channel&gt;" in summary
    assert "<!channel>" not in text


def test_a_closed_consultation_shows_its_outcome_without_buttons() -> None:
    closed = big_consultation(
        status=ConsultationStatus.CLOSED,
        closed_at=NOW,
        outcome=Outcome.ENDORSED,
        outcome_statement="s" * 3000,
    )
    _, blocks = consultation_message(closed)
    assert validate_message_blocks(blocks) == []
    assert "consultation_position_agree" not in str(blocks) and "Endorsed" in str(blocks)


def test_every_modal_fits_slacks_limits() -> None:
    view = big_consultation()
    current = view.positions[0]
    assert validate_view(position_modal(PositionForm(view, LONG, current), Position.BLOCK, "{}")) == []
    revision = revision_modal(RevisionForm(view, view.amendments), "{}")
    assert validate_view(revision) == [] and len(revision["blocks"]) <= 100
    assert validate_view(on_behalf_modal(view, [f"{LONG}{i}" for i in range(150)], "{}")) == []
    assert validate_view(close_modal(view, "{}")) == []


def test_a_long_diff_is_shortened_to_fit_a_section() -> None:
    old = " ".join(f"word{i}" for i in range(2000))
    new = " ".join(f"word{i}" if i % 3 else f"new{i}" for i in range(2000))
    text = diff_mrkdwn(word_diff(old, new))
    assert len(text) <= 2900 and text.endswith("the full text is in the root message)_")
    assert "~word0~ *new0*" in text


def test_dates_are_shown_in_each_readers_time_zone_with_a_utc_fallback() -> None:
    assert slack_date(NOW) == "<!date^1795600800^{date_short_pretty} at {time}|2026-11-25 10:00 UTC>"


def test_the_picker_shows_the_hundred_newest_and_says_how_to_reach_the_others() -> None:
    from bot.domain.recommendations import Level, RecommendationView
    from handlers.blocks.consultations import picker_modal

    recs = [
        RecommendationView(n, f"Title {n} " + "x" * 100, "t", "", (), Level.EU, Status.DRAFT, None, 1, NOW)
        for n in range(130, 0, -1)
    ]
    modal = picker_modal(recs, "{}", NOW.date())
    assert validate_view(modal) == []
    assert "100 newest of 130" in str(modal["blocks"][0]) and "/consult R<n>" in str(modal["blocks"][0])
