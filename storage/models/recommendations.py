from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, Timestamps, utcnow
from storage.models.partners import Partner


class Recommendation(Timestamps, Base):
    """A policy recommendation, known to people as `R<number>`."""

    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30), index=True)
    # None for recommendations proposed in this project; the earlier set's name for imported ones.
    origin: Mapped[str | None] = mapped_column(String(200), index=True)
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    # The modal's view id: a duplicated submission finds the recommendation it already created.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    current_version: Mapped[int] = mapped_column(default=1)

    proposer: Mapped[Partner | None] = relationship(lazy="joined")
    themes: Mapped[list[RecommendationTheme]] = relationship(
        cascade="all, delete-orphan", order_by="RecommendationTheme.position", lazy="selectin"
    )
    versions: Mapped[list[RecommendationVersion]] = relationship(
        cascade="all, delete-orphan", order_by="RecommendationVersion.version", lazy="selectin"
    )

    @property
    def theme_names(self) -> list[str]:
        return [theme.name for theme in self.themes]


class RecommendationTheme(Base):
    __tablename__ = "recommendation_themes"
    __table_args__ = (UniqueConstraint("recommendation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100), index=True)
    position: Mapped[int] = mapped_column(default=0)


class RecommendationVersion(Base):
    """The wording at one version; consultations and positions refer to a version."""

    __tablename__ = "recommendation_versions"
    __table_args__ = (UniqueConstraint("recommendation_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
