"""Polls: creating, answering, closing exactly once, reminders, results and Delphi rounds."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.errors import DomainError, InvalidInput, NotAllowed, NotRegistered
from bot.domain.partners import PartnerInfo
from bot.domain.polls import (
    WHOLE,
    Answer,
    AttributedAnswer,
    Audience,
    Change,
    PollDraft,
    PollKind,
    PollResults,
    PollStatus,
    PollView,
    ValiditySelection,
    Visibility,
    VoteOutcome,
    VoteRequest,
    apply_change,
    format_poll_ref,
    reminder_time,
    tally,
    validate_answer,
)
from bot.domain.recommendations import format_ref
from bot.services.partners import PartnerService, to_info
from bot.services.poll_updates import MessageRefresher
from bot.services.poll_votes import VoteQueue
from storage.db import Database
from storage.models import Poll, PollBallot, Recommendation
from storage.repositories import PartnerRepository
from storage.repositories.polls import PollRepository

_NUMBER_ATTEMPTS = 8
_VALIDITY_LABEL_MAX = 150


class UnknownPoll(DomainError):
    def __init__(self, ref: str | None = None) -> None:
        which = f"the poll {ref}" if ref else "this poll"
        super().__init__(
            f"I don't know {which} any more: it is not in the bot's database (it may have been removed). "
            "Ask the coordinator to post it again with `/poll`."
        )


class PollClosed(DomainError):
    def __init__(self, poll: PollView) -> None:
        super().__init__(
            f"{poll.ref} is closed, so your answer was not recorded. "
            "Its final results are on the poll message."
        )


@dataclass(frozen=True)
class AnswerForm:
    poll: PollView
    current: Answer | None
    previous: PollResults | None


@dataclass(frozen=True)
class OwnView:
    poll: PollView
    answer: Answer | None
    results: PollResults


@dataclass(frozen=True)
class Reminder:
    poll: PollView
    user_ids: tuple[str, ...]


@dataclass(frozen=True)
class RefreshClaim:
    """The go-ahead to update a poll's message with `results`, or when to try again."""

    results: PollResults | None = None
    retry_in: float | None = None


def to_view(poll: Poll, previous_number: int | None = None, next_number: int | None = None) -> PollView:
    return PollView(
        id=poll.id,
        number=poll.number,
        question=poll.question,
        kind=PollKind(poll.kind),
        options=tuple(poll.options),
        option_refs=tuple(poll.option_refs or ()),
        anonymous=poll.anonymous,
        visibility=Visibility(poll.visibility),
        audience=Audience(poll.audience),
        status=PollStatus(poll.status),
        creator_id=poll.creator_slack_id,
        created_at=poll.created_at,
        max_choices=poll.max_choices,
        points_budget=poll.points_budget,
        require_reason=poll.require_reason,
        deadline=poll.deadline,
        closed_at=poll.closed_at,
        channel_id=poll.channel_id,
        message_ts=poll.message_ts,
        round=poll.round,
        previous_number=previous_number,
        next_number=next_number,
    )


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


