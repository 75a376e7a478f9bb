"""`consult-bot run`: Socket Mode or HTTP in the foreground, with the scheduler beside it."""

from __future__ import annotations

import logging

from bot.app import create_bolt_app, make_web_client
from bot.jobs import register_all
from bot.scheduler import BotScheduler
from bot.server import BotServer
from bot.services import Services

log = logging.getLogger("consult_bot")


def run_bot(services: Services) -> None:
    settings = services.settings
    client = make_web_client(settings)
    scheduler = BotScheduler(settings.timezone)
    register_all(scheduler, services)
    scheduler.start()
    try:
        if settings.socket_mode:
            # websocket-client notices a dropped socket at once and reconnects; slack_sdk's built-in
            # client only notices after several missed pongs, spinning on the dead socket meanwhile.
            from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler

            log.info("starting in Socket Mode")
            app = create_bolt_app(services, client)
            SocketModeHandler(app, settings.app_token()).start()  # type: ignore[no-untyped-call]
            return
        server = BotServer(services, host=settings.host, port=settings.port, client=client, log_level="info")
        log.info("serving Slack requests on %s (health: %s/healthz)", server.events_url, server.url)
        server.serve_forever()
    finally:
        scheduler.shutdown()
        # Votes acknowledged but not yet written are written before the process ends.
        services.polls.votes.flush()
        services.polls.updates.flush()
