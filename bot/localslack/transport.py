"""How ``SlackSender``'s requests reach the bot: signed HTTP POSTs to its endpoint, or envelopes on
its Socket Mode connection. Both give the same ``Response``, so every helper works over either."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Final, Literal, Protocol, TypedDict

from bot.localslack.socket_mode import SocketModeServer

__all__ = [
    "Delivery",
    "HttpTransport",
    "Outgoing",
    "Response",
    "SendOptions",
    "SignatureMode",
    "SocketTransport",
    "Transport",
    "sign",
]

SignatureMode = Literal["valid", "wrong", "missing", "stale"]
EnvelopeType = Literal["events_api", "slash_commands", "interactive"]

_STALE_SECONDS: Final = 600


class SendOptions(TypedDict, total=False):
    """Options every send accepts."""

    retry_num: int | None
    signature: SignatureMode
    timeout: float


@dataclass(frozen=True)
class Response:
    """What the bot answered. ``json`` is the parsed body when it is JSON, else None.

    Over Socket Mode: 200 with the acknowledgement's payload as the body (empty when it had none),
    or 504 when no acknowledgement came in time. ``slack_error`` says what Slack would have refused
    in the answer (only when the sender is not ``strict``; a strict sender raises AssertionError).
    """

    status: int
    body: str
    json: Any | None
    headers: dict[str, str]
    slack_error: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass(frozen=True)
class Outgoing:
    """One request of Slack's, in both shapes: the HTTP body and the Socket Mode envelope payload."""

    kind: str
    envelope_type: EnvelopeType
    payload: Any
    url: str
    body: str
    content_type: str


@dataclass(frozen=True)
class Delivery:
    """One request sent to the bot: what kind, the payload, the bot's answer, and the raw request
    (so ``SlackSender.redeliver`` can send it again)."""

    kind: str
    payload: Any
    response: Response
    url: str
    body: str
    content_type: str
    at: float = field(default_factory=time.time)
    envelope_type: EnvelopeType = "events_api"

    @classmethod
    def of(cls, request: Outgoing, response: Response) -> Delivery:
        return cls(
            request.kind,
            request.payload,
            response,
            request.url,
            request.body,
            request.content_type,
            envelope_type=request.envelope_type,
        )

    def request(self) -> Outgoing:
        return Outgoing(self.kind, self.envelope_type, self.payload, self.url, self.body, self.content_type)


def sign(signing_secret: str, timestamp: int | str, body: str) -> str:
    """Slack's request signature: ``v0=`` + HMAC-SHA256(secret, ``v0:{timestamp}:{body}``)."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


class Transport(Protocol):
    def deliver(self, request: Outgoing, opts: SendOptions) -> Response: ...


def parsed_json(text: str) -> Any | None:
    if text.strip()[:1] not in ("{", "["):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


class HttpTransport:
    """POSTs to the bot's endpoint, signed as Slack signs (``signature`` option: valid, wrong,
    missing or stale: correctly signed ten minutes ago), with Slack's retry headers."""

    def __init__(self, signing_secret: str, timeout: float) -> None:
        self.signing_secret = signing_secret
        self.timeout = timeout
        # Never route localhost through a proxy from the environment.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def deliver(self, request: Outgoing, opts: SendOptions) -> Response:
        return self.post(request.url, request.body, request.content_type, opts)

    def post(self, url: str, body: str, content_type: str, opts: SendOptions) -> Response:
        mode = opts.get("signature", "valid")
        timestamp = int(time.time()) - (_STALE_SECONDS if mode == "stale" else 0)
        headers = {"Content-Type": content_type, "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"}
        if mode != "missing":
            secret = self.signing_secret if mode != "wrong" else self.signing_secret + "-not-the-secret"
            headers["X-Slack-Request-Timestamp"] = str(timestamp)
            headers["X-Slack-Signature"] = sign(secret, timestamp, body)
        retry_num = opts.get("retry_num")
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        http_request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
        try:
            with self._opener.open(http_request, timeout=opts.get("timeout", self.timeout)) as answer:
                status, raw, answer_headers = answer.status, answer.read(), dict(answer.headers.items())
        except urllib.error.HTTPError as error:
            status, raw, answer_headers = error.code, error.read(), dict(error.headers.items())
        text = raw.decode("utf-8", errors="replace")
        return Response(status=status, body=text, json=parsed_json(text), headers=answer_headers)


class SocketTransport:
    """Envelopes on the bot's Socket Mode connection to the local Slack; the acknowledgement is the answer."""

    def __init__(self, server: SocketModeServer, timeout: float) -> None:
        self.server = server
        self.timeout = timeout

    def deliver(self, request: Outgoing, opts: SendOptions) -> Response:
        if not isinstance(request.payload, dict):
            raise TypeError(f"a Socket Mode envelope carries a JSON object, not {type(request.payload)}")
        timeout = opts.get("timeout", self.timeout)
        ack = self.server.deliver(
            request.envelope_type, request.payload, retry_attempt=opts.get("retry_num") or 0, timeout=timeout
        )
        if ack is None:
            return Response(504, f"no acknowledgement within {timeout}s", None, {})
        if ack.payload is None:
            return Response(200, "", None, {})
        body = json.dumps(ack.payload)
        return Response(200, body, ack.payload, {"Content-Type": "application/json"})
