"""The digest's periods and its Slack and Markdown renderings, without Slack."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.domain.digest import DigestContent, OrgPosition, PollItem, RecItem, StatementLine, SummaryBlock
from bot.domain.periods import current_period, ended_period
from bot.localslack import validate_message_blocks
from bot.services.digest import render_markdown
from handlers.blocks.digest import digest_overview, digest_thread_parts

BRUSSELS = ZoneInfo("Europe/Brussels")


def test_periods_follow_the_cron_in_the_consortiums_time_zone() -> None:
    wednesday = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    current = current_period("0 8 * * MON", BRUSSELS, wednesday)
    assert (current.start.isoformat(), current.end.isoformat()) == (
        "2026-11-23T08:00:00+01:00",
        "2026-11-30T08:00:00+01:00",
    )
    # Monday 08:00 Brussels is 07:00 UTC: the job firing then delivers the week that just ended.
    monday = datetime(2026, 11, 30, 7, 0, 5, tzinfo=UTC)
    assert ended_period("0 8 * * MON", BRUSSELS, monday) == current
    assert current.key == "2026-11-23T08:00+01:00"


def rec(i: int, **extra: object) -> RecItem:
    fields: dict[str, object] = {
        "ref": f"R{i}",
        "title": f"Recommendation {i} <!channel> " + "t" * 140,
        "status": "in consultation",
        "themes": ["SMEs"],
        "coverage": 0.5,
        "support": 0.8,
        "opposition": 0.2,
        "group_aware_consensus": 0.6,
        "supporting_countries": ["AT", "HU"],
        "supporting_regions": ["Lower Austria", "Western Transdanubia"],
        "common_denominator": True,
        "divisive": False,
        "delphi_consensus": True,
        "region_specific": False,
        "blocked": False,
        "trend": "emerging",
        "positions": {"agree": 4},
        "supporters": ["Org (AT)"],
        "objections": [
            OrgPosition(
                organisation="Org", country="IT", region="Lombardy", position="Block", reason="r" * 900
            )
        ],
        "not_answered": ["Other"],
        "summary": SummaryBlock(
            summarizer="offline",
            common_ground=[StatementLine(mrkdwn="m" * 900, markdown="x")] * 6,
            disagreements=[StatementLine(mrkdwn="d" * 900, markdown="y")] * 6,
        ),
    }
    fields.update(extra)
    return RecItem.model_validate(fields)


def big_content() -> DigestContent:
    many = [rec(i) for i in range(40)]
    poll = PollItem(
        ref="P1",
        question="Q? " * 100,
        kind="single",
        status="open",
        anonymous=False,
        respondents=3,
        audience=9,
        results=["A: 3 votes"] * 20,
        movement=["moved"] * 5,
    )
    return DigestContent(
        period_key="2026-11-23T08:00+01:00",
        period_start=datetime(2026, 11, 23, 8, tzinfo=BRUSSELS),
        period_end=datetime(2026, 11, 30, 8, tzinfo=BRUSSELS),
        generated_at=datetime(2026, 11, 25, tzinfo=UTC),
        summarizer="offline",
        summarizer_note="Summaries by the offline summarizer",
        headline=["h" * 200] * 8,
        common_denominators=many,
        common_themes=[],
        contested=many,
        region_specific=many,
        other_recommendations=many,
        polls=[poll] * 30,
        new_proposals=[],
        not_answered=[],
        next_steps=["Do it"],
        theme_matrix={
            "themes": ["SMEs"],
            "countries": ["AT"],
            "regions": ["Lower Austria"],
            "by_country": {"SMEs": {"AT": 2}},
            "by_region": {"SMEs": {"Lower Austria": 2}},
        },
    )


def test_however_large_the_consortium_every_message_respects_slacks_limits() -> None:
    content = big_content()
    text, typed = digest_overview(content)
    blocks = [block.to_dict() for block in typed]  # typed blocks check Slack's limits as they serialise
    assert validate_message_blocks(blocks) == []
    assert "and 34 more in the attached Markdown" in str(blocks)
    for _, part_blocks in digest_thread_parts(content):
        assert validate_message_blocks([block.to_dict() for block in part_blocks]) == []
    assert "<!channel>" not in str(blocks) + text


def test_the_markdown_carries_everything_with_partner_words_as_text() -> None:
    markdown = render_markdown(big_content())
    assert markdown.count("**R39**") == 4  # every item, not only the first six
    assert "\\<!channel\\>" in markdown and "<!channel>" not in markdown
    assert "| SMEs | 2 |" in markdown  # once by country (AT), once by region (Lower Austria)
    assert markdown.count("| SMEs | 2 |") == 2 and "| theme | Lower Austria |" in markdown
