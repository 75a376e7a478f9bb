"""The weekly digest: figures first (deterministic), then summaries of what changed; one per period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from bot.config import Settings
from bot.domain.consensus.recommendations import recommendation_figures
from bot.domain.consensus.scales import Snapshot, trend
from bot.domain.consensus.thresholds import Organisation, Thresholds, natural_key
from bot.domain.digest import (
    DigestContent,
    PollItem,
    RecItem,
    SummaryBlock,
    WordingRound,
)
from bot.domain.periods import Period
from bot.domain.polls.tallies import PollResults
from bot.domain.recommendations import RecommendationView, Status
from bot.services.consensus import registered_organisations, stances
from bot.services.consensus_settings import thresholds_from
from bot.services.digest_items import (
    Consulted,
    poll_item,
    rec_item,
    snapshot,
    snapshot_json,
    summary_block,
    summary_input,
)
from bot.services.digest_sections import assemble
from bot.services.partners import PartnerService
from bot.services.polls import PollService
from bot.services.recommendations import RecommendationService
from bot.services.summaries import SummaryResult, SummaryService
from prompts.render import render
from storage.db import Database
from storage.models import ConsultationComment, ConsultationPosition, Digest
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
        # The period's common-wording rounds (the bridging service, wired by build_services).
        self.wording_rounds: Callable[[datetime], list[WordingRound]] = lambda _since: []

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
        history = self._history(period)
        since = _since(history)
        registered = registered_organisations(self.partners.all())
        recs = {rec.ref: rec for rec in self.recommendations.all()}
        consulted = self._consulted(since)
        items, figures = self._recommendation_items(recs, consulted, registered, history)
        summaries = self._summaries(recs, consulted)
        content, figures = self._assemble(
            period, now, since, recs, consulted, registered, items, figures, summaries
        )
        return content.model_copy(update={"common_wording": self.wording_rounds(since)}), figures

    def _assemble(
        self,
        period: Period,
        now: datetime,
        since: datetime,
        recs: Mapping[str, RecommendationView],
        consulted: Mapping[str, Consulted],
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
        content = assemble(
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

    def _consulted(self, since: datetime) -> dict[str, Consulted]:
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
                f"R{c.recommendation.number}": Consulted(
                    c, positions[c.id], new_comments[c.id], counts.get(c.id, 0)
                )
                for c in consultations
            }

    def _recommendation_items(
        self,
        recs: Mapping[str, RecommendationView],
        consulted: Mapping[str, Consulted],
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
            past = [snapshot(digest.figures.get(ref)) for digest in reversed(history)]
            snapshots[ref] = snapshot_json(current, figures)
            items.append(
                rec_item(rec, data, figures, trend([s for s in past if s], current, self.thresholds))
            )
        return items, snapshots

    def _summaries(
        self, recs: Mapping[str, RecommendationView], consulted: Mapping[str, Consulted]
    ) -> dict[str, tuple[SummaryBlock, SummaryResult]]:
        """Only recommendations with new or edited comments since the last digest cost a summary."""
        inputs = [
            summary_input(recs[ref], data)
            for ref, data in sorted(consulted.items(), key=lambda pair: natural_key(pair[0]))
            if data.new_comments and ref in recs
        ]
        batch = self.summaries.summarize_all(inputs)
        blocks: dict[str, tuple[SummaryBlock, SummaryResult]] = {}
        for item, result in zip(inputs, batch.results, strict=True):
            blocks[item.ref] = (summary_block(item, result), result)
        return blocks

    def _polls(self, since: datetime) -> tuple[list[PollItem], dict[str, list[str]]]:
        """The poll items and each organisation's unanswered open polls, from one read of the results
        of the polls open or closed since the last digest (the bulk of a build's objects)."""
        poll_results = self.polls.active_results(since)
        return [poll_item(results) for results in poll_results], self._poll_gaps(poll_results)

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
        try:
            with self.db.session() as session:
                DigestRepository(session).claim(digest_id, recipient)
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
