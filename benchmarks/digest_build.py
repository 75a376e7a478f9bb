"""Digest benchmark (issue 5): build time, growth from 1x to 10x, peak memory and LLM tokens.

    .venv/bin/python benchmarks/digest_build.py [--scales 1,2,5,10] [--quick]

A generated year of a 40-partner consortium (at scale 1: 300 recommendations, each consulted on, 30,000
comments over 52 weeks, 200 polls) goes into a fresh SQLite database per scale, by bulk inserts of the rows
the services would write. Then, with no OpenAI key (the offline summarizer is part of the build and counted):
the weekly digest at the end of the year, one week after the previous one was stored (the figure against the
2 s target), and the first-ever digest (every comment new) for information, median of 3 runs each; peak
memory of the weekly build (tracemalloc, and max RSS growth in a fresh process); and, against the local
FakeLLM, the tokens of consecutive weekly digests compared with summarising every thread in full each week.

Loopback only; the figures are printed as a table with PASS/FAIL per target, and the exit code is 0 either
way (it is a measurement). `generate` is importable: tests/unit/test_digest_benchmark_data.py keeps it honest.
"""

from __future__ import annotations

import argparse
import bisect
import gc
import hashlib
import hmac
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert

from bot.config import Settings, load_settings
from bot.domain.consultations import Position, datetime_to_ts, ts_to_datetime
from bot.domain.periods import Period, ended_period
from bot.domain.polls import (
    POINTS_BUDGET_DEFAULT,
    WHOLE,
    Answer,
    Audience,
    PollDraft,
    PollKind,
    PollStatus,
    PollView,
    ValiditySelection,
    Visibility,
    reminder_time,
    validate_answer,
    validate_draft,
)
from bot.domain.recommendations import Level, Status, format_ref
from bot.localllm import FakeLLM
from bot.services import Services, build_services
from bot.services.digest import BuiltDigest, DigestService
from bot.services.summaries import SummaryService
from storage.db import Database
from storage.models import (
    Base,
    Consultation,
    ConsultationAudit,
    ConsultationComment,
    ConsultationPosition,
    ConsultationPositionHistory,
    Digest,
    Partner,
    Poll,
    PollAudience,
    PollBallot,
    PollDelivery,
    PollKey,
    PollRespondent,
    Recommendation,
    RecommendationTheme,
    RecommendationVersion,
    SummaryCacheEntry,
)

Row = dict[str, Any]

# -- the consortium and its year -------------------------------------------------------------------------

SEED = 20250106
CRON = "0 8 * * MON"
ZONE = "Europe/Brussels"
# A Monday 08:00 in Brussels: a digest fires at the start of every week of the year.
YEAR_START = datetime(2025, 1, 6, 7, 0, tzinfo=UTC)
WEEKS = 52
WEEK = timedelta(weeks=1)
YEAR_END = YEAR_START + WEEKS * WEEK
CHANNEL = "C0POLICY"
WORKSPACE = "https://consortium.slack.com"
CONSULTATION_DAYS = 14
REMINDER_LEAD = timedelta(hours=24)
ORIGIN = "CLUSTERIX 2012-2014"
GUEST = "U0GUEST01"  # someone in the channel who is not a registered partner

