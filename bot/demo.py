"""`consult-bot demo`: a sample consortium through the bot's real request path, printed for a terminal.

The real app serves HTTP on a free local port (or, with ``--socket-mode``, connects to the stand-in's
Socket Mode WebSocket); a local stand-in plays Slack: it sends signed slash commands, clicks and modal
submissions into the bot (or envelopes on its socket) and answers the bot's Web API calls.
What the coordinator and the partners would see in Slack is printed as it happens.
"""

from __future__ import annotations

import csv
import json
import logging
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.app import build_bot, create_bolt_app
from bot.config import load_settings
from bot.localslack import FakeSlack, SlackSender
from bot.localslack.render import render_message, render_view
from bot.server import BotServer
from bot.services import Services

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
CHANNEL = "C0POLICY"
COORDINATOR = "U0COORD01"
_TOKEN = "xoxb-demo"
_SECRET = "demo-signing-secret"
_TIME_ZONES = {
    "AT": ("Europe/Vienna", 3600),
    "HU": ("Europe/Budapest", 3600),
    "ES": ("Europe/Madrid", 3600),
    "IT": ("Europe/Rome", 3600),
    "PL": ("Europe/Warsaw", 3600),
    "DE": ("Europe/Berlin", 3600),
    "FI": ("Europe/Helsinki", 7200),
    "BE": ("Europe/Brussels", 3600),
}
WIDTH = 100


@dataclass
class Stage:
    """What a scene works with: the bot's services, the stand-in, and signed requests into the bot."""

    services: Services
    fake: FakeSlack
    slack: SlackSender
    out: Path

    def say(self, text: str) -> None:
        print(f"\n▶ {text}")

    def users(self) -> dict[str, str]:
        return {user.id: user.real_name or user.name for user in self.fake.users()}

    def show_new_messages(self, since: int) -> int:
        """Prints the channel and DM messages posted since the given count; returns the new count."""
        messages = sorted(
            (message for channel in self.fake.channels() for message in self.fake.messages(channel.id)),
            key=lambda message: float(message.ts),
        )
        channels = {channel.id: channel.name for channel in self.fake.channels()}
        for message in messages[since:]:
            where = channels.get(message.channel, message.channel)
            is_dm = self.fake.channel(message.channel).is_im
            print(f"    ── in {'a direct message' if is_dm else '#' + where} ──")
            print(_indent(render_message(message, self.users())))
        return len(messages)

    def show_view(self, view_id: str) -> None:
        print(_indent(render_view(self.fake.view(view_id))))

    def show_ephemeral(self, user: str) -> None:
        for message in self.fake.ephemerals(user)[-1:]:
            print(_indent(render_message(message, self.users(), ephemeral_for=user)))


Scene = Callable[[Stage], None]


def seed_workspace(fake: FakeSlack) -> list[str]:
    """The demo consortium's people (each in their own time zone), an outsider, and the channel."""
    members = []
    with (DEMO_DATA / "partners.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            tz, offset = _TIME_ZONES.get(row["country"], ("Europe/Brussels", 3600))
            handle_name = row["name"].split()[0].lower()
            fake.add_user(row["slack_user_id"], handle_name, real_name=row["name"], tz=tz, tz_offset=offset)
            members.append(row["slack_user_id"])
    fake.add_user("U0OUTSIDE", "visitor", real_name="Vera Visitor")
    fake.add_channel(CHANNEL, "policy-recommendations", members=[*members, "U0OUTSIDE"])
    fake.add_channel("C0NOBOT", "random", members=members, bot_member=False)
    return members


def run_demo(out: Path, scenes: list[Scene] | None = None, *, socket_mode: bool = False) -> int:
    from bot.demo_scenes import SCENES

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="consult-demo-") as scratch, FakeSlack(bot_token=_TOKEN) as fake:
        seed_workspace(fake)
        settings = load_settings(
            _env_file=None,
            slack_bot_token=_TOKEN,
            slack_signing_secret=_SECRET,
            slack_api_url=fake.api_url,
            database_url=f"sqlite:///{scratch}/demo.db",
            slack_app_token=fake.app_token if socket_mode else None,
        )
        services = build_bot(settings)
        services.db.upgrade()
        _banner("consult-bot demo: a consortium writes policy recommendations in Slack")
        print(
            "The real bot "
            + ("connects over Socket Mode" if socket_mode else "serves HTTP on a local port")
            + "; a local stand-in plays Slack and its people."
        )
        with _connected_bot(services, fake) as slack:
            stage = Stage(services, fake, slack, out)
            for scene in scenes or SCENES:
                _banner((scene.__doc__ or scene.__name__).strip().splitlines()[0])
                scene(stage)
        export = services.export.write_json(out / "export.json")
        _banner("The export")
        print(
            f"wrote {out / 'export.json'}: "
            + json.dumps(
                {key: len(value) for key, value in export.document.items() if isinstance(value, list)}
            )
        )
        services.db.dispose()
    return 0


@contextmanager
def _connected_bot(services: Services, fake: FakeSlack) -> Iterator[SlackSender]:
    """The bot running beside the demo, and a sender that reaches it the way the settings say."""
    if not services.settings.socket_mode:
        with BotServer(services) as server:
            yield SlackSender(server.events_url, _SECRET, fake)
        return
    from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler

    quiet = logging.getLogger("consult_bot.demo.socket_mode")
    quiet.setLevel(logging.WARNING)
    handler = SocketModeHandler(create_bolt_app(services), services.settings.app_token(), logger=quiet)
    # after the handler: creating it resets websocket-client's logger (its "Websocket connected")
    logging.getLogger("websocket").setLevel(logging.WARNING)
    handler.connect()  # type: ignore[no-untyped-call]
    try:
        fake.socket_mode.wait_for_connection()
        yield SlackSender.over_socket_mode(fake)
    finally:
        handler.close()  # type: ignore[no-untyped-call]


def _banner(text: str) -> None:
    print("\n" + "═" * WIDTH + f"\n {text}\n" + "═" * WIDTH)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
