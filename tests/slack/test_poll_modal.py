"""The poll form and the answer form: every kind, field errors, visibility and Delphi rounds."""

from __future__ import annotations

from typing import Any

import pytest

from bot.localslack import FakeSlack, Message, SlackSender
from bot.localslack.client import Response
from bot.services import Services
from tests.conftest import CHANNEL, DEMO_DATA

COORDINATOR = "U0COORD01"
PARTNERS = ["U0AT00002", "U0HU00001", "U0ES00001", "U0IT00001"]


def open_form(slack: SlackSender, fake: FakeSlack, user: str = COORDINATOR) -> str:
    opened = len(fake.calls("views.open"))
    response = slack.slash("/poll", "", user=user, channel=CHANNEL)
    assert response.status == 200 and not response.body.strip()
    return str(fake.wait_for("views.open", count=opened + 1)[-1].response["view"]["id"])


def create(slack: SlackSender, fake: FakeSlack, values: dict[str, Any]) -> Message:
    posted = len(fake.calls("chat.postMessage"))
    response = slack.submit_view(open_form(slack, fake), COORDINATOR, values)
    assert not (response.json or {}).get("errors"), response.json
    call = fake.wait_for("chat.postMessage", count=posted + 1)[-1]
    return fake.message(CHANNEL, str(call.response["ts"]))


def answer_form(slack: SlackSender, fake: FakeSlack, message: Message, user: str) -> str:
    opened = len(fake.calls("views.open"))
    slack.click(fake.message(CHANNEL, message.ts), CHANNEL, user, "poll_answer")
    return str(fake.wait_for("views.open", count=opened + 1)[-1].response["view"]["id"])


def answer(
    slack: SlackSender, fake: FakeSlack, message: Message, user: str, values: dict[str, Any]
) -> Response:
    return slack.submit_view(answer_form(slack, fake, message, user), user, values)


def shown(fake: FakeSlack, services: Services, message: Message) -> str:
    services.polls.updates.flush()
    return str(fake.message(CHANNEL, message.ts).blocks)


STATEMENTS = "Clusters should be eligible applicants\nInterregional cooperation needs its own budget line"


