"""Rounds of "Find common wording" as plain data, from their stored rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, object_session

from bot.domain.bridging import Candidate, Point
from bot.domain.bridging_rounds import RoundStatus, RoundView
from storage.models.bridging import BridgingRound
from storage.repositories.polls import PollRepository


def round_view(stored: BridgingRound) -> RoundView:
    """A stored round as plain data (read inside the session that loaded it)."""
    poll = PollRepository(_session_of(stored)).get(stored.poll_id) if stored.poll_id else None
    return RoundView(
        id=stored.id,
        consultation_id=stored.consultation_id,
        round=stored.round,
        status=RoundStatus(stored.status),
        started_by=stored.started_by,
        candidates=tuple(_candidate(c) for c in stored.candidates),
        material=tuple((str(m["kind"]), _point(m)) for m in stored.material),
        drafted_by=stored.drafted_by,
        fallback_reason=stored.fallback_reason,
        prompt_tokens=stored.prompt_tokens,
        completion_tokens=stored.completion_tokens,
        poll_id=stored.poll_id,
        poll_number=poll.number if poll else None,
        schulze=tuple(stored.schulze),
        pairwise=stored.pairwise or None,
        ballots=stored.ballots,
        winner_label=stored.winner_label,
        critique_until=stored.critique_until,
        created_at=stored.created_at,
        closed_at=stored.closed_at,
    )


def _session_of(stored: BridgingRound) -> Session:
    session = object_session(stored)
    assert session is not None, "a round is read inside its session"
    return session


def _candidate(data: dict[str, Any]) -> Candidate:
    return Candidate(
        label=str(data["label"]),
        text=str(data["text"]),
        source=data["source"],
        addresses=tuple(data.get("addresses") or ()),
        rationale=str(data.get("rationale") or ""),
    )


def _point(data: dict[str, Any]) -> Point:
    return Point(
        id=str(data["id"]),
        organisation=str(data.get("organisation") or ""),
        country=str(data.get("country") or ""),
        text=str(data.get("text") or ""),
        position=str(data.get("position") or ""),
    )
