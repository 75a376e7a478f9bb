"""Test harness: the real bot on a real port, a local Slack stand-in, SQLite and PostgreSQL.

Every test that touches the database runs once per backend. PostgreSQL comes from
CONSULT_TEST_POSTGRES_URL (`scripts/test.sh` starts a server and sets it); without it the
PostgreSQL runs are reported as not run, loudly, and CONSULT_REQUIRE_POSTGRES=1 makes that a failure.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.app import build_bot
from bot.config import Settings, load_settings
from bot.demo import CHANNEL, DEMO_DATA, seed_workspace
from bot.localslack import FakeSlack, SlackSender
from bot.server import BotServer
from bot.services import Services
from storage.db import Database
from storage.models import Base

# Property tests check rules, not speed: a busy machine must not fail them on a per-example deadline.
hypothesis_settings.register_profile("consult", deadline=None)
hypothesis_settings.load_profile("consult")

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
POSTGRES_URL = os.environ.get("CONSULT_TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("CONSULT_REQUIRE_POSTGRES") == "1"
__all__ = ["CHANNEL", "DEMO_DATA", "eventually", "test_settings"]


def pytest_report_header(config: pytest.Config) -> str:
    if POSTGRES_URL:
        return "databases: SQLite and PostgreSQL (CONSULT_TEST_POSTGRES_URL)"
    return (
        "databases: SQLite ONLY. PostgreSQL is NOT tested: set CONSULT_TEST_POSTGRES_URL "
        "or run scripts/test.sh, which starts a local server."
    )


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path_factory.mktemp('db') / 'consult.db'}")
        db.upgrade()
        yield db
        db.dispose()
        return
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail(
                "PostgreSQL is required (CONSULT_REQUIRE_POSTGRES=1) but CONSULT_TEST_POSTGRES_URL is not set"
            )
        pytest.skip("PostgreSQL NOT TESTED: CONSULT_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)")
    with private_postgres_database(POSTGRES_URL) as url:
        db = Database(url)
        db.upgrade()
        yield db
        db.dispose()


@contextmanager
def private_postgres_database(server_url: str) -> Iterator[str]:
    """A database of this test process's own, created for it and dropped after it.

    Two test runs on one machine, or the workers of `pytest -n`, never share a database: each gets
    `<base>_<unique suffix>`, and the migrations are tested from scratch on PostgreSQL too.
    """
    admin = Database(server_url)
    if not admin.ping():
        pytest.fail(f"PostgreSQL at {server_url} is not reachable; run scripts/postgres-test-db.sh")
    base = make_url(server_url)
    name = f"{base.database}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def clear(db: Database) -> None:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if db.is_sqlite:
            for name in tables:
                connection.execute(text(f'DELETE FROM "{name}"'))
        else:
            connection.execute(
                text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
            )


def eventually(condition: Callable[[], object], timeout: float = 15.0) -> None:
    """Waits for work the bot does after its acknowledgement (it continues in a thread)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(0.01)


def test_settings(database_url: str, api_url: str, **overrides: object) -> Settings:
    # Work Slack refused for good is tried again soon, so fault tests need not wait 30 s for it.
    overrides.setdefault("slack_retry_later_seconds", 0.5)
    return load_settings(
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api_url,
        database_url=database_url,
        **overrides,
    )


test_settings.__test__ = False  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(bot_token=BOT_TOKEN)
    fake.start()
    seed_workspace(fake)
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def services(database: Database, fake_slack: FakeSlack) -> Services:
    return build_bot(test_settings(database.url, fake_slack.api_url), db=database)


@pytest.fixture(scope="session")
def bot_server(services: Services) -> Iterator[BotServer]:
    server = BotServer(services)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def db(services: Services) -> Services:
    """A clean database (the schema stays) for one test."""
    clear(services.db)
    return services


@pytest.fixture
def consortium(db: Services) -> Services:
    db.partners.import_csv(DEMO_DATA / "partners.csv")
    return db


@pytest.fixture
def slack(bot_server: BotServer, fake_slack: FakeSlack, consortium: Services) -> Iterator[SlackSender]:
    """Signed requests into the running bot, with a registered consortium and a fresh workspace."""
    fake_slack.reset()
    yield SlackSender(bot_server.events_url, SIGNING_SECRET, fake_slack)
    # Work after the acks must end before the next test clears the database under it.
    assert bot_server.wait_idle(), "the bot's listeners were still busy 10 s after the test"
    assert consortium.polls.votes.flush(timeout=30) and consortium.polls.updates.flush(timeout=30), (
        "poll work still queued"
    )
    assert consortium.home.updates.flush(timeout=30), "Homes still being published"
    assert consortium.consultations.root_updates.flush(timeout=30), "root messages still being updated"
    assert bot_server.wait_idle()
    fake_slack.reset()
