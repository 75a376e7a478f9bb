"""The App Home: what one person must answer, their organisation's positions, their proposals, the
latest digest's headline, and for coordinators a dashboard and the consensus board.

A screen is read in one session with a fixed number of bulk queries (never one per poll, consultation
or partner). Homes go out of date when polls or consultations change; `out_of_date` marks them and a
coalescing refresher publishes each through the outbound port, at most once per person per interval.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from bot.domain.clock import utcnow
from bot.domain.consensus.recommendations import recommendation_figures
from bot.domain.consensus.scales import Snapshot, trend
from bot.domain.consensus.thresholds import Organisation
from bot.domain.consultations.kinds import Position
from bot.domain.consultations.views import ConsultationView
from bot.domain.errors import DomainError, NotAllowed
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
from bot.domain.polls.tallies import PollResults
from bot.domain.recommendations import Status, format_ref
from bot.services.consensus import ConsensusService, registered_organisations, stances
from bot.services.consultations import ConsultationService
from bot.services.partners import PartnerService, to_info
from bot.services.poll_updates import MessageRefresher
from bot.services.polls.base import to_view
from bot.services.ports import HomeNotices
from storage.db import Database
from storage.models import Consultation, ConsultationPosition, Digest
from storage.repositories.consultations import ConsultationRepository
from storage.repositories.home import HomeRepository

# Enough digests for a trend: the previous two periods.
_TREND_HISTORY = 2


@dataclass(frozen=True)
class ConsultationReminder:
    """Whom to remind of an open consultation: the members of each organisation without a position."""

    consultation: ConsultationView
    members: Mapping[str, tuple[str, ...]]  # organisation -> Slack user ids


class HomeService:
    def __init__(
        self,
        db: Database,
        consensus: ConsensusService,
        partners: PartnerService,
        consultations: ConsultationService,
        notices: HomeNotices,
        *,
        interval: float = 1.0,
        retry_after_failure: float = 30.0,
    ) -> None:
        self.db = db
        self.consensus = consensus
        self.partners = partners
        self.consultations = consultations
        self.notices = notices
        self.updates = MessageRefresher[str](
            self._publish, interval, retry_after_failure=retry_after_failure, what="home"
        )
        # The page of each long list a person looks at (kept per process, like a browser's scroll).
        self._pages: dict[str, dict[str, int]] = {}
        # Whose Home this process has published: Slack asks again (app_home_opened) whenever someone
        # opens the tab, so only these Homes can be on screen with what this process changed.
        self._shown: set[str] = set()
        self._pages_lock = threading.Lock()

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

    # -- what the Home's controls do ----------------------------------------------------------------

    def working_channel(self) -> str:
        """The channel a poll or consultation started from the Home goes to."""
        with self.db.session() as session:
            channel = HomeRepository(session).working_channel()
        if channel is None:
            raise DomainError(
                "I do not know the consortium's channel yet: run `/poll` or `/consult` once in the channel "
                "where polls and consultations should go; the Home's buttons use that channel afterwards."
            )
        return channel

    def require_coordinator(self, user: str, what: str) -> PartnerInfo:
        partner = self.partners.require(user)
        if not partner.is_coordinator:
            raise NotAllowed(f"Only coordinators can {what}; your Home shows what needs your own answer.")
        return partner

    def consultation_reminder(self, ref: str, user: str, *, delivery: str) -> ConsultationReminder | None:
        """`Remind` on the dashboard: the members of each organisation without a position on the open
        consultation of `ref`. None when this click was already handled (a retried delivery must not
        send the reminders twice)."""
        coordinator = self.require_coordinator(user, "send reminders from the dashboard")
        key = "remind:" + hashlib.sha256(f"{user}\n{delivery}".encode()).hexdigest()[:60]
        view = self.consultations.latest(ref)
        if view is None:
            raise DomainError(f"{ref} has no consultation; start one with `/consult {ref}`.")
        if not view.is_open:
            raise DomainError(f"The consultation on {view.ref} is closed; there is nobody left to remind.")
        people = self.partners.all()
        with self.db.session() as session:
            repo = ConsultationRepository(session)
            if repo.audit_by_key(key) is not None:
                return None
            done = {p.organisation for p in repo.positions(view.id)}
            members = {
                org.name: tuple(p.slack_user_id for p in people if p.organisation == org.name)
                for org in registered_organisations(people)
                if org.name not in done
            }
            entry = repo.add_audit(
                view.id, utcnow(), coordinator.slack_user_id, "remind", None, ", ".join(members)
            )
            entry.request_key = key
        return ConsultationReminder(view, members)

    # -- republishing --------------------------------------------------------------------------------

    def pages(self, user: str) -> dict[str, int]:
        with self._pages_lock:
            return dict(self._pages.get(user, {}))

    def turn_page(self, user: str, pages: Mapping[str, int]) -> None:
        """Shows these pages of the person's lists, now."""
        with self._pages_lock:
            self._pages[user] = {**self._pages.get(user, {}), **pages}
        self.out_of_date([user], force=True)

    def out_of_date(self, users: Iterable[str] | None = None, *, force: bool = False) -> None:
        """Marks these people's Homes (everyone's when None) as to be published again; forced when
        the person opened the Home (published even if it looks the same). A Home nobody opened yet
        waits for its app_home_opened."""
        with self._pages_lock:
            if force:
                self._shown.update(users or ())
            wanted = set(self._shown) if users is None else set(users) & self._shown
        for user in wanted:
            self.updates.request(user, final=force)

    def poll_changed(self, results: PollResults) -> None:
        """Whoever answered no longer has the poll to do, and the coordinators' counts moved; once
        closed, the poll leaves everyone's Home."""
        if not results.poll.is_open:
            self.out_of_date()
            return
        coordinators = [p.slack_user_id for p in self.partners.coordinators()]
        self.out_of_date([p.slack_user_id for p in results.respondents] + coordinators)

    def _publish(self, user: str, forced: bool) -> float | None:
        self.notices.publish_home(user, self.screen(user), self.pages(user), force=forced)
        return None


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
