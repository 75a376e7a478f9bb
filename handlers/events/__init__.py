"""Listeners for Events API events.

To add one: a top-level function in a module of this package (it may take `services`), one line
below, and the event subscription in both app manifests.
"""

from __future__ import annotations

from slack_bolt import App

from handlers.events import app_home_opened, message


def register(app: App) -> None:
    app.event("message")(message.follow_thread)
    app.event("app_home_opened")(app_home_opened.publish_home)
