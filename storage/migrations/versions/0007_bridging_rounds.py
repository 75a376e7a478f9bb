"""drafting rounds of "Find common wording"

Revision ID: 0007
Revises: 0003
Depends on: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models.base

revision: str = "0007"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0002"

UTC = storage.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "bridging_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("start_key", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("started_by", sa.String(length=32), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=True),
        sa.Column("drafted_by", sa.String(length=200), nullable=False),
        sa.Column("fallback_reason", sa.Text(), nullable=True),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("material", sa.JSON(), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("schulze", sa.JSON(), nullable=False),
        sa.Column("pairwise", sa.JSON(), nullable=False),
        sa.Column("ballots", sa.Integer(), nullable=False),
        sa.Column("winner_label", sa.String(length=40), nullable=True),
        sa.Column("critique_until", UTC, nullable=True),
        sa.Column("result_ts", sa.String(length=32), nullable=True),
        sa.Column("closed_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_bridging_rounds_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["previous_id"],
            ["bridging_rounds.id"],
            name=op.f("fk_bridging_rounds_previous_id_bridging_rounds"),
        ),
        sa.ForeignKeyConstraint(["poll_id"], ["polls.id"], name=op.f("fk_bridging_rounds_poll_id_polls")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bridging_rounds")),
        sa.UniqueConstraint("previous_id", name=op.f("uq_bridging_rounds_previous_id")),
        sa.UniqueConstraint("start_key", name=op.f("uq_bridging_rounds_start_key")),
        sa.UniqueConstraint("poll_id", name=op.f("uq_bridging_rounds_poll_id")),
    )
    op.create_index(
        op.f("ix_bridging_rounds_consultation_id"), "bridging_rounds", ["consultation_id"], unique=False
    )
    op.create_index(op.f("ix_bridging_rounds_status"), "bridging_rounds", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_bridging_rounds_status"), table_name="bridging_rounds")
    op.drop_index(op.f("ix_bridging_rounds_consultation_id"), table_name="bridging_rounds")
    op.drop_table("bridging_rounds")
