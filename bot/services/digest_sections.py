"""The digest's sections: which item goes where, the headline, who has not answered, the next steps."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.domain.consensus.themes import ThemedItem, theme_figures, theme_matrix
from bot.domain.consensus.thresholds import Organisation, Thresholds, natural_key
from bot.domain.consultations.kinds import ConsultationStatus
from bot.domain.digest import (
    DigestContent,
    MissingAnswers,
    NewProposal,
    PollItem,
    RecItem,
    ThemeItem,
    ThemeMatrixView,
)
from bot.domain.digest_steps import common_wording_step, objection_steps, review_steps
from bot.domain.periods import Period
from bot.domain.polls.kinds import PollStatus
from bot.domain.recommendations import RecommendationView, Status
from bot.services.digest_items import Consulted
from bot.services.summaries import SummaryResult


def assemble(
    *,
    period: Period,
    now: datetime,
    items: list[RecItem],
    polls: list[PollItem],
    new: list[RecommendationView],
    figures: dict[str, Any],
    recs: Mapping[str, RecommendationView],
    registered: Sequence[Organisation],
    thresholds: Thresholds,
    consulted: Mapping[str, Consulted],
    summary_results: Sequence[SummaryResult],
    summarizer: str,
    poll_gaps: Mapping[str, list[str]],
) -> DigestContent:
    common = [i for i in items if i.common_denominator]
    contested = [i for i in items if (i.divisive or i.blocked) and not i.common_denominator]
    # By ref (unique per item): comparing the items themselves is field by field, quadratic in their number.
    contested_refs = {i.ref for i in contested}
    regional = [
        i for i in items if i.region_specific and i.ref not in contested_refs and not i.common_denominator
    ]
    placed = {i.ref for i in (*common, *contested, *regional)}
    others = [i for i in items if i.ref not in placed]
    themed = [_themed(i, recs[i.ref]) for i in items]
    themes = theme_figures(themed, thresholds)
    matrix = theme_matrix(
        themed,
        thresholds,
        countries=sorted({o.country for o in registered}),
        regions=sorted({o.region for o in registered}),
    )
    return DigestContent(
        period_key=period.key,
        period_start=period.start,
        period_end=period.end,
        generated_at=now,
        summarizer=summarizer,
        summarizer_note=_summarizer_note(summarizer, summary_results),
        headline=_headline(items, polls, new, summary_results),
        common_denominators=common,
        common_themes=[
            ThemeItem(
                theme=t.theme,
                recommendations=list(t.supported),
                countries=list(t.countries),
                regions=list(t.regions),
                common_denominator=True,
            )
            for t in themes
            if t.common_denominator
        ],
        contested=contested,
        region_specific=regional,
        other_recommendations=others,
        polls=polls,
        new_proposals=[
            NewProposal(
                ref=r.ref, title=r.title, proposer=f"{r.proposer_organisation} ({r.proposer_country})"
            )
            for r in sorted(new, key=lambda r: r.number)
        ],
        not_answered=_not_answered(items, registered, poll_gaps),
        next_steps=_next_steps(common, items, polls, consulted, now),
        theme_matrix=ThemeMatrixView.model_validate(matrix.to_dict()),
        prompt_tokens=sum(r.prompt_tokens for r in summary_results),
        completion_tokens=sum(r.completion_tokens for r in summary_results),
        summaries_from_cache=sum(1 for r in summary_results if r.from_cache),
        summaries_written=sum(1 for r in summary_results if not r.from_cache),
    )


def _themed(item: RecItem, rec: RecommendationView) -> ThemedItem:
    return ThemedItem(
        ref=item.ref,
        themes=tuple(item.themes),
        proposer_country=rec.proposer_country,
        proposer_region=rec.proposer_region,
        support=item.support,
        supporting_countries=tuple(item.supporting_countries),
        supporting_regions=tuple(item.supporting_regions),
    )


def _summarizer_note(summarizer: str, results: Sequence[SummaryResult]) -> str:
    fallbacks = [r for r in results if r.fallback_reason]
    if summarizer == "offline":
        return (
            "Summaries by the offline summarizer (the most representative comments, quoted); "
            "no LLM is configured (OPENAI_API_KEY is not set)."
        )
    note = f"Summaries by an LLM ({summarizer.removeprefix('llm:')}), grounded in the quoted comments."
    if fallbacks:
        note += (
            f" {len(fallbacks)} of {len(results)} fell back to the offline summarizer "
            f"({fallbacks[0].fallback_reason})."
        )
    return note


def _headline(
    items: Sequence[RecItem],
    polls: Sequence[PollItem],
    new: Sequence[RecommendationView],
    results: Sequence[SummaryResult],
) -> list[str]:
    lines = []
    emerging = [i.ref for i in items if i.trend == "emerging"]
    losing = [i.ref for i in items if i.trend == "losing support"]
    common = [i.ref for i in items if i.common_denominator]
    if common:
        lines.append(f"{len(common)} common denominator{'s' if len(common) > 1 else ''}: {', '.join(common)}")
    if emerging:
        lines.append("Emerging consensus on " + ", ".join(emerging))
    if losing:
        lines.append("Losing support: " + ", ".join(losing))
    blocked = [i.ref for i in items if i.blocked]
    if blocked:
        lines.append("Blocked by at least one organisation: " + ", ".join(blocked))
    objected = [i.ref for i in items if i.objections and not i.blocked]
    if objected:
        lines.append("Disagreed with by at least one organisation: " + ", ".join(objected))
    comments = sum(i.new_comments for i in items)
    if comments:
        active = sum(1 for i in items if i.new_comments)
        lines.append(
            f"{comments} new or edited comment{'s' if comments > 1 else ''} on {active} "
            f"recommendation{'s' if active > 1 else ''}"
        )
    if new:
        lines.append(
            f"{len(new)} new proposal{'s' if len(new) > 1 else ''}: " + ", ".join(r.ref for r in new)
        )
    closed = [p.ref for p in polls if p.status == PollStatus.CLOSED]
    if closed:
        lines.append("Polls closed: " + ", ".join(closed))
    return lines or ["A quiet week: no new positions, comments, proposals or poll results."]


def _not_answered(
    items: Sequence[RecItem], registered: Sequence[Organisation], poll_gaps: Mapping[str, list[str]]
) -> list[MissingAnswers]:
    missing: dict[str, list[str]] = defaultdict(list)
    for item in items:
        if item.status == Status.IN_CONSULTATION.value:
            for organisation in item.not_answered:
                missing[organisation].append(item.ref)
    for organisation, refs in poll_gaps.items():
        missing[organisation].extend(refs)
    known = {org.name: org for org in registered}
    return [
        MissingAnswers(
            organisation=name,
            country=known[name].country if name in known else "",
            region=known[name].region if name in known else "",
            items=refs,
        )
        for name, refs in sorted(missing.items())
        if refs
    ]


def _next_steps(
    common: Sequence[RecItem],
    items: Sequence[RecItem],
    polls: Sequence[PollItem],
    consulted: Mapping[str, Consulted],
    now: datetime,
) -> list[str]:
    steps = []
    ready = [
        i.ref
        for i in common
        if i.delphi_consensus and consulted[i.ref].consultation.status == ConsultationStatus.OPEN
    ]
    if ready:
        steps.append("Consider closing the consultation as endorsed for " + ", ".join(ready) + ".")
    steps += objection_steps(items)
    steps += common_wording_step(
        [
            i.ref
            for i in items
            if i.objections
            and i.ref in consulted
            and consulted[i.ref].consultation.status == ConsultationStatus.OPEN
        ]
    )
    steps += review_steps(polls)
    overdue = [
        ref
        for ref, data in consulted.items()
        if data.consultation.status == ConsultationStatus.OPEN and data.consultation.deadline <= now
    ]
    if overdue:
        steps.append(
            "Close the consultations past their deadline: "
            + ", ".join(sorted(overdue, key=natural_key))
            + "."
        )
    open_polls = [p.ref for p in polls if p.status == PollStatus.OPEN and p.respondents < p.audience]
    if open_polls:
        steps.append(
            "Remind non-respondents of " + ", ".join(open_polls) + " (Remind non-respondents on the poll)."
        )
    return steps or ["Nothing waits on the coordinator this week."]
