"""Interactive elements in Block Kit as Slack's client sees them: finding the one a user uses, the
action payload it produces, and the ``state.values`` of a message or a view after the user typed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from bot.localslack.models import View

__all__ = ["InputValue", "action_payload", "find_element", "message_state", "view_state"]

JSONDict = dict[str, Any]
InputValue = str | int | Sequence[str] | None

_UNSET: Final = object()


def _elements(blocks: Sequence[Mapping[str, Any]]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        if block.get("type") == "actions":
            for element in block.get("elements") or []:
                if isinstance(element, Mapping):
                    yield block_id, element
        for key in ("accessory", "element"):
            element = block.get(key)
            if isinstance(element, Mapping):
                yield block_id, element


def find_element(
    blocks: Sequence[Mapping[str, Any]],
    action_id: str,
    value: str | None,
    block_id: str | None,
) -> tuple[str, Mapping[str, Any]]:
    found = [
        (b, e) for b, e in _elements(blocks) if e.get("action_id") == action_id and block_id in (None, b)
    ]
    if len(found) > 1 and value is not None:
        found = [(b, e) for b, e in found if e.get("type") != "button" or e.get("value") == value]
    if len(found) == 1:
        return found[0]
    if not found:
        available = sorted({str(e.get("action_id")) for _, e in _elements(blocks)})
        raise LookupError(f"no element with action_id {action_id!r}; available: {available}")
    blocks_found = [b for b, _ in found]
    raise LookupError(
        f"{len(found)} elements have action_id {action_id!r} (blocks {blocks_found}); "
        "pass block_id= or the button's value="
    )


def _all_options(element: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    options = [o for o in element.get("options") or [] if isinstance(o, Mapping)]
    for group in element.get("option_groups") or []:
        if isinstance(group, Mapping):
            options += [o for o in group.get("options") or [] if isinstance(o, Mapping)]
    return options


def _option(element: Mapping[str, Any], value: str) -> JSONDict:
    if str(element.get("type", "")).endswith("external_select"):
        return {"text": {"type": "plain_text", "text": value, "emoji": True}, "value": value}
    for option in _all_options(element):
        if option.get("value") == value:
            return dict(option)
    values = [o.get("value") for o in _all_options(element)]
    raise LookupError(f"{element.get('action_id')!r} has no option {value!r}; options: {values}")


def _selection(element: Mapping[str, Any], raw: Any) -> JSONDict:
    """The value part of an action / a state entry, shaped by element type."""
    kind = str(element.get("type", ""))
    items = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list | tuple) else []
    if kind in ("static_select", "external_select", "overflow", "radio_buttons"):
        return {"selected_option": _option(element, raw) if isinstance(raw, str) and raw else None}
    if kind in ("multi_static_select", "multi_external_select", "checkboxes"):
        return {"selected_options": [_option(element, v) for v in items]}
    singles = {
        "users_select": "selected_user",
        "conversations_select": "selected_conversation",
        "channels_select": "selected_channel",
        "datepicker": "selected_date",
        "timepicker": "selected_time",
    }
    if kind in singles:
        return {singles[kind]: raw if isinstance(raw, str) and raw else None}
    multis = {
        "multi_users_select": "selected_users",
        "multi_conversations_select": "selected_conversations",
        "multi_channels_select": "selected_channels",
    }
    if kind in multis:
        return {multis[kind]: items}
    if kind == "datetimepicker":
        return {"selected_date_time": int(raw) if raw not in (None, "") else None}
    if kind == "rich_text_input":
        if not raw:
            return {"rich_text_value": None}
        section = {"type": "rich_text_section", "elements": [{"type": "text", "text": str(raw)}]}
        return {"rich_text_value": {"type": "rich_text", "elements": [section]}}
    if kind == "file_input":
        return {"files": []}
    return {"value": str(raw) if raw not in (None, "") else None}


def _initial(element: Mapping[str, Any]) -> Any:
    """The element's preset value, in the form ``values`` take."""
    for key in ("initial_value", "initial_date", "initial_time", "initial_date_time", "initial_user"):
        if key in element:
            return element[key]
    for key in ("initial_conversation", "initial_channel"):
        if key in element:
            return element[key]
    for key in ("initial_users", "initial_conversations", "initial_channels"):
        if key in element:
            return list(element[key])
    option = element.get("initial_option")
    if isinstance(option, Mapping):
        return option.get("value")
    options = element.get("initial_options")
    if isinstance(options, list):
        return [o.get("value") for o in options if isinstance(o, Mapping)]
    return None


