"""The weekly digest: figures first (deterministic), then summaries of what changed; one per period."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from bot.config import Settings
from bot.domain.consensus import (
    Organisation,
    RecommendationFigures,
    Snapshot,
    Stance,
    ThemedItem,
    Thresholds,
    natural_key,
    recommendation_figures,
    theme_figures,
    theme_matrix,
    trend,
)
from bot.domain.consultations import Position, reply_permalink
from bot.domain.digest import (
    DigestContent,
    MissingAnswers,
    NewProposal,
    OrgPosition,
    PollItem,
    RecItem,
    StatementLine,
    SummaryBlock,
    ThemeItem,
    ThemeMatrixView,
    percent,
)
from bot.domain.periods import Period
from bot.domain.polls import OptionTally, PollResults, movements
from bot.domain.recommendations import RecommendationView, Status
from bot.domain.summaries import (
    SummaryComment,
    SummaryInput,
    render_statement_markdown,
    render_statement_mrkdwn,
    summarizer_label,
)
from bot.services.consensus import STANCES, ConsensusService, registered_organisations, stances
from bot.services.consensus_settings import thresholds_from
from bot.services.exports import Contributor, ExportData
from bot.services.partners import PartnerService
from bot.services.polls import PollService
from bot.services.recommendations import RecommendationService
from bot.services.summaries import SummaryResult, SummaryService
from prompts.render import render
from storage.db import Database
from storage.models import Consultation, ConsultationComment, ConsultationPosition, Digest
from storage.repositories.digests import DigestRepository

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class BuiltDigest:
    """A digest ready to show or send; `digest_id` is None for an unsaved preview."""

    digest_id: int | None
    content: DigestContent
    markdown: str
    sent: bool


@dataclass(frozen=True)
class DigestListing:
    digest_id: int
    period_key: str
    headline: str
    sent_at: datetime | None


@dataclass(frozen=True)
class _Consulted:
    """One recommendation's latest consultation, with its positions and new comments."""

    consultation: Consultation
    positions: list[ConsultationPosition]
    new_comments: list[ConsultationComment]
    live_comments: int


