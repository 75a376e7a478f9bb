"""`consult-bot run`: Socket Mode or HTTP, in the foreground."""

from __future__ import annotations

import logging

from bot.app import create_bolt_app
from bot.server import BotServer
from bot.services import Services

log = logging.getLogger("consult_bot")


def run_bot(services: Services) -> None:
    settings = services.settings
    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        log.info("starting in Socket Mode")
        app = create_bolt_app(services)
        SocketModeHandler(app, settings.app_token()).start()  # type: ignore[no-untyped-call]
        return
    server = BotServer(services, host=settings.host, port=settings.port, log_level="info")
    log.info("serving Slack requests on %s (health: %s/healthz)", server.events_url, server.url)
    server.serve_forever()
