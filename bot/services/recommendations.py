"""Proposing, importing, finding and listing recommendations."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import IntegrityError

from bot.domain.csvfiles import read_rows
from bot.domain.errors import NotRegistered, UnknownReference
from bot.domain.recommendations import (
    RECOMMENDATION_COLUMNS,
    Level,
    Page,
    ProposalDraft,
    RecommendationView,
    Status,
    format_ref,
    parse_recommendation_rows,
    parse_ref,
)
from storage.db import Database
from storage.models import Partner, Recommendation, RecommendationTheme, RecommendationVersion
from storage.repositories import PartnerRepository, RecommendationRepository

# Two proposals submitted in the same instant may draw the same next number; one retries.
_NUMBER_ATTEMPTS = 8


def to_view(rec: Recommendation) -> RecommendationView:
    proposer = rec.proposer
    return RecommendationView(
        number=rec.number,
        title=rec.title,
        text=rec.text,
        rationale=rec.rationale,
        themes=tuple(rec.theme_names),
        level=Level(rec.level),
        status=Status(rec.status),
        origin=rec.origin,
        version=rec.current_version,
        created_at=rec.created_at,
        proposer_name=proposer.name if proposer else None,
        proposer_organisation=proposer.organisation if proposer else None,
        proposer_region=proposer.region if proposer else None,
        proposer_country=proposer.country if proposer else None,
        proposer_slack_id=proposer.slack_user_id if proposer else None,
        channel_id=rec.channel_id,
        message_ts=rec.message_ts,
    )


def _new_recommendation(
    number: int, draft: ProposalDraft, *, status: Status, origin: str | None, proposer: Partner | None
) -> Recommendation:
    rec = Recommendation(
        number=number,
        title=draft.title,
        text=draft.text,
        rationale=draft.rationale,
        level=draft.level.value,
        status=status.value,
        origin=origin,
        proposer=proposer,
        current_version=1,
    )
    rec.themes = [RecommendationTheme(name=name, position=i) for i, name in enumerate(draft.themes)]
    rec.versions = [
        RecommendationVersion(
            version=1,
            title=draft.title,
            text=draft.text,
            rationale=draft.rationale,
            author_id=proposer.id if proposer else None,
        )
    ]
    return rec


class RecommendationService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def propose(
        self, slack_user_id: str, draft: ProposalDraft, *, submission_key: str, channel_id: str | None
    ) -> tuple[RecommendationView, bool]:
        """Stores a new draft; a repeated submission returns the first one and `False`."""
        for _ in range(_NUMBER_ATTEMPTS):
            try:
                with self.db.session() as session:
                    repo = RecommendationRepository(session)
                    existing = repo.by_submission_key(submission_key)
                    if existing is not None:
                        return to_view(existing), False
                    proposer = PartnerRepository(session).by_slack_id(slack_user_id)
                    if proposer is None:
                        raise NotRegistered()
                    rec = _new_recommendation(
                        repo.next_number(), draft, status=Status.DRAFT, origin=None, proposer=proposer
                    )
                    rec.submission_key = submission_key
                    rec.channel_id = channel_id
                    repo.add(rec)
                    return to_view(rec), True
            except IntegrityError:
                continue
        raise RuntimeError("could not allocate a recommendation number; the database is too busy")

    def import_csv(self, path: Path) -> list[RecommendationView]:
        """Adds an earlier set of recommendations, each with the next reference; all or nothing."""
        rows = read_rows(path, RECOMMENDATION_COLUMNS, required=("title", "text", "level", "origin"))
        imported = parse_recommendation_rows(rows)
        with self.db.session() as session:
            repo = RecommendationRepository(session)
            first = repo.next_number()
            created = [
                repo.add(
                    _new_recommendation(
                        first + i, item.draft, status=Status.IMPORTED, origin=item.origin, proposer=None
                    )
                )
                for i, item in enumerate(imported)
            ]
            return [to_view(rec) for rec in created]

    def record_message(self, number: int, channel_id: str, message_ts: str) -> None:
        """Remembers where the recommendation was announced, for links and later updates."""
        with self.db.session() as session:
            rec = RecommendationRepository(session).by_number(number)
            if rec is not None:
                rec.channel_id, rec.message_ts = channel_id, message_ts

    def get(self, ref: str) -> RecommendationView:
        number = parse_ref(ref)
        if number is None:
            raise UnknownReference(ref.strip() or "(empty)")
        with self.db.session() as session:
            rec = RecommendationRepository(session).by_number(number)
            if rec is None:
                raise UnknownReference(format_ref(number))
            return to_view(rec)

    def page(self, page: int, size: int) -> Page:
        with self.db.session() as session:
            repo = RecommendationRepository(session)
            total = repo.count()
            pages = max(1, -(-total // size))
            page = min(max(page, 1), pages)
            items = [to_view(rec) for rec in repo.page((page - 1) * size, size)]
            return Page(items, page, pages, total)

    def all(self) -> list[RecommendationView]:
        with self.db.session() as session:
            return [to_view(rec) for rec in RecommendationRepository(session).all()]
