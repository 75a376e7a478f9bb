"""The App Home: what one person must answer, their organisation's positions, their proposals, the
latest digest's headline, and for coordinators a dashboard and the consensus board.

A screen is read in one session with a fixed number of bulk queries (never one per poll, consultation
or partner).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

from bot.domain.consensus.recommendations import recommendation_figures
from bot.domain.consensus.scales import Snapshot, trend
from bot.domain.consensus.thresholds import Organisation
from bot.domain.consultations.kinds import Position
from bot.domain.home import (
    BoardRow,
    ConsultationItem,
    Dashboard,
    HomeScreen,
    OrgPosition,
    Progress,
    Proposal,
    in_audience,
    organisations_missing,
    poll_missing,
)
from bot.domain.partners import PartnerInfo
from bot.domain.polls.drafts import PollView
from bot.domain.polls.kinds import Audience
from bot.domain.recommendations import Status, format_ref
from bot.services.consensus import ConsensusService, registered_organisations, stances
from bot.services.partners import to_info
from bot.services.polls.base import to_view
from storage.db import Database
from storage.models import Consultation, ConsultationPosition, Digest
from storage.repositories.home import HomeRepository

# Enough digests for a trend: the previous two periods.
_TREND_HISTORY = 2


class HomeService:
    def __init__(self, db: Database, consensus: ConsensusService) -> None:
        self.db = db
        self.consensus = consensus

    def screen(self, user: str) -> HomeScreen | None:
        """The person's Home, or None when they are not a registered partner."""
        with self.db.session() as session:
            repo = HomeRepository(session)
            rows = repo.partners()
            people = [to_info(p) for p in rows]
            me = next((p for p in people if p.slack_user_id == user), None)
            if me is None:
                return None
            polls = [to_view(p) for p in repo.open_polls()]
            poll_ids = [p.id for p in polls]
            audiences, answered = repo.audiences(poll_ids), repo.respondents(poll_ids)
            consultations = repo.open_consultations()
            positions = repo.positions([c.id for c in consultations])
            partner_id = next(p.id for p in rows if p.slack_user_id == user)
            proposals = tuple(
                Proposal(format_ref(r.number), r.title, Status(r.status))
                for r in repo.proposals_of(partner_id)
            )
            digests = repo.latest_digests(_TREND_HISTORY)
            items = {c.id: _item(c) for c in consultations}
            return HomeScreen(
                partner=me,
                polls_to_answer=tuple(
                    p for p in polls if in_audience(p, user, audiences[p.id]) and user not in answered[p.id]
                ),
                consultations_to_answer=tuple(
                    items[c.id]
                    for c in consultations
                    if me.organisation not in {p.organisation for p in positions[c.id]}
                ),
                positions=tuple(
                    OrgPosition(items[c.id], Position(p.position), p.set_by_name)
                    for c in consultations
                    for p in positions[c.id]
                    if p.organisation == me.organisation
                ),
                proposals=proposals,
                digest_headline=digests[0].headline.strip() or None if digests else None,
                dashboard=self._dashboard(
                    people, polls, audiences, answered, consultations, positions, digests
                )
                if me.is_coordinator
                else None,
            )

    def _dashboard(
        self,
        people: Sequence[PartnerInfo],
        polls: Sequence[PollView],
        audiences: Mapping[int, set[str]],
        answered: Mapping[int, set[str]],
        consultations: Sequence[Consultation],
        positions: Mapping[int, list[ConsultationPosition]],
        digests: Sequence[Digest],
    ) -> Dashboard:
        registered = registered_organisations(people)
        progress = [_poll_progress(p, people, audiences[p.id], answered[p.id]) for p in polls]
        progress += [_consultation_progress(c, registered, positions[c.id]) for c in consultations]
        board = tuple(self._board_row(c, registered, positions[c.id], digests) for c in consultations)
        return Dashboard(tuple(progress), board)

    def _board_row(
        self,
        consultation: Consultation,
        registered: Sequence[Organisation],
        positions: Sequence[ConsultationPosition],
        digests: Sequence[Digest],
    ) -> BoardRow:
        rec = consultation.recommendation
        ref = format_ref(rec.number)
        figures = recommendation_figures(
            stances(positions, registered), registered, self.consensus.thresholds
        )
        history = [s for s in (_snapshot(d.figures.get(ref)) for d in reversed(digests)) if s]
        return BoardRow(
            ref=ref,
            title=rec.title,
            support=figures.support,
            coverage=figures.coverage,
            group_aware_consensus=figures.group_aware_consensus,
            trend=trend(history, Snapshot.of(figures), self.consensus.thresholds),
            blocked=figures.blocked,
        )


def _item(consultation: Consultation) -> ConsultationItem:
    rec = consultation.recommendation
    return ConsultationItem(
        id=consultation.id,
        ref=format_ref(rec.number),
        title=rec.title,
        version=consultation.version,
        deadline=consultation.deadline,
        permalink=consultation.permalink,
    )


def _poll_progress(
    poll: PollView, people: Sequence[PartnerInfo], audience: set[str], answered: set[str]
) -> Progress:
    asked = [p for p in people if poll.audience is Audience.ALL or p.slack_user_id in audience | answered]
    return Progress(
        ref=poll.ref,
        title=poll.question,
        deadline=poll.deadline,
        answered=sum(1 for p in asked if p.slack_user_id in answered),
        expected=len(asked),
        missing=poll_missing(p for p in asked if p.slack_user_id not in answered),
        unit="partners",
    )


def _consultation_progress(
    consultation: Consultation, registered: Sequence[Organisation], positions: Sequence[ConsultationPosition]
) -> Progress:
    done = {p.organisation for p in positions}
    return Progress(
        ref=format_ref(consultation.recommendation.number),
        title=consultation.recommendation.title,
        deadline=consultation.deadline,
        answered=sum(1 for org in registered if org.name in done),
        expected=len(registered),
        missing=organisations_missing({org.name: org.country for org in registered}, done),
        unit="organisations",
    )


def _snapshot(raw: Any) -> Snapshot | None:
    """A digest's stored figures of one recommendation, as far as a trend needs them."""
    if not isinstance(raw, dict):
        return None
    names = {f.name for f in fields(Snapshot)}
    return Snapshot(**{name: value for name, value in raw.items() if name in names})
