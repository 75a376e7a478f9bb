"""The digest in Slack: an overview message and, in its thread, one part per summarised item."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.digest import DigestContent, PollItem, RecItem, SummaryBlock, percent
from bot.services.digest import DigestListing
from handlers.blocks.common import (
    MESSAGE_BLOCKS_MAX,
    SECTION_TEXT_MAX,
    Block,
    button,
    context,
    divider,
    escape,
    fallback,
    header,
    section,
    truncate,
)
from handlers.ids import DigestAction

# Items listed per section of the overview; the rest is counted and is in the Markdown attachment.
ITEMS_PER_SECTION = 6
TREND_ICONS = {
    "emerging": ":chart_with_upwards_trend:",
    "losing support": ":chart_with_downwards_trend:",
    "stable": ":heavy_minus_sign:",
    "new": ":new:",
    "changing": ":arrows_counterclockwise:",
}


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


def _contested_line(item: RecItem) -> str:
    crux = [
        f"{escape(o.organisation)} ({o.country}) *{o.position}*: {escape(truncate(o.reason, 160))}"
        for o in item.objections[:3]
    ]
    if item.summary and item.summary.disagreements:
        crux.insert(0, "Crux: " + item.summary.disagreements[0].mrkdwn)
    return _rec_line(item) + ("\n" + "\n".join(f"• {line}" for line in crux) if crux else "")


def _poll_line(poll: PollItem) -> str:
    link = f"<{poll.permalink}|{poll.ref}>" if poll.permalink else poll.ref
    lines = [
        f"*{link}* {escape(truncate(poll.question, 150))} ({poll.status}, "
        f"{poll.respondents} of {poll.audience} answered{', anonymous' if poll.anonymous else ''})"
    ]
    lines += [f"• {escape(line)}" for line in poll.results[:4]]
    lines += [f"↪ {escape(line)}" for line in poll.movement[:2]]
    return "\n".join(lines)


def _listed(title: str, lines: Sequence[str], empty: str) -> list[Block]:
    """A titled section with at most ITEMS_PER_SECTION lines, the rest counted."""
    if not lines:
        return [section(f"*{title}*\n_{empty}_")]
    shown = list(lines[:ITEMS_PER_SECTION])
    rest = len(lines) - len(shown)
    blocks = [section(f"*{title}*")]
    blocks += [section(truncate(line, SECTION_TEXT_MAX)) for line in shown]
    if rest:
        blocks.append(context(f"and {rest} more in the attached Markdown"))
    return blocks


def digest_overview(content: DigestContent) -> tuple[str, list[Block]]:
    """The top-level message; a fixed budget per section keeps it under Slack's 50 blocks."""
    blocks: list[Block] = [
        header(f"Consensus digest · {_date_range(content)}"),
        context(escape(content.summarizer_note)),
        section("*What moved*\n" + "\n".join(f"• {escape(line)}" for line in content.headline)),
        divider(),
    ]
    blocks += _listed(
        "Emerging common denominators",
        [_rec_line(i) for i in content.common_denominators],
        "No recommendation is supported across countries and regions yet.",
    )
    if content.common_themes:
        themes = ", ".join(f"*{escape(t.theme)}* ({', '.join(t.countries)})" for t in content.common_themes)
        blocks.append(section(truncate("Common themes: " + themes, SECTION_TEXT_MAX)))
    blocks += _listed("Contested", [_contested_line(i) for i in content.contested], "Nothing is contested.")
    blocks += _listed("Region-specific priorities", [_rec_line(i) for i in content.region_specific], "None.")
    blocks += _listed("Polls", [_poll_line(p) for p in content.polls], "No poll was open in this period.")
    proposals = [
        f"*{p.ref}* {escape(truncate(p.title, 150))} · {escape(p.proposer)}" for p in content.new_proposals
    ]
    blocks.append(
        section(
            truncate("*New proposals*\n" + ("\n".join(proposals) or "_None this period._"), SECTION_TEXT_MAX)
        )
    )
    missing = [
        f"{escape(m.organisation)} ({m.country}): {escape(', '.join(m.items))}" for m in content.not_answered
    ]
    blocks.append(
        section(
            truncate(
                "*Not answered yet*\n" + ("\n".join(missing) or "_Everyone has answered._"), SECTION_TEXT_MAX
            )
        )
    )
    blocks.append(section("*Next steps*\n" + "\n".join(f"• {escape(step)}" for step in content.next_steps)))
    blocks.append(
        context(
            "Summaries per recommendation are in this thread; the full digest is attached "
            "as Markdown with the chart."
        )
    )
    assert len(blocks) <= MESSAGE_BLOCKS_MAX, "the overview's section budgets exceed Slack's block limit"
    return fallback(f"Consensus digest {_date_range(content)}: " + "; ".join(content.headline[:2])), blocks


def _summary_blocks(summary: SummaryBlock) -> list[Block]:
    blocks: list[Block] = []
    for title, lines in (
        ("Common ground", summary.common_ground),
        ("Disagreements and why", summary.disagreements),
        ("Suggested wording", summary.wording),
    ):
        if lines:
            body = "\n".join(f"• {line.mrkdwn}" for line in lines)
            blocks.append(section(truncate(f"*{title}*\n{body}", SECTION_TEXT_MAX)))
    return blocks


def digest_thread_parts(content: DigestContent) -> list[tuple[str, list[Block]]]:
    """One reply per recommendation with a summary: each well inside one message's limits."""
    parts: list[tuple[str, list[Block]]] = []
    items = [
        *content.common_denominators,
        *content.contested,
        *content.region_specific,
        *content.other_recommendations,
    ]
    for item in items:
        if item.summary is None:
            continue
        blocks = [
            section(_rec_line(item)),
            *_summary_blocks(item.summary),
            context(escape(item.summary.summarizer)),
        ]
        parts.append((fallback(f"{item.ref}: {item.title}"), blocks))
    return parts


def past_digests(listings: Sequence[DigestListing]) -> tuple[str, list[Block]]:
    if not listings:
        text = "No digest has been built yet; the first comes at the scheduled time. `/digest` previews it."
        return "No digest yet", [section(text)]
    blocks: list[Block] = [header("Past digests")]
    for listing in listings[:20]:
        blocks.append(
            section(
                f"*Period from {escape(listing.period_key[:10])}* · {_sent(listing)}\n"
                f"{escape(truncate(listing.headline, 500))}",
                accessory=button("Show", DigestAction.SHOW_PAST.value, str(listing.digest_id)),
            )
        )
    return "Past digests", blocks


def _sent(listing: DigestListing) -> str:
    if listing.sent_at is None:
        return "built, not sent"
    return f"sent <!date^{int(listing.sent_at.timestamp())}^{{date_short_pretty}}|{listing.sent_at:%Y-%m-%d}>"
