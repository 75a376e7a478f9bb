"""How a call reaches a Web API method of the local Slack: its arguments parsed as Slack parses
them (form or JSON, JSON-carrying fields decoded), required ones checked against the spec, Slack's
error shape, cursors, and the table of methods each family module registers into.
"""

from __future__ import annotations

import base64
import contextlib
import json
import urllib.parse
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from bot.localslack.spec import REQUIRED_PARAMS

JSONDict = dict[str, Any]


class SlackError(Exception):
    """Raised inside a method handler; becomes ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra

    def response(self) -> JSONDict:
        return {"ok": False, "error": self.error, **self.extra}


def invalid_blocks(errors: list[str]) -> SlackError:
    return SlackError(
        "invalid_blocks",
        errors=errors,
        response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
    )


def invalid_arguments(errors: list[str]) -> SlackError:
    return SlackError("invalid_arguments", response_metadata={"messages": [f"[ERROR] {e}" for e in errors]})


#: Which error Slack gives when a required argument is missing, where it has a specific one.
_MISSING_ERRORS: Final = {
    "channel": "channel_not_found",
    "ts": "message_not_found",
    "message_ts": "message_not_found",
    "timestamp": "no_item_specified",
}

#: Arguments that carry JSON; form-encoded requests send them as JSON strings.
_JSON_FIELDS: Final = frozenset({"blocks", "attachments", "view", "files", "metadata"})


class Args:
    """Typed access to the arguments of one call (form values are strings, JSON ones are not)."""

    def __init__(self, params: JSONDict) -> None:
        self.params = params

    def text(self, name: str) -> str | None:
        value = self.params.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str | int | float):
            return str(value)
        raise invalid_arguments([f"{name} must be a string [json-pointer:/{name}]"])

    def flag(self, name: str) -> bool:
        value = self.params.get(name)
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return value != 0
        return isinstance(value, str) and value.lower() in ("1", "true", "yes")

    def number(self, name: str, default: int, *, error: str = "invalid_arguments") -> int:
        value = self.params.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise SlackError(error) from None

    def get(self, name: str) -> Any:
        return self.params.get(name)


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def encode_cursor(kind: str, value: str) -> str:
    return base64.b64encode(f"{kind}:{value}".encode()).decode()


def decode_cursor(cursor: str, kind: str) -> str:
    try:
        decoded = base64.b64decode(cursor.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        raise SlackError("invalid_cursor") from None
    prefix, _, value = decoded.partition(":")
    if prefix != kind or not value:
        raise SlackError("invalid_cursor")
    return value


def ts_value(ts: str, error: str) -> Decimal:
    try:
        return Decimal(ts)
    except InvalidOperation:
        raise SlackError(error) from None


def parse_params(content_type: str, query: str, body: bytes) -> tuple[JSONDict, str | None]:
    """The call's arguments (query, then body), and the error Slack gives for a body it cannot read."""
    params: JSONDict = {k: v[-1] for k, v in urllib.parse.parse_qs(query, keep_blank_values=True).items()}
    error = None
    kind = content_type.split(";")[0].strip().lower()
    if body:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return params, "invalid_charset"
        if kind == "application/json":
            try:
                data = json.loads(text)
            except ValueError:
                return params, "invalid_json"
            if not isinstance(data, dict):
                return params, "json_not_object"
            params.update(data)
        elif kind in ("application/x-www-form-urlencoded", ""):
            form = urllib.parse.parse_qs(text, keep_blank_values=True)
            params.update({k: v[-1] for k, v in form.items()})
        else:
            error = "invalid_form_data"
    for key in _JSON_FIELDS & params.keys():
        value = params[key]
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            # if it does not parse, it stays a string and the method answers invalid_blocks_format
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params, error


def check_required(method: str, params: JSONDict) -> None:
    """Slack's error for a missing required argument (as the published spec lists them)."""
    for name in REQUIRED_PARAMS.get(method, ()):
        if is_missing(params.get(name)):
            error = _MISSING_ERRORS.get(name, "invalid_arguments")
            raise SlackError(
                error, response_metadata={"messages": [f"[ERROR] missing required field: {name}"]}
            )


#: A Web API method: called with the lock held, on the fake and the call's arguments.
MethodHandler = Callable[[Any, "Args"], JSONDict]
WEB_METHODS: dict[str, MethodHandler] = {}


def web_method(name: str) -> Callable[[MethodHandler], MethodHandler]:
    """Register a method of a FakeSlack family class as the handler of a Web API method."""

    def register(handler: MethodHandler) -> MethodHandler:
        WEB_METHODS[name] = handler
        return handler

    return register
