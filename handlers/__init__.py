"""How Slack reaches the bot: every listener module registers itself here."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from slack_bolt import App

from bot.services import Services
from handlers import actions, commands, errors, events, shortcuts, views

KINDS: tuple[ModuleType, ...] = (commands, actions, views, events, shortcuts)


def register(app: App, services: Services) -> None:
    """Registers the error handler and every listener module of every kind."""
    errors.register(app)
    for kind in KINDS:
        for module_info in sorted(pkgutil.iter_modules(kind.__path__), key=lambda m: m.name):
            module = importlib.import_module(f"{kind.__name__}.{module_info.name}")
            module.register(app, services)
