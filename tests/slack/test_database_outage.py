"""PostgreSQL goes away while clicks arrive: /healthz says so, no acknowledged vote is lost.

A TCP proxy stands between the bot and the shared PostgreSQL server: cutting it drops every
connection and refuses new ones, as a database restart does, without touching the server that the
other tests use; `pg_terminate_backend` on this run's private database ends the bot's sessions.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.app import build_bot
from bot.localslack import FakeSlack, Message, SlackSender
from bot.server import BotServer
from bot.services import Services
from storage.db import Database
from tests.conftest import CHANNEL, SIGNING_SECRET, eventually, test_settings
from tests.slack.tcp_proxy import TcpProxy

COORDINATOR = "U0COORD01"
VOTERS = ["U0HU00001", "U0ES00001", "U0FI00001", "U0AT00002"]


@pytest.fixture
def proxied(consortium: Services, fake_slack: FakeSlack) -> Iterator[tuple[BotServer, TcpProxy, Services]]:
    if consortium.db.is_sqlite:
        pytest.skip("a database server outage concerns PostgreSQL")
    url = make_url(consortium.db.url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxied_url = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    services = build_bot(test_settings(proxied_url, fake_slack.api_url), db=Database(proxied_url))
    server = BotServer(services).start()
    fake_slack.reset()
    try:
        yield server, proxy, services
    finally:
        proxy.restore()
        services.polls.votes.close()
        services.polls.updates.flush()
        server.stop()
        services.polls.updates.stop()
        services.db.dispose()
        proxy.close()


def health(server: BotServer) -> int:
    try:
        with urllib.request.urlopen(server.url + "/healthz", timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def vote(slack: SlackSender, fake: FakeSlack, message: Message, user: str) -> tuple[int, str]:
    """The click's HTTP status and what the voter was told (ephemeral), if anything."""
    before = len(fake.ephemerals(user))
    response = slack.click(fake.message(CHANNEL, message.ts), CHANNEL, user, "poll_vote_0")
    told = ""
    if response.status == 200:
        fake.wait_until(
            lambda: len(fake.ephemerals(user)) > before, timeout=15, what="an answer to the voter"
        )
        newest = fake.ephemerals(user)[-1]
        told = newest.text + str(newest.blocks)
    return response.status, told


def test_an_outage_is_reported_and_no_acknowledged_vote_is_lost(
    proxied: tuple[BotServer, TcpProxy, Services], fake_slack: FakeSlack, consortium: Services
) -> None:
    server, proxy, _ = proxied
    slack = SlackSender(server.events_url, SIGNING_SECRET, fake_slack)
    assert slack.slash("/poll", '"Meet in Graz?" "Yes" "No"', user=COORDINATOR, channel=CHANNEL).status == 200
    message = fake_slack.message(CHANNEL, str(fake_slack.wait_for("chat.postMessage")[-1].response["ts"]))
    assert vote(slack, fake_slack, message, VOTERS[0])[0] == 200
    assert health(server) == 200

    proxy.cut()
    eventually(lambda: health(server) == 503, timeout=15)
    during = {user: vote(slack, fake_slack, message, user) for user in VOTERS[1:3]}

    proxy.restore()
    eventually(lambda: health(server) == 200, timeout=15)
    stored = {p.slack_user_id for p in consortium.polls.results(1).respondents}
    for user, (status, told) in during.items():
        # Either stored, or the voter saw that it was not: never a silent 200 for a lost vote.
        assert user in stored or status != 200 or "not recorded" in told, (user, status, told)
        assert "is recorded" not in told or user in stored
    assert VOTERS[0] in stored

    # The database ends the bot's sessions (as a restart does): the next vote reconnects and is stored.
    with consortium.db.engine.connect() as admin:
        admin.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND usename = current_user AND pid <> pg_backend_pid()"
            )
        )
        admin.commit()
    status, told = vote(slack, fake_slack, message, VOTERS[3])
    assert status == 200 and "is recorded" in told
    assert VOTERS[3] in {p.slack_user_id for p in consortium.polls.results(1).respondents}
    assert health(server) == 200
