from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


class SummaryCacheEntry(Base):
    """An LLM summary keyed by the sha256 of everything that shaped it: an unchanged thread costs nothing.

    The tokens are what the summary cost when it was written; a cache hit costs none.
    """

    __tablename__ = "summary_cache"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    summary: Mapped[str] = mapped_column(Text)  # JSON, as bot.domain.summaries.summary_to_json writes it
    summarizer: Mapped[str] = mapped_column(String(200))
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    completion_tokens: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
