"""The digest in Slack: an overview message that reads in two minutes and, in its thread, the full lists
(objections, who has not answered) and one part per summarised item. Typed Block Kit (slack_sdk.models),
so Slack's limits are checked when a block is built."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.domain.digest import (
    DigestContent,
    MissingAnswers,
    OrgPosition,
    PollItem,
    RecItem,
    SummaryBlock,
    WordingRound,
    describe_verdict,
    percent,
)
from bot.domain.polls.kinds import PollStatus
from bot.services.digest import DigestListing
from handlers.blocks.common import (
    HEADER_TEXT_MAX,
    MESSAGE_BLOCKS_MAX,
    SECTION_TEXT_MAX,
    escape,
    fallback,
    truncate,
)
from handlers.ids import DigestAction

# Items listed per section of the overview; the rest is counted and is in the thread and the Markdown.
ITEMS_PER_SECTION = 6
# Objecting organisations shown per recommendation in the overview; all are in the thread.
OBJECTIONS_PER_ITEM = 3
# Organisations listed by name under "Not answered yet" in the overview; more are counted.
MISSING_LISTED_MAX = 6
# Blocks per thread message (under Slack's 50, with room for a title).
PART_BLOCKS_MAX = 40
TREND_ICONS = {
    "emerging": ":chart_with_upwards_trend:",
    "losing support": ":chart_with_downwards_trend:",
    "stable": ":heavy_minus_sign:",
    "new": ":new:",
    "changing": ":arrows_counterclockwise:",
}


def _section(text: str, accessory: ButtonElement | None = None) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_TEXT_MAX)), accessory=accessory)


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=truncate(text, SECTION_TEXT_MAX))])


def _header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=truncate(text, HEADER_TEXT_MAX)))


def _date_range(content: DigestContent) -> str:
    start, end = content.period_start, content.period_end
    return f"{start:%d %b} – {end:%d %b %Y}"


def _rec_line(item: RecItem) -> str:
    countries = ", ".join(item.supporting_countries) or "none yet"
    link = f"<{item.permalink}|{item.ref}>" if item.permalink else item.ref
    return (
        f"{TREND_ICONS.get(item.trend, '')} *{link}* {escape(truncate(item.title, 120))}\n"
        f"support {percent(item.support)} · coverage {percent(item.coverage)} · "
        f"group-aware {percent(item.group_aware_consensus)} · supported in {escape(countries)} · {item.trend}"
    )


def _objection(objection: OrgPosition, reason_max: int) -> str:
    reason = objection.reason.strip()
    said = escape(truncate(reason, reason_max)) if reason else "_no reason given_"
    return f"{escape(objection.organisation)} ({objection.country}) *{objection.position}*: {said}"


def _contested_line(item: RecItem) -> str:
    """The crux of a contested item (its objections are under Objections to resolve)."""
    if item.summary and item.summary.disagreements:
        return _rec_line(item) + "\n• Crux: " + item.summary.disagreements[0].mrkdwn
    return _rec_line(item)


def _objections_line(item: RecItem) -> str:
    shown = [f"• {_objection(o, 160)}" for o in item.objections[:OBJECTIONS_PER_ITEM]]
    rest = len(item.objections) - len(shown)
    if rest:
        shown.append(f"• and {rest} more: listed in this thread")
    link = f"<{item.permalink}|{item.ref}>" if item.permalink else item.ref
    return f"*{link}* {escape(truncate(item.title, 120))} (support {percent(item.support)})\n" + "\n".join(
        shown
    )


def _poll_line(poll: PollItem) -> str:
    link = f"<{poll.permalink}|{poll.ref}>" if poll.permalink else poll.ref
    lines = [
        f"*{link}* {escape(truncate(poll.question, 150))} ({poll.status}, "
        f"{poll.respondents} of {poll.audience} answered{', anonymous' if poll.anonymous else ''})"
    ]
    if poll.verdicts:
        lines += [f"• {v.ref}: {escape(describe_verdict(v))}" for v in poll.verdicts[:4]]
        if len(poll.verdicts) > 4:
            lines.append(f"• and {len(poll.verdicts) - 4} more verdicts in the attached Markdown")
    else:
        lines += [f"• {escape(line)}" for line in poll.results[:4]]
    lines += [f"↪ {escape(line)}" for line in poll.movement[:2]]
    return "\n".join(lines)


def _listed(
    title: str, lines: Sequence[str], empty: str, where: str = "the attached Markdown"
) -> list[Block]:
    """A titled section with at most ITEMS_PER_SECTION lines, the rest counted."""
    if not lines:
        return [_section(f"*{title}*\n_{empty}_")]
    shown = list(lines[:ITEMS_PER_SECTION])
    rest = len(lines) - len(shown)
    blocks: list[Block] = [_section(f"*{title}*")]
    blocks += [_section(line) for line in shown]
    if rest:
        blocks.append(_context(f"and {rest} more in {where}"))
    return blocks


def _missing_line(missing: MissingAnswers) -> str:
    return f"{escape(missing.organisation)} ({missing.country}): {escape(', '.join(missing.items))}"


def _not_answered(content: DigestContent) -> Block:
    missing = content.not_answered
    if not missing:
        return _section("*Not answered yet*\n_Everyone has answered._")
    if len(missing) <= MISSING_LISTED_MAX:
        return _section("*Not answered yet*\n" + "\n".join(_missing_line(m) for m in missing))
    waiting = sorted({ref for m in missing for ref in m.items})
    return _section(
        f"*Not answered yet*\n{len(missing)} organisations still have to answer "
        f"{escape(truncate(', '.join(waiting), 500))}: each is listed in this thread."
    )


def digest_overview(content: DigestContent) -> tuple[str, list[Block]]:
    """The top-level message; a fixed budget per section keeps it under Slack's 50 blocks."""
    blocks: list[Block] = [
        _header(f"Consensus digest · {_date_range(content)}"),
        _context(escape(content.summarizer_note)),
        _section("*What moved*\n" + "\n".join(f"• {escape(line)}" for line in content.headline)),
        DividerBlock(),
    ]
    blocks += _listed(
        "Emerging common denominators",
        [_rec_line(i) for i in content.common_denominators],
        "No recommendation is supported across countries and regions yet.",
    )
    if content.common_themes:
        themes = ", ".join(f"*{escape(t.theme)}* ({', '.join(t.countries)})" for t in content.common_themes)
        blocks.append(_section("Common themes: " + themes))
    blocks += _listed(
        "Objections to resolve",
        [_objections_line(i) for i in content.objected()],
        "No organisation disagrees with or blocks a recommendation.",
        where="this thread",
    )
    blocks += _listed("Contested", [_contested_line(i) for i in content.contested], "Nothing is contested.")
    blocks += _listed("Region-specific priorities", [_rec_line(i) for i in content.region_specific], "None.")
    blocks += _listed("Polls", [_poll_line(p) for p in content.polls], "No poll was open in this period.")
    proposals = [
        f"*{p.ref}* {escape(truncate(p.title, 150))} · {escape(p.proposer)}" for p in content.new_proposals
    ]
    blocks.append(_section("*New proposals*\n" + ("\n".join(proposals) or "_None this period._")))
    blocks.append(_not_answered(content))
    blocks.append(_section("*Next steps*\n" + "\n".join(f"• {escape(step)}" for step in content.next_steps)))
    blocks.append(
        _context(
            "The objections, who has not answered and the summaries per recommendation are in this thread; "
            "the full digest is attached as Markdown with the chart."
        )
    )
    assert len(blocks) <= MESSAGE_BLOCKS_MAX, "the overview's section budgets exceed Slack's block limit"
    return fallback(f"Consensus digest {_date_range(content)}: " + "; ".join(content.headline[:2])), blocks