class PollService:
    def __init__(
        self,
        db: Database,
        partners: PartnerService,
        *,
        reminder_lead: timedelta,
        refresh_interval: float = 1.0,
    ) -> None:
        self.db = db
        self.partners = partners
        self.reminder_lead = reminder_lead
        self.refresh_interval = refresh_interval
        self.updates = MessageRefresher(refresh_interval)
        self.votes = VoteQueue(self.answer_all)

    # -- creating ------------------------------------------------------------------------------------

    def create(
        self,
        draft: PollDraft,
        *,
        creator: str,
        channel_id: str,
        submission_key: str,
        channel_members: Sequence[str] = (),
        now: datetime | None = None,
    ) -> tuple[PollView, bool]:
        """Stores a validated draft; a repeated submission returns the first poll and `False`."""
        now = _now(now)
        for _ in range(_NUMBER_ATTEMPTS):
            try:
                with self.db.session() as session:
                    repo = PollRepository(session)
                    existing = repo.by_submission_key(submission_key)
                    if existing is not None:
                        return self._view(session, existing), False
                    if PartnerRepository(session).by_slack_id(creator) is None:
                        raise NotRegistered()
                    options, refs = self._items(session, draft)
                    poll = repo.add(
                        _new_poll(
                            draft, options, refs, repo.next_number(), creator, channel_id, submission_key
                        )
                    )
                    poll.created_at = now
                    poll.remind_at = reminder_time(now, draft.deadline, self.reminder_lead)
                    self._start(session, poll, channel_members)
                    return self._view(session, poll), True
            except IntegrityError:
                continue
        raise RuntimeError("could not allocate a poll number; the database is too busy")

    def _start(self, session: Session, poll: Poll, channel_members: Sequence[str]) -> None:
        repo = PollRepository(session)
        if poll.anonymous:
            repo.add_key(poll.id, secrets.token_bytes(32))
        if poll.audience == Audience.CHANNEL:
            registered = PartnerRepository(session).by_slack_ids(list(channel_members))
            repo.set_audience(poll.id, list(registered))

    def prepare(self, draft: PollDraft) -> PollDraft:
        """A validity review's selection resolved to its recommendations (InvalidInput if it names
        none), so that a bad selection is answered in the form, before anything is posted."""
        if draft.kind is not PollKind.VALIDITY or draft.option_refs:
            return draft
        with self.db.session() as session:
            options, refs = self._items(session, draft)
        return replace(draft, options=tuple(options), option_refs=tuple(refs), selection=None)

    def _items(self, session: Session, draft: PollDraft) -> tuple[list[str], list[int]]:
        if draft.kind is not PollKind.VALIDITY:
            return list(draft.options), []
        if draft.option_refs:
            return list(draft.options), list(draft.option_refs)
        recs = _select_recommendations(session, draft.selection or ValiditySelection())
        labels = [f"{format_ref(r.number)} · {r.title}"[:_VALIDITY_LABEL_MAX] for r in recs]
        return labels, [r.number for r in recs]

    def record_message(self, poll_id: int, channel_id: str, message_ts: str) -> None:
        with self.db.session() as session:
            poll = PollRepository(session).get(poll_id)
            if poll is not None:
                poll.channel_id, poll.message_ts = channel_id, message_ts

    def discard(self, poll_id: int) -> None:
        """Removes a poll whose message could not be posted (nobody has seen it)."""
        with self.db.session() as session:
            repo = PollRepository(session)
            poll = repo.get(poll_id)
            if poll is not None and poll.message_ts is None:
                repo.delete(poll)

    def next_round(
        self, number: int, user: str, *, submission_key: str, now: datetime | None = None
    ) -> tuple[PollView, bool]:
        """A Delphi round: the same questions to the same people, after the previous round closed."""
        now = _now(now)
        with self.db.session() as session:
            repo = PollRepository(session)
            existing = repo.by_submission_key(submission_key)
            if existing is not None:
                return self._view(session, existing), False
            previous = self._poll(session, number)
            self._require_manager(session, previous, user, "start the next round of")
            if not PollKind(previous.kind).supports_rounds:
                raise DomainError(
                    f"{format_poll_ref(number)} is a {PollKind(previous.kind).label.lower()}; Delphi rounds "
                    "re-run agreement-scale and prioritisation polls."
                )
            if previous.status == PollStatus.OPEN:
                raise DomainError(
                    f"Close {format_poll_ref(number)} first: a new round starts after the last one."
                )
            following = repo.next_round_of(previous.id)
            if following is not None:
                raise DomainError(
                    f"{format_poll_ref(number)} already has a next round, "
                    f"{format_poll_ref(following.number)}."
                )
            audience = sorted(repo.audience(previous.id))
            draft = _draft_of(previous, now)
        for _ in range(_NUMBER_ATTEMPTS):
            try:
                with self.db.session() as session:
                    repo = PollRepository(session)
                    poll = _new_poll(
                        draft,
                        list(previous.options),
                        list(previous.option_refs or []),
                        repo.next_number(),
                        user,
                        previous.channel_id or "",
                        submission_key,
                    )
                    poll.round, poll.previous_id, poll.created_at = previous.round + 1, previous.id, now
                    poll.remind_at = reminder_time(now, draft.deadline, self.reminder_lead)
                    repo.add(poll)
                    self._start(session, poll, audience)
                    return self._view(session, poll), True
            except IntegrityError:
                continue
        raise RuntimeError("could not allocate a poll number; the database is too busy")

    # -- finding -------------------------------------------------------------------------------------

    def get(self, number: int) -> PollView:
        with self.db.session() as session:
            return self._view(session, self._poll(session, number))

    def for_message(self, channel_id: str, message_ts: str, number: int | None = None) -> PollView:
        """The poll behind a message; UnknownPoll when the database does not know it."""
        with self.db.session() as session:
            repo = PollRepository(session)
            poll = repo.by_message(channel_id, message_ts)
            if poll is None and number is not None:
                # Clicked before the bot had noted where it posted the poll: that is this message.
                poll = repo.by_number(number)
                # (The note may land between the two reads: then it names this message.)
                if (
                    poll is not None
                    and poll.message_ts in (None, message_ts)
                    and poll.channel_id == channel_id
                ):
                    poll.message_ts = message_ts
                else:
                    poll = None
            if poll is None:
                raise UnknownPoll(format_poll_ref(number) if number else None)
            return self._view(session, poll)

    # -- answering -----------------------------------------------------------------------------------

    def answer(self, poll_id: int, user: str, change: Change, *, delivery: str) -> VoteOutcome:
        """One answer, now (the answer form: stored before the form closes); raises if refused."""
        result = self.answer_all([VoteRequest(user, change, delivery, poll_id=poll_id)])[0]
        if isinstance(result, DomainError):
            raise result
        return result

    def answer_all(self, requests: Sequence[VoteRequest]) -> list[VoteOutcome | DomainError]:
        """Applies answers in the order given, one transaction per poll, once per delivery.

        Each request gets its outcome (with the results, if the voter may see them) or the reason
        it was refused; one refusal does not stop the others.
        """
        results: list[VoteOutcome | DomainError | None] = [None] * len(requests)
        polls = self._resolve(requests, results)
        with self.db.session() as session:
            partners = PartnerRepository(session).by_slack_ids(sorted({r.user for r in requests}))
            people = {user: to_info(partner) for user, partner in partners.items()}
        groups: dict[int, list[int]] = {}
        for position, poll_id in enumerate(polls):
            if poll_id is not None:
                groups.setdefault(poll_id, []).append(position)
        for poll_id, positions in groups.items():
            outcomes = self._apply_retrying(
                poll_id, [(requests[i], people.get(requests[i].user)) for i in positions]
            )
            for position, outcome in zip(positions, self._with_results(poll_id, outcomes), strict=True):
                results[position] = outcome
        return [r if r is not None else UnknownPoll() for r in results]

    def _resolve(
        self, requests: Sequence[VoteRequest], results: list[VoteOutcome | DomainError | None]
    ) -> list[int | None]:
        """The poll id of each request; a request whose poll is unknown gets UnknownPoll."""
        found: dict[tuple[str, str], int | DomainError] = {}
        polls: list[int | None] = []
        for position, request in enumerate(requests):
            if request.poll_id is not None or request.message is None:
                polls.append(request.poll_id)
                continue
            if request.message not in found:
                try:
                    found[request.message] = self.for_message(*request.message, request.number).id
                except DomainError as error:
                    found[request.message] = error
            poll = found[request.message]
            if isinstance(poll, DomainError):
                results[position] = poll
                polls.append(None)
            else:
                polls.append(poll)
        return polls

    def _apply_retrying(
        self, poll_id: int, items: list[tuple[VoteRequest, PartnerInfo | None]]
    ) -> list[VoteOutcome | DomainError]:
        for _ in range(_NUMBER_ATTEMPTS):
            try:
                outcomes = self._apply(poll_id, items)
            except IntegrityError:
                continue
            if any(isinstance(o, VoteOutcome) and o.counted for o in outcomes):
                self.updates.request(poll_id)
            return outcomes
        raise RuntimeError("could not record the answers; the database is too busy")

    def _apply(
        self, poll_id: int, items: list[tuple[VoteRequest, PartnerInfo | None]]
    ) -> list[VoteOutcome | DomainError]:
        with self.db.session() as session:
            repo = PollRepository(session)
            if not repo.lock_open(poll_id):
                poll = repo.get(poll_id)
                refusal: DomainError = UnknownPoll() if poll is None else PollClosed(to_view(poll))
                return [refusal] * len(items)
            poll = repo.get(poll_id)
            assert poll is not None
            batch = _Batch(to_view(poll), repo.key(poll_id), [request for request, _ in items])
            audience = repo.audience(poll_id) if batch.poll.audience is Audience.CHANNEL else None
            ballots = repo.ballots_for(poll_id, list(batch.voters.values()))
            batch.load(ballots, repo.seen_deliveries(list(batch.deliveries.values())))
            outcomes = [batch.apply(request, partner, audience) for request, partner in items]
            self._write(repo, batch, ballots)
            return outcomes

    @staticmethod
    def _write(repo: PollRepository, batch: _Batch, ballots: dict[str, PollBallot]) -> None:
        poll_id = batch.poll.id
        answered = repo.answered_among(poll_id, sorted(batch.changed))
        for user in sorted(batch.changed):
            voter, answer = batch.voters[user], batch.current[user]
            ballot = ballots.get(voter)
            if answer is None:
                if ballot is not None:
                    repo.delete_ballot(ballot)
                if user in answered:
                    repo.remove_respondent(poll_id, user)
                continue
            if ballot is None:
                repo.add_ballot(PollBallot(poll_id=poll_id, voter_key=voter, answer=answer.to_json()))
            else:
                ballot.answer = answer.to_json()
            if user not in answered:
                repo.add_respondent(poll_id, user)
        for delivery_key in batch.counted_deliveries:
            repo.add_delivery(poll_id, delivery_key)

    def _with_results(
        self, poll_id: int, outcomes: list[VoteOutcome | DomainError]
    ) -> list[VoteOutcome | DomainError]:
        """Each outcome with the results its voter may see (computed once for the batch)."""
        if not any(isinstance(o, VoteOutcome) for o in outcomes):
            return outcomes
        with self.db.session() as session:
            poll = PollRepository(session).get(poll_id)
            results = self._results(session, poll, None, depth=0, reveal=True) if poll else None
        shown: list[VoteOutcome | DomainError] = []
        for outcome in outcomes:
            if isinstance(outcome, VoteOutcome) and results is not None:
                visible = outcome.poll.results_visible_to(outcome.answer is not None)
                outcome = replace(outcome, results=results if visible else None)
            shown.append(outcome)
        return shown

    def current_answer(self, poll_id: int, user: str) -> Answer | None:
        """The voter's own answer; None for an anonymous poll once closed (its key is gone)."""
        with self.db.session() as session:
            repo = PollRepository(session)
            poll = repo.get(poll_id)
            if poll is None:
                raise UnknownPoll()
            key = repo.key(poll_id)
            if poll.anonymous and key is None:
                return None
            ballot = repo.ballot(poll_id, _voter_key(key, user, poll.anonymous))
            return Answer.from_json(ballot.answer) if ballot else None

    def answer_form(self, poll_id: int, user: str) -> AnswerForm:
        """What the answer modal needs; refuses early when the person cannot answer."""
        partner = self.partners.require(user)
        with self.db.session() as session:
            repo = PollRepository(session)
            poll = repo.get(poll_id)
            if poll is None:
                raise UnknownPoll()
            view = self._view(session, poll)
            if not view.is_open:
                raise PollClosed(view)
            self._require_audience(session, view, partner)
            previous = None
            if poll.previous_id is not None and (before := repo.get(poll.previous_id)) is not None:
                previous = self._results(session, before, None, depth=0)
        return AnswerForm(view, self.current_answer(poll_id, user), previous)

    def own_view(self, poll_id: int, user: str) -> OwnView:
        """`My answer & results`: the person's answer and the results they may see."""
        with self.db.session() as session:
            poll = PollRepository(session).get(poll_id)
            if poll is None:
                raise UnknownPoll()
            results = self._results(session, poll, user, depth=0)
        return OwnView(results.poll, self.current_answer(poll_id, user), results)

    # -- results -------------------------------------------------------------------------------------

    def results(self, number: int, viewer: str | None = None) -> PollResults:
        """The results as `viewer` may see them (None: as anyone may, e.g. on the channel message).

        Results hidden until close stay hidden to everyone, coordinators included, until it closes.
        """
        with self.db.session() as session:
            return self._results(session, self._poll(session, number), viewer, depth=0)

    def all_results(self) -> list[PollResults]:
        """Every poll's results as anyone may see them (for the digest and the export)."""
        with self.db.session() as session:
            return [self._results(session, poll, None, depth=0) for poll in PollRepository(session).all()]

    def active_results(self, since: datetime) -> list[PollResults]:
        """The results of the polls open now or closed since `since`: what a digest reports."""
        with self.db.session() as session:
            return [
                self._results(session, poll, None, depth=0)
                for poll in PollRepository(session).all()
                if poll.status == PollStatus.OPEN.value
                or (poll.closed_at is not None and poll.closed_at >= since)
            ]

    def _results(
        self, session: Session, poll: Poll, viewer: str | None, depth: int, *, reveal: bool = False
    ) -> PollResults:
        repo = PollRepository(session)
        view = self._view(session, poll)
        respondents, non_respondents = self._coverage(session, poll)
        answered = viewer is not None and repo.has_answered(poll.id, viewer)
        previous = None
        if poll.previous_id is not None and depth < 20:
            before = repo.get(poll.previous_id)
            previous = self._results(session, before, None, depth + 1) if before else None
        if not reveal and not view.results_visible_to(answered):
            return PollResults(view, respondents, non_respondents, hidden=True, tallies=(), previous=previous)
        ballots = repo.ballots(poll.id)
        answers = [Answer.from_json(b.answer) for b in ballots]
        attributed: tuple[AttributedAnswer, ...] = ()
        if not view.anonymous:
            people = {p.slack_user_id: p for p in (*respondents, *non_respondents)}
            attributed = tuple(
                AttributedAnswer(people[b.voter_key], answer)
                for b, answer in zip(ballots, answers, strict=True)
                if b.voter_key in people
            )
        general = tuple(a.reasons[WHOLE] for a in answers if a.reasons.get(WHOLE))
        return PollResults(
            view,
            respondents,
            non_respondents,
            hidden=False,
            tallies=tally(view, answers),
            answers=attributed,
            general_reasons=general,
            previous=previous,
        )

    def _coverage(
        self, session: Session, poll: Poll
    ) -> tuple[tuple[PartnerInfo, ...], tuple[PartnerInfo, ...]]:
        """Who has answered and who has not, among the poll's audience (registered partners)."""
        repo = PollRepository(session)
        partners = PartnerRepository(session)
        answered = set(repo.respondents(poll.id))
        if poll.audience == Audience.CHANNEL:
            audience = [p for p in partners.by_slack_ids(sorted(repo.audience(poll.id) | answered)).values()]
        else:
            audience = list(partners.all())
        people = sorted((to_info(p) for p in audience), key=lambda p: (p.country, p.organisation, p.name))
        return (
            tuple(p for p in people if p.slack_user_id in answered),
            tuple(p for p in people if p.slack_user_id not in answered),
        )

    # -- closing, reminders, message updates ---------------------------------------------------------

    def close(self, poll_id: int, user: str, now: datetime | None = None) -> PollView:
        """`Close poll` by its creator or a coordinator; closing a closed poll changes nothing."""
        with self.db.session() as session:
            poll = PollRepository(session).get(poll_id)
            if poll is None:
                raise UnknownPoll()
            self._require_manager(session, poll, user, "close")
        self._close(poll_id, _now(now))
        return self.get(poll.number)

    def close_due(self, now: datetime | None = None) -> list[int]:
        """Closes every poll past its deadline; returns those this process closed (each poll once)."""
        now = _now(now)
        with self.db.session() as session:
            due = PollRepository(session).due_for_close(now)
        return [poll_id for poll_id in due if self._close(poll_id, now)]

    def _close(self, poll_id: int, now: datetime) -> bool:
        with self.db.session() as session:
            repo = PollRepository(session)
            if not repo.close(poll_id, now):
                return False
            poll = repo.get(poll_id)
            assert poll is not None
            repo.forget_deliveries(poll_id)
            if poll.anonymous:
                # Sealed: without the key no voter hash can be recomputed, and the reshuffle leaves no
                # order to match against the respondents.
                repo.destroy_key(poll_id)
                repo.reshuffle_ballots(poll_id)
        self.updates.request(poll_id, final=True)
        return True

    def due_reminders(self, now: datetime | None = None) -> list[Reminder]:
        """Reminders that are due, each claimed so that only one process sends it."""
        now = _now(now)
        with self.db.session() as session:
            due = PollRepository(session).due_for_reminder(now)
        reminders = []
        for poll_id in due:
            with self.db.session() as session:
                repo = PollRepository(session)
                if not repo.claim_reminder(poll_id, now):
                    continue
                poll = repo.get(poll_id)
                assert poll is not None
                _, missing = self._coverage(session, poll)
                reminders.append(Reminder(self._view(session, poll), tuple(p.slack_user_id for p in missing)))
        return reminders

    def remind_now(self, poll_id: int, user: str, *, delivery: str) -> Reminder | None:
        """`Remind non-respondents`: who to remind, for the creator or a coordinator; None when this
        click was already handled (a retried delivery must not send the reminders twice)."""
        with self.db.session() as session:
            repo = PollRepository(session)
            poll = repo.get(poll_id)
            if poll is None:
                raise UnknownPoll()
            self._require_manager(session, poll, user, "send reminders for")
            if poll.status != PollStatus.OPEN:
                raise DomainError(
                    f"{format_poll_ref(poll.number)} is closed; there is nobody left to remind."
                )
            delivery_key = hashlib.sha256(f"remind\n{user}\n{delivery}".encode()).hexdigest()
            if repo.seen_delivery(delivery_key):
                return None
            repo.add_delivery(poll_id, delivery_key)
            _, missing = self._coverage(session, poll)
            return Reminder(self._view(session, poll), tuple(p.slack_user_id for p in missing))

    def claim_refresh(self, poll_id: int, *, final: bool, now: datetime | None = None) -> RefreshClaim:
        """Whether this process may update the poll's message now (any process: once per interval)."""
        now = _now(now)
        interval = timedelta(seconds=self.refresh_interval)
        with self.db.session() as session:
            repo = PollRepository(session)
            poll = repo.get(poll_id)
            if poll is None or poll.message_ts is None:
                return RefreshClaim()
            # Once closed, only the process that closed it posts the (final) results.
            if poll.status == PollStatus.CLOSED and not final:
                return RefreshClaim()
            if not repo.claim_refresh(poll_id, now, interval):
                last = repo.refreshed_at(poll_id) or now
                return RefreshClaim(retry_in=max((last + interval - now).total_seconds(), 0.05))
            return RefreshClaim(results=self._results(session, poll, None, depth=0))

    def refreshed(self, poll_id: int, now: datetime | None = None) -> None:
        """The message was updated: the next update of any process waits a full interval from now."""
        with self.db.session() as session:
            PollRepository(session).mark_refreshed(poll_id, _now(now))

    # -- helpers -------------------------------------------------------------------------------------

    def _poll(self, session: Session, number: int) -> Poll:
        poll = PollRepository(session).by_number(number)
        if poll is None:
            raise DomainError(
                f"There is no poll {format_poll_ref(number)}. "
                "The poll's reference (P1, P2, ...) is on its message."
            )
        return poll

    def _view(self, session: Session, poll: Poll) -> PollView:
        repo = PollRepository(session)
        previous = repo.get(poll.previous_id) if poll.previous_id else None
        following = repo.next_round_of(poll.id)
        return to_view(poll, previous.number if previous else None, following.number if following else None)

    def _require_manager(self, session: Session, poll: Poll, user: str, what: str) -> None:
        partner = PartnerRepository(session).by_slack_id(user)
        if user == poll.creator_slack_id or (partner is not None and to_info(partner).is_coordinator):
            return
        raise NotAllowed(
            f"Only the poll's creator (<@{poll.creator_slack_id}>) or a coordinator can {what} "
            f"{format_poll_ref(poll.number)}."
        )

    def _require_audience(self, session: Session, poll: PollView, partner: PartnerInfo) -> None:
        if poll.audience is Audience.CHANNEL and partner.slack_user_id not in PollRepository(
            session
        ).audience(poll.id):
            raise _not_in_audience(poll)


