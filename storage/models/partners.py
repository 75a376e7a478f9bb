from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Timestamps


class Partner(Timestamps, Base):
    """A Slack user who speaks for a partner organisation."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), index=True)
    region: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    role: Mapped[str] = mapped_column(String(20))
