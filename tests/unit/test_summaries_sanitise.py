"""Nothing a summary says can ping anyone, carry a live link or break the message's formatting."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from bot.domain.summaries import (
    QUOTE_MAX,
    STATEMENT_TEXT_MAX,
    Statement,
    Summary,
    SummaryComment,
    SummaryInput,
    summarizer_label,
)
from bot.domain.summary_text import (
    defuse,
    render_statement_markdown,
    render_statement_mrkdwn,
    sanitise,
    to_markdown,
    to_mrkdwn,
    truncate,
)

NASTY = (
    "<!channel> <!here> <!everyone> <!here|here> @channel @Here @everyone <@U123> <@U123|anna> "
    "<#C999|general> <!subteam^S1|@team> <!date^1392734382^{date}|Feb 18> <https://evil.example/x|click> "
    "<mailto:bob@evil.example|mail me> http://evil.example/y HTTPS://EVIL.EXAMPLE ftp://files.evil.example "
    "www.evil.example evil.example/path bob@evil.example *bold _it ~strike `code ``` > quote &amp; &lt;"
)


def live_parts(mrkdwn: str) -> list[str]:
    """What Slack would act on: control sequences, URLs, bare domains and broadcast words."""
    found = re.findall(r"<[^>]*>", mrkdwn)
    found += re.findall(r"(?i)\b(?:https?|ftp|mailto)://\S+", mrkdwn)
    found += re.findall(r"(?i)\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b", mrkdwn)
    found += re.findall(r"(?i)(?<![\w＠])@(?:channel|here|everyone)\b", mrkdwn)
    return found


def test_defused_text_keeps_its_words_but_loses_every_control() -> None:
    text = defuse(NASTY, 2000)
    assert live_parts(to_mrkdwn(text)) == []
    assert "＠channel" in text and "＠here" in text and "＠everyone" in text
    assert "@U123" in text and "@anna" in text and "#general" in text and "@team" in text
    assert "Feb 18" in text
    assert "click (hxxps://evil[.]example/x)" in text
    assert "hxxp://evil[.]example/y" in text and "HxxPS://EVIL[.]EXAMPLE" in text
    assert "ftp[://]files[.]evil[.]example" in text
    assert "www[.]evil[.]example" in text and "bob@evil[.]example" in text


@pytest.mark.parametrize(
    "text",
    [
        "<!channel>",
        "<<!channel>>",
        "<!channel",
        "&lt;!channel&gt;",
        "<@U1>",
        "<#C1>",
        "<https://a.example>",
        "https://a.example",
        "www.a.example",
        "a.example",
        "x\u200b@channel",
        "@\u200bchannel",
    ],
)
def test_no_ping_or_link_survives(text: str) -> None:
    rendered = to_mrkdwn(defuse(text))
    assert live_parts(rendered) == [], rendered
    assert "<" not in rendered and ">" not in rendered


def test_idempotent() -> None:
    once = defuse(NASTY, 2000)
    assert defuse(once, 2000) == once


def test_plain_words_numbers_and_abbreviations_are_untouched() -> None:
    text = "Art. 5 of the 2021-2027 programme: 3.5 million EUR, e.g. for SMEs (i.e. firms under 250)."
    assert defuse(text) == text


def test_one_line_no_control_or_direction_characters() -> None:
    assert (
        defuse("line one\nline two\r\n\tand\x00 \u202eevil\u2066 three") == "line one line two and evil three"
    )


def test_mrkdwn_formatting_marks_cannot_format() -> None:
    rendered = to_mrkdwn("*bold* _it_ ~strike~ `code` ```block``` a & b <c>")
    assert not set("*_~`<>") & set(rendered)
    assert "&amp;" in rendered and "&lt;c&gt;" in rendered


def test_markdown_marks_are_escaped_and_the_text_reads_as_written() -> None:
    typed = "*a* _b_ [c](d) `e` <f> & &amp; #g |h| ~i~ \\"
    escaped = to_markdown(typed)
    assert escaped == r"\*a\* \_b\_ \[c\](d) \`e\` \<f\> & \&amp; \#g \|h\| \~i\~ \\"
    inline = MarkdownIt("commonmark").parseInline(escaped)[0].children or []
    assert [t.type for t in inline] == ["text"] and inline[0].content == typed


def test_lengths_are_bounded() -> None:
    statement = Statement("word " * 500, ("c1",), ("quote " * 200,))
    summary = Summary("R1", (statement,), (), (), "llm:m", "English", "h")
    cleaned = sanitise(summary).common_ground[0]
    assert len(cleaned.text) <= STATEMENT_TEXT_MAX and cleaned.text.endswith("…")
    assert len(cleaned.quotes[0]) <= QUOTE_MAX
    assert truncate("short", 10) == "short"
    assert truncate("abcdefghijkl", 5) == "abcd…"


ITEM = SummaryInput(
    "R1",
    "t",
    "x",
    1,
    (
        SummaryComment(
            "c1",
            "Regio *Wien*",
            "Vienna",
            "AT",
            "agree",
            "We support it.",
            "https://t.slack.com/archives/C1/p1",
        ),
        SummaryComment("c2", None, None, None, None, "Me too.", "javascript:alert(1)"),
        SummaryComment("c3", "Org|x>", None, "HU", None, "Sure.", "https://t.slack.com/a b|<!channel>"),
    ),
    "",
)


def test_citations_render_as_permalinks_and_only_safe_ones_link() -> None:
    statement = Statement("Both <!here> agree", ("c1", "c2", "c3"), ("We support it.",))
    rendered = render_statement_mrkdwn(statement, ITEM)
    assert rendered == (
        "Both ＠here agree _“We support it.”_ "
        "(<https://t.slack.com/archives/C1/p1|Regio ∗Wien∗ (AT)>, c2, Org¦x&gt; (HU))"
    )


def test_citations_render_as_markdown_links() -> None:
    statement = Statement("Both agree", ("c1", "c2"), ("We support it.",))
    assert render_statement_markdown(statement, ITEM) == (
        "Both agree *“We support it.”* ([Regio \\*Wien\\* (AT)](https://t.slack.com/archives/C1/p1), c2)"
    )


def test_the_summarizer_is_named() -> None:
    offline = Summary("R1", (), (), (), "offline", "English", "h")
    assert "offline" in summarizer_label(offline)
    assert "gpt-4o-mini" in summarizer_label(Summary("R1", (), (), (), "llm:gpt-4o-mini", "English", "h"))
