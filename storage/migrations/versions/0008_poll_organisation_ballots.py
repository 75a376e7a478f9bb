"""polls: one ballot per organisation, and polls posted in a thread

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("polls") as batch:
        batch.add_column(
            sa.Column("per_organisation", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("thread_ts", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("polls") as batch:
        batch.drop_column("thread_ts")
        batch.drop_column("per_organisation")