REGIONS: tuple[tuple[str, str], ...] = (
    ("BE", "Flanders"),
    ("BE", "Wallonia"),
    ("DE", "Bavaria"),
    ("DE", "Saxony"),
    ("ES", "Catalonia"),
    ("ES", "Basque Country"),
    ("IT", "Lombardy"),
    ("IT", "Emilia-Romagna"),
    ("PL", "Mazovia"),
    ("PL", "Lesser Poland"),
    ("HU", "Central Hungary"),
    ("FR", "Occitanie"),
    ("FR", "Grand Est"),
    ("SE", "Skane"),
)
ORGANISATION_KINDS = ("Cluster Agency", "Innovation Hub")
# Members per organisation: 20 organisations, 40 partners, 1 to 3 each.
ORGANISATION_SIZES = (2, 1, 3, 2, 2, 1, 3, 2, 2, 1, 3, 2, 2, 1, 3, 2, 2, 2, 2, 2)
FIRST_NAMES = ("Anna", "Jan", "Marta", "Luca", "Eva", "Piotr", "Sofia", "Lars", "Ines", "Karl", "Zsofia")
LAST_NAMES = ("Peeters", "Novak", "Rossi", "Garcia", "Kowalski", "Nagy", "Martin", "Berg", "Weber", "Dubois")
THEMES = (
    "skills",
    "internationalisation",
    "digitalisation",
    "green transition",
    "funding",
    "SMEs",
    "governance",
    "research and innovation",
    "public procurement",
    "regional policy",
    "data sharing",
    "start-ups",
    "evaluation",
    "cross-border cooperation",
    "industrial policy",
)
ACTIONS = ("Fund", "Simplify", "Open", "Extend", "Evaluate", "Align", "Create", "Support", "Pool", "Measure")
OBJECTS = (
    "cross-border cluster partnerships",
    "voucher schemes for SMEs",
    "shared testing facilities",
    "skills academies in every region",
    "the reporting duties of cluster managers",
    "joint calls with national agencies",
    "data spaces for industrial ecosystems",
    "green procurement criteria",
    "mentoring for young clusters",
    "impact indicators for cluster policy",
    "a one-stop shop for internationalisation",
    "regional smart specialisation strategies",
)
SUBJECTS = (
    "Our members",
    "The regional programme",
    "Small clusters",
    "The national agency",
    "Cluster managers",
    "Our board",
    "Firms in our region",
    "The evaluation we ran last year",
    "Our ministry",
    "Start-ups we work with",
)
PREDICATES = (
    "would welcome this if the budget is ring-fenced",
    "already funds something very similar",
    "worry about the administrative burden",
    "need a transition period of at least two years",
    "support the aim but not the proposed instrument",
    "see a conflict with the state aid rules",
    "ask for a clearer definition of eligible costs",
    "would prefer a regional rather than an EU-wide scheme",
    "found that vouchers work best below 50,000 euros",
    "suggest merging this with the skills recommendation",
    "cannot accept the co-financing rate as written",
    "think the indicators should be agreed with the regions",
)
QUALIFIERS = (
    "",
    " in the first programming period",
    " for micro-enterprises in particular",
    " as our pilot showed",
    " unless the Commission changes the guidelines",
    " according to our latest survey",
    " when the partners share the costs",
    " and we can share our evaluation report",
)
REASONS = (
    "It duplicates our regional programme.",
    "It conflicts with the state aid rules we must follow.",
    "The co-financing rate is out of reach for small regions.",
    "The wording leaves national competences unclear.",
)
POLL_OPTIONS = (
    "Brussels",
    "Barcelona",
    "Online only",
    "Milan",
    "Warsaw",
    "Budapest",
    "Munich",
    "Lyon",
    "Gothenburg",
)
PRIORITIES = (
    "Skills",
    "Funding simplification",
    "Data sharing",
    "Green transition",
    "Internationalisation",
    "Evaluation",
    "Start-up support",
    "Procurement",
)
POLL_KINDS = (
    (PollKind.SINGLE, 30),
    (PollKind.MULTIPLE, 20),
    (PollKind.SCALE, 20),
    (PollKind.POINTS, 10),
    (PollKind.RANKING, 10),
    (PollKind.VALIDITY, 10),
)
POSITION_MIXES: dict[str, tuple[tuple[Position, int], ...]] = {
    "consensual": (
        (Position.AGREE, 70),
        (Position.AGREE_WITH_CHANGES, 15),
        (Position.ABSTAIN, 5),
        (Position.DISAGREE, 8),
        (Position.BLOCK, 2),
    ),
    "contested": (
        (Position.AGREE, 30),
        (Position.AGREE_WITH_CHANGES, 10),
        (Position.ABSTAIN, 10),
        (Position.DISAGREE, 35),
        (Position.BLOCK, 15),
    ),
}


@dataclass(frozen=True)
class Volume:
    """How much a year holds at `scale` (partners stay 40)."""

    scale: float

    @property
    def recommendations(self) -> int:
        return max(1, round(300 * self.scale))

    @property
    def comments(self) -> int:
        return round(30_000 * self.scale)

    @property
    def polls(self) -> int:
        return max(1, round(200 * self.scale))


@dataclass(frozen=True)
class Member:
    slack_user_id: str
    name: str
    organisation: str
    region: str
    country: str
    role: str

    @property
    def is_partner(self) -> bool:
        return self.role == "partner"


@dataclass(frozen=True)
class Thread:
    """One recommendation's consultation: where its comments go."""

    consultation_id: int
    number: int
    title: str
    week: int  # the week it opened
    opened_at: datetime
    created_at: datetime
    root_ts: str
    permalink: str


@dataclass
class Dataset:
    """What `generate` wrote, and what later weeks' comments need."""

    url: str
    volume: Volume
    seed: int
    members: list[Member]
    threads: list[Thread]
    withdrawn: set[int] = field(default_factory=set)  # consultation ids of withdrawn recommendations
    comments: int = 0
    live: Counter[tuple[int, int]] = field(default_factory=Counter)  # (week, consultation id): not deleted
    polls: int = 0
    open_polls: int = 0

    @property
    def organisations(self) -> int:
        return len({m.organisation for m in self.members})

    def live_comments(self, weeks: range = range(WEEKS), *, digested_only: bool = False) -> int:
        """Live comments posted in `weeks`; `digested_only`: on recommendations the digest lists."""
        return sum(
            count
            for (week, consultation), count in self.live.items()
            if week in weeks and not (digested_only and consultation in self.withdrawn)
        )


def generate(url: str, volume: Volume, *, seed: int = SEED, comment_weeks: int = WEEKS) -> Dataset:
    """A fresh database at `url` holding the year at `volume`; comments of the first `comment_weeks` only."""
    db = Database(url)
    try:
        db.upgrade()
        rng = random.Random(seed)
        members = _consortium(rng)
        _insert(db, Partner, [_partner_row(i, m) for i, m in enumerate(members, start=1)])
        dataset = Dataset(url, volume, seed, members, [])
        _recommendations(db, rng, dataset)
        for week in range(comment_weeks):
            add_week_comments(db, dataset, week)
        _polls(db, rng, dataset)
        return dataset
    finally:
        db.dispose()


