from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models.summaries import SummaryCacheEntry


class SummaryCacheRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_hash(self, content_hash: str) -> SummaryCacheEntry | None:
        return self.session.scalar(
            select(SummaryCacheEntry).where(SummaryCacheEntry.content_hash == content_hash)
        )

    def add(self, entry: SummaryCacheEntry) -> SummaryCacheEntry:
        """Raises IntegrityError at flush when another process cached the same hash first."""
        self.session.add(entry)
        return entry

    def delete(self, content_hash: str) -> None:
        self.session.execute(delete(SummaryCacheEntry).where(SummaryCacheEntry.content_hash == content_hash))
