"""How Slack reaches the bot: every listener, registered explicitly, kind by kind.

Listeners are top-level functions; Bolt gives them `services` like any of its own arguments
(`ack`, `body`, `client`...), since the middleware below puts it in every request's context.
Bolt tries listeners in registration order: actions first, and votes first among them.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App, BoltContext

from bot.services import Services
from handlers import actions, commands, errors, events, shortcuts, views
from handlers.respond import use_retrying_respond


def register(app: App, services: Services) -> None:
    """The error handler, the services in each request's context, and every listener."""
    errors.register(app)

    def provide_services(context: BoltContext, next: Callable[[], None]) -> None:
        context["services"] = services
        next()

    app.middleware(provide_services)
    app.middleware(use_retrying_respond)
    actions.register(app)
    views.register(app)
    commands.register(app)
    events.register(app)
    shortcuts.register(app)
