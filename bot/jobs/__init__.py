"""Scheduled work: plain functions that call the services; each module registers its own below."""

from __future__ import annotations

from bot.jobs import consultations, digest, polls, retention
from bot.scheduler import BotScheduler
from bot.services import Services


def register_all(scheduler: BotScheduler, services: Services) -> None:
    polls.register(scheduler, services)
    consultations.register(scheduler, services)
    digest.register(scheduler, services)
    retention.register(scheduler, services)
