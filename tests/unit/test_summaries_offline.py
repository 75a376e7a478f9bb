"""The offline summarizer: the most representative comments per position group, deterministic and
grounded like an LLM's summary must be."""

from __future__ import annotations

import random

from bot.domain.offline_summary import (
    excerpt,
    offline_summary,
    rank_by_centrality,
)
from bot.domain.summaries import (
    OFFLINE,
    QUOTE_MAX,
    SummaryComment,
    SummaryInput,
    ground,
)


def comment(cid: str, text: str, position: str | None, org: str = "", country: str = "AT") -> SummaryComment:
    return SummaryComment(cid, org or f"Org {cid}", "Region", country, position, text, None)


COMMENTS = (
    comment("a1", "Funding for rural SMEs is essential for regional growth.", "agree", country="AT"),
    comment("a2", "Rural SMEs need funding; regional growth depends on them.", "agree", country="HU"),
    comment("a3", "Nice weather today.", "agree", country="IT"),
    comment("a4", "We agree: funding rural SMEs drives regional growth.", "agree", country="AT"),
    comment("d1", "This duplicates existing programmes and the budget is limited.", "disagree", country="FI"),
    comment("b1", "We block: the budget is limited and programmes overlap.", "block", country="DE"),
    comment("w1", "Replace 'shall' with 'should' in the first sentence.", "agree_with_changes", country="ES"),
    comment("n1", "Who would manage the fund?", None, country="PL"),
    comment("x1", "I abstain until the budget is known.", "abstain", country="BE"),
)
ITEM = SummaryInput("R3", "Fund rural SMEs", "Regions shall fund SMEs.", 2, COMMENTS, "agree 4")


def test_groups_by_position_into_the_three_sections() -> None:
    summary = offline_summary(ITEM, input_hash="h")
    assert summary.summarizer == OFFLINE and summary.language == "English" and summary.input_hash == "h"
    assert [s.text.split(":")[0] for s in summary.common_ground] == ["Agree"]
    assert [s.text.split(":")[0] for s in summary.disagreements] == ["Block", "Disagree", "Abstain"]
    assert [s.text.split(":")[0] for s in summary.wording_suggestions] == [
        "Agree with changes",
        "No position",
    ]


def test_a_group_statement_counts_its_comments_and_countries_and_cites_them_all() -> None:
    agree = offline_summary(ITEM, input_hash="h").common_ground[0]
    assert agree.text == "Agree: 4 comments from 4 organisations (AT, HU, IT). Most representative:"
    assert set(agree.citations) == {"a1", "a2", "a3", "a4"}


def test_the_most_central_comments_are_quoted_first_and_the_outlier_is_not() -> None:
    agree = offline_summary(ITEM, input_hash="h", per_group=2).common_ground[0]
    assert set(agree.citations[:2]) <= {"a1", "a2", "a4"}
    assert "Nice weather today." not in agree.quotes
    assert len(agree.quotes) == 2
    assert agree.citations[2:] == tuple(c for c in ("a1", "a2", "a3", "a4") if c not in agree.citations[:2])


def test_deterministic_and_independent_of_dict_or_hash_order() -> None:
    first = offline_summary(ITEM, input_hash="h")
    assert all(offline_summary(ITEM, input_hash="h") == first for _ in range(5))


def test_ties_keep_the_input_order() -> None:
    same = [comment(f"t{i}", "Identical words in every comment.", "agree") for i in range(4)]
    ranked = rank_by_centrality(same, [{"identical": 0.5, "words": 0.5, "every": 0.5, "comment": 0.5}] * 4)
    assert [c.id for c in ranked] == ["t0", "t1", "t2", "t3"]
    shuffled = list(same)
    random.Random(4).shuffle(shuffled)
    item = SummaryInput("R1", "t", "x", 1, shuffled, "")
    assert offline_summary(item, input_hash="h").common_ground[0].citations[0] == shuffled[0].id


def test_its_quotes_pass_the_grounding_check() -> None:
    summary = offline_summary(ITEM, input_hash="h")
    assert ground(summary, ITEM) == summary
    assert summary.statements()


def test_a_single_partner_and_an_empty_thread() -> None:
    single = SummaryInput("R1", "t", "x", 1, (comment("s1", "Only me.", "agree"),), "")
    summary = offline_summary(single, input_hash="h")
    assert summary.common_ground[0].quotes == ("Only me.",)
    assert summary.common_ground[0].text == "Agree: 1 comment from 1 organisation (AT). Most representative:"
    empty = offline_summary(SummaryInput("R1", "t", "x", 1, (), ""), input_hash="h")
    assert empty.statements() == ()


def test_blank_comments_are_left_out() -> None:
    item = SummaryInput(
        "R1", "t", "x", 1, (comment("e1", "   ", "agree"), comment("e2", "Yes.", "agree")), ""
    )
    assert offline_summary(item, input_hash="h").common_ground[0].citations == ("e2",)


def test_quotes_are_verbatim_excerpts_within_the_limit() -> None:
    long_text = "First sentence is short. " + "Then many words follow here " * 30
    quote = excerpt(long_text)
    assert len(quote) <= QUOTE_MAX and long_text.startswith(quote)
    assert excerpt("word " * 100, 50).strip() == ("word " * 100)[:50].rsplit(" ", 1)[0].strip()
    assert excerpt("Short.") == "Short."


def test_quotes_keep_the_original_language() -> None:
    item = SummaryInput(
        "R1", "t", "x", 1, (comment("de", "Wir unterstützen die Förderung ländlicher KMU.", "agree"),), ""
    )
    assert offline_summary(item, input_hash="h").common_ground[0].quotes == (
        "Wir unterstützen die Förderung ländlicher KMU.",
    )