def action_payload(
    block_id: str,
    element: Mapping[str, Any],
    value: str | None,
    selected_option: str | None,
    selected_options: Sequence[str] | None,
    action_ts: str,
) -> JSONDict:
    """The ``actions[0]`` Slack sends when the user uses ``element``."""
    kind = str(element.get("type", ""))
    action: JSONDict = {"type": kind, "block_id": block_id, "action_id": element.get("action_id")}
    if kind in ("button", "workflow_button"):
        action["text"] = element.get("text")
        if "value" in element or value is not None:
            action["value"] = element.get("value", value)
        if "style" in element:
            action["style"] = element["style"]
    else:
        raw: Any = selected_options if selected_options is not None else selected_option or value
        if kind in ("static_select", "overflow", "radio_buttons", "external_select") and not raw:
            raise ValueError(f"choose an option for {element.get('action_id')!r} (selected_option=...)")
        action.update(_selection(element, raw))
        if "placeholder" in element:
            action["placeholder"] = element["placeholder"]
    action["action_ts"] = action_ts
    return action


def message_state(blocks: Sequence[Mapping[str, Any]]) -> JSONDict:
    """``state.values`` of a message: the current value of each stateful element in it."""
    state: JSONDict = {}
    for block_id, element in _elements(blocks):
        kind = str(element.get("type", ""))
        if kind in ("button", "overflow", "workflow_button", "image") or "action_id" not in element:
            continue
        entry = {"type": kind, **_selection(element, _initial(element))}
        state.setdefault(block_id, {})[str(element["action_id"])] = entry
    return state


def view_state(view: View, values: Mapping[str, InputValue], *, check: bool) -> JSONDict:
    """``view.state.values`` after the user entered ``values`` (keyed by block or action id)."""
    inputs = [b for b in view.blocks if b.get("type") == "input" and isinstance(b.get("element"), Mapping)]
    by_action: dict[str, list[str]] = {}
    for block in inputs:
        by_action.setdefault(str(block["element"].get("action_id")), []).append(str(block["block_id"]))
    block_ids = {str(b["block_id"]) for b in inputs}
    for key in values:
        if key not in block_ids and len(by_action.get(key, [])) != 1:
            raise KeyError(
                f"{key!r} is not an input of view {view.id}; block_ids: {sorted(block_ids)}, "
                f"action_ids: {sorted(a for a, b in by_action.items() if len(b) == 1)}"
            )
    state: JSONDict = {}
    for block in inputs:
        block_id, element = str(block["block_id"]), block["element"]
        action_id = str(element.get("action_id"))
        kind = str(element.get("type", ""))
        raw: Any = values.get(block_id, values.get(action_id, _UNSET))
        current = view.state.get(block_id, {}).get(action_id)
        if raw is _UNSET and isinstance(current, dict):
            entry = dict(current)
        else:
            raw = _initial(element) if raw is _UNSET else raw
            entry = {"type": kind, **_selection(element, raw)}
        if check:
            _client_checks(block, element, entry)
        state[block_id] = {action_id: entry}
    for block_id, actions in view.state.items():
        state.setdefault(block_id, actions)
    return state


def _client_checks(block: Mapping[str, Any], element: Mapping[str, Any], entry: Mapping[str, Any]) -> None:
    """What Slack's client enforces before it lets the user submit."""
    label = block.get("label", {}).get("text", block.get("block_id"))
    filled = [v for k, v in entry.items() if k != "type" and v not in (None, "", [])]
    if not filled:
        if not block.get("optional"):
            raise ValueError(f"input {block.get('block_id')!r} ({label}) is required; Slack would not submit")
        return
    text = entry.get("value")
    if isinstance(text, str):
        low, high = element.get("min_length"), element.get("max_length")
        if isinstance(low, int) and len(text) < low:
            raise ValueError(f"input {label!r} needs at least {low} characters; Slack would not submit")
        if isinstance(high, int) and len(text) > high:
            raise ValueError(f"input {label!r} allows at most {high} characters; Slack would not submit")
        if element.get("type") == "number_input":
            try:
                number = float(text)
            except ValueError:
                raise ValueError(f"input {label!r} needs a number; Slack would not submit") from None
            if not element.get("is_decimal_allowed") and not number.is_integer():
                raise ValueError(f"input {label!r} needs a whole number; Slack would not submit")
