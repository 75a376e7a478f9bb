"""The workspace the clicks happen in: partners in a channel, one quick poll, and its vote clicks.

The Slack stand-in (FakeSlack) lives in the orchestrating process. Clicks are built there, as
`SlackSender.click` builds them (a fresh `action_ts`, trigger and `response_url` each), but not
sent: the load generator signs and posts them. Each click changes its voter's answer, so each is
a vote the bot must write.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select

from bot.demo import CHANNEL, seed_workspace
from bot.domain.partners import PartnerInfo, Role
from bot.localslack import FakeSlack, Response, SendOptions, SlackSender
from bot.localslack.transport import Outgoing
from bot.services import Services
from storage.models import PollDelivery

from .apps import SECRET

OPTIONS = 4
COORDINATOR = "U0COORD01"
# What the bot tells a voter whose click it did not take (Busy, Stopping).
REFUSED = "not recorded"


def voter_ids(count: int) -> list[str]:
    return [f"U0BENCH{i:03d}" for i in range(count)]


def prepare(fake: FakeSlack, services: Services, voters: int) -> list[str]:
    """The demo consortium plus `voters` registered partners, all members of the poll's channel."""
    members = seed_workspace(fake)
    users = voter_ids(voters)
    for user in users:
        fake.add_user(user, user.lower(), real_name=f"Voter {user[-3:]}")
    fake.add_channel(CHANNEL, "policy-recommendations", members=[*members, *users])
    partners = [
        PartnerInfo(user, f"Voter {user[-3:]}", f"Org {i % 10}", "Region", "AT", Role.PARTNER)
        for i, user in enumerate(users)
    ]
    coordinator = PartnerInfo(
        COORDINATOR, "Simone Hagenauer", "ecoplus", "Lower Austria", "AT", Role.COORDINATOR
    )
    services.partners.upsert([*partners, coordinator])
    return users


def post_poll(events_url: str, fake: FakeSlack) -> dict[str, Any]:
    """A quick poll posted in the channel through the bot; its message as Slack would send it."""
    options = " ".join(f'"Option {i}"' for i in range(OPTIONS))
    sender = SlackSender(events_url, SECRET, fake)
    sender.slash("/poll", f'"Benchmark: which option?" {options}', user=COORDINATOR, channel=CHANNEL)
    posted = fake.wait_for("chat.postMessage", lambda c: c.params.get("channel") == CHANNEL)[-1]
    return fake.message(CHANNEL, str(posted.response["ts"])).to_api()


class _Recorder(SlackSender):
    """Keeps the body of each request instead of sending it."""

    def __init__(self, fake: FakeSlack) -> None:
        super().__init__("http://127.0.0.1/", SECRET, fake)
        self.bodies: list[str] = []

    def _deliver(self, request: Outgoing, opts: SendOptions) -> Response:
        self.bodies.append(request.body)
        return Response(status=200, body="", json=None, headers={})


class Clicks:
    """Vote clicks on the poll, the voters taking turns, each voter moving to the next option."""

    def __init__(self, fake: FakeSlack, message: dict[str, Any], voters: list[str]) -> None:
        self._recorder = _Recorder(fake)
        self._message = message
        self._voters = voters
        self._made = 0

    def take(self, count: int) -> list[str]:
        recorder = self._recorder
        recorder.bodies = []
        for _ in range(count):
            voter = self._voters[self._made % len(self._voters)]
            option = (self._made // len(self._voters)) % OPTIONS
            recorder.click(self._message, CHANNEL, voter, f"poll_vote_{option}")
            self._made += 1
        return recorder.bodies


def stored_votes(services: Services) -> int:
    """The clicks the bot has counted (each a row until the poll closes)."""
    with services.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(PollDelivery)) or 0)


def refusals(fake: FakeSlack) -> int:
    """Voters told their click was not taken (busy, restarting)."""
    return sum(1 for c in fake.calls("response_url") if REFUSED in str(c.params.get("text", "")))


def updates_per_second(fake: FakeSlack, ts: str, since: float, until: float) -> tuple[int, int]:
    """(chat.update calls of the poll message in the window, the most in any one second)."""
    times = sorted(
        c.at for c in fake.calls("chat.update") if c.params.get("ts") == ts and since <= c.at <= until
    )
    per_window = Counter(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    return len(times), max(per_window, default=0)
