"""Reading Slack payloads into plain values (no rules here)."""

from __future__ import annotations

from typing import Any


class FormValues:
    """A submitted modal's inputs by block id, read with one set of rules whatever the element:
    text and number inputs, single choices, dates and times give text; multi-selects and checkboxes a list."""

    def __init__(self, view: dict[str, Any]) -> None:
        self._values: dict[str, str | list[str] | None] = {
            block_id: _element_value(element)
            for block_id, elements in view.get("state", {}).get("values", {}).items()
            for element in elements.values()
        }

    def text(self, block_id: str) -> str | None:
        """The input's text, chosen option value, date or time; None when empty (or a list)."""
        value = self._values.get(block_id)
        return value if isinstance(value, str) else None

    def choices(self, block_id: str) -> list[str]:
        """The chosen option values of a multi-select or checkboxes; a single choice as one."""
        value = self._values.get(block_id)
        if isinstance(value, list):
            return value
        return [value] if value else []


def _element_value(element: dict[str, Any]) -> str | list[str] | None:
    if "selected_options" in element:
        return [str(option["value"]) for option in element.get("selected_options") or []]
    if "selected_option" in element:
        chosen = element.get("selected_option")
        return str(chosen["value"]) if chosen else None
    for key in ("selected_date", "selected_time", "selected_date_time", "value"):
        if element.get(key) not in (None, ""):
            return str(element[key])
    return None


def user_id(body: dict[str, Any]) -> str:
    user = body.get("user") or {}
    return str(user.get("id") or body.get("user_id") or "")


def channel_id(body: dict[str, Any]) -> str | None:
    channel = body.get("channel") or {}
    found = channel.get("id") or body.get("channel_id") or body.get("container", {}).get("channel_id")
    return str(found) if found else None