def _insert(db: Database, model: type[Base], rows: Sequence[Row]) -> None:
    """One transaction, one executemany."""
    if rows:
        with db.session() as session:
            session.execute(insert(model), list(rows))


def _ts(moment: datetime) -> str:
    return datetime_to_ts(moment)


def _permalink(ts: str) -> str:
    return f"{WORKSPACE}/archives/{CHANNEL}/p{ts.replace('.', '')}"


def _weighted(rng: random.Random, choices: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


# -- partners --------------------------------------------------------------------------------------------


def _consortium(rng: random.Random) -> list[Member]:
    """40 partners in 20 organisations over 14 regions of 8 countries; the first member is the coordinator."""
    members: list[Member] = []
    serial = 0
    for index, size in enumerate(ORGANISATION_SIZES):
        country, region = REGIONS[index % len(REGIONS)]
        organisation = f"{region} {ORGANISATION_KINDS[index // len(REGIONS)]}"
        for _ in range(size):
            serial += 1
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            role = "coordinator" if serial == 1 else "partner"
            members.append(Member(f"U0{country}{serial:05d}", name, organisation, region, country, role))
    return members


def _partner_row(partner_id: int, member: Member) -> Row:
    return {
        "id": partner_id,
        "slack_user_id": member.slack_user_id,
        "name": member.name,
        "organisation": member.organisation,
        "region": member.region,
        "country": member.country,
        "role": member.role,
        "created_at": YEAR_START - WEEK,
        "updated_at": YEAR_START - WEEK,
    }


def _partners_only(members: Sequence[Member]) -> list[Member]:
    return [m for m in members if m.is_partner]


def _organisations(members: Sequence[Member]) -> dict[str, list[Member]]:
    found: dict[str, list[Member]] = {}
    for member in members:
        found.setdefault(member.organisation, []).append(member)
    return found


# -- recommendations, consultations, positions -----------------------------------------------------------


@dataclass
class _Rows:
    """The rows of every table a recommendation and its consultation touch."""

    recommendations: list[Row] = field(default_factory=list)
    themes: list[Row] = field(default_factory=list)
    versions: list[Row] = field(default_factory=list)
    consultations: list[Row] = field(default_factory=list)
    audit: list[Row] = field(default_factory=list)
    positions: list[Row] = field(default_factory=list)
    history: list[Row] = field(default_factory=list)

    def insert(self, db: Database) -> None:
        _insert(db, Recommendation, self.recommendations)
        _insert(db, RecommendationTheme, self.themes)
        _insert(db, RecommendationVersion, self.versions)
        _insert(db, Consultation, self.consultations)
        _insert(db, ConsultationAudit, self.audit)
        _insert(db, ConsultationPosition, self.positions)
        _insert(db, ConsultationPositionHistory, self.history)


def _recommendations(db: Database, rng: random.Random, dataset: Dataset) -> None:
    rows = _Rows()
    count = dataset.volume.recommendations
    for number in range(1, count + 1):
        week = (number - 1) * WEEKS // count
        thread, withdrawn = _recommendation(rng, rows, dataset.members, number, week)
        dataset.threads.append(thread)
        if withdrawn:
            dataset.withdrawn.add(thread.consultation_id)
    rows.insert(db)


def _recommendation(
    rng: random.Random, rows: _Rows, members: Sequence[Member], number: int, week: int
) -> tuple[Thread, bool]:
    opened = YEAR_START + week * WEEK + timedelta(hours=2, seconds=number)
    created = opened - timedelta(hours=1)
    imported = rng.random() < 0.1
    proposer = None if imported else rng.choice(_partners_only(members))
    version = 2 if rng.random() < 0.2 else 1
    title = f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)}"
    text = " ".join(_sentence(rng) for _ in range(rng.randint(3, 5)))
    outcome = _outcome(rng, opened)
    status = {None: Status.IN_CONSULTATION, "endorsed": Status.ENDORSED, "withdrawn": Status.WITHDRAWN}
    rows.recommendations.append(
        {
            "id": number,
            "number": number,
            "title": title,
            "text": text,
            "rationale": _sentence(rng),
            "level": rng.choice(tuple(Level)).value,
            "status": status[outcome].value,
            "origin": ORIGIN if imported else None,
            "proposer_id": members.index(proposer) + 1 if proposer else None,
            "submission_key": None if imported else f"bench-rec-{number}",
            "channel_id": CHANNEL,
            "message_ts": _ts(created),
            "current_version": version,
            "created_at": created,
            "updated_at": opened,
        }
    )
    for position, theme in enumerate(rng.sample(THEMES, rng.randint(1, 3))):
        rows.themes.append({"recommendation_id": number, "name": theme, "position": position})
    for v in range(1, version + 1):
        rows.versions.append(
            {
                "recommendation_id": number,
                "version": v,
                "title": title,
                "text": text if v == version else f"{text} (first wording)",
                "rationale": "",
                "author_id": members.index(proposer) + 1 if proposer else None,
                "created_at": created,
            }
        )
    thread = _consultation(rng, rows, members, number, title, week, opened, created, version, outcome)
    return thread, outcome == "withdrawn"