class _Batch:
    """The answers of one transaction on one poll, worked out in memory before anything is written."""

    def __init__(self, poll: PollView, key: bytes | None, requests: Sequence[VoteRequest]) -> None:
        self.poll = poll
        users = sorted({r.user for r in requests})
        self.voters = {user: _voter_key(key, user, poll.anonymous) for user in users}
        self.deliveries = {r.delivery_id: _delivery_key(key, r) for r in requests}
        self.current: dict[str, Answer | None] = {}
        self.seen: set[str] = set()
        self.changed: set[str] = set()
        self.counted_deliveries: list[str] = []

    def load(self, ballots: dict[str, PollBallot], seen: set[str]) -> None:
        for user, voter in self.voters.items():
            ballot = ballots.get(voter)
            self.current[user] = Answer.from_json(ballot.answer) if ballot else None
        self.seen = set(seen)

    def apply(
        self, request: VoteRequest, partner: PartnerInfo | None, audience: set[str] | None
    ) -> VoteOutcome | DomainError:
        if partner is None:
            return NotRegistered()
        if audience is not None and request.user not in audience:
            return _not_in_audience(self.poll)
        delivery_key = self.deliveries[request.delivery_id]
        current = self.current[request.user]
        if delivery_key in self.seen:
            return VoteOutcome(self.poll, current, counted=False, results=None)
        try:
            updated: Answer | None = apply_change(self.poll, current, request.change)
            updated = None if updated is None or updated.is_empty else validate_answer(self.poll, updated)
        except DomainError as refusal:
            return refusal
        self.seen.add(delivery_key)
        self.counted_deliveries.append(delivery_key)
        self.current[request.user] = updated
        self.changed.add(request.user)
        return VoteOutcome(self.poll, updated, counted=True, results=None)


