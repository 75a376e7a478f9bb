"""Creating polls: a draft numbered and stored, its message recorded, the next Delphi round."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain.clock import now_or_utcnow
from bot.domain.errors import DomainError, InvalidInput, NotRegistered
from bot.domain.polls.drafts import PollDraft, PollView, ValiditySelection, reminder_time
from bot.domain.polls.kinds import Audience, PollKind, PollStatus, Visibility, format_poll_ref
from bot.domain.recommendations import format_ref
from bot.services.polls.base import WRITE_ATTEMPTS, PollServiceBase
from storage.models import Poll, Recommendation
from storage.repositories import PartnerRepository, RecommendationRepository
from storage.repositories.polls import PollRepository

_VALIDITY_LABEL_MAX = 150


def _new_poll(
    draft: PollDraft,
    options: list[str],
    refs: list[int],
    number: int,
    creator: str,
    channel_id: str,
    key: str,
    thread_ts: str | None,
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
        per_organisation=draft.per_organisation,
        thread_ts=thread_ts,
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
        repo = RecommendationRepository(session)
        recs = list(repo.by_origin(selection.origin))
        if not recs:
            origins = repo.origins()
            known = ", ".join(origins) if origins else "none yet (import them with `consult-bot recs import`)"
            raise InvalidInput(
                {"options": f"No recommendations were imported from {selection.origin!r}. Origins: {known}."}
            )
    else:
        found = RecommendationRepository(session).by_numbers(selection.numbers)
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


class PollCreation(PollServiceBase):
    """New polls and new rounds, each numbered once."""

    def create(
        self,
        draft: PollDraft,
        *,
        creator: str,
        channel_id: str,
        submission_key: str,
        channel_members: Sequence[str] = (),
        thread_ts: str | None = None,
        now: datetime | None = None,
    ) -> tuple[PollView, bool]:
        """Stores a validated draft; a repeated submission returns the first poll and `False`."""
        now = now_or_utcnow(now)
        for _ in range(WRITE_ATTEMPTS):
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
                            draft,
                            options,
                            refs,
                            repo.next_number(),
                            creator,
                            channel_id,
                            submission_key,
                            thread_ts,
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
            if poll is None:
                return
            poll.channel_id, poll.message_ts = channel_id, message_ts
            closed_meanwhile = poll.status == PollStatus.CLOSED
        if closed_meanwhile:
            # Its deadline passed (or it was closed) before its message was noted: the close could
            # not update a message it did not know, so the final results go out now.
            self.updates.request(poll_id, final=True)

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
        now = now_or_utcnow(now)
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
        for _ in range(WRITE_ATTEMPTS):
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
                        previous.thread_ts,
                    )
                    poll.round, poll.previous_id, poll.created_at = previous.round + 1, previous.id, now
                    poll.remind_at = reminder_time(now, draft.deadline, self.reminder_lead)
                    repo.add(poll)
                    self._start(session, poll, audience)
                    return self._view(session, poll), True
            except IntegrityError:
                continue
        raise RuntimeError("could not allocate a poll number; the database is too busy")