def _outcome(rng: random.Random, opened: datetime) -> str | None:
    """None while open or awaiting the coordinator; else how the coordinator closed it."""
    decided = opened + timedelta(days=CONSULTATION_DAYS + 2)
    if decided >= YEAR_END:
        return None
    outcome: str | None = _weighted(rng, ((None, 35), ("endorsed", 55), ("withdrawn", 10)))
    return outcome


def _consultation(
    rng: random.Random,
    rows: _Rows,
    members: Sequence[Member],
    number: int,
    title: str,
    week: int,
    opened: datetime,
    created: datetime,
    version: int,
    outcome: str | None,
) -> Thread:
    coordinator = members[0]
    deadline = opened + timedelta(days=CONSULTATION_DAYS)
    closed = deadline <= YEAR_END
    root_ts = _ts(opened)
    decided_at = deadline + timedelta(days=2)
    rows.consultations.append(
        {
            "id": number,
            "recommendation_id": number,
            "open_key": None if closed else number,
            "status": "closed" if closed else "open",
            "version": version,
            "channel_id": CHANNEL,
            "message_ts": root_ts,
            "permalink": _permalink(root_ts),
            "deadline": deadline,
            "reminder_sent_at": deadline - timedelta(hours=48) if closed else None,
            "started_by": coordinator.slack_user_id,
            "opened_at": opened,
            "closed_at": deadline if closed else None,
            "closed_by": "deadline" if closed else None,
            "outcome": outcome,
            "outcome_statement": f"{outcome.capitalize()} by the consortium." if outcome else None,
            "outcome_by": coordinator.slack_user_id if outcome else None,
            "outcome_at": decided_at if outcome else None,
        }
    )
    _audit(rows, number, opened, coordinator.slack_user_id, "started", f"v{version}")
    if closed:
        _audit(rows, number, deadline, "scheduler", "closed_at_deadline", "")
    if outcome:
        _audit(rows, number, decided_at, coordinator.slack_user_id, "outcome", outcome)
    _positions(rng, rows, members, number, version, opened)
    return Thread(number, number, title, week, opened, created, root_ts, _permalink(root_ts))


def _audit(rows: _Rows, consultation_id: int, at: datetime, actor: str, action: str, detail: str) -> None:
    rows.audit.append(
        {"consultation_id": consultation_id, "at": at, "actor": actor, "action": action, "detail": detail}
    )


def _positions(
    rng: random.Random,
    rows: _Rows,
    members: Sequence[Member],
    consultation_id: int,
    version: int,
    opened: datetime,
) -> None:
    """A random share of the organisations answer, consensually or not."""
    mix = POSITION_MIXES["consensual" if rng.random() < 0.6 else "contested"]
    organisations = _organisations(_partners_only(members))
    answering = rng.sample(sorted(organisations), round(len(organisations) * rng.uniform(0.3, 0.95)))
    for organisation in sorted(answering):
        member = rng.choice(organisations[organisation])
        position: Position = _weighted(rng, mix)
        reason = rng.choice(REASONS) if position in (Position.DISAGREE, Position.BLOCK) else ""
        set_at = opened + timedelta(hours=rng.uniform(1, 24 * CONSULTATION_DAYS - 1))
        rows.positions.append(
            {
                "consultation_id": consultation_id,
                "organisation": organisation,
                "region": member.region,
                "country": member.country,
                "position": position.value,
                "reason": reason,
                "version": version,
                "set_by": member.slack_user_id,
                "set_by_name": member.name,
                "first_member": member.slack_user_id,
                "set_at": set_at,
            }
        )
        rows.history.append(
            {
                "consultation_id": consultation_id,
                "organisation": organisation,
                "position": position.value,
                "reason": reason,
                "version": version,
                "set_by": member.slack_user_id,
                "set_at": set_at,
                "submission_key": f"bench-{consultation_id}-{member.slack_user_id}",
            }
        )


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(PREDICATES)}{rng.choice(QUALIFIERS)}."


# -- comments --------------------------------------------------------------------------------------------


def add_week_comments(db: Database, dataset: Dataset, week: int) -> int:
    """Inserts the comments of `week` (0-based) in one transaction; returns how many."""
    rows = list(_week_comments(dataset, week))
    _insert(db, ConsultationComment, rows)
    dataset.comments += len(rows)
    dataset.live.update((week, row["consultation_id"]) for row in rows if row["deleted_at"] is None)
    return len(rows)


