"""Buttons of the `/recs` list: turn the page, open one recommendation."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.services import Services
from handlers.blocks.recommendations import detail, recommendation_list


def turn_page(ack: Ack, action: dict[str, Any], respond: Respond, services: Services) -> None:
    ack()
    page = services.consensus.page(int(action.get("value") or 1), services.settings.recs_page_size)
    text, blocks = recommendation_list(page)
    respond(text=text, blocks=blocks, replace_original=True, response_type="ephemeral")


def show_detail(ack: Ack, action: dict[str, Any], respond: Respond, services: Services) -> None:
    ack()
    text, blocks = detail(services.recommendations.get(str(action.get("value") or "")))
    respond(text=text, blocks=blocks, replace_original=False, response_type="ephemeral")
