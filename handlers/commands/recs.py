"""`/recs [R<n> | page | export [format]]`: the list of recommendations, one in full, or (for
coordinators) the export as a file in a direct message."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.domain.errors import DomainError
from bot.services import Services
from bot.services.exports import ExportFormat
from handlers.blocks.privacy import file_on_its_way
from handlers.blocks.recommendations import detail, recommendation_list
from handlers.files import send_file_dm

_FORMAT_ALIASES = {"md": "markdown", "word": "docx", "excel": "xlsx", "pol.is": "polis"}
_PAGE = re.compile(r"^(?:page\s*)?(\d{1,6})$", re.IGNORECASE)


def list_recommendations(ack: Ack, command: dict[str, Any], client: WebClient, services: Services) -> None:
    argument = (command.get("text") or "").strip()
    if argument.lower().split()[:1] == ["export"]:
        export(ack, command["user_id"], argument.split()[1:], client, services)
        return
    page_match = _PAGE.match(argument or "1")
    if page_match:
        page = services.consensus.page(int(page_match.group(1)), services.settings.recs_page_size)
        text, blocks = recommendation_list(page)
    elif argument[:1] in ("R", "r"):
        text, blocks = detail(services.recommendations.get(argument))
    else:
        raise DomainError(
            f"I don't understand `/recs {argument[:50]}`. Use `/recs` for the list, "
            "`/recs 2` for its second page, `/recs R3` for one recommendation, or (coordinators) "
            "`/recs export [markdown|docx|xlsx|csv|json|polis]` for the export."
        )
    ack(text=text, blocks=blocks, response_type="ephemeral")


def export(ack: Ack, user: str, words: list[str], client: WebClient, services: Services) -> None:
    """The annex (Markdown by default) or another export format, as a file in the coordinator's DM."""
    services.export.require_coordinator(user)
    fmt = export_format(words)
    ack(text=file_on_its_way(f"the {fmt.value} export"), response_type="ephemeral")
    exported = services.export.file_for(user, fmt)
    send_file_dm(client, user, exported, f"The {fmt.value} export of the recommendations")


def export_format(words: list[str]) -> ExportFormat:
    name = _FORMAT_ALIASES.get(words[0].lower(), words[0].lower()) if words else ExportFormat.MARKDOWN.value
    if len(words) > 1 or name not in {f.value for f in ExportFormat}:
        raise DomainError(
            f"I can't export as `{' '.join(words)[:40]}`. Choose one of "
            + ", ".join(f"`{f.value}`" for f in ExportFormat)
            + ", e.g. `/recs export docx` (`/recs export` alone gives the Markdown annex)."
        )
    return ExportFormat(name)