def _pages(title: str, entries: Sequence[str]) -> list[tuple[str, list[Block]]]:
    """Entries packed into sections under Slack's text limit, and sections into messages."""
    sections: list[str] = []
    for entry in entries:
        entry = truncate(entry, SECTION_TEXT_MAX)
        if sections and len(sections[-1]) + 1 + len(entry) <= SECTION_TEXT_MAX:
            sections[-1] += "\n" + entry
        else:
            sections.append(entry)
    pages = [sections[i : i + PART_BLOCKS_MAX] for i in range(0, len(sections), PART_BLOCKS_MAX)]
    parts: list[tuple[str, list[Block]]] = []
    for page in pages:
        blocks: list[Block] = [_header(title), *(_section(text) for text in page)]
        parts.append((fallback(title), blocks))
    return parts


def _objection_entries(content: DigestContent) -> list[str]:
    entries = []
    for item in content.objected():
        link = f"<{item.permalink}|{item.ref}>" if item.permalink else item.ref
        entries.append(f"*{link}* {escape(truncate(item.title, 150))} (support {percent(item.support)})")
        entries += [f"• {_objection(o, 600)}" for o in item.objections]
    return entries


def _missing_entries(content: DigestContent) -> list[str]:
    entries = [f"• {_missing_line(m)}" for m in content.not_answered]
    for poll in content.polls:
        if poll.not_answered and poll.status == PollStatus.OPEN:
            names = escape(", ".join(poll.not_answered))
            entries.append(f"*{poll.ref}* not answered yet by {len(poll.not_answered)}: {names}")
    return entries


