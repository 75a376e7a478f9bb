"""Scheduled work: each module here has `register(scheduler, services, client)` and is found automatically."""

from __future__ import annotations

import importlib
import pkgutil

from slack_sdk import WebClient

from bot.scheduler import BotScheduler
from bot.services import Services


def register_all(scheduler: BotScheduler, services: Services, client: WebClient) -> None:
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        module.register(scheduler, services, client)
