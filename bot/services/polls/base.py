"""What every poll use case shares: errors, views, finding a poll, who may act, its results."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session

from bot.domain.errors import DomainError, NotAllowed
from bot.domain.partners import PartnerInfo
from bot.domain.polls.answers import Answer
from bot.domain.polls.drafts import PollView
from bot.domain.polls.kinds import WHOLE, Audience, PollKind, PollStatus, Visibility, format_poll_ref
from bot.domain.polls.tallies import AttributedAnswer, PollResults, tally
from bot.services.partners import PartnerService, from_details, to_info
from bot.services.poll_updates import MessageRefresher
from bot.services.poll_votes import VoteWriter
from bot.services.polls.confirmations import LiveResults
from bot.services.ports import PollNotices
from storage.db import Database
from storage.models import Poll
from storage.repositories import PartnerRepository
from storage.repositories.polls import PollRepository

# How often a write that lost a race (a unique key taken meanwhile) is tried again.
WRITE_ATTEMPTS = 8


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
        per_organisation=poll.per_organisation,
        thread_ts=poll.thread_ts,
    )


def not_in_audience(poll: PollView) -> NotAllowed:
    return NotAllowed(
        f"{poll.ref} is for the partners who were members of its channel when it was "
        "posted, and you were not among them. Ask its creator or a coordinator whether you should "
        "take part."
    )


class PollServiceBase:
    """What every poll use case shares: the database, the partners, finding a poll, its results."""

    db: Database
    partners: PartnerService
    # What the poll use cases tell Slack (a message out of date, a reminder): the outbound port.
    notices: PollNotices
    reminder_lead: timedelta
    refresh_interval: float
    updates: MessageRefresher[int]
    votes: VoteWriter
    # The results beside vote confirmations, read once for many votes.
    live_results: LiveResults
    # The poll id of each poll message clicked lately ((channel, message ts) -> id).
    message_polls: dict[tuple[str, str], int]
    # Told each poll this process closed, after its close committed (a common-wording round's result).
    closed_listeners: list[Callable[[int], object]]
    # Told each time a poll's message was brought up to date (people's Homes follow it).
    changed_listeners: list[Callable[[PollResults], object]]

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
        ballots = repo.answers(poll.id)
        answers = [Answer.from_json(answer) for _, answer in ballots]
        attributed: tuple[AttributedAnswer, ...] = ()
        if not view.anonymous:
            people = {p.slack_user_id: p for p in (*respondents, *non_respondents)}
            attributed = tuple(
                AttributedAnswer(people[voter], answer)
                for (voter, _), answer in zip(ballots, answers, strict=True)
                if voter in people
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
            audience = [
                from_details(row) for row in partners.details(sorted(repo.audience(poll.id) | answered))
            ]
        else:
            audience = [to_info(p) for p in partners.all()]
        people = sorted(audience, key=lambda p: (p.country, p.organisation, p.name))
        if poll.per_organisation:
            # An organisation has answered once any member has: its other members are not reminded.
            answered_orgs = {p.organisation for p in people if p.slack_user_id in answered}
            return (
                tuple(p for p in people if p.slack_user_id in answered),
                tuple(p for p in people if p.organisation not in answered_orgs),
            )
        return (
            tuple(p for p in people if p.slack_user_id in answered),
            tuple(p for p in people if p.slack_user_id not in answered),
        )

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
        partners = PartnerRepository(session)
        partner = partners.by_slack_id(user)
        if user == poll.creator_slack_id or (partner is not None and to_info(partner).is_coordinator):
            return
        creator = partners.by_slack_id(poll.creator_slack_id)
        named = f" ({creator.name})" if creator else ""
        raise NotAllowed(
            f"Only the poll's creator{named} or a coordinator can {what} {format_poll_ref(poll.number)}."
        )

    def _require_audience(self, session: Session, poll: PollView, partner: PartnerInfo) -> None:
        if poll.audience is Audience.CHANNEL and partner.slack_user_id not in PollRepository(
            session
        ).audience(poll.id):
            raise not_in_audience(poll)
