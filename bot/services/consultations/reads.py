"""What the digest and the export read about consultations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.consultations.views import (
    AuditEntry,
    CommentView,
    ConsultationView,
    PositionView,
)
from bot.domain.recommendations import format_ref
from bot.services.consultations.base import (
    ConsultationBase,
    comment_view,
    load_consultation,
    position_view,
    recommendation_by_ref,
    ref_of,
)
from storage.repositories.consultations import ConsultationRepository


@dataclass(frozen=True)
class ExportRows:
    consultations: list[ConsultationView]
    comments: list[CommentView]
    # Recommendation reference -> id of its latest consultation (whose positions it carries).
    latest: dict[str, int]
    audit: list[AuditEntry]


def audit_trail(session: Session, refs: Mapping[int, str]) -> list[AuditEntry]:
    """Every position given (who, on which version, for whom) and every other action, oldest first.
    `refs`: each consultation's recommendation reference."""
    repo = ConsultationRepository(session)
    entries = []
    for row in repo.history():
        detail = f"{row.position} on v{row.version}" + (f": {row.reason}" if row.reason else "")
        if row.on_behalf_by:
            detail += f" (recorded by a coordinator, given {row.source})"
        entries.append(
            AuditEntry(
                refs[row.consultation_id], row.set_at, row.set_by, "position", row.organisation, detail
            )
        )
    for entry in repo.audit():
        entries.append(
            AuditEntry(
                refs[entry.consultation_id],
                entry.at,
                entry.actor,
                entry.action,
                entry.organisation,
                entry.detail,
            )
        )
    return sorted(entries, key=lambda e: e.at)


class ConsultationReads(ConsultationBase):
    """Positions, comments and the audit trail, for the digest and the export."""

    def positions(self, ref: str) -> list[PositionView]:
        """Each organisation's current position on the recommendation (its latest consultation)."""
        with self.db.session() as session:
            rec = recommendation_by_ref(session, ref)
            consultation = ConsultationRepository(session).latest_for(rec.id)
            if consultation is None:
                return []
            rows = ConsultationRepository(session).positions(consultation.id)
            return [position_view(row, consultation.version) for row in rows]

    def comments_since(self, ref: str, since: datetime) -> list[CommentView]:
        """Comments on the recommendation posted, edited or deleted since `since` (deleted ones marked)."""
        with self.db.session() as session:
            rec = recommendation_by_ref(session, ref)
            repo = ConsultationRepository(session)
            rows = repo.comments_of_recommendation_since(rec.id, since)
            permalinks = {c.id: c.permalink for c in repo.of_recommendation(rec.id)}
            return [
                comment_view(row, format_ref(rec.number), permalinks.get(row.consultation_id)) for row in rows
            ]

    def comments(self, consultation_id: int) -> list[CommentView]:
        with self.db.session() as session:
            consultation = load_consultation(session, consultation_id)
            rows = ConsultationRepository(session).comments(consultation_id)
            return [comment_view(row, ref_of(consultation), consultation.permalink) for row in rows]

    def all(self) -> list[ConsultationView]:
        with self.db.session() as session:
            return self._views(session, ConsultationRepository(session).started())

    def export_rows(self) -> ExportRows:
        with self.db.session() as session:
            repo = ConsultationRepository(session)
            consultations = self._views(session, repo.started())
            comments_of = repo.comments_of([view.id for view in consultations])
            comments = [
                comment_view(row, view.ref, view.permalink)
                for view in consultations
                for row in comments_of.get(view.id, ())
            ]
            latest = {
                format_ref(c.recommendation.number): c.id
                for c in repo.latest_per_recommendation().values()
                if c.message_ts
            }
            refs = {c.id: ref_of(c) for c in repo.all()}
            return ExportRows(consultations, comments, latest, audit_trail(session, refs))
