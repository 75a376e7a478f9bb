"""The digest's items, made from what the service gathered: one recommendation, poll or summary each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.domain.consensus.recommendations import RecommendationFigures
from bot.domain.consensus.scales import Snapshot
from bot.domain.consensus.thresholds import Stance
from bot.domain.consultations.kinds import Position
from bot.domain.consultations.threads import reply_permalink
from bot.domain.digest import (
    OrgPosition,
    PollItem,
    RecItem,
    ReviewVerdict,
    StatementLine,
    SummaryBlock,
    percent,
    review_verdict,
)
from bot.domain.polls.tallies import OptionTally, PollResults, movements
from bot.domain.recommendations import RecommendationView, format_ref
from bot.domain.summaries import SummaryComment, SummaryInput, summarizer_label
from bot.domain.summary_text import render_statement_markdown, render_statement_mrkdwn
from bot.services.consensus import STANCES
from bot.services.summaries import SummaryResult
from storage.models import Consultation, ConsultationComment, ConsultationPosition


@dataclass(frozen=True)
class Consulted:
    """One recommendation's latest consultation, with its positions and new comments."""

    consultation: Consultation
    positions: list[ConsultationPosition]
    new_comments: list[ConsultationComment]
    live_comments: int


def snapshot(raw: object) -> Snapshot | None:
    if not isinstance(raw, dict):
        return None
    return Snapshot(
        support=float(raw["support"]),
        coverage=float(raw["coverage"]),
        common_denominator=bool(raw["common_denominator"]),
        delphi_consensus=bool(raw["delphi_consensus"]),
        divisive=bool(raw["divisive"]),
    )


def snapshot_json(snapshot: Snapshot, figures: RecommendationFigures) -> dict[str, Any]:
    return {
        "support": snapshot.support,
        "coverage": snapshot.coverage,
        "common_denominator": snapshot.common_denominator,
        "delphi_consensus": snapshot.delphi_consensus,
        "divisive": snapshot.divisive,
        "supporting_countries": list(figures.supporting_countries),
    }


def rec_item(
    rec: RecommendationView, data: Consulted, figures: RecommendationFigures, direction: object
) -> RecItem:
    exported = figures.to_dict()
    positions = {position.value: 0 for position in Position}
    for p in data.positions:
        positions[p.position] += 1
    supporters = [
        f"{p.organisation} ({p.country})"
        for p in data.positions
        if STANCES[Position(p.position)] is Stance.SUPPORT
    ]
    objections = [
        OrgPosition(
            organisation=p.organisation,
            country=p.country,
            region=p.region,
            position=Position(p.position).label,
            reason=p.reason,
        )
        for p in data.positions
        if Position(p.position) in (Position.DISAGREE, Position.BLOCK)
    ]
    proposer = f"{rec.proposer_organisation} ({rec.proposer_country})" if rec.proposer_organisation else None
    return RecItem(
        ref=rec.ref,
        title=rec.title,
        status=rec.status.value,
        themes=list(rec.themes),
        origin=rec.origin,
        proposer=proposer,
        coverage=figures.coverage,
        support=figures.support,
        opposition=figures.opposition,
        group_aware_consensus=figures.group_aware_consensus,
        supporting_countries=list(figures.supporting_countries),
        supporting_regions=list(figures.supporting_regions),
        common_denominator=figures.common_denominator,
        divisive=figures.divisive,
        delphi_consensus=figures.delphi_consensus,
        region_specific=figures.region_specific,
        blocked=bool(exported.get("blocked")),
        trend=str(direction),
        positions=positions,
        supporters=supporters,
        objections=objections,
        not_answered=[org.name for org in figures.not_answered],
        new_comments=len(data.new_comments),
        permalink=data.consultation.permalink,
        country_support={
            country: group.a / group.n for country, group in figures.per_country.items() if group.n
        },
    )


def summary_input(rec: RecommendationView, data: Consulted) -> SummaryInput:
    position_of = {p.organisation: p.position for p in data.positions}
    root = data.consultation.permalink
    comments = [
        SummaryComment(
            id=f"c{comment.id}",
            organisation=comment.organisation,
            region=comment.region,
            country=comment.country,
            position=position_of.get(comment.organisation or ""),
            text=comment.text,
            permalink=reply_permalink(root, comment.channel_id, comment.ts, comment.thread_ts),
        )
        for comment in data.new_comments
    ]
    counts: dict[str, int] = defaultdict(int)
    for p in data.positions:
        counts[Position(p.position).label] += 1
    summary_of_positions = (
        ", ".join(f"{label} {n}" for label, n in sorted(counts.items())) or "no positions yet"
    )
    return SummaryInput(rec.ref, rec.title, rec.text, rec.version, comments, summary_of_positions)


def summary_block(item: SummaryInput, result: SummaryResult) -> SummaryBlock:
    summary = result.summary

    def lines(statements: Iterable[Any]) -> list[StatementLine]:
        return [
            StatementLine(
                mrkdwn=render_statement_mrkdwn(s, item), markdown=render_statement_markdown(s, item)
            )
            for s in statements
        ]

    return SummaryBlock(
        summarizer=summarizer_label(summary),
        common_ground=lines(summary.common_ground),
        disagreements=lines(summary.disagreements),
        wording=lines(summary.wording_suggestions),
    )


def poll_item(results: PollResults) -> PollItem:
    poll = results.poll
    lines = (
        [_tally_line(t) for t in results.tallies]
        if not results.hidden
        else ["results hidden until the poll closes"]
    )
    movement = (
        [f"{m.label}: {_tally_values(m.before)} → {_tally_values(m.after)}" for m in movements(results)]
        if not results.hidden
        else []
    )
    missing = sorted({f"{p.organisation} ({p.country})" for p in results.non_respondents})
    return PollItem(
        ref=poll.ref,
        question=poll.question,
        kind=poll.kind.value,
        status=poll.status.value,
        anonymous=poll.anonymous,
        respondents=results.respondent_count,
        audience=results.audience_size,
        results=lines[:10],
        movement=movement[:10],
        not_answered=missing,
        verdicts=[] if results.hidden else _review_verdicts(results),
    )


def _review_verdicts(results: PollResults) -> list[ReviewVerdict]:
    """A validity review's verdict per recommendation (none for other kinds of poll)."""
    refs = results.poll.option_refs
    verdicts = []
    for tally in results.tallies:
        if tally.verdicts is None:
            continue
        ref = format_ref(refs[tally.index]) if tally.index < len(refs) else tally.label
        title = tally.label.removeprefix(f"{ref} · ")
        verdicts.append(review_verdict(ref, title, tally.verdicts))
    return verdicts


def _tally_line(tally: OptionTally) -> str:
    return f"{tally.label}: {_tally_values(tally)}"


def _tally_values(tally: OptionTally) -> str:
    """What an option, statement or recommendation got, in words (without its label)."""
    if tally.scale is not None and tally.scale.n:
        scale = tally.scale
        iqr = "" if scale.iqr is None else f", IQR {scale.iqr:g}"
        return f"{percent(scale.agree_share)} agree, {percent(scale.disagree_share)} disagree{iqr}"
    if tally.verdicts:
        verdicts = ", ".join(f"{verdict.label} {count}" for verdict, count in tally.verdicts.items() if count)
        return verdicts or "no answers"
    if tally.points is not None:
        return f"{tally.points} points"
    if tally.borda is not None:
        return f"Borda {tally.borda:g}"
    return f"{tally.votes} vote{'s' if tally.votes != 1 else ''}"
