"""Poll rules without Slack or a database: the quick-poll syntax, answers, tallies, rounds."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.partners import PartnerInfo, Role
from bot.domain.polls.answers import Answer, choose, toggle, validate_answer
from bot.domain.polls.drafts import (
    PollDraft,
    PollView,
    ValiditySelection,
    parse_validity_selection,
    reminder_time,
    validate_draft,
)
from bot.domain.polls.kinds import (
    VERDICTS,
    Audience,
    PollKind,
    PollStatus,
    Verdict,
    Visibility,
    parse_poll_ref,
)
from bot.domain.polls.quick import parse_quick_poll
from bot.domain.polls.tallies import (
    AttributedAnswer,
    PollResults,
    ScaleSummary,
    borda_scores,
    breakdown,
    movements,
    tally,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def poll(kind: PollKind, options: tuple[str, ...], **extra: object) -> PollView:
    base = PollView(
        id=1,
        number=1,
        question="Q?",
        kind=kind,
        options=options,
        anonymous=False,
        visibility=Visibility.LIVE,
        audience=Audience.CHANNEL,
        status=PollStatus.OPEN,
        creator_id="U1",
        created_at=NOW,
    )
    return replace(base, **extra)  # type: ignore[arg-type]


def refused(text: str) -> str:
    with pytest.raises(DomainError) as raised:
        parse_quick_poll(text, NOW)
    assert "No poll was posted" in raised.value.message
    return raised.value.message


# --- the quick poll ---------------------------------------------------------------------------------


def test_a_quick_poll_reads_question_options_and_every_flag() -> None:
    quick = parse_quick_poll(
        '"Which day?" "Mon" "Tue" "Wed" anonymous multiple=2 hide-results deadline=2026-12-01T17:00+01:00',
        NOW,
    )
    draft = quick.draft
    assert draft.question == "Which day?" and draft.options == ("Mon", "Tue", "Wed")
    assert draft.kind is PollKind.MULTIPLE and draft.max_choices == 2
    assert draft.anonymous and draft.visibility is Visibility.AFTER_CLOSE
    assert draft.deadline == datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    assert quick.local_deadline is None


def test_plain_multiple_allows_any_number_and_typographic_quotes_work() -> None:
    draft = parse_quick_poll("“Lunch?” “Pasta” “Soup” multiple", NOW).draft
    assert draft.kind is PollKind.MULTIPLE and draft.max_choices is None
    assert draft.options == ("Pasta", "Soup")


def test_a_deadline_without_offset_is_placed_in_the_creators_time_zone() -> None:
    quick = parse_quick_poll('"Q?" "A" "B" deadline=2026-12-01T17:00', NOW)
    assert quick.local_deadline == datetime(2026, 12, 1, 17, 0)
    resolved = quick.resolve(ZoneInfo("Europe/Helsinki"), NOW)
    assert resolved.deadline == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def test_a_local_deadline_that_passed_in_the_creators_zone_is_refused() -> None:
    quick = parse_quick_poll('"Q?" "A" "B" deadline=2026-11-20T13:30', NOW)
    with pytest.raises(DomainError, match="already passed"):
        quick.resolve(ZoneInfo("Europe/Helsinki"), NOW)  # 11:30 UTC, before NOW


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Q?" "Only one"', "at least two options"),
        ('"Q?"', "at least two options"),
        ('"Q?" "Yes" "yes"', "are the same"),
        ('"Q?" "A" "' + "x" * 76 + '"', "76 characters long; Slack shows at most 75"),
        ('"Q?" "A" "B', "not closed"),
        ('"Q?" "A" "B" anonymus', "Did you mean `anonymous`"),
        ('"Q?" "A" "B" colour=red', "not a flag I know"),
        ('"Q?" "A" "B" deadline=2020-01-01T10:00+00:00', "already passed"),
        ('"Q?" "A" "B" deadline=2019-01-01T10:00', "already passed"),
        ('"Q?" "A" "B" deadline=tomorrow', "YYYY-MM-DDTHH:MM"),
        ('"Q?" "A" "B" deadline=2026-13-45T10:00', "YYYY-MM-DDTHH:MM"),
        ('"Q?" "A" "B" multiple=0', "from 1 to the number of options (2)"),
        ('"Q?" "A" "B" multiple=5', "from 1 to the number of options (2)"),
        ('"Q?" "A" "B" anonymous anonymous', "given twice"),
        ('"Q?" anonymous "A" "B"', "before the flags"),
        ('"Q?" "A" ""', "empty"),
        ("Which day? Mon Tue", "quotes"),
        ('"" "A" "B"', "question is empty"),
    ],
)
def test_bad_quick_polls_say_what_to_fix(text: str, expected: str) -> None:
    assert expected in refused(text)


def test_more_options_than_a_slack_menu_holds_are_refused_with_the_limit() -> None:
    options = " ".join(f'"Option {i}"' for i in range(101))
    assert "at most 100 options (Slack's limit for a menu)" in refused(f'"Q?" {options}')
    assert (
        len(
            parse_quick_poll(
                f'"Q?" {" ".join(f"{chr(34)}O{i}{chr(34)}" for i in range(100))}', NOW
            ).draft.options
        )
        == 100
    )


def test_poll_references_are_read_leniently() -> None:
    assert [parse_poll_ref(t) for t in ("P3", "p3", "P-3", " P 3 ", "R3", "P")] == [3, 3, 3, 3, None, None]


# --- the creation form ------------------------------------------------------------------------------


def test_the_form_reports_each_bad_field_by_its_name() -> None:
    draft = PollDraft(
        question="",
        kind=PollKind.MULTIPLE,
        options=("A",),
        max_choices=3,
        deadline=NOW - timedelta(minutes=1),
    )
    with pytest.raises(InvalidInput) as raised:
        validate_draft(draft, NOW)
    assert set(raised.value.field_errors) == {"question", "options", "max_choices", "deadline"}


def test_an_agreement_scale_may_have_one_statement_and_points_default_to_100() -> None:
    scale = validate_draft(PollDraft(question="Q", kind=PollKind.SCALE, options=("S1",)), NOW)
    assert scale.options == ("S1",)
    points = validate_draft(PollDraft(question="Q", kind=PollKind.POINTS, options=("A", "B")), NOW)
    assert points.points_budget == 100


def test_a_validity_review_names_references_or_an_origin() -> None:
    assert parse_validity_selection("R1, r3 R-4 R1") == ValiditySelection(numbers=(1, 3, 4))
    assert parse_validity_selection("all imported from CLUSTERIX 2012-2014").origin == "CLUSTERIX 2012-2014"
    assert parse_validity_selection("all from 'Old set'").origin == "Old set"
    with pytest.raises(InvalidInput, match="not a recommendation reference"):
        parse_validity_selection("R1, banana")
    with pytest.raises(InvalidInput, match="Name the recommendations"):
        validate_draft(PollDraft(question="Q", kind=PollKind.VALIDITY), NOW)


# --- answers ----------------------------------------------------------------------------------------


def test_multiple_choice_toggles_and_respects_the_maximum() -> None:
    first = toggle(None, 2, 2)
    second = toggle(first, 0, 2)
    assert second.choices == (0, 2)
    with pytest.raises(DomainError, match="most this poll allows"):
        toggle(second, 1, 2)
    assert toggle(second, 2, 2).choices == (0,)
    assert toggle(toggle(None, 1, None), 1, None).is_empty


def test_a_new_single_choice_drops_the_reason_given_for_the_old_one() -> None:
    answer = Answer(choices=(0,), reasons={-1: "because"})
    assert choose(answer, 0).reasons == {-1: "because"}
    assert choose(answer, 1).reasons == {}


def test_a_scale_answer_needs_every_statement_and_a_reason_to_disagree_when_asked() -> None:
    scale = poll(PollKind.SCALE, ("S1", "S2"), require_reason=True)
    with pytest.raises(InvalidInput) as raised:
        validate_answer(scale, Answer(ratings={0: 4}))
    assert set(raised.value.field_errors) == {"item-1"}
    with pytest.raises(InvalidInput) as raised:
        validate_answer(scale, Answer(ratings={0: 4, 1: 2}))
    assert set(raised.value.field_errors) == {"reason-1"}
    ok = validate_answer(scale, Answer(ratings={0: 4, 1: 2}, reasons={1: "  too costly ", 0: ""}))
    assert ok.reasons == {1: "too costly"}


def test_points_must_add_up_and_ranks_must_differ() -> None:
    points = poll(PollKind.POINTS, ("A", "B"), points_budget=10)
    with pytest.raises(InvalidInput, match="you gave 9"):
        validate_answer(points, Answer(ratings={0: 4, 1: 5}))
    assert validate_answer(points, Answer(ratings={0: 10, 1: 0})).ratings == {0: 10, 1: 0}
    ranking = poll(PollKind.RANKING, ("A", "B", "C"))
    with pytest.raises(InvalidInput, match="already given"):
        validate_answer(ranking, Answer(ratings={0: 1, 1: 1, 2: 3}))


def test_an_over_long_reason_is_refused() -> None:
    single = poll(PollKind.SINGLE, ("A", "B"))
    with pytest.raises(InvalidInput) as raised:
        validate_answer(single, Answer(choices=(0,), reasons={-1: "x" * 1001}))
    assert "1,001 characters" in raised.value.field_errors["reason"]


# --- tallies ----------------------------------------------------------------------------------------


def test_choice_counts() -> None:
    multiple = poll(PollKind.MULTIPLE, ("A", "B", "C"))
    tallies = tally(multiple, [Answer(choices=(0, 1)), Answer(choices=(1,)), Answer(choices=(1, 2))])
    assert [t.votes for t in tallies] == [1, 3, 1]


def test_scale_median_iqr_and_shares() -> None:
    summary = ScaleSummary((1, 1, 0, 2, 1))  # answers 1, 2, 4, 4, 5
    assert summary.n == 5 and summary.median == 4
    assert summary.iqr == 2.0  # Q1 = 2, Q3 = 4
    assert summary.agree_share == 0.6 and summary.disagree_share == 0.4
    assert ScaleSummary((0, 0, 0, 1, 0)).iqr == 0.0
    assert ScaleSummary((0, 0, 0, 0, 0)).median is None


def test_borda_counts_ranks_and_shares_ties_on_points_ballots() -> None:
    ranks = [Answer(ratings={0: 1, 1: 2, 2: 3}), Answer(ratings={0: 2, 1: 1, 2: 3})]
    assert borda_scores(PollKind.RANKING, 3, ranks) == [3.0, 3.0, 0.0]
    points = [Answer(ratings={0: 50, 1: 50, 2: 0})]
    assert borda_scores(PollKind.POINTS, 3, points) == [1.5, 1.5, 0.0]
    tallies = tally(poll(PollKind.POINTS, ("A", "B", "C")), [*points, Answer(ratings={0: 10, 1: 20, 2: 70})])
    assert [t.points for t in tallies] == [60, 70, 70]
    assert [t.borda for t in tallies] == [1.5, 2.5, 2.0]


def test_validity_review_counts_each_verdict_per_recommendation() -> None:
    review = poll(PollKind.VALIDITY, ("R1 · a", "R2 · b"), option_refs=(1, 2))
    tallies = tally(review, [Answer(ratings={0: 0, 1: 3}), Answer(ratings={0: 2, 1: 3})])
    assert tallies[0].verdicts == {
        Verdict.STILL_VALID: 1,
        Verdict.IMPLEMENTING: 0,
        Verdict.NEEDS_REVISION: 1,
        Verdict.OBSOLETE: 0,
    }
    assert tallies[1].verdicts is not None and tallies[1].verdicts[VERDICTS[3]] == 2


def _partner(user: str, country: str) -> PartnerInfo:
    return PartnerInfo(user, user, f"Org {country}", f"Region {country}", country, Role.PARTNER)


def test_breakdown_per_country_and_movement_between_rounds() -> None:
    scale = poll(PollKind.SCALE, ("S1",))
    people = [_partner("U1", "AT"), _partner("U2", "AT"), _partner("U3", "HU")]
    first_answers = [Answer(ratings={0: 2}), Answer(ratings={0: 3}), Answer(ratings={0: 5})]
    first = PollResults(
        scale,
        tuple(people),
        (),
        hidden=False,
        tallies=tally(scale, first_answers),
        answers=tuple(AttributedAnswer(p, a) for p, a in zip(people, first_answers, strict=True)),
    )
    by_country = breakdown(first, "country")
    assert by_country["AT"][0].scale == ScaleSummary((0, 1, 1, 0, 0))
    assert by_country["HU"][0].scale == ScaleSummary((0, 0, 0, 0, 1))
    second_answers = [Answer(ratings={0: 4}), Answer(ratings={0: 4}), Answer(ratings={0: 5})]
    second_poll = poll(PollKind.SCALE, ("S1",), round=2, previous_number=1)
    second = PollResults(
        second_poll,
        tuple(people),
        (),
        hidden=False,
        tallies=tally(second_poll, second_answers),
        previous=first,
    )
    moved = movements(second)
    assert moved[0].before.scale is not None and moved[0].after.scale is not None
    assert moved[0].before.scale.agree_share == pytest.approx(1 / 3)
    assert moved[0].after.scale.agree_share == 1.0
    assert [r.poll.round for r in second.rounds()] == [1, 2]


def test_reminders_come_ahead_of_the_deadline_but_not_right_after_posting() -> None:
    lead = timedelta(hours=24)
    assert reminder_time(NOW, NOW + timedelta(days=3), lead) == NOW + timedelta(days=2)
    assert reminder_time(NOW, NOW + timedelta(hours=10), lead) == NOW + timedelta(hours=5)
    assert reminder_time(NOW, None, lead) is None
    assert reminder_time(NOW, NOW + timedelta(days=3), timedelta(0)) is None


def test_results_are_hidden_until_close_even_for_those_who_answered() -> None:
    hidden = poll(PollKind.SINGLE, ("A", "B"), visibility=Visibility.AFTER_CLOSE)
    assert not hidden.results_visible_to(has_answered=True)
    after_vote = poll(PollKind.SINGLE, ("A", "B"), visibility=Visibility.AFTER_VOTE)
    assert after_vote.results_visible_to(True) and not after_vote.results_visible_to(False)
