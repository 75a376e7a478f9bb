"""Answering polls: batched votes written once per delivery, the answer form and one's own view."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from bot.domain.errors import DomainError, NotRegistered
from bot.domain.partners import PartnerInfo
from bot.domain.polls.answers import Answer, Change, VoteOutcome, VoteRequest, apply_change, validate_answer
from bot.domain.polls.drafts import PollView
from bot.domain.polls.kinds import Audience
from bot.domain.polls.tallies import PollResults
from bot.services.partners import from_details
from bot.services.polls.base import (
    WRITE_ATTEMPTS,
    PollClosed,
    PollServiceBase,
    UnknownPoll,
    not_in_audience,
    to_view,
)
from storage.models import PollBallot
from storage.repositories import PartnerRepository
from storage.repositories.polls import PollRepository

log = logging.getLogger("consult_bot.polls")
# What an answer came to: stored (or a repeat), refused, or failed with an error.
Outcome = VoteOutcome | DomainError | Exception
_Item = tuple[VoteRequest, PartnerInfo | None]
# Poll messages whose poll id is remembered (those being clicked now).
_MESSAGES_KEPT = 256


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
            return not_in_audience(self.poll)
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


class PollAnswers(PollServiceBase):
    """Votes and form answers; anonymous voters are kept apart by an HMAC under the poll's key."""

    def answer(self, poll_id: int, user: str, change: Change, *, delivery: str) -> VoteOutcome:
        """One answer, now (the answer form: stored before the form closes); raises if refused."""
        result = self.answer_all([VoteRequest(user, change, delivery, poll_id=poll_id)])[0]
        if isinstance(result, Exception):
            raise result
        return result

    def answer_all(self, requests: Sequence[VoteRequest]) -> list[Outcome]:
        """`store_all`, each outcome with the results its voter may see."""
        return [self.with_results(outcome) for outcome in self.store_all(requests)]

    def store_all(self, requests: Sequence[VoteRequest]) -> list[Outcome]:
        """Applies answers in the order given, in one transaction, once per delivery.

        Returns once that transaction has committed. Each request gets its outcome (without the
        results: `with_results` adds them), the reason it was refused, or the error that kept it
        from being stored: each poll's answers are applied in a savepoint, and if that fails, each
        answer in a savepoint of its own, so one failing answer fails no other. Raises when the
        transaction as a whole could not commit (then nothing of it was stored).
        """
        results: list[Outcome | None] = [None] * len(requests)
        polls = self._resolve(requests, results)
        groups: dict[int, list[int]] = {}
        for position, poll_id in enumerate(polls):
            if poll_id is not None:
                groups.setdefault(poll_id, []).append(position)
        applied: dict[int, list[Outcome]] = {}
        with self.db.write_session() as session:
            rows = PartnerRepository(session).details(sorted({r.user for r in requests}))
            people = {row[0]: from_details(row) for row in rows}
            # Polls in id order: two processes writing the same polls lock their rows in one order.
            for poll_id in sorted(groups):
                items = [(requests[i], people.get(requests[i].user)) for i in groups[poll_id]]
                applied[poll_id] = self._apply_isolated(session, poll_id, items)
        for poll_id, outcomes in applied.items():
            if any(isinstance(o, VoteOutcome) and o.counted for o in outcomes):
                self.live_results.changed(poll_id)
                self.updates.request(poll_id)
            for position, outcome in zip(groups[poll_id], outcomes, strict=True):
                results[position] = outcome
        return [r if r is not None else UnknownPoll() for r in results]

    def _resolve(self, requests: Sequence[VoteRequest], results: list[Outcome | None]) -> list[int | None]:
        """The poll id of each request; a request whose poll is unknown gets UnknownPoll."""
        found: dict[tuple[str, str], int | DomainError] = {}
        polls: list[int | None] = []
        for position, request in enumerate(requests):
            if request.poll_id is not None or (request.message is None and request.number is None):
                polls.append(request.poll_id)
                continue
            # A click on the poll's message, or on the poll in someone's App Home (its number only).
            where = request.message or ("", f"P{request.number}")
            if where not in found:
                try:
                    found[where] = self._poll_id_at(request.message, request.number)
                except DomainError as error:
                    found[where] = error
            poll = found[where]
            if isinstance(poll, DomainError):
                results[position] = poll
                polls.append(None)
            else:
                polls.append(poll)
        return polls

    def _poll_id_at(self, message: tuple[str, str] | None, number: int | None) -> int:
        """The poll on that message (or with that number); a message's poll never changes, so it is
        looked up once."""
        if message is None:
            return self.get(int(number or 0)).id
        if (known := self.message_polls.get(message)) is None:
            known = self.message_polls[message] = self.for_message(*message, number).id
            if len(self.message_polls) > _MESSAGES_KEPT:
                del self.message_polls[next(iter(self.message_polls))]
        return known

    def _apply_isolated(self, session: Session, poll_id: int, items: list[_Item]) -> list[Outcome]:
        """The poll's answers in one savepoint; if that fails, each answer in its own."""
        try:
            return list(self._apply_retrying(session, poll_id, items))
        except DBAPIError as error:
            if error.connection_invalidated or isinstance(error, OperationalError | InterfaceError):
                raise  # the connection is gone: the whole transaction fails, each voter hears so
            failure: Exception = error
        except Exception as error:
            failure = error
        if len(items) == 1:
            log.error("could not record an answer to poll %s", poll_id, exc_info=failure)
            return [failure]
        return [outcome for item in items for outcome in self._apply_isolated(session, poll_id, [item])]

    def _apply_retrying(
        self, session: Session, poll_id: int, items: list[_Item]
    ) -> list[VoteOutcome | DomainError]:
        for _ in range(WRITE_ATTEMPTS):
            try:
                with session.begin_nested():
                    return self._apply(session, poll_id, items)
            except IntegrityError:
                continue  # another process stored the same ballot meanwhile: read again
        raise RuntimeError("could not record the answers; the database is too busy")

    def _apply(self, session: Session, poll_id: int, items: list[_Item]) -> list[VoteOutcome | DomainError]:
        repo = PollRepository(session)
        if not repo.lock_open(poll_id):
            poll = repo.get(poll_id)
            refusal: DomainError = UnknownPoll() if poll is None else PollClosed(to_view(poll))
            return [refusal] * len(items)
        poll = repo.get(poll_id)
        assert poll is not None
        view = to_view(poll)
        # Only an anonymous poll has a key (to hash its voters with).
        batch = _Batch(view, repo.key(poll_id) if view.anonymous else None, [request for request, _ in items])
        voters = sorted(batch.voters)
        audience = repo.audience_among(poll_id, voters) if batch.poll.audience is Audience.CHANNEL else None
        ballots = repo.ballots_for(poll_id, list(batch.voters.values()))
        batch.load(ballots, repo.seen_deliveries(list(batch.deliveries.values())))
        outcomes = [batch.apply(request, partner, audience) for request, partner in items]
        self._write(repo, batch, ballots)
        if batch.poll.per_organisation:
            _one_ballot_per_organisation(repo, batch, items)
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

    def with_results(self, outcome: Outcome) -> Outcome:
        """A vote's outcome with the results its voter may see (one read serves many votes)."""
        if not isinstance(outcome, VoteOutcome):
            return outcome
        try:
            results = self.live_results.get(outcome.poll.id)
        except SQLAlchemyError:
            # The answer is stored; only the figures beside its confirmation are missing.
            log.warning(
                "could not read the results of poll %s for a confirmation", outcome.poll.id, exc_info=True
            )
            return outcome
        visible = results is not None and outcome.poll.results_visible_to(outcome.answer is not None)
        return replace(outcome, results=results if visible else None)

    def read_results(self, poll_id: int) -> PollResults | None:
        """Every figure of the poll, hidden ones included (for those allowed to see them)."""
        with self.db.session() as session:
            poll = PollRepository(session).get(poll_id)
            return self._results(session, poll, None, depth=0, reveal=True) if poll else None

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


def _one_ballot_per_organisation(
    repo: PollRepository, batch: _Batch, items: list[tuple[VoteRequest, PartnerInfo | None]]
) -> None:
    """The latest answering member speaks for the organisation: their colleagues' ballots are removed."""
    latest: dict[str, str] = {}
    for request, partner in items:
        if partner is not None and request.user in batch.changed and batch.current[request.user] is not None:
            latest[partner.organisation] = request.user
    if not latest:
        return
    members = PartnerRepository(repo.session).by_organisations(sorted(latest))
    for organisation, speaker in latest.items():
        colleagues = [
            m.slack_user_id for m in members if m.organisation == organisation and m.slack_user_id != speaker
        ]
        for ballot in repo.ballots_for(batch.poll.id, colleagues).values():
            repo.delete_ballot(ballot)
        for colleague in repo.answered_among(batch.poll.id, colleagues):
            repo.remove_respondent(batch.poll.id, colleague)
