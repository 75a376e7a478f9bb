"""The generated year's polls of every kind, anonymous and attributed, some of them Delphi rounds."""

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.domain.polls.answers import Answer, validate_answer
from bot.domain.polls.drafts import PollDraft, PollView, ValiditySelection, reminder_time, validate_draft
from bot.domain.polls.kinds import POINTS_BUDGET_DEFAULT, WHOLE, Audience, PollKind, PollStatus, Visibility
from bot.domain.recommendations import format_ref
from storage.db import Database
from storage.models import (
    Poll,
    PollAudience,
    PollBallot,
    PollDelivery,
    PollKey,
    PollRespondent,
)

from .dataset import Dataset, Thread, insert_rows, partners_only, slack_ts, weighted
from .vocabulary import (
    CHANNEL,
    OBJECTS,
    POLL_KINDS,
    POLL_OPTIONS,
    PREDICATES,
    PRIORITIES,
    REASONS,
    REMINDER_LEAD,
    SUBJECTS,
    YEAR_END,
    YEAR_START,
    Row,
)


@dataclass
class _PollRows:
    polls: list[Row] = field(default_factory=list)
    keys: list[Row] = field(default_factory=list)
    audience: list[Row] = field(default_factory=list)
    respondents: list[Row] = field(default_factory=list)
    ballots: list[Row] = field(default_factory=list)
    deliveries: list[Row] = field(default_factory=list)

    def insert(self, db: Database) -> None:
        insert_rows(db, Poll, self.polls)
        insert_rows(db, PollKey, self.keys)
        insert_rows(db, PollAudience, self.audience)
        insert_rows(db, PollRespondent, self.respondents)
        insert_rows(db, PollBallot, self.ballots)
        insert_rows(db, PollDelivery, self.deliveries)


@dataclass
class _PollPlan:
    """A poll as PollService would have created it, and how its life went by the end of the year."""

    view: PollView
    audience: list[str]
    closed_at: datetime | None
    previous_id: int | None = None
    has_next: bool = False


def add_polls(db: Database, rng: random.Random, dataset: Dataset) -> None:
    rows = _PollRows()
    plans: list[_PollPlan] = []
    count = dataset.volume.polls
    for number in range(1, count + 1):
        created = (
            YEAR_START + (number - 1) * (YEAR_END - YEAR_START) / count + timedelta(hours=rng.uniform(1, 48))
        )
        plan = _next_round(rng, plans, number, created) or _new_poll(rng, dataset, number, created)
        plans.append(plan)
        _poll_rows(rng, rows, plan)
    rows.insert(db)
    dataset.polls = count
    dataset.open_polls = sum(1 for plan in plans if plan.closed_at is None)


def _new_poll(rng: random.Random, dataset: Dataset, number: int, created: datetime) -> _PollPlan:
    kind: PollKind = weighted(rng, POLL_KINDS)
    earlier = [t for t in dataset.threads if t.created_at < created]
    if kind is PollKind.VALIDITY and len(earlier) < 2:
        kind = PollKind.SINGLE
    draft = validate_draft(_draft(rng, kind, created, earlier), created)
    if kind is PollKind.VALIDITY:
        titles = {t.number: t.title for t in earlier}
        refs = draft.selection.numbers if draft.selection else ()
        labels = tuple(f"{format_ref(n)} · {titles[n]}"[:150] for n in refs)
        draft = replace(draft, options=labels, option_refs=refs, selection=None)
    members = [m.slack_user_id for m in dataset.members]
    audience = (
        sorted(rng.sample(members, rng.randint(32, 40))) if draft.audience is Audience.CHANNEL else members
    )
    creator = dataset.members[0] if rng.random() < 0.7 else rng.choice(partners_only(dataset.members))
    return _plan(number, draft, creator.slack_user_id, created, audience)


