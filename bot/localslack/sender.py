"""The core of ``SlackSender``: where its requests go (signed HTTP or Socket Mode envelopes), what
it keeps of them, and the pieces every Slack payload shares."""

from __future__ import annotations

import itertools
import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, Final, Self, Unpack

from bot.localslack.models import Channel
from bot.localslack.server import FakeSlack
from bot.localslack.transport import (
    Delivery,
    EnvelopeType,
    HttpTransport,
    Outgoing,
    Response,
    SendOptions,
    SocketTransport,
    Transport,
)

JSONDict = dict[str, Any]

FORM: Final = "application/x-www-form-urlencoded"
_JSON: Final = "application/json"


class SenderCore:
    """Sends Slack's requests to the bot and keeps them (``deliveries``)."""

    def __init__(
        self,
        events_url: str,
        signing_secret: str,
        fake: FakeSlack,
        team_id: str | None = None,
        *,
        commands_url: str | None = None,
        interactions_url: str | None = None,
        strict: bool = True,
        timeout: float = 10.0,
        socket_mode: bool = False,
    ) -> None:
        self.events_url = events_url
        self.commands_url = commands_url or events_url
        self.interactions_url = interactions_url or events_url
        self.signing_secret = signing_secret
        self.fake = fake
        self.team_id = team_id or fake.team_id
        #: Raise AssertionError when the bot answers something Slack would refuse.
        self.strict = strict
        self.timeout = timeout
        #: Every request sent, oldest first.
        self.deliveries: list[Delivery] = []
        self._event_ids: Iterator[int] = itertools.count(1)
        self._http = HttpTransport(signing_secret, timeout)
        #: Signed HTTP POSTs, or (``socket_mode=True``) envelopes on the bot's Socket Mode connection.
        self.transport: Transport = SocketTransport(fake.socket_mode, timeout) if socket_mode else self._http

    @classmethod
    def over_socket_mode(cls, fake: FakeSlack, *, strict: bool = True, timeout: float = 10.0) -> Self:
        """A sender that reaches the bot through its Socket Mode connection to ``fake``."""
        return cls("", "", fake, strict=strict, timeout=timeout, socket_mode=True)

    # -- transport ------------------------------------------------------------------------------

    def send_raw(self, url: str, body: str, content_type: str, **opts: Unpack[SendOptions]) -> Response:
        """POST ``body`` to ``url`` with Slack's headers and signature (per ``opts``), over HTTP."""
        return self._http.post(url, body, content_type, opts)

    def _send(self, kind: str, url: str, payload: Any, *, form: bool, opts: SendOptions) -> Response:
        """Send an interaction payload (``form``: as Slack's ``payload`` field) or an event envelope."""
        if form:
            body, content_type = urllib.parse.urlencode({"payload": json.dumps(payload)}), FORM
        else:
            body, content_type = json.dumps(payload), _JSON
        envelope: EnvelopeType = "interactive" if form else "events_api"
        return self._deliver(Outgoing(kind, envelope, payload, url, body, content_type), opts)

    def _deliver(self, request: Outgoing, opts: SendOptions) -> Response:
        response = self.transport.deliver(request, opts)
        self.deliveries.append(Delivery.of(request, response))
        return response

    def redeliver(self, delivery: Delivery, **opts: Unpack[SendOptions]) -> Response:
        """Send an earlier request again, byte for byte (freshly signed), as Slack does when it
        retries; pass ``retry_num=1`` for the retry headers. The answer is not applied to the fake.
        """
        response = self.transport.deliver(delivery.request(), opts)
        self.deliveries.append(replace(Delivery.of(delivery.request(), response)))
        return response

    def _finish(self, response: Response, problems: list[str]) -> Response:
        if not problems:
            return response
        message = "; ".join(problems)
        if self.strict:
            raise AssertionError(
                f"Slack would refuse the app's answer: {message}\nanswer: {response.body[:2000]}"
            )
        return replace(response, slack_error=message)

    # -- building blocks of payloads ------------------------------------------------------------

    def _user(self, user_id: str) -> JSONDict:
        user = self.fake.user(user_id)
        return {"id": user.id, "username": user.name, "name": user.name, "team_id": self.team_id}

    def _team(self) -> JSONDict:
        return {"id": self.team_id, "domain": self.fake.team_domain}

    def _channel(self, channel: str) -> Channel:
        if channel in {u.id for u in self.fake.users()}:
            return self.fake.channel(self.fake.im_channel(channel))
        return self.fake.channel(channel)

    @staticmethod
    def _channel_name(channel: Channel) -> str:
        if channel.is_im:
            return "directmessage"
        return "privategroup" if channel.is_private else channel.name

    def _common(self, kind: str, user: str) -> JSONDict:
        return {
            "type": kind,
            "user": self._user(user),
            "api_app_id": self.fake.app_id,
            "token": self.fake.verification_token,
            "team": self._team(),
            "enterprise": None,
            "is_enterprise_install": False,
        }
