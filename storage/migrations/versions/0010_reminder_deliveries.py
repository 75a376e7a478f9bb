"""reminders: who each reminder reached, so that one Slack refused for now is sent later, once

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = storage.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reminder_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("recipient_key", sa.String(length=64), nullable=False),
        sa.Column("delivered_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_deliveries")),
        sa.UniqueConstraint(
            "subject", "recipient_key", name=op.f("uq_reminder_deliveries_subject_recipient_key")
        ),
    )


def downgrade() -> None:
    op.drop_table("reminder_deliveries")
