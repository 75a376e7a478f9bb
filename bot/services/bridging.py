"""Find a wording everyone can live with: drafting rounds on a consultation, ranked by the organisations.

A round is started by the recommendation's author, whoever started the consultation, or a coordinator.
`start` checks and records it (fast, before the acknowledgement); `open_round` drafts the candidates
(the LLM, or the partners' suggested wordings) and opens a ranking poll in the consultation's thread
(slow, after it). When that poll closes, `poll_closed` computes the Schulze order over one ballot per
organisation, keeps the winner as a suggested wording of the consultation, and tells the thread. One
revision round (`revise`) drafts from the winner and the critiques posted since.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from bot.config import Settings
from bot.domain.bridging import (
    CURRENT_TEXT,
    Candidate,
    DraftedText,
    Point,
    RoundInput,
    ballot_options,
    gather,
)
from bot.domain.bridging_rounds import RoundStatus, RoundView, labelled
from bot.domain.consultations.inputs import AmendmentDraft
from bot.domain.consultations.views import ConsultationView
from bot.domain.digest import WordingRound
from bot.domain.errors import DomainError, NotAllowed
from bot.domain.polls.drafts import PollDraft
from bot.domain.polls.kinds import Audience, PollKind, Visibility, format_poll_ref
from bot.domain.ranking import schulze_ranking
from bot.services.bridging_drafts import DraftingService, Drafts
from bot.services.bridging_views import round_view
from bot.services.consultations import ConsultationService
from bot.services.partners import PartnerService
from bot.services.polls import PollService
from bot.services.ports import BridgingNotices
from storage.db import Database
from storage.models.base import utcnow
from storage.models.bridging import BridgingRound
from storage.repositories.bridging import BridgingRepository

log = logging.getLogger("consult_bot.bridging")


class NothingToBridge(DomainError):
    """No objection, change request or suggested wording to find a common wording for."""


class BridgingService:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        partners: PartnerService,
        consultations: ConsultationService,
        polls: PollService,
        drafting: DraftingService,
        notices: BridgingNotices,
    ) -> None:
        self.db = db
        self.settings = settings
        self.partners = partners
        self.consultations = consultations
        self.polls = polls
        self.drafting = drafting
        self.notices = notices

    # -- starting --------------------------------------------------------------------------------------

    def start(
        self, consultation_id: int, user: str, *, start_key: str, now: datetime | None = None
    ) -> tuple[RoundView, bool]:
        """Records a first round (status drafting); a repeated click returns the first one and False."""
        view = self.consultations.view(consultation_id)
        self._require_starter(view, user)
        if not view.is_open:
            raise DomainError(
                f"The consultation on {view.ref} is closed: a common wording can no longer be ranked."
            )
        material = gather(view, self.consultations.comments(consultation_id))
        if not material.has_material:
            raise NothingToBridge(
                f"{view.ref} has no objection, change request or suggested wording yet, so there is nothing "
                "to find a common wording for. Try again once partners have said what they would change."
            )
        return self._record(view, material, user, start_key, 1, None, now)

    def revise(
        self, round_id: int, user: str, *, start_key: str, now: datetime | None = None
    ) -> tuple[RoundView, bool]:
        """A revision round from a first round's winner and the critiques posted since its result."""
        with self.db.session() as session:
            first = BridgingRepository(session).get(round_id)
            if first is None:
                raise DomainError("That drafting round no longer exists.")
            repeated = BridgingRepository(session).by_start_key(start_key)
            if repeated is not None:
                return round_view(repeated), False
            previous = round_view(first)
        view = self.consultations.view(previous.consultation_id)
        self._require_starter(view, user)
        if not previous.can_revise or previous.winner is None:
            raise DomainError(
                f"Round {previous.round} on {view.ref} cannot be revised: {self._why_not(previous)}"
            )
        since = previous.closed_at or utcnow()
        material = gather(
            view, self.consultations.comments(view.id), critiques_since=since, base_text=previous.winner.text
        )
        if not material.critiques:
            raise NothingToBridge(
                f"No critique of the proposed wording has been posted in the {view.ref} thread yet. "
                "Partners reply in the thread with what they would change; then revise."
            )
        return self._record(view, material, user, start_key, 2, previous, now)

    def _record(
        self,
        view: ConsultationView,
        material: RoundInput,
        user: str,
        start_key: str,
        number: int,
        previous: RoundView | None,
        now: datetime | None,
    ) -> tuple[RoundView, bool]:
        try:
            with self.db.session() as session:
                repo = BridgingRepository(session)
                if (done := repo.by_start_key(start_key)) is not None:
                    return round_view(done), False
                if repo.active(view.id) is not None:
                    raise DomainError(
                        f"A common-wording round on {view.ref} is already under way: rank its options in "
                        "the thread, or wait for it to close."
                    )
                if previous is not None:
                    first = repo.get(previous.id)
                    assert first is not None
                    first.status = RoundStatus.CLOSED.value
                created = repo.add(
                    BridgingRound(
                        consultation_id=view.id,
                        round=number,
                        previous_id=previous.id if previous else None,
                        start_key=start_key,
                        status=RoundStatus.DRAFTING.value,
                        started_by=user,
                        material=[{"kind": kind, **asdict(point)} for kind, point in _kinds(material)],
                        created_at=now or utcnow(),
                    )
                )
                return round_view(created), True
        except IntegrityError:
            with self.db.session() as session:
                done = BridgingRepository(session).by_start_key(start_key)
                if done is None:
                    raise
                return round_view(done), False

    # -- drafting and ranking (after the acknowledgement) ---------------------------------------------

    def open_round(self, round_id: int, now: datetime | None = None) -> RoundView:
        """Drafts the candidates and opens the ranking poll in the consultation's thread."""
        now = now or utcnow()
        with self.db.session() as session:
            stored = BridgingRepository(session).get(round_id)
            if stored is None or stored.status != RoundStatus.DRAFTING.value:
                raise DomainError("That drafting round is not waiting to be drafted.")
            current = round_view(stored)
        view = self.consultations.view(current.consultation_id)
        previous = self._previous(stored.previous_id)
        material = gather(
            view,
            self.consultations.comments(view.id),
            critiques_since=previous.closed_at if previous else None,
            base_text=previous.winner.text if previous and previous.winner else None,
        )
        options = self._options(view, material, previous)
        if len(options[0]) < 2:
            return self._fail(round_id, options[1].fallback_reason or "nothing could be drafted")
        candidates, drafts = options
        poll, created = self.polls.create(
            PollDraft(
                question=f"Which wording of {view.ref} can your organisation best live with? Rank them.",
                kind=PollKind.RANKING,
                options=tuple(c.label for c in candidates),
                visibility=Visibility.AFTER_CLOSE,
                audience=Audience.ALL,
                deadline=now + timedelta(days=self.settings.bridging_ranking_days),
                per_organisation=True,
            ),
            creator=current.started_by,
            channel_id=view.channel_id,
            submission_key=f"bridging:{round_id}",
            thread_ts=view.message_ts,
            now=now,
        )
        if not created:
            return self.get(round_id)  # another process opened it
        with self.db.session() as session:
            stored = BridgingRepository(session).get(round_id)
            assert stored is not None
            stored.candidates = [asdict(c) | {"addresses": list(c.addresses)} for c in candidates]
            stored.drafted_by = drafts.drafted_by
            stored.fallback_reason = drafts.fallback_reason
            stored.prompt_tokens = drafts.usage.prompt_tokens
            stored.completion_tokens = drafts.usage.completion_tokens
            stored.poll_id = poll.id
            stored.status = RoundStatus.RANKING.value
            opened = round_view(stored)
        ts = self.notices.bridging_opened(opened, view, self.polls.results(poll.number))
        self.polls.record_message(poll.id, str(view.channel_id), ts)
        return opened

    def _options(
        self, view: ConsultationView, material: RoundInput, previous: RoundView | None
    ) -> tuple[list[Candidate], Drafts]:
        count = self.settings.bridging_candidates
        if previous is None or previous.winner is None:
            drafts = self.drafting.draft(material, count=count)
            return ballot_options(view.text, drafts.drafts, "suggestion" if drafts.offline else "llm"), drafts
        winner = DraftedText(
            previous.winner.text, tuple(previous.winner.addresses), "the previous round's winner"
        )
        drafts = self.drafting.draft(material, count=max(count - 1, 1), keep=(previous.winner.text,))
        options = ballot_options(view.text, [winner, *drafts.drafts], "llm")
        label = options[1].label
        options[1] = Candidate(label, winner.text, "winner", tuple(winner.addresses), winner.rationale)
        return options, drafts

    def _fail(self, round_id: int, reason: str) -> RoundView:
        with self.db.session() as session:
            stored = BridgingRepository(session).get(round_id)
            assert stored is not None
            stored.status = RoundStatus.FAILED.value
            stored.fallback_reason = reason
            failed = round_view(stored)
        self.notices.bridging_failed(failed, self.consultations.view(failed.consultation_id))
        return failed

    # -- the result ------------------------------------------------------------------------------------

    def poll_closed(self, poll_id: int, now: datetime | None = None) -> RoundView | None:
        """The Schulze winner of a closed ranking poll; None when the poll is not a round's."""
        now = now or utcnow()
        with self.db.session() as session:
            stored = BridgingRepository(session).by_poll(poll_id)
            if stored is None or stored.status != RoundStatus.RANKING.value:
                return None
            labels = [str(c["label"]) for c in stored.candidates]
        ballots = self.polls.rankings(poll_id)
        result = schulze_ranking(len(labels), ballots, incumbent=labels.index(CURRENT_TEXT))
        order, pairwise = labelled(result, labels)
        with self.db.session() as session:
            stored = BridgingRepository(session).by_poll(poll_id)
            if stored is None or stored.status != RoundStatus.RANKING.value:
                return None  # another process finished it first
            stored.schulze, stored.pairwise, stored.ballots = list(order), pairwise, result.ballots
            stored.winner_label = order[0] if result.ballots else None
            stored.closed_at = now
            last = stored.round >= 2 or not stored.winner_label or stored.winner_label == CURRENT_TEXT
            stored.status = (RoundStatus.CLOSED if last else RoundStatus.CRITIQUE).value
            if not last:
                stored.critique_until = now + timedelta(days=self.settings.bridging_critique_days)
            done = round_view(stored)
        if done.winner_changes_text and done.winner is not None:
            self._suggest(done, done.winner)
        self.notices.bridging_result(done, self.consultations.view(done.consultation_id))
        return done

    def _suggest(self, done: RoundView, winner: Candidate) -> None:
        ranking = format_poll_ref(done.poll_number) if done.poll_number else "poll"
        note = f"Winner of the common-wording ranking {ranking} (Schulze), round {done.round}"
        try:
            self.consultations.suggest(
                done.consultation_id,
                done.started_by,
                AmendmentDraft(winner.text, note),
                submission_key=f"bridging-winner:{done.id}",
            )
        except DomainError as refusal:
            # The consultation closed meanwhile: the result still stands in the thread and the export.
            log.info("the winner of round %s was not added as a suggestion: %s", done.id, refusal)

    # -- reading ---------------------------------------------------------------------------------------

    def rounds_for(self, consultation_ids: list[int]) -> dict[int, list[RoundView]]:
        with self.db.session() as session:
            rows = BridgingRepository(session).for_consultations(consultation_ids)
            views = [round_view(row) for row in rows]
        grouped: dict[int, list[RoundView]] = {}
        for view in views:
            grouped.setdefault(view.consultation_id, []).append(view)
        return grouped

    def digest_rounds(self, since: datetime) -> list[WordingRound]:
        """The rounds a digest reports: started or closed since `since`, with what followed their winner."""
        with self.db.session() as session:
            views = [round_view(r) for r in BridgingRepository(session).touched_since(since)]
        if not views:
            return []
        organisations = len({p.organisation for p in self.partners.all() if not p.is_coordinator})
        reported = []
        for view in views:
            if view.status is RoundStatus.FAILED:
                continue
            consultation = self.consultations.view(view.consultation_id)
            winner_text = view.winner.text if view.winner_changes_text and view.winner else None
            adopted = next(
                (
                    a.adopted_in_version
                    for a in consultation.amendments
                    if winner_text and a.text == winner_text
                ),
                None,
            )
            reported.append(
                WordingRound(
                    ref=consultation.ref,
                    round=view.round,
                    poll=format_poll_ref(view.poll_number) if view.poll_number else None,
                    status=view.status.value,
                    candidates=len(view.candidates),
                    offline=view.offline,
                    ballots=view.ballots if view.closed_at else self._ballots_so_far(view),
                    organisations=organisations,
                    winner=view.winner_label,
                    new_version=adopted,
                    positions_now=consultation.counts() if adopted else {},
                )
            )
        return reported

    def _ballots_so_far(self, view: RoundView) -> int:
        return len(self.polls.rankings(view.poll_id)) if view.poll_id is not None else 0

    def get(self, round_id: int) -> RoundView:
        with self.db.session() as session:
            stored = BridgingRepository(session).get(round_id)
            if stored is None:
                raise DomainError("That drafting round no longer exists.")
            return round_view(stored)

    def _previous(self, round_id: int | None) -> RoundView | None:
        return self.get(round_id) if round_id is not None else None

    def _require_starter(self, view: ConsultationView, user: str) -> None:
        partner = self.partners.find(user)
        if partner is not None and (partner.is_coordinator or user in (view.proposer, view.started_by)):
            return
        raise NotAllowed(
            f"Only the author of {view.ref}, whoever started its consultation, or a coordinator can look for "
            "a common wording. Share your suggested wording in the thread instead."
        )

    @staticmethod
    def _why_not(previous: RoundView) -> str:
        if previous.round > 1:
            return "only one revision round follows the first."
        if previous.status is RoundStatus.RANKING:
            return "its ranking is still open."
        return "its winner is the current text, so there is nothing to revise."


def _kinds(material: RoundInput) -> list[tuple[str, Point]]:
    groups = (
        ("objection", material.objections),
        ("change", material.changes),
        ("suggestion", material.suggestions),
        ("critique", material.critiques),
    )
    return [(kind, point) for kind, points in groups for point in points]