def _summary_blocks(summary: SummaryBlock) -> list[Block]:
    blocks: list[Block] = []
    for title, lines in (
        ("Common ground", summary.common_ground),
        ("Disagreements and why", summary.disagreements),
        ("Suggested wording", summary.wording),
    ):
        if lines:
            body = "\n".join(f"• {line.mrkdwn}" for line in lines)
            blocks.append(_section(f"*{title}*\n{body}"))
    return blocks


def digest_thread_parts(content: DigestContent) -> list[tuple[str, list[Block]]]:
    """The thread's replies: the full objections and who has not answered (when the overview only counts
    them), then one reply per recommendation with a summary; each well inside one message's limits."""
    parts = _pages("Objections to resolve", _objection_entries(content))
    if len(content.not_answered) > MISSING_LISTED_MAX or any(p.not_answered for p in content.polls):
        parts += _pages("Not answered yet", _missing_entries(content))
    if content.common_wording:
        parts += _pages("Common wording rounds", [_wording_round(w) for w in content.common_wording])
    for item in content.all_items():
        if item.summary is None:
            continue
        blocks = [
            _section(_rec_line(item)),
            *_summary_blocks(item.summary),
            _context(escape(item.summary.summarizer)),
        ]
        parts.append((fallback(f"{item.ref}: {item.title}"), blocks))
    return parts


def _wording_round(w: WordingRound) -> str:
    source = " (the partners' own suggested wordings, no LLM)" if w.offline else ""
    poll = f" ({w.poll})" if w.poll else ""
    line = (
        f"*{escape(w.ref)}* round {w.round}{poll}: {w.candidates} options{source}, "
        f"ranked by {w.ballots} of {w.organisations} organisations; "
    )
    line += f"winner: *{escape(w.winner)}*" if w.winner else f"ranking {escape(w.status)}"
    if w.new_version:
        moved = ", ".join(f"{escape(k.replace('_', ' '))} {n}" for k, n in sorted(w.positions_now.items()))
        line += f"; version {w.new_version} was published from it, positions now: {moved}"
    return line + "."


def past_digests(listings: Sequence[DigestListing]) -> tuple[str, list[Block]]:
    if not listings:
        text = "No digest has been built yet; the first comes at the scheduled time. `/digest` previews it."
        return "No digest yet", [_section(text)]
    blocks: list[Block] = [_header("Past digests")]
    for listing in listings[:20]:
        show = ButtonElement(
            text=PlainTextObject(text="Show"),
            action_id=DigestAction.SHOW_PAST.value,
            value=str(listing.digest_id),
        )
        blocks.append(
            _section(
                f"*Period from {escape(listing.period_key[:10])}* · {_sent(listing)}\n"
                f"{escape(truncate(listing.headline, 500))}",
                accessory=show,
            )
        )
    return "Past digests", blocks


def _sent(listing: DigestListing) -> str:
    if listing.sent_at is None:
        return "built, not sent"
    return f"sent <!date^{int(listing.sent_at.timestamp())}^{{date_short_pretty}}|{listing.sent_at:%Y-%m-%d}>"