def _not_in_audience(poll: PollView) -> NotAllowed:
    return NotAllowed(
        f"{poll.ref} is for the partners who were members of <#{poll.channel_id}> when it was "
        "posted, and you were not among them. Ask its creator or a coordinator whether you should "
        "take part."
    )


def _delivery_key(key: bytes | None, request: VoteRequest) -> str:
    """Recognises a repeated delivery; under an anonymous poll's key, so it links nobody after close."""
    return _voter_key(key or b"delivery", f"{request.user}\n{request.delivery}", True)


def _voter_key(key: bytes | None, user: str, anonymous: bool) -> str:
    """The Slack user id in an attributed poll; an HMAC under the poll's key in an anonymous one."""
    if not anonymous:
        return user
    if key is None:
        raise DomainError(
            "This anonymous poll is sealed: answers can no longer be changed or linked to anyone."
        )
    return hmac.new(key, user.encode(), hashlib.sha256).hexdigest()


def _new_poll(
    draft: PollDraft,
    options: list[str],
    refs: list[int],
    number: int,
    creator: str,
    channel_id: str,
    key: str,
) -> Poll:
    return Poll(
        number=number,
        kind=draft.kind.value,
        question=draft.question,
        options=options,
        option_refs=refs,
        anonymous=draft.anonymous,
        visibility=draft.visibility.value,
        audience=draft.audience.value,
        max_choices=draft.max_choices,
        points_budget=draft.points_budget,
        require_reason=draft.require_reason,
        status=PollStatus.OPEN.value,
        deadline=draft.deadline,
        creator_slack_id=creator,
        channel_id=channel_id,
        submission_key=key,
        round=1,
        revision=0,
    )