class DigestService:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        partners: PartnerService,
        recommendations: RecommendationService,
        polls: PollService,
        summaries: SummaryService,
    ) -> None:
        self.db = db
        self.settings = settings
        self.partners = partners
        self.recommendations = recommendations
        self.polls = polls
        self.summaries = summaries
        self.thresholds: Thresholds = thresholds_from(settings)

    # -- building ------------------------------------------------------------------------------

    def preview(self, period: Period, now: datetime) -> BuiltDigest:
        """The digest of `period` as it stands now, not stored (what `/digest` shows)."""
        with self.db.session() as session:
            stored = DigestRepository(session).by_period(period.key)
            if stored is not None and stored.sent_at is not None:
                return _built(stored)
        content, _figures = self._compose(period, now)
        return BuiltDigest(None, content, render_markdown(content), sent=False)

    def build(self, period: Period, now: datetime) -> BuiltDigest:
        """The period's one stored digest: built on first call, the same one after (sent or not)."""
        with self.db.session() as session:
            stored = DigestRepository(session).by_period(period.key)
            if stored is not None:
                return _built(stored)
        content, figures = self._compose(period, now)
        markdown = render_markdown(content)
        try:
            with self.db.session() as session:
                digest = DigestRepository(session).add(_row(period, now, content, markdown, figures))
                return BuiltDigest(digest.id, content, markdown, sent=False)
        except IntegrityError:
            # Another process built this period's digest at the same moment: theirs is the one.
            with self.db.session() as session:
                stored = DigestRepository(session).by_period(period.key)
                assert stored is not None
                return _built(stored)

    def _compose(self, period: Period, now: datetime) -> tuple[DigestContent, dict[str, Any]]:
        with _collector_paused():
            history = self._history(period)
            since = _since(history)
            registered = registered_organisations(self.partners.all())
            recs = {rec.ref: rec for rec in self.recommendations.all()}
            consulted = self._consulted(since)
            items, figures = self._recommendation_items(recs, consulted, registered, history)
        # An LLM may take a while to answer: the collector runs meanwhile. Offline, it is all computing.
        offline = self.summaries.summarizer == "offline"
        with _collector_paused() if offline else nullcontext():
            summaries = self._summaries(recs, consulted)
        with _collector_paused():
            return self._assemble(period, now, since, recs, consulted, registered, items, figures, summaries)

    def _assemble(
        self,
        period: Period,
        now: datetime,
        since: datetime,
        recs: Mapping[str, RecommendationView],
        consulted: Mapping[str, _Consulted],
        registered: Sequence[Organisation],
        items: list[RecItem],
        figures: dict[str, Any],
        summaries: Mapping[str, tuple[SummaryBlock, SummaryResult]],
    ) -> tuple[DigestContent, dict[str, Any]]:
        items = [
            item.model_copy(update={"summary": summaries[item.ref][0]}) if item.ref in summaries else item
            for item in items
        ]
        polls, poll_gaps = self._polls(since)
        new = [rec for rec in recs.values() if rec.origin is None and rec.created_at >= since]
        results = [result for _, result in summaries.values()]
        content = _assemble(
            period=period,
            now=now,
            items=items,
            polls=polls,
            new=new,
            figures=figures,
            recs=recs,
            registered=registered,
            thresholds=self.thresholds,
            consulted=consulted,
            summary_results=results,
            summarizer=self.summaries.summarizer,
            poll_gaps=poll_gaps,
        )
        return content, figures

    def _history(self, period: Period) -> list[Digest]:
        with self.db.session() as session:
            return list(DigestRepository(session).before(period.key, limit=2))

    def _consulted(self, since: datetime) -> dict[str, _Consulted]:
        with self.db.session() as session:
            repo = DigestRepository(session)
            consultations = [c for c in repo.latest_consultations() if c.message_ts]
            ids = [c.id for c in consultations]
            positions: dict[int, list[ConsultationPosition]] = defaultdict(list)
            for position in repo.positions(ids):
                positions[position.consultation_id].append(position)
            new_comments: dict[int, list[ConsultationComment]] = defaultdict(list)
            for comment in repo.comments_changed_since(ids, since):
                new_comments[comment.consultation_id].append(comment)
            counts = repo.live_comment_counts(ids)
            return {
                f"R{c.recommendation.number}": _Consulted(
                    c, positions[c.id], new_comments[c.id], counts.get(c.id, 0)
                )
                for c in consultations
            }

    def _recommendation_items(
        self,
        recs: Mapping[str, RecommendationView],
        consulted: Mapping[str, _Consulted],
        registered: Sequence[Organisation],
        history: Sequence[Digest],
    ) -> tuple[list[RecItem], dict[str, Any]]:
        items: list[RecItem] = []
        snapshots: dict[str, Any] = {}
        for ref in sorted(consulted, key=natural_key):
            rec = recs.get(ref)
            if rec is None or rec.status is Status.WITHDRAWN:
                continue
            data = consulted[ref]
            figures = recommendation_figures(stances(data.positions, registered), registered, self.thresholds)
            current = Snapshot.of(figures)
            past = [_snapshot(digest.figures.get(ref)) for digest in reversed(history)]
            snapshots[ref] = _snapshot_json(current, figures)
            items.append(
                _rec_item(rec, data, figures, trend([s for s in past if s], current, self.thresholds))
            )
        return items, snapshots

    def _summaries(
        self, recs: Mapping[str, RecommendationView], consulted: Mapping[str, _Consulted]
    ) -> dict[str, tuple[SummaryBlock, SummaryResult]]:
        """Only recommendations with new or edited comments since the last digest cost a summary."""
        inputs = [
            _summary_input(recs[ref], data)
            for ref, data in sorted(consulted.items(), key=lambda pair: natural_key(pair[0]))
            if data.new_comments and ref in recs
        ]
        batch = self.summaries.summarize_all(inputs)
        blocks: dict[str, tuple[SummaryBlock, SummaryResult]] = {}
        for item, result in zip(inputs, batch.results, strict=True):
            blocks[item.ref] = (_summary_block(item, result), result)
        return blocks

    def _polls(self, since: datetime) -> tuple[list[PollItem], dict[str, list[str]]]:
        """The poll items and each organisation's unanswered open polls, from one read of the results
        of the polls open or closed since the last digest (the bulk of a build's objects)."""
        poll_results = self.polls.active_results(since)
        return [_poll_item(results) for results in poll_results], self._poll_gaps(poll_results)

    def _poll_gaps(self, poll_results: Sequence[PollResults]) -> dict[str, list[str]]:
        """Open polls each organisation has not answered (no member answered)."""
        gaps: dict[str, list[str]] = defaultdict(list)
        for results in poll_results:
            if not results.poll.is_open:
                continue
            answered = {p.organisation for p in results.respondents}
            for organisation in sorted({p.organisation for p in results.non_respondents} - answered):
                gaps[organisation].append(results.poll.ref)
        return gaps

    # -- storing and delivering ----------------------------------------------------------------

    def claim_delivery(self, digest_id: int, recipient: str) -> bool:
        """True for exactly one caller per recipient: the one that must send."""
        from storage.models import DigestDelivery

        try:
            with self.db.session() as session:
                session.add(DigestDelivery(digest_id=digest_id, recipient=recipient))
            return True
        except IntegrityError:
            return False

    def delivered(
        self, digest_id: int, recipient: str, channel_id: str, message_ts: str, now: datetime
    ) -> None:
        with self.db.session() as session:
            repo = DigestRepository(session)
            delivery = repo.delivery(digest_id, recipient)
            if delivery is not None:
                delivery.channel_id, delivery.message_ts, delivery.delivered_at = channel_id, message_ts, now
            repo.mark_sent(digest_id, now)

    def release_delivery(self, digest_id: int, recipient: str) -> None:
        """A failed send gives the claim back, so the next run tries that recipient again."""
        with self.db.session() as session:
            DigestRepository(session).release(digest_id, recipient)

    def past(self, limit: int = 10) -> list[DigestListing]:
        with self.db.session() as session:
            return [
                DigestListing(d.id, d.period_key, d.headline, d.sent_at)
                for d in DigestRepository(session).recent(limit)
            ]

    def stored(self, digest_id: int) -> BuiltDigest | None:
        with self.db.session() as session:
            digest = DigestRepository(session).get(digest_id)
            return _built(digest) if digest else None

    def last_delivered(self) -> datetime | None:
        with self.db.session() as session:
            sent = [d.sent_at for d in DigestRepository(session).recent(20) if d.sent_at]
            return max(sent) if sent else None


