"""Grounding: a summary keeps only citations to ids of the input and verbatim quotes of its comments."""

from __future__ import annotations

from dataclasses import fields, replace

from bot.domain.summaries import (
    CITATIONS_PER_STATEMENT_MAX,
    Statement,
    Summary,
    SummaryComment,
    SummaryInput,
    content_hash,
    ground,
    summary_from_json,
    summary_to_json,
)


def comment(cid: str, text: str, position: str | None = "agree") -> SummaryComment:
    return SummaryComment(cid, "Org " + cid, "Styria", "AT", position, text, None)


ITEM = SummaryInput(
    ref="R1",
    title="Support rural SMEs",
    text="Regions shall fund SMEs.",
    version=1,
    comments=(
        comment("c1", "We support   funding for\nSMEs in rural regions."),
        comment("c2", "Budget is limited; the Café owners disagree.", "disagree"),
        comment("c3", "Use <b>bold</b> & clear words.", "agree_with_changes"),
    ),
    positions_summary="agree 1, disagree 1",
)


def summary(*statements: Statement) -> Summary:
    return Summary("R1", tuple(statements), (), (), "llm:m", "English", "h")


def grounded_one(statement: Statement) -> Statement | None:
    result = ground(summary(statement), ITEM).common_ground
    return result[0] if result else None


def test_citations_to_unknown_ids_are_dropped_and_duplicates_merged() -> None:
    kept = grounded_one(Statement("Support", ("c9", "c1", "c1", "ghost"), ()))
    assert kept == Statement("Support", ("c1",), ())


def test_a_statement_left_without_citation_is_dropped() -> None:
    assert grounded_one(Statement("Invented", ("c404",), ("We support",))) is None
    assert grounded_one(Statement("No source at all", (), ())) is None


def test_a_statement_without_text_is_dropped() -> None:
    assert grounded_one(Statement("  ", ("c1",), ())) is None


def test_quotes_must_be_verbatim_after_whitespace_normalisation() -> None:
    kept = grounded_one(
        Statement(
            "Support",
            ("c1",),
            (
                "funding for SMEs in rural",
                "funding for rural SMEs",
                "FUNDING FOR SMES",
                "“We support funding”",
            ),
        )
    )
    assert kept is not None
    assert kept.quotes == ("funding for SMEs in rural", "We support funding")


def test_quotes_compare_after_nfc() -> None:
    decomposed = "Cafe\u0301 owners"  # "Café" written with a combining accent
    kept = grounded_one(Statement("Owners", ("c2",), (decomposed,)))
    assert kept is not None and kept.quotes == ("Café owners",)


def test_a_quote_of_an_uncited_comment_is_kept_and_its_source_cited() -> None:
    kept = grounded_one(Statement("Budget", ("c1",), ("Budget is limited",)))
    assert kept is not None
    assert kept.citations == ("c1", "c2")
    assert kept.quotes == ("Budget is limited",)


def test_quotes_written_with_the_prompts_escaping_still_match() -> None:
    kept = grounded_one(Statement("Words", ("c3",), ("Use &lt;b&gt;bold&lt;/b&gt; &amp; clear",)))
    assert kept is not None and kept.quotes == ("Use <b>bold</b> & clear",)


def test_trivial_quotes_are_dropped() -> None:
    kept = grounded_one(Statement("Support", ("c1",), ("", "  ", "We")))
    assert kept is not None and kept.quotes == ()


def test_citations_are_capped() -> None:
    many = SummaryInput("R1", "t", "x", 1, [comment(f"c{i}", f"text {i}") for i in range(30)], "")
    statement = Statement("All", tuple(f"c{i}" for i in range(30)), ())
    result = ground(summary(statement), many).common_ground[0]
    assert len(result.citations) == CITATIONS_PER_STATEMENT_MAX


def test_every_section_is_grounded() -> None:
    bad = Statement("x", ("nope",), ())
    good = Statement("y", ("c2",), ())
    result = ground(Summary("R1", (bad,), (bad, good), (good, bad), "llm:m", "English", "h"), ITEM)
    assert (result.common_ground, result.disagreements, result.wording_suggestions) == ((), (good,), (good,))


def test_an_empty_input_grounds_everything_away() -> None:
    empty = replace(ITEM, comments=())
    assert ground(summary(Statement("x", ("c1",), ())), empty).statements() == ()


def test_the_content_hash_changes_with_the_input_and_the_context_only() -> None:
    base = content_hash(ITEM, model="m", language="English")
    assert base == content_hash(replace(ITEM, comments=tuple(ITEM.comments)), model="m", language="English")
    assert base != content_hash(ITEM, model="m", language="Deutsch")
    assert base != content_hash(ITEM, model="other", language="English")
    edited = replace(ITEM, comments=(*ITEM.comments[:2], replace(ITEM.comments[2], text="Edited")))
    assert base != content_hash(edited, model="m", language="English")
    assert base != content_hash(replace(ITEM, version=2), model="m", language="English")
    relinked = replace(ITEM, comments=[replace(c, permalink="https://x.slack.com/p1") for c in ITEM.comments])
    assert base == content_hash(relinked, model="m", language="English")  # links are not in the prompt


def test_a_summary_survives_its_json_form_unchanged() -> None:
    original = Summary(
        "R1",
        (Statement("Ünïcode “text”", ("c1", "c2"), ("We support",)),),
        (Statement("Why", ("c2",), ()),),
        (),
        "llm:m",
        "Deutsch",
        "abc",
    )
    assert summary_from_json(summary_to_json(original)) == original


def test_a_summary_input_has_no_place_for_people_or_votes() -> None:
    # Anonymous votes and the identities of voters never reach a prompt: the input types cannot hold them.
    assert [f.name for f in fields(SummaryComment)] == [
        "id",
        "organisation",
        "region",
        "country",
        "position",
        "text",
        "permalink",
    ]
    assert [f.name for f in fields(SummaryInput)] == [
        "ref",
        "title",
        "text",
        "version",
        "comments",
        "positions_summary",
    ]