def _draft(rng: random.Random, kind: PollKind, created: datetime, earlier: Sequence[Thread]) -> PollDraft:
    count = rng.randint(3, 6)
    options: tuple[str, ...] = ()
    selection = None
    if kind is PollKind.VALIDITY:
        picked = rng.sample(earlier, min(len(earlier), rng.randint(3, 8)))
        selection = ValiditySelection(numbers=tuple(sorted(t.number for t in picked)))
    elif kind is PollKind.SCALE:
        options = tuple(f"{rng.choice(SUBJECTS)} {p}" for p in rng.sample(PREDICATES, count))
    elif kind in (PollKind.POINTS, PollKind.RANKING):
        options = tuple(rng.sample(PRIORITIES, count))
    else:
        options = tuple(rng.sample(POLL_OPTIONS, count))
    return PollDraft(
        question=f"Consortium question {kind.label.lower()}: {rng.choice(OBJECTS)}?",
        kind=kind,
        options=options,
        selection=selection,
        anonymous=rng.random() < 0.3,
        visibility=weighted(
            rng, ((Visibility.LIVE, 60), (Visibility.AFTER_VOTE, 20), (Visibility.AFTER_CLOSE, 20))
        ),
        audience=Audience.CHANNEL if rng.random() < 0.7 else Audience.ALL,
        max_choices=2 if kind is PollKind.MULTIPLE and rng.random() < 0.5 else None,
        require_reason=rng.random() < 0.3,
        deadline=created + timedelta(days=7) if rng.random() < 0.9 else None,
    )


def _plan(number: int, draft: PollDraft, creator: str, created: datetime, audience: list[str]) -> _PollPlan:
    """Closed at the deadline (or ten days on, by hand, without one) when that falls within the year."""
    closes = draft.deadline or created + timedelta(days=10)
    closed_at = closes if closes <= YEAR_END else None
    view = PollView(
        id=number,
        number=number,
        question=draft.question,
        kind=draft.kind,
        options=draft.options,
        anonymous=draft.anonymous,
        visibility=draft.visibility,
        audience=draft.audience,
        status=PollStatus.CLOSED if closed_at else PollStatus.OPEN,
        creator_id=creator,
        created_at=created,
        option_refs=draft.option_refs,
        max_choices=draft.max_choices,
        points_budget=draft.points_budget,
        require_reason=draft.require_reason,
        deadline=draft.deadline,
        closed_at=closed_at,
        channel_id=CHANNEL,
        message_ts=slack_ts(created),
    )
    return _PollPlan(view, audience, closed_at)


def _next_round(
    rng: random.Random, plans: list[_PollPlan], number: int, created: datetime
) -> _PollPlan | None:
    """Now and then a Delphi round re-runs the latest closed scale or prioritisation poll."""
    if rng.random() >= 0.1:
        return None
    for previous in reversed(plans):
        view = previous.view
        if view.kind.supports_rounds and previous.closed_at and previous.closed_at <= created:
            if previous.has_next:
                return None
            previous.has_next = True
            lead = (view.deadline - view.created_at) if view.deadline else None
            draft = PollDraft(
                question=view.question,
                kind=view.kind,
                options=view.options,
                anonymous=view.anonymous,
                visibility=view.visibility,
                audience=view.audience,
                points_budget=view.points_budget,
                require_reason=view.require_reason,
                deadline=created + lead if lead else None,
            )
            plan = _plan(number, draft, view.creator_id, created, previous.audience)
            plan.previous_id = view.id
            plan.view = replace(plan.view, round=view.round + 1)
            return plan
    return None