def _draft_of(previous: Poll, now: datetime) -> PollDraft:
    """The next round asks the same; its deadline leaves as much time as the previous round had."""
    deadline = None
    if previous.deadline is not None:
        deadline = now + max(previous.deadline - previous.created_at, timedelta(hours=1))
    return PollDraft(
        question=previous.question,
        kind=PollKind(previous.kind),
        options=tuple(previous.options),
        anonymous=previous.anonymous,
        visibility=Visibility(previous.visibility),
        audience=Audience(previous.audience),
        max_choices=previous.max_choices,
        points_budget=previous.points_budget,
        require_reason=previous.require_reason,
        deadline=deadline,
    )


def _select_recommendations(session: Session, selection: ValiditySelection) -> list[Recommendation]:
    if selection.origin is not None:
        query = select(Recommendation).where(func.lower(Recommendation.origin) == selection.origin.lower())
        recs = list(session.scalars(query.order_by(Recommendation.number)).unique())
        if not recs:
            origins = sorted({o for o in session.scalars(select(Recommendation.origin)) if o})
            known = ", ".join(origins) if origins else "none yet (import them with `consult-bot recs import`)"
            raise InvalidInput(
                {"options": f"No recommendations were imported from {selection.origin!r}. Origins: {known}."}
            )
    else:
        query = select(Recommendation).where(Recommendation.number.in_(selection.numbers))
        found = {r.number: r for r in session.scalars(query).unique()}
        missing = [format_ref(n) for n in selection.numbers if n not in found]
        if missing:
            raise InvalidInput(
                {"options": f"There is no recommendation {', '.join(missing)}. `/recs` lists the references."}
            )
        recs = [found[n] for n in selection.numbers]
    if len(recs) > PollKind.VALIDITY.items_max:
        raise InvalidInput(
            {
                "options": f"That is {len(recs)} recommendations; one review covers at most "
                f"{PollKind.VALIDITY.items_max}. Split them over several reviews by reference."
            }
        )
    return recs


__all__ = [
    "PollClosed",
    "PollService",
    "RefreshClaim",
    "Reminder",
    "UnknownPoll",
    "VoteOutcome",
]
