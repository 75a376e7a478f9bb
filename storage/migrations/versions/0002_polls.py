"""polls: polls, keys, audience, respondents, ballots, deliveries

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 12:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = storage.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "polls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("option_refs", sa.JSON(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("max_choices", sa.Integer(), nullable=True),
        sa.Column("points_budget", sa.Integer(), nullable=True),
        sa.Column("require_reason", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("deadline", UTC, nullable=True),
        sa.Column("remind_at", UTC, nullable=True),
        sa.Column("reminder_sent_at", UTC, nullable=True),
        sa.Column("closed_at", UTC, nullable=True),
        sa.Column("creator_slack_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("submission_key", sa.String(length=100), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["previous_id"], ["polls.id"], name=op.f("fk_polls_previous_id_polls")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls")),
        sa.UniqueConstraint("number", name=op.f("uq_polls_number")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_polls_submission_key")),
        sa.UniqueConstraint("previous_id", name=op.f("uq_polls_previous_id")),
        sa.UniqueConstraint("channel_id", "message_ts", name=op.f("uq_polls_channel_id_message_ts")),
    )
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_polls_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_polls_deadline"), ["deadline"], unique=False)

    op.create_table(
        "poll_keys",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.LargeBinary(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_keys_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("poll_id", name=op.f("pk_poll_keys")),
    )
    op.create_table(
        "poll_audience",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("slack_user_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_audience_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("poll_id", "slack_user_id", name=op.f("pk_poll_audience")),
    )
    op.create_table(
        "poll_respondents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("slack_user_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_respondents_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_respondents")),
        sa.UniqueConstraint(
            "poll_id", "slack_user_id", name=op.f("uq_poll_respondents_poll_id_slack_user_id")
        ),
    )
    with op.batch_alter_table("poll_respondents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_poll_respondents_poll_id"), ["poll_id"], unique=False)

    op.create_table(
        "poll_ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("voter_key", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_ballots_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_ballots")),
        sa.UniqueConstraint("poll_id", "voter_key", name=op.f("uq_poll_ballots_poll_id_voter_key")),
    )
    with op.batch_alter_table("poll_ballots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_poll_ballots_poll_id"), ["poll_id"], unique=False)

    op.create_table(
        "poll_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("delivery_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_deliveries_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_deliveries")),
        sa.UniqueConstraint("delivery_key", name=op.f("uq_poll_deliveries_delivery_key")),
    )
    with op.batch_alter_table("poll_deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_poll_deliveries_poll_id"), ["poll_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("poll_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_poll_deliveries_poll_id"))
    op.drop_table("poll_deliveries")
    with op.batch_alter_table("poll_ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_poll_ballots_poll_id"))
    op.drop_table("poll_ballots")
    with op.batch_alter_table("poll_respondents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_poll_respondents_poll_id"))
    op.drop_table("poll_respondents")
    op.drop_table("poll_audience")
    op.drop_table("poll_keys")
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_polls_deadline"))
        batch_op.drop_index(batch_op.f("ix_polls_status"))
    op.drop_table("polls")
