"""One ballot per organisation: the latest member's answer speaks for it (SQLite and PostgreSQL)."""

from __future__ import annotations

from bot.domain.polls.answers import Answer, Replacement
from bot.domain.polls.drafts import PollDraft
from bot.domain.polls.kinds import Audience, PollKind, Visibility
from bot.services import Services
from tests.conftest import CHANNEL

AUTHOR, COLLEAGUE, LOMBARDY = "U0HU00001", "U0HU00002", "U0IT00001"  # AUTHOR and COLLEAGUE: one organisation


def ranking_poll(services: Services, *, per_organisation: bool = True) -> int:
    draft = PollDraft(
        question="Which wording can your organisation best live with?",
        kind=PollKind.RANKING,
        options=("Current text", "Wording A", "Wording B"),
        visibility=Visibility.AFTER_CLOSE,
        audience=Audience.ALL,
        per_organisation=per_organisation,
    )
    poll, _ = services.polls.create(
        draft,
        creator=AUTHOR,
        channel_id=CHANNEL,
        submission_key=f"t-{per_organisation}",
        thread_ts="1.000100",
    )
    return poll.id


def rank(services: Services, poll_id: int, user: str, ranks: dict[int, int], delivery: str) -> None:
    services.polls.answer(poll_id, user, Replacement(Answer(ratings=ranks)), delivery=delivery)


def test_a_members_ranking_replaces_their_colleagues_and_only_unranked_organisations_are_reminded(
    consortium: Services,
) -> None:
    poll_id = ranking_poll(consortium)
    rank(consortium, poll_id, AUTHOR, {0: 1, 1: 2}, "d1")
    rank(consortium, poll_id, LOMBARDY, {2: 1}, "d2")
    rank(consortium, poll_id, COLLEAGUE, {1: 1, 0: 2, 2: 3}, "d3")
    assert sorted(consortium.polls.rankings(poll_id), key=len) == [{2: 1}, {1: 1, 0: 2, 2: 3}]
    poll = consortium.polls.get(1)
    assert poll.per_organisation and poll.thread_ts == "1.000100"
    results = consortium.polls.results(poll.number, viewer=None)
    assert {p.slack_user_id for p in results.respondents} == {COLLEAGUE, LOMBARDY}
    not_yet = {p.slack_user_id for p in results.non_respondents}
    assert AUTHOR not in not_yet and COLLEAGUE not in not_yet and LOMBARDY not in not_yet
    assert "U0ES00001" in not_yet  # Catalonia has not ranked


def test_an_ordinary_poll_keeps_every_members_answer(consortium: Services) -> None:
    poll_id = ranking_poll(consortium, per_organisation=False)
    rank(consortium, poll_id, AUTHOR, {0: 1, 1: 2, 2: 3}, "d1")
    rank(consortium, poll_id, COLLEAGUE, {1: 1, 0: 2, 2: 3}, "d2")
    assert len(consortium.polls.rankings(poll_id)) == 2