def _week_range(total: int, week: int) -> range:
    """Comment indexes of `week` when `total` comments are spread evenly over the year."""
    return range(-(-week * total // WEEKS), -(-(week + 1) * total // WEEKS))


def _week_comments(dataset: Dataset, week: int) -> Iterator[Row]:
    """Seven in ten go to consultations opened in the last four weeks, the rest to any older thread."""
    rng = random.Random(f"{dataset.seed}-comments-{week}")
    weeks = [thread.week for thread in dataset.threads]
    opened = bisect.bisect_right(weeks, week)
    recent = bisect.bisect_left(weeks, week - 3)
    if opened == 0:
        return
    start = YEAR_START + week * WEEK
    authors = [*_partners_only(dataset.members), dataset.members[0]]
    seen: set[str] = set()
    for index in _week_range(dataset.volume.comments, week):
        pool = range(recent, opened) if rng.random() < 0.7 and recent < opened else range(opened)
        thread = dataset.threads[rng.choice(pool)]
        posted = start + timedelta(seconds=rng.uniform(3 * 3600, WEEK.total_seconds() - 3600))
        ts = _unique_ts(posted, seen)
        author = None if rng.random() < 0.03 else rng.choice(authors)
        yield _comment_row(rng, index + 1, thread, ts, author, start + WEEK)


def _unique_ts(moment: datetime, seen: set[str]) -> str:
    ts = _ts(moment)
    while ts in seen:
        moment += timedelta(microseconds=1)
        ts = _ts(moment)
    seen.add(ts)
    return ts


def _comment_row(
    rng: random.Random, comment_id: int, thread: Thread, ts: str, author: Member | None, week_end: datetime
) -> Row:
    """As ConsultationService stores a reply; edits and deletions stay within the week they were posted."""
    posted = ts_to_datetime(ts)
    edited = posted + timedelta(minutes=rng.uniform(10, 24 * 60)) if rng.random() < 0.05 else None
    if edited is not None and edited >= week_end:
        edited = None
    deleted = (
        posted + timedelta(hours=1)
        if rng.random() < 0.01 and posted + timedelta(hours=1) < week_end
        else None
    )
    return {
        "id": comment_id,
        "consultation_id": thread.consultation_id,
        "channel_id": CHANNEL,
        "ts": ts,
        "thread_ts": thread.root_ts,
        "author": author.slack_user_id if author else GUEST,
        "author_name": author.name if author else None,
        "organisation": author.organisation if author else None,
        "region": author.region if author else None,
        "country": author.country if author else None,
        "text": " ".join(_sentence(rng) for _ in range(rng.randint(1, 4))),
        "files": [],
        "posted_at": posted,
        "edited_ts": _ts(edited) if edited else None,
        "edited_at": ts_to_datetime(_ts(edited)) if edited else None,
        "deleted_at": deleted,
        "created_at": posted,
    }


# -- polls -----------------------------------------------------------------------------------------------


@dataclass
class _PollRows:
    polls: list[Row] = field(default_factory=list)
    keys: list[Row] = field(default_factory=list)
    audience: list[Row] = field(default_factory=list)
    respondents: list[Row] = field(default_factory=list)
    ballots: list[Row] = field(default_factory=list)
    deliveries: list[Row] = field(default_factory=list)

    def insert(self, db: Database) -> None:
        _insert(db, Poll, self.polls)
        _insert(db, PollKey, self.keys)
        _insert(db, PollAudience, self.audience)
        _insert(db, PollRespondent, self.respondents)
        _insert(db, PollBallot, self.ballots)
        _insert(db, PollDelivery, self.deliveries)


@dataclass
class _PollPlan:
    """A poll as PollService would have created it, and how its life went by the end of the year."""

    view: PollView
    audience: list[str]
    closed_at: datetime | None
    previous_id: int | None = None
    has_next: bool = False


def _polls(db: Database, rng: random.Random, dataset: Dataset) -> None:
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
    kind: PollKind = _weighted(rng, POLL_KINDS)
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
    creator = dataset.members[0] if rng.random() < 0.7 else rng.choice(_partners_only(dataset.members))
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
        visibility=_weighted(
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
        message_ts=_ts(created),
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

BUILD_TARGET_S = 2.0
GROWTH_TOLERANCE = 1.15  # time/scale normalised to 1x: "linear or better", with room for timing noise
MEMORY_TARGET_MB = 200.0
TOKEN_SHARE_TARGET = 0.2
BENCH_KEY = "sk-bench"
# A period before any stored digest: every live comment counts as new, so every thread is summarised in full.
EVERYTHING = Period(datetime(1970, 1, 1, tzinfo=UTC), datetime(1970, 1, 8, tzinfo=UTC))
_TOKEN_LINE = re.compile(r"^Tokens used: .*$", re.MULTILINE)


def bench_settings(url: str, *, api_key: str = "", base_url: str | None = None) -> Settings:
    """Explicit settings: neither .env nor the environment's OPENAI_API_KEY can change what is measured."""
    return load_settings(
        _env_file=None,
        slack_bot_token="xoxb-bench",
        slack_signing_secret="bench-signing-secret",
        database_url=url,
        openai_api_key=api_key,
        openai_base_url=base_url,
        digest_cron=CRON,
        consult_timezone=ZONE,
    )


def fire(weeks: int) -> datetime:
    """The digest job's fire time `weeks` weeks after the year began (52: the end of the year)."""
    return YEAR_START + weeks * WEEK


def closed_by(settings: Settings, weeks: int) -> Period:
    """The period that the fire at `fire(weeks)` closes: what the weekly job builds then."""
    return ended_period(settings.digest_cron, settings.timezone, fire(weeks))


def forget(db: Database, period: Period) -> None:
    with db.session() as session:
        session.execute(delete(Digest).where(Digest.period_key == period.key))


def summarised(built: BuiltDigest) -> tuple[int, int]:
    """(new or edited comments, recommendations summarised) in a digest."""
    content = built.content
    items = [*content.common_denominators, *content.contested, *content.region_specific]
    items += content.other_recommendations
    return sum(i.new_comments for i in items), sum(1 for i in items if i.summary is not None)


@dataclass(frozen=True)
class BuildFigures:
    runs: list[float]
    gc_runs: list[float]  # of each run, the seconds the garbage collector took
    new_comments: int
    summaries: int

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def gc_median(self) -> float:
        return statistics.median(self.gc_runs)


class GcClock:
    """Seconds spent in the garbage collector while it is installed (`with GcClock() as clock:`)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def __enter__(self) -> GcClock:
        gc.callbacks.append(self._tick)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self._tick)

    def _tick(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started


def time_builds(services: Services, weeks: int, repeats: int) -> BuildFigures:
    """`repeats` builds of the digest the job builds at `fire(weeks)`; the last one stays stored."""
    period, now = closed_by(services.settings, weeks), fire(weeks)
    runs: list[float] = []
    gc_runs: list[float] = []
    built: BuiltDigest | None = None
    for _ in range(repeats):
        forget(services.db, period)
        gc.collect()
        with GcClock() as clock:
            start = time.perf_counter()
            built = services.digest.build(period, now)
            runs.append(time.perf_counter() - start)
        gc_runs.append(clock.seconds)
    assert built is not None
    return BuildFigures(runs, gc_runs, *summarised(built))


# -- peak memory, in a fresh process ---------------------------------------------------------------------


@dataclass(frozen=True)
class MemoryFigures:
    tracemalloc_peak_mb: float
    rss_growth_mb: float


def measure_memory(url: str) -> MemoryFigures:
    """The weekly build's peak memory, measured by `--memory-probe` in a process of its own."""
    probe = [sys.executable, str(Path(__file__).resolve()), "--memory-probe", url]
    # Through a shell that forks: a child exec'd straight from this (large) process would inherit its
    # ru_maxrss (Linux keeps the high-water mark across vfork + exec), hiding the build's own growth.
    launcher = ["/bin/sh", "-c", '"$@"; exit $?', "sh", *probe]
    done = subprocess.run(launcher, capture_output=True, text=True, check=True, timeout=600)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return MemoryFigures(float(figures["tracemalloc_peak_mb"]), float(figures["rss_growth_mb"]))


def memory_probe(url: str) -> dict[str, float]:
    """Max RSS growth of one weekly build (ru_maxrss, KiB on Linux), then its tracemalloc peak in another."""
    services = build_services(bench_settings(url), db=Database(url))
    period, now = closed_by(services.settings, WEEKS), fire(WEEKS)
    forget(services.db, period)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    services.digest.build(period, now)
    rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    forget(services.db, period)
    gc.collect()
    tracemalloc.start()
    services.digest.build(period, now)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"tracemalloc_peak_mb": peak / 2**20, "rss_growth_mb": rss_growth}


# -- one scale -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleFigures:
    scale: float
    dataset: Dataset
    generate_s: float
    first: BuildFigures
    weekly: BuildFigures
    memory: MemoryFigures


def measure_scale(workdir: Path, scale: float, repeats: int, first_repeats: int) -> ScaleFigures:
    url = f"sqlite:///{workdir / f'scale-{scale:g}.db'}"
    start = time.perf_counter()
    dataset = generate(url, Volume(scale))
    generate_s = time.perf_counter() - start
    services = build_services(bench_settings(url), db=Database(url))
    try:
        # First-ever digest one week before the end (every comment of the year new); it stays stored as
        # the previous digest, so the weekly one at the end of the year summarises the last week only.
        first = time_builds(services, WEEKS - 1, first_repeats)
        weekly = time_builds(services, WEEKS, repeats)
    finally:
        services.db.dispose()
    return ScaleFigures(scale, dataset, generate_s, first, weekly, measure_memory(url))


# -- LLM tokens ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekTokens:
    label: str
    new_comments: int
    summaries_written: int
    tokens: int  # prompt + completion of the weekly digest
    requests: int  # chat completions the weekly digest asked for
    full_tokens: int  # prompt + completion of summarising every thread in full that week

    @property
    def share(self) -> float:
        return self.tokens / self.full_tokens if self.full_tokens else 0.0


@dataclass(frozen=True)
class TokenFigures:
    weeks: list[WeekTokens]
    quiet: WeekTokens
    rebuilt_identical: bool  # the same period built twice: the same Markdown
    recomposed_identical: bool  # composed again from the same data: the same Markdown but the token line
    recomposed_tokens: int


class _TokenRun:
    """Consecutive weekly digests at scale 1 against FakeLLM, each compared with summarising in full."""

    def __init__(self, workdir: Path, llm: FakeLLM, dataset: Dataset) -> None:
        self.llm = llm
        self.dataset = dataset
        self.settings = bench_settings(dataset.url, api_key=BENCH_KEY, base_url=llm.base_url)
        self.db = Database(dataset.url)
        self.services = build_services(self.settings, db=self.db)
        self.cache = Database(f"sqlite:///{workdir / 'full-threads-cache.db'}")
        self.cache.upgrade()
        self.full = DigestService(
            self.db,
            self.settings,
            self.services.partners,
            self.services.recommendations,
            self.services.polls,
            SummaryService(self.cache, self.settings),
        )

    def week(self, week: int, full_tokens: int | None = None) -> WeekTokens:
        """Week `week` (0-based): its comments arrive, then the job builds its digest at the week's end.
        A quiet week (`full_tokens` given: nothing changed since the last week) gets no comments."""
        quiet = full_tokens is not None
        new = 0 if quiet else add_week_comments(self.db, self.dataset, week)
        asked = len(self.llm.completions)
        built = self.services.digest.build(closed_by(self.settings, week + 1), fire(week + 1))
        requests = len(self.llm.completions) - asked
        tokens = built.content.prompt_tokens + built.content.completion_tokens
        label = f"week {week + 1}" + (" (quiet)" if quiet else "")
        full = full_tokens if full_tokens is not None else self.full_threads(week + 1)
        return WeekTokens(label, new, built.content.summaries_written, tokens, requests, full)

    def full_threads(self, weeks: int) -> int:
        """Tokens of summarising every live comment of every thread, with an empty summary cache."""
        with self.cache.session() as session:
            session.execute(delete(SummaryCacheEntry))
        content = self.full.preview(EVERYTHING, fire(weeks)).content
        return content.prompt_tokens + content.completion_tokens

    def close(self) -> None:
        self.db.dispose()
        self.cache.dispose()


def measure_tokens(workdir: Path, active_weeks: int) -> TokenFigures:
    first = WEEKS - active_weeks
    dataset = generate(f"sqlite:///{workdir / 'tokens.db'}", Volume(1), comment_weeks=first)
    offline = build_services(bench_settings(dataset.url), db=Database(dataset.url))
    offline.digest.build(closed_by(offline.settings, first), fire(first))  # the last digest before: offline
    offline.db.dispose()
    with FakeLLM(BENCH_KEY) as llm:
        run = _TokenRun(workdir, llm, dataset)
        try:
            weeks = [run.week(week) for week in range(first, WEEKS)]
            # Nothing changed since the last week: summarising in full would cost what it did then.
            quiet = run.week(WEEKS, full_tokens=weeks[-1].full_tokens)
            return _identical(run, weeks, quiet)
        finally:
            run.close()


def _identical(run: _TokenRun, weeks: list[WeekTokens], quiet: WeekTokens) -> TokenFigures:
    """The last active week again: built twice (stored), and composed anew (summaries from the cache)."""
    period, now = closed_by(run.settings, WEEKS), fire(WEEKS)
    built = run.services.digest.build(period, now)
    again = run.services.digest.build(period, now)
    recomposed = run.services.digest.preview(period, now)
    same = _TOKEN_LINE.sub("", recomposed.markdown) == _TOKEN_LINE.sub("", built.markdown)
    tokens = recomposed.content.prompt_tokens + recomposed.content.completion_tokens
    return TokenFigures(weeks, quiet, again.markdown == built.markdown, same, tokens)


# -- the report ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    target: str
    passed: bool
    measured: str


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = [header, ["-" * w for w in widths], *rows]
    return "\n".join("  ".join(str(c).rjust(w) for c, w in zip(line, widths, strict=True)) for line in lines)


def _growth(scales: Sequence[ScaleFigures]) -> dict[float, float]:
    """Weekly build time per unit of data, normalised to the smallest scale measured (1x when measured)."""
    base = scales[0]
    unit = base.weekly.median / base.scale
    return {s.scale: (s.weekly.median / s.scale) / unit for s in scales}


def scale_table(scales: Sequence[ScaleFigures]) -> str:
    growth = _growth(scales)
    header = [
        *("scale", "recs", "comments", "polls", "generate s", "first-ever s", "weekly s", "runs (weekly)"),
        *("of it GC s", "new comments", "summaries", "time/scale", "tracemalloc MB", "RSS growth MB"),
    ]
    rows = [
        [
            f"{s.scale:g}x",
            str(s.dataset.volume.recommendations),
            str(s.dataset.comments),
            str(s.dataset.polls),
            f"{s.generate_s:.1f}",
            f"{s.first.median:.2f}",
            f"{s.weekly.median:.2f}",
            " ".join(f"{r:.2f}" for r in s.weekly.runs),
            f"{s.weekly.gc_median:.2f}",
            str(s.weekly.new_comments),
            str(s.weekly.summaries),
            f"{growth[s.scale]:.2f}",
            f"{s.memory.tracemalloc_peak_mb:.0f}",
            f"{s.memory.rss_growth_mb:.0f}",
        ]
        for s in scales
    ]
    return _table(header, rows)


def token_table(tokens: TokenFigures) -> str:
    header = ["week", "new comments", "summaries written", "LLM requests", "tokens", "in full", "share"]
    rows = [_week_row(w) for w in [*tokens.weeks, tokens.quiet]]
    return _table(header, rows)


def _week_row(week: WeekTokens) -> list[str]:
    counts = (week.new_comments, week.summaries_written, week.requests, week.tokens, week.full_tokens)
    return [week.label, *(str(n) for n in counts), f"{week.share:.3f}"]


def verdicts(scales: Sequence[ScaleFigures], tokens: TokenFigures | None) -> list[Verdict]:
    found = [_build_verdict(scales), _growth_verdict(scales), _memory_verdict(scales)]
    return found + (_token_verdicts(tokens) if tokens is not None else [])


def _at_one(scales: Sequence[ScaleFigures]) -> ScaleFigures:
    return next((s for s in scales if s.scale == 1), scales[0])


def _build_verdict(scales: Sequence[ScaleFigures]) -> Verdict:
    one = _at_one(scales)
    measured = f"{one.weekly.median:.2f} s (median of {len(one.weekly.runs)})"
    target = f"weekly build at {one.scale:g}x under {BUILD_TARGET_S:g} s"
    return Verdict(target, one.weekly.median < BUILD_TARGET_S, measured)


def _growth_verdict(scales: Sequence[ScaleFigures]) -> Verdict:
    largest = scales[-1]
    growth = _growth(scales)[largest.scale]
    target = (
        f"growth {scales[0].scale:g}x to {largest.scale:g}x linear or better "
        f"(time/scale <= {GROWTH_TOLERANCE:g})"
    )
    return Verdict(target, growth <= GROWTH_TOLERANCE, f"{growth:.2f} at {largest.scale:g}x")


def _memory_verdict(scales: Sequence[ScaleFigures]) -> Verdict:
    one, largest = _at_one(scales).memory, scales[-1]
    peak = max(one.tracemalloc_peak_mb, one.rss_growth_mb)
    measured = (
        f"{one.tracemalloc_peak_mb:.0f} MB tracemalloc, {one.rss_growth_mb:.0f} MB RSS growth "
        f"({largest.memory.tracemalloc_peak_mb:.0f} / {largest.memory.rss_growth_mb:.0f} MB "
        f"at {largest.scale:g}x)"
    )
    target = f"peak memory of the build at {_at_one(scales).scale:g}x under {MEMORY_TARGET_MB:g} MB"
    return Verdict(target, peak < MEMORY_TARGET_MB, measured)


def _token_verdicts(tokens: TokenFigures) -> list[Verdict]:
    worst = max(w.share for w in tokens.weeks)
    quiet = tokens.quiet
    identical = tokens.rebuilt_identical and tokens.recomposed_identical and tokens.recomposed_tokens == 0
    same = {True: "same", False: "DIFFERENT"}
    return [
        Verdict(
            f"LLM tokens per weekly digest <= {TOKEN_SHARE_TARGET:g} of summarising every thread in full",
            worst <= TOKEN_SHARE_TARGET,
            f"at most {worst:.3f} over {len(tokens.weeks)} week{'s' if len(tokens.weeks) > 1 else ''}",
        ),
        Verdict(
            "zero tokens on a quiet week",
            quiet.tokens == 0 and quiet.requests == 0,
            f"{quiet.tokens} tokens, {quiet.requests} requests",
        ),
        Verdict(
            "identical output where nothing changed",
            identical,
            f"built twice: {same[tokens.rebuilt_identical]}; composed again: "
            f"{same[tokens.recomposed_identical]} but the token line, {tokens.recomposed_tokens} tokens",
        ),
    ]


def report(scales: Sequence[ScaleFigures], tokens: TokenFigures | None) -> str:
    parts = [
        f"Digest benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}, SQLite; "
        "offline summarizer for the build times (no LLM latency).",
        "",
        "Build time, growth and peak memory (weekly = the digest at the end of the year, one week after the "
        "previous one; first-ever = every comment of the year new; seconds, median of the runs):",
        scale_table(scales),
    ]
    if tokens is not None:
        title = (
            "LLM tokens per weekly digest at 1x (FakeLLM; 'in full': every thread summarised, empty cache):"
        )
        parts += ["", title, token_table(tokens)]
    parts += ["", "Targets:"]
    parts += [
        f"  [{'PASS' if v.passed else 'FAIL'}] {v.target}: {v.measured}" for v in verdicts(scales, tokens)
    ]
    return "\n".join(parts)


# -- the command line ------------------------------------------------------------------------------------


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scales", default=None, help="comma-separated multiples of a year (default 1,2,5,10)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="scales 1,2, one first-ever build, one week of LLM tokens"
    )
    parser.add_argument("--repeats", type=int, default=3, help="builds per measurement (the median counts)")
    parser.add_argument("--no-llm", action="store_true", help="skip the LLM token measurement")
    parser.add_argument("--memory-probe", metavar="URL", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    if args.memory_probe:
        print(json.dumps(memory_probe(args.memory_probe)))
        return 0
    scales = [float(s) for s in (args.scales or ("1,2" if args.quick else "1,2,5,10")).split(",")]
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as tmp:
        workdir = Path(tmp)
        measured = []
        for scale in scales:
            first_repeats = 1 if args.quick else args.repeats  # the first-ever digest is for information
            measured.append(measure_scale(workdir, scale, args.repeats, first_repeats))
            print(f"measured {scale:g}x: weekly {measured[-1].weekly.median:.2f} s", flush=True)
        tokens = None if args.no_llm else measure_tokens(workdir, active_weeks=1 if args.quick else 4)
    print()
    print(report(measured, tokens))
    return 0


if __name__ == "__main__":
    sys.exit(main())
