"""Issue 10 §2 end to end: the digest names every objection, whatever the support, and its Markdown is
correct Markdown (parsed with a real Markdown parser, as a reader's viewer would)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.domain.periods import current_period
from bot.jobs.digest import send_period_digest
from bot.localslack import FakeSlack, SlackSender
from bot.services import Services
from tests.conftest import CHANNEL
from tests.slack.consultation_support import CATALONIA, COORDINATOR, LOMBARDY, answer, propose, start

GERMANY = "U0DE00001"
POLAND = "U0PL00001"
HUNGARY = "U0HU00001"
FLANDERS = "U0BE00001"
REASON = "Overlaps with our regional R&D vouchers."


@pytest.fixture
def supported_with_one_objection(slack: SlackSender, fake_slack: FakeSlack, consortium: Services) -> str:
    """R1 is backed in five countries; Lombardy alone disagrees, with a reason; Flanders comments."""
    ref = propose(consortium, "EU-wide programme for collaborative R&D")
    root = start(slack, fake_slack, ref)
    for user in (HUNGARY, CATALONIA, GERMANY, POLAND, FLANDERS):
        answer(slack, fake_slack, root, user, "agree")
    answer(slack, fake_slack, root, LOMBARDY, "disagree", REASON)
    slack.user_posts(CHANNEL, FLANDERS, "Flanders would co-fund the pilot.", thread_ts=root.ts)
    fake_slack.wait_until(lambda: consortium.consultations.latest(ref).comments == 1)  # type: ignore[union-attr]
    return ref


def _send(consortium: Services) -> None:
    settings = consortium.settings
    period = current_period(settings.digest_cron, settings.timezone, datetime.now(UTC))
    report = send_period_digest(consortium, period)
    assert report.sent == [COORDINATOR]


def _markdown(fake_slack: FakeSlack) -> str:
    attached = next(f for f in fake_slack.files() if f.name.endswith(".md"))
    assert attached.content is not None
    return attached.content.decode()


def _parse(markdown: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(markdown)


def _inline_text(token: Token) -> str:
    """What a reader sees of an inline token: its text with entities and escapes resolved."""
    return "".join(child.content for child in token.children or [] if child.type in ("text", "code_inline"))


def test_a_supported_recommendation_still_names_its_objection_with_country_and_reason(
    supported_with_one_objection: str, fake_slack: FakeSlack, consortium: Services
) -> None:
    ref = supported_with_one_objection
    fake_slack.reset_calls()
    _send(consortium)

    built = consortium.digest.stored(consortium.digest.past(1)[0].digest_id)
    assert built is not None
    item = next(i for i in built.content.all_items() if i.ref == ref)
    assert item.common_denominator and item not in built.content.contested
    overview = fake_slack.calls("chat.postMessage")[0]
    shown = str(overview.params["blocks"])
    assert "Objections to resolve" in shown
    assert f"Lombardy Region (IT) *Disagree*: {REASON.replace('&', '&amp;')}" in shown
    assert f"Resolve the objection to {ref}: Lombardy Region (IT, Disagree)." in built.content.next_steps
    assert any(s.startswith("Try Find common wording") and ref in s for s in built.content.next_steps)

    tokens = _parse(_markdown(fake_slack))
    texts = [_inline_text(t) for t in tokens if t.type == "inline"]
    assert f"Lombardy Region (IT), Disagree: {REASON}" in texts
    assert f"Resolve the objection to {ref}: Lombardy Region (IT, Disagree)." in texts


def test_the_markdown_digest_is_correct_markdown(
    supported_with_one_objection: str, fake_slack: FakeSlack, consortium: Services
) -> None:
    _send(consortium)
    tokens = _parse(_markdown(fake_slack))

    # Names with "&" read as "&" where the summary cites them (a link to the comment in Slack).
    link_texts = []
    for inline in (t for t in tokens if t.type == "inline"):
        children = inline.children or []
        for i, child in enumerate(children):
            if child.type == "link_open":
                link_texts.append(children[i + 1].content)
    assert "Flanders Innovation & Entrepreneurship (BE)" in link_texts
    assert not any("&amp;" in text for text in link_texts)

    # The theme tables (by country and by region) are real tables: a header row, and every row as wide.
    tables = _tables(tokens)
    assert len(tables) == 2
    for header, rows in tables:
        assert header[0] == "theme" and len(header) > 1
        assert rows and all(len(row) == len(header) for row in rows)
    by_country, by_region = tables[0][0], tables[1][0]
    assert "BE" in by_country and "IT" in by_country
    assert "Flanders" in by_region and "Lower Austria" in by_region


def _tables(tokens: list[Token]) -> list[tuple[list[str], list[list[str]]]]:
    """Each table's header cells and its body rows' cells, as a Markdown reader builds them."""
    tables: list[tuple[list[str], list[list[str]]]] = []
    header: list[str] = []
    rows: list[list[str]] = []
    row: list[str] = []
    in_head = in_table = False
    for token in tokens:
        if token.type == "table_open":
            header, rows, in_table = [], [], True
        elif token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and in_table:
            row.append(_inline_text(token))
        elif token.type == "tr_close":
            if in_head:
                header = row
            else:
                rows.append(row)
        elif token.type == "table_close":
            tables.append((header, rows))
            in_table = False
    return tables
