"""The Home service without Slack: what a screen lists, and that it reads a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event

from bot.domain.consultations.inputs import PositionDraft
from bot.domain.consultations.kinds import Position
from bot.domain.polls.answers import Click
from bot.domain.polls.drafts import PollDraft
from bot.domain.polls.kinds import Audience, PollKind
from bot.domain.recommendations import Level, ProposalDraft
from bot.services import Services
from tests.conftest import CHANNEL

COORDINATOR = "U0COORD01"
CATALONIA = "U0ES00001"
PANNON = "U0HU00001"
PANNON_COLLEAGUE = "U0HU00002"


def _poll(
    services: Services, n: int, audience: Audience = Audience.ALL, members: tuple[str, ...] = ()
) -> int:
    draft = PollDraft(
        question=f"Question {n}?",
        kind=PollKind.SINGLE,
        options=("Yes", "No"),
        audience=audience,
        deadline=datetime.now(UTC) + timedelta(days=2, hours=n),
    )
    poll, _ = services.polls.create(
        draft,
        creator=COORDINATOR,
        channel_id=CHANNEL,
        submission_key=f"unit:{n}",
        channel_members=list(members),
        now=datetime.now(UTC),
    )
    services.polls.record_message(poll.id, CHANNEL, f"1700000000.{n:06d}")
    return poll.id


def _consultation(services: Services, title: str) -> tuple[str, int]:
    draft = ProposalDraft(title, f"{title}, in full.", "", ("R&D",), Level.EU)
    rec, _ = services.recommendations.propose(
        PANNON, draft, submission_key=f"key-{title}", channel_id=CHANNEL
    )
    started = services.consultations.start(rec.ref, COORDINATOR, CHANNEL)
    services.consultations.attach(started.id, f"1700000001.{started.id:06d}", "https://example.invalid/t")
    return rec.ref, started.id


@contextmanager
def counted_queries(services: Services) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(services.db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(services.db.engine, "before_cursor_execute", count)


def test_a_partner_is_asked_only_what_their_audience_and_organisation_have_not_answered(
    consortium: Services,
) -> None:
    everyone = _poll(consortium, 1)
    _poll(consortium, 2, Audience.CHANNEL, members=(COORDINATOR,))  # Catalonia was not in the channel
    answered = _poll(consortium, 3)
    consortium.polls.answer(answered, CATALONIA, Click(0), delivery="unit")
    ref, consultation = _consultation(consortium, "Shared testbeds")
    other_ref, _ = _consultation(consortium, "Cluster vouchers")
    consortium.consultations.record_position(
        consultation, PANNON_COLLEAGUE, PositionDraft(Position.AGREE, ""), submission_key="unit-position"
    )

    catalonia = consortium.home.screen(CATALONIA)
    assert catalonia is not None and catalonia.dashboard is None
    assert [p.id for p in catalonia.polls_to_answer] == [everyone]
    assert {c.ref for c in catalonia.consultations_to_answer} == {ref, other_ref}

    pannon = consortium.home.screen(PANNON)
    assert pannon is not None
    # Their colleague already answered for the organisation: only the other consultation is left.
    assert [c.ref for c in pannon.consultations_to_answer] == [other_ref]
    assert [(p.consultation.ref, p.position, p.set_by_name) for p in pannon.positions] == [
        (ref, Position.AGREE, "Gábor Nagy")
    ]
    assert {(p.ref, p.status.value) for p in pannon.proposals} == {
        (ref, "in consultation"),
        (other_ref, "in consultation"),
    }


def test_the_dashboard_counts_people_for_polls_and_organisations_for_consultations(
    consortium: Services,
) -> None:
    poll = _poll(consortium, 1)
    consortium.polls.answer(poll, CATALONIA, Click(0), delivery="unit")
    ref, consultation = _consultation(consortium, "Shared testbeds")
    consortium.consultations.record_position(
        consultation,
        CATALONIA,
        PositionDraft(Position.BLOCK, "Not in our mandate."),
        submission_key="unit-block",
    )
    screen = consortium.home.screen(COORDINATOR)
    assert screen is not None and screen.dashboard is not None
    poll_row, consultation_row = screen.dashboard.progress
    assert (poll_row.answered, poll_row.expected, poll_row.unit) == (1, 11, "partners")
    assert ("Pannon Business Network", "HU", 2) in {
        (m.organisation, m.country, m.people) for m in poll_row.missing
    }
    assert (consultation_row.ref, consultation_row.answered, consultation_row.expected) == (ref, 1, 9)
    assert "ACCIÓ Catalonia" not in {m.organisation for m in consultation_row.missing}
    [board] = screen.dashboard.board
    assert board.ref == ref and board.blocked and board.support == 0


def test_someone_not_registered_has_no_screen(consortium: Services) -> None:
    assert consortium.home.screen("U0OUTSIDE") is None


def test_a_screen_reads_the_same_number_of_queries_for_three_or_thirty_items(consortium: Services) -> None:
    for n in range(3):
        _poll(consortium, n)
        _consultation(consortium, f"Topic {n}")
    with counted_queries(consortium) as few:
        consortium.home.screen(COORDINATOR)
    for n in range(3, 30):
        _poll(consortium, n)
        _consultation(consortium, f"Topic {n}")
    with counted_queries(consortium) as many:
        screen = consortium.home.screen(COORDINATOR)
    assert screen is not None and len(screen.polls_to_answer) == 30
    assert len(many) == len(few), "a query per row crept into the Home"
