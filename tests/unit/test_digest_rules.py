"""The digest's rules of issue 10 §2 without Slack: validity verdicts, the objections in the next steps,
a readable overview for a large consortium, and a chart that tells "no answer" apart from "0 %"."""

from __future__ import annotations

from markdown_it import MarkdownIt
from matplotlib import pyplot as plt
from matplotlib.patches import Rectangle

from bot.domain.digest import (
    DISCUSS,
    DROP,
    KEEP,
    REVISE,
    MissingAnswers,
    OrgPosition,
    PollItem,
    describe_verdict,
    review_verdict,
)
from bot.domain.digest_steps import OBJECTION_STEPS_MAX, objection_steps, review_steps
from bot.domain.polls.kinds import Verdict
from bot.localslack import validate_message_blocks
from bot.services.charts import COLOUR_MAP, SupportGrid, chart_figure
from bot.services.digest import render_markdown
from handlers.blocks.digest import digest_overview, digest_thread_parts
from tests.unit.test_digest_rendering import big_content, rec


def counts(**given: int) -> dict[Verdict, int]:
    return {verdict: given.get(verdict.name.lower(), 0) for verdict in Verdict}


def test_a_validity_verdict_is_the_majoritys_or_split() -> None:
    two_of_three = review_verdict("R1", "Fund", counts(still_valid=2, obsolete=1))
    assert (two_of_three.verdict, round(two_of_three.share, 2), two_of_three.action) == (
        "Still valid",
        0.67,
        KEEP,
    )
    assert describe_verdict(two_of_three) == "Still valid (67 % of 3): keep"
    assert review_verdict("R2", "", counts(needs_revision=3)).action == REVISE
    assert review_verdict("R3", "", counts(obsolete=2, still_valid=1)).action == DROP
    assert review_verdict("R4", "", counts(implementing=2, needs_revision=1)).action == KEEP
    split = review_verdict("R5", "", counts(still_valid=1, obsolete=1))
    assert (split.verdict, split.action) == (None, DISCUSS)
    assert describe_verdict(split) == "split (largest share 50 % of 2): discuss"
    assert describe_verdict(review_verdict("R6", "", counts())) == "no verdict yet"


def test_a_validity_review_proposes_keep_revise_drop_in_the_next_steps() -> None:
    verdicts = [
        review_verdict("R1", "", counts(still_valid=2)),
        review_verdict("R2", "", counts(implementing=2)),
        review_verdict("R3", "", counts(needs_revision=2)),
        review_verdict("R4", "", counts(obsolete=2)),
        review_verdict("R5", "", counts(obsolete=1, still_valid=1)),
        review_verdict("R6", "", counts()),
    ]
    poll = PollItem(
        ref="P4",
        question="Still valid?",
        kind="validity",
        status="closed",
        anonymous=False,
        respondents=2,
        audience=9,
        results=[],
        verdicts=verdicts,
    )
    assert review_steps([poll]) == [
        "Validity review P4 ended: keep R1, R2; revise R3; drop R4; discuss R5 (verdicts split)."
    ]
    markdown = render_markdown(big_content().model_copy(update={"polls": [poll]}))
    assert "- Verdict on **R3** : Needs revision (100 % of 2), **revise**" in markdown
    assert "- Verdict on **R5** : split (largest share 50 % of 2), **discuss**" in markdown


def test_every_recommendation_with_an_objection_is_a_next_step_blocked_first() -> None:
    objection = OrgPosition(
        organisation="Lombardy Region", country="IT", region="Lombardy", position="Disagree"
    )
    block = objection.model_copy(update={"organisation": "Org & Co", "position": "Block"})
    items = [
        rec(1, objections=[]),
        rec(2, objections=[objection]),
        rec(3, objections=[objection, block], blocked=True),
    ]
    assert objection_steps(items) == [
        "Resolve the 2 objections to R3: Lombardy Region (IT, Disagree), Org & Co (IT, Block).",
        "Resolve the objection to R2: Lombardy Region (IT, Disagree).",
    ]
    many = [rec(i, objections=[objection]) for i in range(OBJECTION_STEPS_MAX + 3)]
    steps = objection_steps(many)
    assert len(steps) == OBJECTION_STEPS_MAX + 1 and steps[-1].startswith(
        "Objections to 3 more recommendations"
    )


def test_for_forty_partners_the_overview_counts_who_has_not_answered_and_the_thread_lists_them() -> None:
    missing = [
        MissingAnswers(organisation=f"Organisation {i}", country="BE", region="Flanders", items=["R1", "P2"])
        for i in range(40)
    ]
    content = big_content().model_copy(update={"not_answered": missing})
    _, blocks = digest_overview(content)
    overview = str([b.to_dict() for b in blocks])
    assert "40 organisations still have to answer P2, R1" in overview
    assert "Organisation 17" not in overview
    parts = digest_thread_parts(content)
    listed = str([[b.to_dict() for b in part] for _, part in parts])
    assert all(f"Organisation {i} (BE): R1, P2" in listed for i in range(40))
    assert "*P1* not answered yet by" not in listed  # the poll of big_content has no non-respondents listed
    for _, part in parts:
        assert validate_message_blocks([b.to_dict() for b in part]) == []


def test_the_chart_tells_no_answer_apart_from_no_support_and_says_what_the_colours_mean() -> None:
    grid = SupportGrid(
        title="Support by country",
        rows=["R1", "R2"],
        columns=["AT", "IT"],
        values={("R1", "AT"): 0.0, ("R1", "IT"): 1.0, ("R2", "AT"): 0.5},  # nobody from IT answered R2
        value_label="support",
        missing_label="no organisation of that country answered (not 0 %)",
    )
    figure = chart_figure([grid])
    assert figure is not None
    try:
        axis = figure.axes[0]
        assert axis.images[0].get_cmap().name == COLOUR_MAP
        hatched = [p for p in axis.patches if isinstance(p, Rectangle) and p.get_hatch()]
        assert [(p.get_x(), p.get_y()) for p in hatched] == [(0.5, 0.5)]  # the R2 × IT cell only
        legend = axis.get_legend()
        assert legend is not None
        assert [t.get_text() for t in legend.get_texts()] == [
            "no organisation of that country answered (not 0 %)"
        ]
        assert "0%" in [t.get_text() for t in axis.texts]  # R1 × AT: answered, nobody supports
        assert figure.axes[1].get_ylabel() == "support"
    finally:
        plt.close(figure)


def test_markdown_shows_names_as_typed() -> None:
    objection = OrgPosition(
        organisation="Flanders Innovation & Entrepreneurship",
        country="BE",
        region="Flanders",
        position="Block",
        reason="Costs &amp; benefits <b>unclear</b> | *really*",
    )
    markdown = render_markdown(
        big_content().model_copy(update={"common_denominators": [rec(1, objections=[objection])]})
    )
    html = MarkdownIt("commonmark").render(markdown)
    assert "Flanders Innovation &amp; Entrepreneurship (BE), <strong>Block</strong>: " in html
    assert "Costs &amp;amp; benefits &lt;b&gt;unclear&lt;/b&gt; | *really*" in html


def test_open_consultations_with_objections_are_proposed_a_common_wording_round() -> None:
    from bot.domain.digest_steps import common_wording_step

    assert common_wording_step([]) == []
    (step,) = common_wording_step(["R3", "R5"])
    assert step.startswith("Try Find common wording on the consultation of R3, R5:")