def _poll_rows(rng: random.Random, rows: _PollRows, plan: _PollPlan) -> None:
    view = plan.view
    key = rng.randbytes(32) if view.anonymous else None
    voters = rng.sample(plan.audience, min(len(plan.audience), rng.randint(12, 28)))
    ballots = [(voter, validate_answer(view, _answer(rng, view)).to_json()) for voter in voters]
    rows.polls.append(_poll_row(view, plan, revision=len(ballots) + (1 if plan.closed_at else 0)))
    if view.audience is Audience.CHANNEL:
        rows.audience.extend({"poll_id": view.id, "slack_user_id": user} for user in plan.audience)
    rows.respondents.extend({"poll_id": view.id, "slack_user_id": voter} for voter in voters)
    if plan.closed_at is None:
        if key is not None:
            rows.keys.append({"poll_id": view.id, "key": key})
        for voter, answer in ballots:
            rows.ballots.append({"poll_id": view.id, "voter_key": _voter_key(key, voter), "answer": answer})
            delivery = _hmac(key or b"delivery", f"{voter}\nbench-{view.number}-{voter}")
            rows.deliveries.append({"poll_id": view.id, "delivery_key": delivery})
        return
    if key is not None:  # sealed at close: the key is gone and the ballots are reshuffled under random keys
        rng.shuffle(ballots)
    for voter, answer in ballots:
        voter_key = rng.randbytes(32).hex() if key is not None else voter
        rows.ballots.append({"poll_id": view.id, "voter_key": voter_key, "answer": answer})


def _poll_row(view: PollView, plan: _PollPlan, revision: int) -> Row:
    remind_at = reminder_time(view.created_at, view.deadline, REMINDER_LEAD)
    return {
        "id": view.id,
        "number": view.number,
        "kind": view.kind.value,
        "question": view.question,
        "options": list(view.options),
        "option_refs": list(view.option_refs),
        "anonymous": view.anonymous,
        "visibility": view.visibility.value,
        "audience": view.audience.value,
        "max_choices": view.max_choices,
        "points_budget": view.points_budget,
        "require_reason": view.require_reason,
        "status": view.status.value,
        "deadline": view.deadline,
        "remind_at": remind_at,
        "reminder_sent_at": remind_at if remind_at and remind_at <= YEAR_END else None,
        "closed_at": plan.closed_at,
        "creator_slack_id": view.creator_id,
        "channel_id": CHANNEL,
        "message_ts": view.message_ts,
        "submission_key": f"bench-poll-{view.number}",
        "round": view.round,
        "previous_id": plan.previous_id,
        "revision": revision,
        "created_at": view.created_at,
        "updated_at": plan.closed_at or view.created_at,
    }


def _voter_key(key: bytes | None, user: str) -> str:
    return _hmac(key, user) if key is not None else user


def _hmac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _answer(rng: random.Random, view: PollView) -> Answer:
    count = len(view.options)
    reasons = {WHOLE: "We discussed it with our members."} if rng.random() < 0.2 else {}
    if view.kind is PollKind.SINGLE:
        return Answer(choices=(rng.randrange(count),), reasons=reasons)
    if view.kind is PollKind.MULTIPLE:
        chosen = rng.sample(range(count), rng.randint(1, view.max_choices or count))
        return Answer(choices=tuple(sorted(chosen)), reasons=reasons)
    ratings = _ratings(rng, view.kind, count, view.points_budget or POINTS_BUDGET_DEFAULT)
    if view.require_reason:
        reasons |= {i: rng.choice(REASONS) for i, value in ratings.items() if _needs_reason(view.kind, value)}
    return Answer(ratings=ratings, reasons=reasons)


def _needs_reason(kind: PollKind, rating: int) -> bool:
    """The ratings for which a poll that requires reasons asks for one (disagreeing, or doubting validity)."""
    return rating <= 2 if kind is PollKind.SCALE else kind is PollKind.VALIDITY and rating >= 2


def _ratings(rng: random.Random, kind: PollKind, count: int, budget: int) -> dict[int, int]:
    if kind is PollKind.SCALE:
        return {i: rng.choices((1, 2, 3, 4, 5), weights=(1, 2, 2, 4, 3))[0] for i in range(count)}
    if kind is PollKind.VALIDITY:
        return {i: rng.choices((0, 1, 2, 3), weights=(5, 3, 2, 1))[0] for i in range(count)}
    if kind is PollKind.POINTS:
        cuts = sorted(rng.randint(0, budget) for _ in range(count - 1))
        edges = [0, *cuts, budget]
        return {i: edges[i + 1] - edges[i] for i in range(count)}
    ranks = rng.sample(range(1, count + 1), count)
    return dict(enumerate(ranks))


# -- measuring -------------------------------------------------------------------------------------------
