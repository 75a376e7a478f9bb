"""Drafting rounds of "Find common wording": the candidates, the ranking poll, the result."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Timestamps


class BridgingRound(Timestamps, Base):
    """One round on a consultation: drafted candidates ranked by the organisations in a poll.

    `material` keeps every point the candidates could address, by id (O1 objection, C1 change, S1
    suggested wording, K1 critique), so the export and the digest can say what each candidate answers.
    """

    __tablename__ = "bridging_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    round: Mapped[int] = mapped_column(default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("bridging_rounds.id"), unique=True)
    # A repeated delivery of the click that started it finds this round.
    start_key: Mapped[str] = mapped_column(String(100), unique=True)
    status: Mapped[str] = mapped_column(String(12), index=True)
    started_by: Mapped[str] = mapped_column(String(32))
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id"), unique=True)
    drafted_by: Mapped[str] = mapped_column(String(200), default="")
    fallback_reason: Mapped[str | None] = mapped_column(Text)
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    completion_tokens: Mapped[int] = mapped_column(default=0)
    material: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    schulze: Mapped[list[str]] = mapped_column(JSON, default=list)
    pairwise: Mapped[dict[str, dict[str, int]]] = mapped_column(JSON, default=dict)
    ballots: Mapped[int] = mapped_column(default=0)
    winner_label: Mapped[str | None] = mapped_column(String(40))
    critique_until: Mapped[datetime | None]
    result_ts: Mapped[str | None] = mapped_column(String(32))
    closed_at: Mapped[datetime | None]
