"""Alembic environment: runs on SQLite (batch mode) and PostgreSQL (advisory lock)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, text

from storage.models import Base

# Any number for the lock, as long as it is the same in every process of this app.
MIGRATION_LOCK_ID = 7_201_311


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    if connection.dialect.name == "postgresql":
        # Two bot processes starting together must not both create the same tables.
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is not configured"
    engine = create_engine(url)
    with engine.begin() as conn:
        run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `consult-bot db upgrade`")
main()
