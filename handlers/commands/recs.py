"""`/recs [R<n> | page]`: the list of recommendations, or one in full."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack

from bot.domain.errors import DomainError
from bot.services import Services
from handlers.blocks.recommendations import detail, recommendation_list

_PAGE = re.compile(r"^(?:page\s*)?(\d{1,6})$", re.IGNORECASE)


def list_recommendations(ack: Ack, command: dict[str, Any], services: Services) -> None:
    argument = (command.get("text") or "").strip()
    page_match = _PAGE.match(argument or "1")
    if page_match:
        page = services.consensus.page(int(page_match.group(1)), services.settings.recs_page_size)
        text, blocks = recommendation_list(page)
    elif argument[:1] in ("R", "r"):
        text, blocks = detail(services.recommendations.get(argument))
    else:
        raise DomainError(
            f"I don't understand `/recs {argument[:50]}`. Use `/recs` for the list, "
            "`/recs 2` for its second page, or `/recs R3` for one recommendation."
        )
    ack(text=text, blocks=blocks, response_type="ephemeral")
