"""One error handler: domain errors become a clear answer to the person, nothing else leaks."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import App, BoltResponse, Respond
from slack_sdk import WebClient

from bot.domain.errors import DomainError, InvalidInput
from handlers.blocks.common import fallback, section
from handlers.payloads import channel_id, user_id

log = logging.getLogger("consult_bot.errors")
_UNEXPECTED = "Sorry, something went wrong on my side and nothing was changed. Please try again in a minute."


def register(app: App) -> None:
    @app.error
    def answer_error(
        error: Exception,
        body: dict[str, Any],
        response: BoltResponse | None,
        respond: Respond | None,
        client: WebClient,
    ) -> BoltResponse | None:
        if not isinstance(error, DomainError):
            log.error(
                "unhandled error for a %s request", body.get("type") or body.get("command"), exc_info=error
            )
        # Not yet acknowledged: the answer goes in the acknowledgement itself, except for a click,
        # whose acknowledgement Slack does not show (listeners acknowledge a click once it is stored).
        if response is not None and body.get("type") != "block_actions":
            return _as_ack(error, body)
        _tell_later(error, body, respond, client)
        return BoltResponse(status=200, body="") if response is not None else None


def _as_ack(error: Exception, body: dict[str, Any]) -> BoltResponse:
    if isinstance(error, InvalidInput) and body.get("type") == "view_submission":
        payload: dict[str, Any] = {"response_action": "errors", "errors": _field_errors(body, error)}
    elif body.get("type") == "view_submission":
        payload = {"response_action": "errors", "errors": _first_block_error(body, error)}
    elif body.get("type") == "event_callback":
        return BoltResponse(status=200, body="")
    else:
        text = error.message if isinstance(error, DomainError) else _UNEXPECTED
        payload = {
            "response_type": "ephemeral",
            "text": fallback(text),
            "blocks": [section(fallback(text)).to_dict()],
        }
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})


def _input_blocks(body: dict[str, Any]) -> list[str]:
    return [b["block_id"] for b in body.get("view", {}).get("blocks", []) if b.get("type") == "input"]


def _field_errors(body: dict[str, Any], error: InvalidInput) -> dict[str, str]:
    """The domain's problems per field, shown under the form's input of that name. A problem with
    a field the form has no input for goes under its first input: Slack refuses errors for block
    ids that are not in the view, and the person would see nothing."""
    inputs = _input_blocks(body)
    shown: dict[str, str] = {}
    # A field's own problem first, then the ones it shows for fields the form lacks.
    for field, problem in sorted(error.field_errors.items(), key=lambda item: item[0] not in inputs):
        block = field if field in inputs else next(iter(inputs), None)
        if block is not None:
            shown[block] = f"{shown[block]} {problem}" if block in shown else problem
    return {block: text[:2000] for block, text in shown.items()}


def _first_block_error(body: dict[str, Any], error: Exception) -> dict[str, str]:
    text = error.message if isinstance(error, DomainError) else _UNEXPECTED
    inputs = _input_blocks(body)
    return {inputs[0]: text[:2000]} if inputs else {}


def _tell_later(error: Exception, body: dict[str, Any], respond: Respond | None, client: WebClient) -> None:
    text = fallback(error.message if isinstance(error, DomainError) else _UNEXPECTED)
    try:
        if respond is not None and body.get("response_url"):
            respond(text=text, response_type="ephemeral", replace_original=False)
            return
        user, channel = user_id(body), channel_id(body)
        if user and channel:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
        elif user:
            client.chat_postMessage(channel=user, text=text)
    except Exception:
        log.exception("could not tell the user about an error")
