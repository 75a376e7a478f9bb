"""Scheduled work: each module here has `register(scheduler, services, client)`, called below."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.jobs import consultations, digest, polls, retention
from bot.scheduler import BotScheduler
from bot.services import Services


def register_all(scheduler: BotScheduler, services: Services, client: WebClient) -> None:
    polls.register(scheduler, services, client)
    consultations.register(scheduler, services, client)
    digest.register(scheduler, services, client)
    retention.register(scheduler, services, client)