# -- helpers: plain functions over the gathered data ---------------------------------------------


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Builds allocate many short-lived objects that reference counting frees anyway; the cyclic
    collector's full passes over them made build time grow faster than the data (benchmarks/)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_markdown(content: DigestContent) -> str:
    period = f"{content.period_start:%d %b} – {content.period_end:%d %b %Y}"
    summarised = [item for item in _all_items(content) if item.summary is not None]
    return render("digest.md.j2", c=content, period=period, summarised=summarised)


def _all_items(content: DigestContent) -> list[RecItem]:
    return [
        *content.common_denominators,
        *content.contested,
        *content.region_specific,
        *content.other_recommendations,
    ]


def _built(digest: Digest) -> BuiltDigest:
    content = DigestContent.model_validate(digest.content)
    return BuiltDigest(digest.id, content, digest.markdown, sent=digest.sent_at is not None)


def _row(
    period: Period, now: datetime, content: DigestContent, markdown: str, figures: dict[str, Any]
) -> Digest:
    return Digest(
        period_key=period.key,
        period_start=period.start,
        period_end=period.end,
        covers_until=now,
        built_at=now,
        summarizer=content.summarizer,
        prompt_tokens=content.prompt_tokens,
        completion_tokens=content.completion_tokens,
        headline="; ".join(content.headline)[:2000],
        markdown=markdown,
        figures=figures,
        content=content.model_dump(mode="json"),
    )


