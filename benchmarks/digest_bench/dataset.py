"""The generated year's shapes (volume, members, threads) and its consortium, recommendations and
consultations, written by bulk inserts of the rows the services would write."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert

from bot.domain.consultations.kinds import Position
from bot.domain.consultations.threads import datetime_to_ts
from bot.domain.recommendations import Level, Status
from storage.db import Database
from storage.models import (
    Base,
    Consultation,
    ConsultationAudit,
    ConsultationPosition,
    ConsultationPositionHistory,
    Recommendation,
    RecommendationTheme,
    RecommendationVersion,
)

from .vocabulary import (
    ACTIONS,
    CHANNEL,
    CONSULTATION_DAYS,
    FIRST_NAMES,
    LAST_NAMES,
    OBJECTS,
    ORGANISATION_KINDS,
    ORGANISATION_SIZES,
    ORIGIN,
    POSITION_MIXES,
    PREDICATES,
    QUALIFIERS,
    REASONS,
    REGIONS,
    SUBJECTS,
    THEMES,
    WEEK,
    WEEKS,
    WORKSPACE,
    YEAR_END,
    YEAR_START,
    Row,
)


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


def insert_rows(db: Database, model: type[Base], rows: Sequence[Row]) -> None:
    """One transaction, one executemany."""
    if rows:
        with db.session() as session:
            session.execute(insert(model), list(rows))


def slack_ts(moment: datetime) -> str:
    return datetime_to_ts(moment)


def _permalink(ts: str) -> str:
    return f"{WORKSPACE}/archives/{CHANNEL}/p{ts.replace('.', '')}"


def weighted(rng: random.Random, choices: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


# -- partners --------------------------------------------------------------------------------------------


def consortium(rng: random.Random) -> list[Member]:
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


def partner_row(partner_id: int, member: Member) -> Row:
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


def partners_only(members: Sequence[Member]) -> list[Member]:
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
        insert_rows(db, Recommendation, self.recommendations)
        insert_rows(db, RecommendationTheme, self.themes)
        insert_rows(db, RecommendationVersion, self.versions)
        insert_rows(db, Consultation, self.consultations)
        insert_rows(db, ConsultationAudit, self.audit)
        insert_rows(db, ConsultationPosition, self.positions)
        insert_rows(db, ConsultationPositionHistory, self.history)


def add_recommendations(db: Database, rng: random.Random, dataset: Dataset) -> None:
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
    proposer = None if imported else rng.choice(partners_only(members))
    version = 2 if rng.random() < 0.2 else 1
    title = f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)}"
    text = " ".join(sentence(rng) for _ in range(rng.randint(3, 5)))
    outcome = _outcome(rng, opened)
    status = {None: Status.IN_CONSULTATION, "endorsed": Status.ENDORSED, "withdrawn": Status.WITHDRAWN}
    rows.recommendations.append(
        {
            "id": number,
            "number": number,
            "title": title,
            "text": text,
            "rationale": sentence(rng),
            "level": rng.choice(tuple(Level)).value,
            "status": status[outcome].value,
            "origin": ORIGIN if imported else None,
            "proposer_id": members.index(proposer) + 1 if proposer else None,
            "submission_key": None if imported else f"bench-rec-{number}",
            "channel_id": CHANNEL,
            "message_ts": slack_ts(created),
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
    outcome: str | None = weighted(rng, ((None, 35), ("endorsed", 55), ("withdrawn", 10)))
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
    root_ts = slack_ts(opened)
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
    organisations = _organisations(partners_only(members))
    answering = rng.sample(sorted(organisations), round(len(organisations) * rng.uniform(0.3, 0.95)))
    for organisation in sorted(answering):
        member = rng.choice(organisations[organisation])
        position: Position = weighted(rng, mix)
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


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(PREDICATES)}{rng.choice(QUALIFIERS)}."


# -- comments --------------------------------------------------------------------------------------------