def test_an_anonymous_agreement_scale_asks_a_reason_to_disagree(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = create(
        slack,
        fake_slack,
        {
            "question": "Where do we stand?",
            "kind": "scale",
            "options": STATEMENTS,
            "settings": ["anonymous", "require_reason"],
        },
    )
    assert "P1 · Agreement scale" in str(message.blocks) and "anonymous" in str(message.blocks)
    view_id = answer_form(slack, fake_slack, message, PARTNERS[0])
    refused = slack.submit_view(view_id, PARTNERS[0], {"item-0": "2", "item-1": "4"})
    assert refused.json is not None and "reason-0" in refused.json["errors"]
    assert consortium.polls.results(1).respondent_count == 0
    accepted = slack.submit_view(
        view_id, PARTNERS[0], {"item-0": "2", "item-1": "4", "reason-0": "Not research performers"}
    )
    assert not (accepted.json or {}).get("errors")
    fake_slack.wait_until(lambda: bool(fake_slack.ephemerals(PARTNERS[0])))
    confirmation = fake_slack.ephemerals(PARTNERS[0])[-1]
    assert "Disagree" in str(confirmation.blocks) and "Not research performers" in str(confirmation.blocks)
    answer(slack, fake_slack, message, PARTNERS[1], {"item-0": "5", "item-1": "4"})
    tallies = consortium.polls.results(1).tallies
    assert tallies[0].scale is not None and tallies[0].scale.counts == (0, 1, 0, 0, 1)
    assert tallies[0].reasons == ("Not research performers",)
    assert "median 4" in shown(fake_slack, consortium, message)


def test_answers_can_be_changed_and_the_form_shows_the_current_one(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = create(slack, fake_slack, {"question": "Agree?", "kind": "scale", "options": "One statement"})
    answer(slack, fake_slack, message, PARTNERS[0], {"item-0": "2"})
    view_id = answer_form(slack, fake_slack, message, PARTNERS[0])
    radio = next(b for b in fake_slack.view(view_id).blocks if b.get("block_id") == "item-0")["element"]
    assert radio["initial_option"]["value"] == "2"
    slack.submit_view(view_id, PARTNERS[0], {"item-0": "5"})
    tallies = consortium.polls.results(1).tallies
    assert tallies[0].scale is not None and tallies[0].scale.counts == (0, 0, 0, 0, 1)


def test_points_must_add_up_to_the_budget_and_results_rank_by_points_and_borda(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = create(
        slack,
        fake_slack,
        {
            "question": "Priorities?",
            "kind": "points",
            "options": "Skills\nExport\nDigital",
            "points_budget": "10",
        },
    )
    wrong = answer(slack, fake_slack, message, PARTNERS[0], {"item-0": "5", "item-1": "3", "item-2": "0"})
    assert wrong.json is not None and "Spread exactly 10 points; you gave 8" in str(wrong.json["errors"])
    answer(slack, fake_slack, message, PARTNERS[1], {"item-0": "6", "item-1": "4", "item-2": "0"})
    answer(slack, fake_slack, message, PARTNERS[2], {"item-0": "0", "item-1": "5", "item-2": "5"})
    tallies = consortium.polls.results(1).tallies
    assert [t.points for t in tallies] == [6, 9, 5]
    assert [t.borda for t in tallies] == [2.0, 2.5, 1.5]
    text = shown(fake_slack, consortium, message)
    assert text.index("Export") < text.index("Skills") and "9 points · Borda 2.5" in text


def test_ranking_needs_distinct_ranks(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = create(slack, fake_slack, {"question": "Rank them", "kind": "ranking", "options": "A\nB\nC"})
    wrong = answer(slack, fake_slack, message, PARTNERS[0], {"item-0": "1", "item-1": "1", "item-2": "2"})
    assert wrong.json is not None and "already given" in str(wrong.json["errors"])
    answer(slack, fake_slack, message, PARTNERS[1], {"item-0": "3", "item-1": "1", "item-2": "2"})
    assert [t.borda for t in consortium.polls.results(1).tallies] == [0.0, 2.0, 1.0]


def test_a_validity_review_of_everything_imported_from_one_origin(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    consortium.recommendations.import_csv(DEMO_DATA / "clusterix_2012_2014.csv")
    message = create(
        slack,
        fake_slack,
        {"question": "Still valid?", "kind": "validity", "options": "all imported from clusterix 2012-2014"},
    )
    poll = consortium.polls.get(1)
    assert poll.option_refs == (1, 2, 3, 4) and poll.options[0].startswith("R1 · ")
    answer(
        slack, fake_slack, message, PARTNERS[0], {"item-0": "0", "item-1": "1", "item-2": "2", "item-3": "3"}
    )
    rows = consortium.polls.results(1).tallies
    assert [
        dict(r.verdicts or {}).get(v)
        for r, v in zip(rows, ["still_valid", "being_implemented", "needs_revision", "obsolete"], strict=True)
    ] == [1, 1, 1, 1]
    assert "Needs revision 1" in shown(fake_slack, consortium, message)


@pytest.mark.parametrize(
    ("values", "field", "expected"),
    [
        ({"kind": "validity", "options": "R1, R99"}, "options", "no recommendation R99"),
        ({"kind": "validity", "options": "all from Nowhere"}, "options", "No recommendations were imported"),
        ({"kind": "single", "options": "Only one"}, "options", "at least two options"),
        ({"kind": "multiple", "options": "A\nB", "max_choices": "3"}, "max_choices", "between 1 and"),
    ],
)
def test_bad_forms_show_the_error_under_the_field_and_post_nothing(
    slack: SlackSender,
    fake_slack: FakeSlack,
    consortium: Services,
    values: dict[str, Any],
    field: str,
    expected: str,
) -> None:
    consortium.recommendations.import_csv(DEMO_DATA / "clusterix_2012_2014.csv")
    response = slack.submit_view(open_form(slack, fake_slack), COORDINATOR, {"question": "Q?", **values})
    assert response.json is not None and expected in response.json["errors"][field]
    assert fake_slack.calls("chat.postMessage") == [] and consortium.polls.all_results() == []


def test_a_past_deadline_in_the_form_is_refused(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    values = {"question": "Q?", "kind": "single", "options": "A\nB", "deadline": 1_600_000_000}
    response = slack.submit_view(open_form(slack, fake_slack), COORDINATOR, values)
    assert response.json is not None and "in the past" in response.json["errors"]["deadline"]


def test_results_after_answering_are_shown_only_to_those_who_answered(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = create(
        slack, fake_slack, {"question": "Q?", "kind": "single", "options": "A\nB", "visibility": "after_vote"}
    )
    slack.click(message, CHANNEL, PARTNERS[0], "poll_vote_0")
    fake_slack.wait_until(lambda: bool(fake_slack.ephemerals(PARTNERS[0])))
    assert "1 (100%)" in str(fake_slack.ephemerals(PARTNERS[0])[-1].blocks)
    slack.click(message, CHANNEL, PARTNERS[1], "poll_mine")
    fake_slack.wait_until(lambda: bool(fake_slack.ephemerals(PARTNERS[1])))
    not_yet = str(fake_slack.ephemerals(PARTNERS[1])[-1].blocks)
    assert "once they have answered" in not_yet and "(100%)" not in not_yet
    assert "(100%)" not in shown(fake_slack, consortium, message)


def test_a_choice_with_a_reason_through_the_form(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    message = create(slack, fake_slack, {"question": "Q?", "kind": "multiple", "options": "A\nB\nC"})
    answer(slack, fake_slack, message, PARTNERS[0], {"choice": ["0", "2"], "reason": "Both matter"})
    results = consortium.polls.results(1)
    assert [t.votes for t in results.tallies] == [1, 0, 1] and results.general_reasons == ("Both matter",)


def test_a_delphi_round_shows_the_previous_round_and_how_positions_moved(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    first = create(
        slack,
        fake_slack,
        {"question": "Agree?", "kind": "scale", "options": "Statement", "settings": ["anonymous"]},
    )
    for user, value, reason in zip(
        PARTNERS, ("2", "4", "5", "1"), ("Too costly", "", "", "Not our role"), strict=True
    ):
        answer(slack, fake_slack, first, user, {"item-0": value, "reason-0": reason})
    slack.click(fake_slack.message(CHANNEL, first.ts), CHANNEL, COORDINATOR, "poll_close")
    consortium.polls.updates.flush()
    posted = len(fake_slack.calls("chat.postMessage"))
    slack.click(fake_slack.message(CHANNEL, first.ts), CHANNEL, COORDINATOR, "poll_next_round")
    second = fake_slack.message(
        CHANNEL, str(fake_slack.wait_for("chat.postMessage", count=posted + 1)[-1].response["ts"])
    )
    assert "P2 · Agreement scale · round 2" in str(second.blocks) and "Round 1 (P1)" in str(second.blocks)
    view_id = answer_form(slack, fake_slack, second, PARTNERS[0])
    feedback = str(fake_slack.view(view_id).blocks)
    assert "SD 1 · D 1 · N 0 · A 1 · SA 1" in feedback
    assert "Too costly" in feedback and "Not our role" in feedback and "Zsófia" not in feedback
    for user, value in zip(PARTNERS, ("4", "4", "5", "3"), strict=True):
        answer(slack, fake_slack, second, user, {"item-0": value})
    slack.click(fake_slack.message(CHANNEL, second.ts), CHANNEL, COORDINATOR, "poll_close")
    final = shown(fake_slack, consortium, second)
    assert "How positions moved since round 1 (P1)" in final and "agree 50% → 75%" in final
    results = consortium.polls.results(2)
    assert results.previous is not None and results.previous.poll.ref == "P1"
    assert consortium.polls.get(1).next_number == 2


def test_a_form_poll_for_a_channel_without_the_bot_is_explained_by_direct_message(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services
) -> None:
    slack.slash("/poll", "", user=COORDINATOR, channel="C0NOBOT")
    view_id = str(fake_slack.wait_for("views.open")[-1].response["view"]["id"])
    response = slack.submit_view(
        view_id, COORDINATOR, {"question": "Q?", "kind": "single", "options": "A\nB"}
    )
    assert response.status == 200 and not (response.json or {}).get("errors")
    fake_slack.wait_until(lambda: bool(fake_slack.dm_messages(COORDINATOR)), what="a direct message")
    assert "/invite @consult-bot" in fake_slack.dm_messages(COORDINATOR)[-1].text
    assert consortium.polls.all_results() == []
