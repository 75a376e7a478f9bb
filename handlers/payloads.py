"""Reading Slack payloads into plain values (no rules here)."""

from __future__ import annotations

from typing import Any


def input_values(view: dict[str, Any]) -> dict[str, str | None]:
    """The value of each input block, keyed by block id (text, select or single choice)."""
    values: dict[str, str | None] = {}
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        for element in actions.values():
            if "value" in element:
                values[block_id] = element["value"]
            elif element.get("selected_option"):
                values[block_id] = element["selected_option"]["value"]
            else:
                values[block_id] = None
    return values


def user_id(body: dict[str, Any]) -> str:
    user = body.get("user") or {}
    return str(user.get("id") or body.get("user_id") or "")


def channel_id(body: dict[str, Any]) -> str | None:
    channel = body.get("channel") or {}
    found = channel.get("id") or body.get("channel_id") or body.get("container", {}).get("channel_id")
    return str(found) if found else None
