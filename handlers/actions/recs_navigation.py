"""Buttons of the `/recs` list: turn the page, open one recommendation."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.services import Services
from handlers.blocks.recommendations import detail, recommendation_list
from handlers.ids import Action


def register(app: App, services: Services) -> None:
    @app.action(Action.RECS_PAGE.value)
    def turn_page(ack: Ack, action: dict[str, Any], respond: Respond) -> None:
        ack()
        page = services.consensus.page(int(action.get("value") or 1), services.settings.recs_page_size)
        text, blocks = recommendation_list(page)
        respond(text=text, blocks=blocks, replace_original=True, response_type="ephemeral")

    @app.action(Action.RECS_DETAIL.value)
    def show_detail(ack: Ack, action: dict[str, Any], respond: Respond) -> None:
        ack()
        text, blocks = detail(services.recommendations.get(str(action.get("value") or "")))
        respond(text=text, blocks=blocks, replace_original=False, response_type="ephemeral")
