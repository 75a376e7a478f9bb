"""The HTTP side of the bot: `POST /slack/events`, `GET /healthz` and `GET /metrics`.

A request that is not a valid Slack request is refused before Bolt parses it, always with a 4xx:
a missing, wrong or stale signature gets 401, a body that is neither form-encoded nor JSON 415, a
form without a JSON-object `payload` of a kind Slack sends (or a slash `command`), or a JSON body
without a known `type`, 400. Nothing of such a request is stored, and its body is never logged.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.metrics import REQUEST_SECONDS
from bot.services import Services

EVENTS_PATH = "/slack/events"
_INTERACTIONS = frozenset(
    {
        "block_actions",
        "block_suggestion",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
        "interactive_message",
        "dialog_submission",
    }
)
_EVENTS = frozenset({"url_verification", "event_callback", "app_rate_limited"})
_FORM = "application/x-www-form-urlencoded"


class NotSlack(Exception):
    """The request is not one Slack sends; `status` is the 4xx to answer with."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def slack_kind(body: bytes, content_type: str) -> str:
    """The kind of Slack request this body is (`block_actions`, `slash_command`, `event_callback`...)."""
    media = content_type.split(";", 1)[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise NotSlack(400, "the body is not UTF-8") from None
    if media == _FORM:
        return _form_kind(urllib.parse.parse_qs(text, keep_blank_values=True))
    if media == "application/json":
        kind = _json_object(text).get("type")
        if kind not in _EVENTS:
            raise NotSlack(400, "a JSON body needs a `type` of the Events API")
        return str(kind)
    raise NotSlack(415, "Slack sends form-encoded or JSON bodies")


def _form_kind(form: dict[str, list[str]]) -> str:
    if "payload" in form:
        kind = _json_object(form["payload"][0]).get("type")
        if kind not in _INTERACTIONS:
            raise NotSlack(400, "`payload` needs a `type` of an interaction")
        return str(kind)
    if form.get("command", [""])[0].startswith("/"):
        return "slash_command"
    if form.get("ssl_check"):
        return "ssl_check"
    raise NotSlack(400, "a form body needs a `payload` or a slash `command`")


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise NotSlack(400, "the body is not valid JSON") from None
    if not isinstance(value, dict):
        raise NotSlack(400, "the JSON is not an object")
    return value


def _signed(verifier: SignatureVerifier, body: bytes, request: Request) -> bool:
    timestamp = request.headers.get("x-slack-request-timestamp", "")
    signature = request.headers.get("x-slack-signature", "")
    return timestamp.isdigit() and bool(signature) and verifier.is_valid(body, timestamp, signature)


def create_web_app(bolt_app: App, services: Services, *, signing_secret: str | None = None) -> Starlette:
    """The routes around the Bolt app; Bolt's dispatch runs off the event loop."""
    secret = signing_secret if signing_secret is not None else services.settings.signing_secret()
    verifier = SignatureVerifier(secret)

    async def slack_events(request: Request) -> Response:
        started = time.perf_counter()
        body = await request.body()
        kind = "invalid"
        try:
            if not _signed(verifier, body, request):
                raise NotSlack(401, "missing, wrong or stale signature")
            kind = slack_kind(body, request.headers.get("content-type", ""))
        except NotSlack as refused:
            response: Response = PlainTextResponse(refused.reason, status_code=refused.status)
        else:
            bolt_response = await run_in_threadpool(bolt_app.dispatch, to_bolt_request(request, body))
            response = to_starlette_response(bolt_response)
        REQUEST_SECONDS.labels(kind=kind, status=str(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response

    async def healthz(_request: Request) -> Response:
        ready = await run_in_threadpool(services.db.ping)
        return JSONResponse(
            {"ok": ready, "database": "reachable" if ready else "unreachable"},
            status_code=200 if ready else 503,
        )

    async def metrics(_request: Request) -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return Starlette(
        routes=[
            Route(EVENTS_PATH, slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
        ]
    )
