"""consultations: threads, comments, positions, amendments, audit

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-25 02:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models.base

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = storage.models.base.UTCDateTime


def _consultation_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["consultation_id"],
        ["consultations.id"],
        name=op.f(f"fk_{table}_consultation_id_consultations"),
        ondelete="CASCADE",
    )


def _index_consultation_id(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_consultation_id"), ["consultation_id"], unique=False)


def upgrade() -> None:
    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("open_key", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("permalink", sa.String(length=500), nullable=True),
        sa.Column("deadline", UTC(timezone=True), nullable=False),
        sa.Column("reminder_sent_at", UTC(timezone=True), nullable=True),
        sa.Column("started_by", sa.String(length=32), nullable=False),
        sa.Column("opened_at", UTC(timezone=True), nullable=False),
        sa.Column("closed_at", UTC(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=32), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_statement", sa.Text(), nullable=True),
        sa.Column("outcome_by", sa.String(length=32), nullable=True),
        sa.Column("outcome_at", UTC(timezone=True), nullable=True),
        sa.Column("last_reconciled_at", UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_consultations_recommendation_id_recommendations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultations")),
        sa.UniqueConstraint("open_key", name=op.f("uq_consultations_open_key")),
        sa.UniqueConstraint("channel_id", "message_ts", name=op.f("uq_consultations_channel_id_message_ts")),
    )
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultations_recommendation_id"), ["recommendation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_consultations_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultations_deadline"), ["deadline"], unique=False)

    op.create_table(
        "consultation_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=False),
        sa.Column("author", sa.String(length=32), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=True),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("region", sa.String(length=200), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("posted_at", UTC(timezone=True), nullable=False),
        sa.Column("edited_ts", sa.String(length=32), nullable=True),
        sa.Column("edited_at", UTC(timezone=True), nullable=True),
        sa.Column("deleted_at", UTC(timezone=True), nullable=True),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        _consultation_fk("consultation_comments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_comments")),
        sa.UniqueConstraint("channel_id", "ts", name=op.f("uq_consultation_comments_channel_id_ts")),
    )
    _index_consultation_id("consultation_comments")

    op.create_table(
        "consultation_positions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("position", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.String(length=32), nullable=False),
        sa.Column("set_by_name", sa.String(length=200), nullable=False),
        sa.Column("first_member", sa.String(length=32), nullable=False),
        sa.Column("on_behalf_by", sa.String(length=32), nullable=True),
        sa.Column("on_behalf_by_name", sa.String(length=200), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("set_at", UTC(timezone=True), nullable=False),
        _consultation_fk("consultation_positions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_positions")),
        sa.UniqueConstraint(
            "consultation_id",
            "organisation",
            name=op.f("uq_consultation_positions_consultation_id_organisation"),
        ),
    )
    _index_consultation_id("consultation_positions")

    op.create_table(
        "consultation_position_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("position", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.String(length=32), nullable=False),
        sa.Column("on_behalf_by", sa.String(length=32), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("set_at", UTC(timezone=True), nullable=False),
        sa.Column("submission_key", sa.String(length=80), nullable=True),
        _consultation_fk("consultation_position_history"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_position_history")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_consultation_position_history_submission_key")),
    )
    _index_consultation_id("consultation_position_history")

    op.create_table(
        "consultation_amendments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=32), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("adopted_in_version", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("submission_key", sa.String(length=80), nullable=True),
        _consultation_fk("consultation_amendments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_amendments")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_consultation_amendments_submission_key")),
    )
    _index_consultation_id("consultation_amendments")

    op.create_table(
        "consultation_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("at", UTC(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("request_key", sa.String(length=80), nullable=True),
        _consultation_fk("consultation_audit"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_audit")),
        sa.UniqueConstraint("request_key", name=op.f("uq_consultation_audit_request_key")),
    )
    _index_consultation_id("consultation_audit")


def downgrade() -> None:
    for table in (
        "consultation_audit",
        "consultation_amendments",
        "consultation_position_history",
        "consultation_positions",
        "consultation_comments",
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_consultation_id"))
        op.drop_table(table)
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultations_deadline"))
        batch_op.drop_index(batch_op.f("ix_consultations_status"))
        batch_op.drop_index(batch_op.f("ix_consultations_recommendation_id"))
    op.drop_table("consultations")
