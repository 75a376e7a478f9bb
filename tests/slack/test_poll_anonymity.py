"""Anonymity that holds: no user id beside a choice, a key destroyed at close, nothing to match."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter
from pathlib import Path

from sqlalchemy import inspect, select

from bot.domain.polls.tallies import breakdown
from bot.localslack import FakeSlack, Message, SlackSender
from bot.services import Services
from storage.models import PollBallot, PollDelivery, PollKey, PollRespondent
from tests.conftest import CHANNEL

COORDINATOR = "U0COORD01"
VOTERS = {"U0HU00001": "poll_vote_0", "U0ES00001": "poll_vote_1", "U0IT00001": "poll_vote_1"}


def post(slack: SlackSender, fake: FakeSlack, text: str) -> Message:
    before = len(fake.calls("chat.postMessage"))
    slack.slash("/poll", text, user=COORDINATOR, channel=CHANNEL)
    return fake.message(CHANNEL, str(fake.wait_for("chat.postMessage", count=before + 1)[-1].response["ts"]))


def vote_all(slack: SlackSender, fake: FakeSlack, message: Message, votes: dict[str, str]) -> None:
    for user, action in votes.items():
        before = len(fake.ephemerals(user))
        slack.click(fake.message(CHANNEL, message.ts), CHANNEL, user, action)
        fake.wait_until(lambda: len(fake.ephemerals(user)) > before)  # noqa: B023 (waited for at once)


def rows(services: Services, model: type) -> list[object]:
    with services.db.session() as session:
        return list(session.scalars(select(model)))


def test_anonymous_ballots_carry_no_user_id_and_no_time(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = post(slack, fake_slack, '"Budget cut?" "Yes" "No" anonymous')
    vote_all(slack, fake_slack, message, VOTERS)
    ballots = [b for b in rows(consortium, PollBallot) if isinstance(b, PollBallot)]
    assert len(ballots) == 3
    stored = json.dumps([[b.voter_key, b.answer] for b in ballots])
    assert not any(user in stored for user in VOTERS)
    columns = {c.name for c in inspect(PollBallot).columns}
    assert columns == {"id", "poll_id", "voter_key", "answer"}, "a ballot must hold no time and no user id"
    respondents = {r.slack_user_id for r in rows(consortium, PollRespondent) if isinstance(r, PollRespondent)}
    assert respondents == set(VOTERS), "who answered is kept, apart from what they chose"


def test_closing_destroys_the_key_and_rewrites_the_ballots(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = post(slack, fake_slack, '"Budget cut?" "Yes" "No" anonymous')
    vote_all(slack, fake_slack, message, VOTERS)
    before = [b for b in rows(consortium, PollBallot) if isinstance(b, PollBallot)]
    keys = [k.key for k in rows(consortium, PollKey) if isinstance(k, PollKey)]
    assert len(keys) == 1
    assert {b.voter_key for b in before} == {
        hmac.new(keys[0], u.encode(), hashlib.sha256).hexdigest() for u in VOTERS
    }

    slack.click(fake_slack.message(CHANNEL, message.ts), CHANNEL, COORDINATOR, "poll_close")
    consortium.polls.updates.flush()
    fake_slack.wait_until(lambda: not consortium.polls.get(1).is_open)

    assert rows(consortium, PollKey) == [] and rows(consortium, PollDelivery) == []
    after = [b for b in rows(consortium, PollBallot) if isinstance(b, PollBallot)]
    assert not {b.id for b in after} & {b.id for b in before}
    assert not {b.voter_key for b in after} & {b.voter_key for b in before}
    assert Counter(json.dumps(b.answer) for b in after) == Counter(json.dumps(b.answer) for b in before)
    assert [t.votes for t in consortium.polls.results(1).tallies] == [1, 2]
    # Not even the voter can find their answer again.
    slack.click(fake_slack.message(CHANNEL, message.ts), CHANNEL, "U0HU00001", "poll_mine")
    fake_slack.wait_until(lambda: "sealed" in str(fake_slack.ephemerals("U0HU00001")[-1].blocks))
    assert consortium.polls.current_answer(consortium.polls.get(1).id, "U0HU00001") is None


def test_results_expose_who_chose_what_only_for_attributed_polls(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, tmp_path: Path
) -> None:
    anonymous = post(slack, fake_slack, '"Secret?" "Yes" "No" anonymous')
    vote_all(slack, fake_slack, anonymous, VOTERS)
    attributed = post(slack, fake_slack, '"Open?" "Yes" "No"')
    vote_all(slack, fake_slack, attributed, VOTERS)
    first, second = consortium.polls.all_results()
    assert first.poll.anonymous and first.answers == () and breakdown(first, "country") == {}
    assert {a.partner.slack_user_id for a in second.answers} == set(VOTERS)
    by_country = breakdown(second, "country")
    assert [t.votes for t in by_country["HU"]] == [1, 0] and [t.votes for t in by_country["IT"]] == [0, 1]
    consortium.export.write_csv(tmp_path)
    answers = (tmp_path / "poll_answers.csv").read_text(encoding="utf-8")
    assert "P2" in answers and "P1" not in answers and "U0HU00001" in answers
