"""consultations: when any process last updated the root message (updates spaced across processes)

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models.base

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = storage.models.base.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("consultations") as batch:
        batch.add_column(sa.Column("root_refreshed_at", UTC(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consultations") as batch:
        batch.drop_column("root_refreshed_at")
