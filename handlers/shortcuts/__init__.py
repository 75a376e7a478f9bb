"""Listeners for shortcuts.

To add one: a top-level function in a module of this package (it may take `services`), one line
below, and the shortcut in both app manifests.
"""

from __future__ import annotations

from slack_bolt import App

from handlers.shortcuts import consult_on_message


def register(app: App) -> None:
    app.message_shortcut("consult_on_message")(consult_on_message.consult_on_message)