def _since(history: Sequence[Digest]) -> datetime:
    return history[0].covers_until if history else _EPOCH


def _snapshot(raw: object) -> Snapshot | None:
    if not isinstance(raw, dict):
        return None
    return Snapshot(
        support=float(raw["support"]),
        coverage=float(raw["coverage"]),
        common_denominator=bool(raw["common_denominator"]),
        delphi_consensus=bool(raw["delphi_consensus"]),
        divisive=bool(raw["divisive"]),
    )


def _snapshot_json(snapshot: Snapshot, figures: RecommendationFigures) -> dict[str, Any]:
    return {
        "support": snapshot.support,
        "coverage": snapshot.coverage,
        "common_denominator": snapshot.common_denominator,
        "delphi_consensus": snapshot.delphi_consensus,
        "divisive": snapshot.divisive,
        "supporting_countries": list(figures.supporting_countries),
    }


def _rec_item(
    rec: RecommendationView, data: _Consulted, figures: RecommendationFigures, direction: object
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


def _summary_input(rec: RecommendationView, data: _Consulted) -> SummaryInput:
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


def _summary_block(item: SummaryInput, result: SummaryResult) -> SummaryBlock:
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


def _poll_item(results: PollResults) -> PollItem:
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
    )


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


def _assemble(
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
    consulted: Mapping[str, _Consulted],
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
        next_steps=_next_steps(common, contested, polls, consulted, now),
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
    closed = [p.ref for p in polls if p.status == "closed"]
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
    contested: Sequence[RecItem],
    polls: Sequence[PollItem],
    consulted: Mapping[str, _Consulted],
    now: datetime,
) -> list[str]:
    steps = []
    ready = [i.ref for i in common if i.delphi_consensus and consulted[i.ref].consultation.status == "open"]
    if ready:
        steps.append("Consider closing the consultation as endorsed for " + ", ".join(ready) + ".")
    for item in contested[:3]:
        who = ", ".join(sorted({o.organisation for o in item.objections})) or "the objecting partners"
        steps.append(f"Discuss the crux of {item.ref} with {who} before revising it.")
    overdue = [
        ref
        for ref, data in consulted.items()
        if data.consultation.status == "open" and data.consultation.deadline <= now
    ]
    if overdue:
        steps.append(
            "Close the consultations past their deadline: "
            + ", ".join(sorted(overdue, key=natural_key))
            + "."
        )
    open_polls = [p.ref for p in polls if p.status == "open" and p.respondents < p.audience]
    if open_polls:
        steps.append(
            "Remind non-respondents of " + ", ".join(open_polls) + " (Remind non-respondents on the poll)."
        )
    return steps or ["Nothing waits on the coordinator this week."]


def consensus_contributor(service: ConsensusService) -> Contributor:
    """Adds each recommendation's `consensus` figures (INTERFACE.md) to the export."""

    def contribute(data: ExportData) -> None:
        figures = service.figures()
        for row in data.document.get("recommendations", []):
            if row["ref"] in figures:
                row["consensus"] = figures[row["ref"]].to_dict()
        data.tables["consensus"] = [
            {"ref": ref} | {k: v for k, v in f.to_dict().items() if not isinstance(v, dict)}
            for ref, f in sorted(figures.items(), key=lambda pair: natural_key(pair[0]))
        ]

    return contribute
