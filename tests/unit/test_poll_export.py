"""Polls, rounds and tallies in `consult-bot export`, as INTERFACE.md describes them."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.errors import DomainError
from bot.domain.polls.answers import Answer, Replacement
from bot.domain.polls.drafts import PollDraft
from bot.domain.polls.kinds import PollKind, Visibility
from bot.services import Services
from tests.conftest import CHANNEL

MEMBERS = ["U0COORD01", "U0HU00001", "U0ES00001", "U0IT00001", "U0DE00001"]


def create(services: Services, key: str, **fields: object) -> int:
    draft = PollDraft(**{"question": "Q?", "kind": PollKind.SINGLE, "options": ("A", "B"), **fields})  # type: ignore[arg-type]
    poll, _ = services.polls.create(
        draft, creator="U0COORD01", channel_id=CHANNEL, submission_key=key, channel_members=MEMBERS
    )
    return poll.id


def answer(services: Services, poll_id: int, user: str, value: Answer) -> None:
    services.polls.answer(poll_id, user, Replacement(value), delivery=f"{poll_id}:{user}")


def test_the_json_export_has_every_poll_with_its_kind_tallies_and_rounds(
    consortium: Services, tmp_path: Path
) -> None:
    single = create(consortium, "a", question="=HYPERLINK(1)", options=("=SUM(A1)", "B"))
    answer(consortium, single, "U0HU00001", Answer(choices=(0,)))
    answer(consortium, single, "U0ES00001", Answer(choices=(0,), reasons={-1: "cheaper"}))
    scale = create(consortium, "b", kind=PollKind.SCALE, options=("S1",), anonymous=True)
    for user, value in (("U0HU00001", 2), ("U0ES00001", 4), ("U0IT00001", 5)):
        answer(consortium, scale, user, Answer(ratings={0: value}))
    consortium.polls.close(scale, "U0COORD01")
    second, _ = consortium.polls.next_round(2, "U0COORD01", submission_key="round")
    answer(consortium, second.id, "U0HU00001", Answer(ratings={0: 4}))
    hidden = create(consortium, "c", visibility=Visibility.AFTER_CLOSE)
    answer(consortium, hidden, "U0HU00001", Answer(choices=(1,)))

    consortium.export.write_json(tmp_path / "out.json")
    document = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    polls = {p["ref"]: p for p in document["polls"]}
    assert set(polls) == {"P1", "P2", "P3", "P4"}
    first = polls["P1"]
    assert first["question"] == "=HYPERLINK(1)" and first["status"] == "open" and first["kind"] == "single"
    assert first["anonymous"] is False and first["respondents"] == 2
    assert first["options"][0]["label"] == "=SUM(A1)" and first["options"][0]["votes"] == 2
    assert first["reasons"] == ["cheaper"] and first["audience_size"] == 5
    scale_round = polls["P2"]
    assert scale_round["status"] == "closed" and scale_round["anonymous"] is True
    assert scale_round["options"][0]["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}
    assert scale_round["options"][0]["median"] == 4 and scale_round["next_round"] == "P3"
    assert polls["P3"]["rounds"] == ["P2", "P3"] and polls["P3"]["round"] == 2
    assert polls["P3"]["movement"][0]["before"]["median"] == 4
    assert polls["P4"]["results_hidden"] is True and polls["P4"]["options"][0]["votes"] is None
    assert polls["P4"]["respondents"] == 1


def test_the_csv_export_has_poll_tables_safe_for_spreadsheets(consortium: Services, tmp_path: Path) -> None:
    poll = create(consortium, "a", options=("=SUM(A1)", "B"))
    answer(consortium, poll, "U0HU00001", Answer(choices=(0,)))
    files = {p.name for p in consortium.export.write_csv(tmp_path)}
    assert {"polls.csv", "poll_options.csv", "poll_answers.csv"} <= files
    with (tmp_path / "poll_options.csv").open(encoding="utf-8") as handle:
        options = list(csv.DictReader(handle))
    assert options[0]["label"] == "'=SUM(A1)" and options[0]["votes"] == "1" and options[0]["poll"] == "P1"
    with (tmp_path / "poll_answers.csv").open(encoding="utf-8") as handle:
        answers = list(csv.DictReader(handle))
    assert answers[0]["organisation"] == "Pannon Business Network" and answers[0]["answer"] == "'=SUM(A1)"


def test_only_the_audience_answers_and_rounds_follow_their_rules(consortium: Services) -> None:
    poll = create(consortium, "a", kind=PollKind.SCALE, options=("S1",))
    with pytest.raises(DomainError, match="were not among them"):
        answer(consortium, poll, "U0FI00001", Answer(ratings={0: 3}))
    with pytest.raises(DomainError, match="Close P1 first"):
        consortium.polls.next_round(1, "U0COORD01", submission_key="r1")
    consortium.polls.close(poll, "U0COORD01", now=datetime.now(UTC))
    with pytest.raises(DomainError, match="Only the poll's creator"):
        consortium.polls.next_round(1, "U0HU00001", submission_key="r2")
    single = create(consortium, "b")
    consortium.polls.close(single, "U0COORD01")
    with pytest.raises(DomainError, match="Delphi rounds re-run"):
        consortium.polls.next_round(2, "U0COORD01", submission_key="r3")
