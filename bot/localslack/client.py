"""Send signed requests into the bot's HTTP endpoint, the way Slack does.

``SlackSender`` plays the Slack side of the Events API, slash commands and interactivity: it
builds the payloads Slack sends (from what the ``FakeSlack`` holds: messages, views, users),
signs them with the app's signing secret, POSTs them to the bot, and applies what the bot
answers synchronously (a slash command's ack text, a view submission's ``response_action``) to
the fake, as Slack would show it.

Every send accepts ``retry_num`` (adds ``X-Slack-Retry-Num`` / ``X-Slack-Retry-Reason``),
``signature`` ("valid", "wrong", "missing" or "stale": correctly signed ten minutes ago) and
``timeout``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal, TypedDict, Unpack

from bot.localslack.server import Channel, FakeSlack, Message, View

__all__ = ["Delivery", "Response", "SendOptions", "SignatureMode", "SlackSender", "sign"]

JSONDict = dict[str, Any]
SignatureMode = Literal["valid", "wrong", "missing", "stale"]
InputValue = str | int | Sequence[str] | None

_FORM: Final = "application/x-www-form-urlencoded"
_JSON: Final = "application/json"
_STALE_SECONDS: Final = 600
_UNSET: Final = object()


class SendOptions(TypedDict, total=False):
    """Options every send accepts."""

    retry_num: int | None
    signature: SignatureMode
    timeout: float


@dataclass(frozen=True)
class Response:
    """What the bot answered. ``json`` is the parsed body when it is JSON, else None.

    ``slack_error`` says what Slack would have refused in the answer (only when the sender is
    not ``strict``; a strict sender raises AssertionError instead).
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


def sign(signing_secret: str, timestamp: int | str, body: str) -> str:
    """Slack's request signature: ``v0=`` + HMAC-SHA256(secret, ``v0:{timestamp}:{body}``)."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


class SlackSender:
    """Deliver Slack's requests (events, commands, clicks, submissions) to the bot under test."""

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
        # Never route localhost through a proxy from the environment.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # -- transport ------------------------------------------------------------------------------

    def send_raw(self, url: str, body: str, content_type: str, **opts: Unpack[SendOptions]) -> Response:
        """POST ``body`` to ``url`` with Slack's headers and signature (per ``opts``)."""
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
        request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
        try:
            with self._opener.open(request, timeout=opts.get("timeout", self.timeout)) as answer:
                status, raw, answer_headers = answer.status, answer.read(), dict(answer.headers.items())
        except urllib.error.HTTPError as error:
            status, raw, answer_headers = error.code, error.read(), dict(error.headers.items())
        text = raw.decode("utf-8", errors="replace")
        parsed: Any | None = None
        if text.strip()[:1] in ("{", "["):
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
        return Response(status=status, body=text, json=parsed, headers=answer_headers)

    def _send(self, kind: str, url: str, payload: Any, *, form: bool, opts: SendOptions) -> Response:
        if form:
            body, content_type = urllib.parse.urlencode({"payload": json.dumps(payload)}), _FORM
        else:
            body, content_type = json.dumps(payload), _JSON
        response = self.send_raw(url, body, content_type, **opts)
        self.deliveries.append(Delivery(kind, payload, response, url, body, content_type))
        return response

    def redeliver(self, delivery: Delivery, **opts: Unpack[SendOptions]) -> Response:
        """Send an earlier request again, byte for byte (freshly signed), as Slack does when it
        retries; pass ``retry_num=1`` for the retry headers. The answer is not applied to the fake.
        """
        response = self.send_raw(delivery.url, delivery.body, delivery.content_type, **opts)
        self.deliveries.append(replace(delivery, response=response, at=time.time()))
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

    # -- Events API -----------------------------------------------------------------------------

    def event(
        self, event: Mapping[str, Any], *, event_id: str | None = None, **opts: Unpack[SendOptions]
    ) -> Response:
        """Deliver ``event`` in an ``event_callback`` envelope.

        Pass the same ``event_id`` (with ``retry_num``) to redeliver one event like Slack's retries.
        """
        inner = dict(event)
        inner.setdefault("event_ts", inner.get("ts") or self.fake.new_ts())
        if event_id is None:
            event_id = f"Ev{next(self._event_ids):04d}{uuid.uuid4().hex[:6].upper()}"
        context = {"et": inner.get("type"), "tid": self.team_id, "aid": self.fake.app_id}
        if isinstance(inner.get("channel"), str):
            context["cid"] = inner["channel"]
        envelope = {
            "token": self.fake.verification_token,
            "team_id": self.team_id,
            "context_team_id": self.team_id,
            "context_enterprise_id": None,
            "api_app_id": self.fake.app_id,
            "event": inner,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.fake.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "authed_users": [self.fake.bot_user_id],
            "is_ext_shared_channel": False,
            "event_context": "4-"
            + base64.urlsafe_b64encode(json.dumps(context).encode()).decode().rstrip("="),
        }
        return self._send(str(inner.get("type")), self.events_url, envelope, form=False, opts=opts)

    def url_verification(self, challenge: str, **opts: Unpack[SendOptions]) -> Response:
        payload = {"token": self.fake.verification_token, "challenge": challenge, "type": "url_verification"}
        return self._send("url_verification", self.events_url, payload, form=False, opts=opts)

    def _message_event(self, msg: Message, channel: Channel) -> JSONDict:
        event: JSONDict = {
            "type": "message",
            "user": msg.user,
            "text": msg.text,
            "ts": msg.ts,
            "team": msg.team,
            "channel": channel.id,
            "event_ts": msg.ts,
            "channel_type": channel.channel_type,
        }
        if msg.client_msg_id:
            event["client_msg_id"] = msg.client_msg_id
        if msg.blocks:
            event["blocks"] = msg.blocks
        if msg.thread_ts:
            event["thread_ts"] = msg.thread_ts
            event["parent_user_id"] = msg.parent_user_id
        if msg.files:
            event["subtype"] = "file_share"
            event["files"] = msg.files
            event["upload"] = False
            event["display_as_bot"] = False
        return event

    def user_posts(
        self,
        channel: str,
        user: str,
        text: str,
        thread_ts: str | None = None,
        files: Sequence[str | Mapping[str, Any]] | None = None,
        *,
        app_mention: bool = False,
        **opts: Unpack[SendOptions],
    ) -> tuple[Message, Response]:
        """``user`` writes ``text`` in ``channel`` (a user id means their DM with the bot).

        Stores the message in the fake and delivers the ``message`` event (subtype
        ``file_share`` with ``files``). ``app_mention=True`` also delivers the ``app_mention``
        event Slack sends when the text mentions the bot (its answer is in ``deliveries``).
        """
        msg = self.fake.post_user_message(channel, user, text, thread_ts=thread_ts, files=files)
        info = self.fake.channel(msg.channel)
        event = self._message_event(msg, info)
        response = self.event(event, **opts)
        if app_mention:
            mention = {k: v for k, v in event.items() if k not in ("channel_type", "subtype", "upload")}
            mention["type"] = "app_mention"
            self.event(mention, **opts)
        return msg, response

    def user_edits(
        self, channel: str, ts: str, text: str, **opts: Unpack[SendOptions]
    ) -> tuple[Message, Response]:
        """The author edits a message: changes the fake and delivers ``message_changed``."""
        before = self.fake.message(channel, ts)
        after = self.fake.edit_user_message(channel, ts, text)
        info = self.fake.channel(after.channel)
        event_ts = self.fake.new_ts()
        event = {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "message": after.to_api(),
            "previous_message": before.to_api(),
            "channel": info.id,
            "channel_type": info.channel_type,
            "ts": event_ts,
            "event_ts": event_ts,
        }
        return after, self.event(event, **opts)

    def user_deletes(self, channel: str, ts: str, **opts: Unpack[SendOptions]) -> Response:
        """The author deletes a message: changes the fake and delivers ``message_deleted``."""
        before = self.fake.delete_message(channel, ts)
        info = self.fake.channel(before.channel)
        event_ts = self.fake.new_ts()
        event = {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "deleted_ts": ts,
            "previous_message": before.to_api(),
            "channel": info.id,
            "channel_type": info.channel_type,
            "ts": event_ts,
            "event_ts": event_ts,
        }
        return self.event(event, **opts)

    def app_home_opened(self, user: str, tab: str = "home", **opts: Unpack[SendOptions]) -> Response:
        home = self.fake.home_view(user)
        event: JSONDict = {
            "type": "app_home_opened",
            "user": user,
            "channel": self.fake.im_channel(user),
            "tab": tab,
            "event_ts": self.fake.new_ts(),
        }
        if home is not None:
            event["view"] = home.to_api()
        return self.event(event, **opts)

    # -- slash commands and shortcuts -----------------------------------------------------------

    def slash(
        self, command: str, text: str, user: str, channel: str, **opts: Unpack[SendOptions]
    ) -> Response:
        """``user`` runs ``/command text`` in ``channel``; form body exactly as Slack sends it.

        What the app acknowledges with (text / blocks) is shown like Slack does: ephemeral to
        the user, or in the channel with ``response_type: in_channel``.
        """
        info = self._channel(channel)
        person = self.fake.user(user)
        response_url = self.fake.new_response_url(info.id, user)
        fields = [
            ("token", self.fake.verification_token),
            ("team_id", self.team_id),
            ("team_domain", self.fake.team_domain),
            ("channel_id", info.id),
            ("channel_name", self._channel_name(info)),
            ("user_id", user),
            ("user_name", person.name),
            ("command", command if command.startswith("/") else f"/{command}"),
            ("text", text),
            ("api_app_id", self.fake.app_id),
            ("is_enterprise_install", "false"),
            ("response_url", response_url),
            ("trigger_id", self.fake.issue_trigger(user)),
        ]
        body = urllib.parse.urlencode(fields)
        response = self.send_raw(self.commands_url, body, _FORM, **opts)
        self.deliveries.append(
            Delivery("slash_command", dict(fields), response, self.commands_url, body, _FORM)
        )
        problems = []
        if response.status == 200:
            problems = self.fake.apply_command_response(response_url, response.status, response.body)
        return self._finish(response, problems)

    def message_shortcut(
        self, channel: str, message_ts: str, user: str, callback_id: str, **opts: Unpack[SendOptions]
    ) -> Response:
        """``user`` picks the app's message shortcut ``callback_id`` on a message."""
        info = self._channel(channel)
        msg = self.fake.message(info.id, message_ts)
        payload = self._common("message_action", user)
        payload.update(
            {
                "action_ts": self.fake.new_ts(),
                "channel": {"id": info.id, "name": self._channel_name(info)},
                "callback_id": callback_id,
                "trigger_id": self.fake.issue_trigger(user),
                "response_url": self.fake.new_response_url(info.id, user),
                "message_ts": message_ts,
                "message": msg.to_api(),
            }
        )
        return self._send("message_action", self.interactions_url, payload, form=True, opts=opts)

    def global_shortcut(self, user: str, callback_id: str, **opts: Unpack[SendOptions]) -> Response:
        payload = self._common("shortcut", user)
        payload.update(
            {
                "action_ts": self.fake.new_ts(),
                "callback_id": callback_id,
                "trigger_id": self.fake.issue_trigger(user),
            }
        )
        return self._send("shortcut", self.interactions_url, payload, form=True, opts=opts)

    # -- block actions --------------------------------------------------------------------------

    def click(
        self,
        message: str | Message | Mapping[str, Any],
        channel: str,
        user: str,
        action_id: str,
        value: str | None = None,
        selected_option: str | None = None,
        selected_options: Sequence[str] | None = None,
        *,
        block_id: str | None = None,
        **opts: Unpack[SendOptions],
    ) -> Response:
        """``user`` uses the element ``action_id`` of a channel message (its ts, or the message).

        For buttons, ``value`` picks among several buttons with the same action_id (in different
        blocks; ``block_id`` also does). For selects, overflow menus and radio buttons
        ``selected_option`` (or ``value``) is the chosen option's value; for multi-selects and
        checkboxes ``selected_options``; for date / user / channel pickers ``value``.
        """
        info = self._channel(channel)
        if isinstance(message, str):
            data = self.fake.message(info.id, message).to_api()
        elif isinstance(message, Message):
            data = message.to_api()
        else:
            data = dict(message)
        ts = str(data["ts"])
        found_block, element = self._find_element(data.get("blocks") or [], action_id, value, block_id)
        payload = self._common("block_actions", user)
        payload.update(
            {
                "container": {
                    "type": "message",
                    "message_ts": ts,
                    "channel_id": info.id,
                    "is_ephemeral": False,
                },
                "trigger_id": self.fake.issue_trigger(user),
                "channel": {"id": info.id, "name": self._channel_name(info)},
                "message": data,
                "state": {"values": self._message_state(data.get("blocks") or [])},
                "response_url": self.fake.new_response_url(info.id, user, message_ts=ts),
                "actions": [self._action(found_block, element, value, selected_option, selected_options)],
            }
        )
        return self._send("block_actions", self.interactions_url, payload, form=True, opts=opts)

    def click_ephemeral(
        self,
        channel: str,
        user: str,
        action_id: str,
        value: str | None = None,
        selected_option: str | None = None,
        selected_options: Sequence[str] | None = None,
        *,
        message_ts: str | None = None,
        block_id: str | None = None,
        **opts: Unpack[SendOptions],
    ) -> Response:
        """Like ``click`` on an ephemeral message ``user`` sees in ``channel``: the one with
        ``message_ts``, else the newest one that has the element.

        As from Slack, the payload has no ``message`` (Slack does not keep ephemeral messages);
        its ``response_url`` replaces or deletes the ephemeral message.
        """
        info = self._channel(channel)
        candidates = [
            e for e in self.fake.ephemerals(user=user, channel=info.id) if message_ts in (None, e.ts)
        ]
        for eph in reversed(candidates):
            try:
                found_block, element = self._find_element(eph.blocks, action_id, value, block_id)
            except LookupError:
                continue
            break
        else:
            shown = [(e.ts, e.text[:40]) for e in candidates]
            raise LookupError(
                f"no ephemeral message for {user} in {info.id} has {action_id!r}; ephemerals: {shown}"
            )
        payload = self._common("block_actions", user)
        payload.update(
            {
                "container": {
                    "type": "message",
                    "message_ts": eph.ts,
                    "channel_id": info.id,
                    "is_ephemeral": True,
                },
                "trigger_id": self.fake.issue_trigger(user),
                "channel": {"id": info.id, "name": self._channel_name(info)},
                "state": {"values": self._message_state(eph.blocks)},
                "response_url": self.fake.new_response_url(info.id, user, message_ts=eph.ts, ephemeral=True),
                "actions": [self._action(found_block, element, value, selected_option, selected_options)],
            }
        )
        return self._send("block_actions", self.interactions_url, payload, form=True, opts=opts)

    def click_in_view(
        self,
        view_id: str,
        user: str,
        action_id: str,
        value: str | None = None,
        selected_option: str | None = None,
        selected_options: Sequence[str] | None = None,
        *,
        block_id: str | None = None,
        values: Mapping[str, InputValue] | None = None,
        **opts: Unpack[SendOptions],
    ) -> Response:
        """``user`` uses an element inside an open view (modal or home tab).

        ``values`` (as for ``submit_view``) are what the user typed into the view's inputs so far;
        they appear in ``view.state``.
        """
        view = self.fake.view(view_id)
        found_block, element = self._find_element(view.blocks, action_id, value, block_id)
        action = self._action(found_block, element, value, selected_option, selected_options)
        state = self._view_state(view, values or {}, check=False)
        if found_block in state or element.get("type") not in ("button", "overflow", "workflow_button"):
            entry = {
                k: v for k, v in action.items() if k not in ("block_id", "action_id", "action_ts", "text")
            }
            state.setdefault(found_block, {})[str(element.get("action_id"))] = entry
        self.fake.record_view_state(view_id, state)
        view = self.fake.view(view_id)
        payload = self._common("block_actions", user)
        payload.update(
            {
                "container": {"type": "view", "view_id": view_id},
                "trigger_id": self.fake.issue_trigger(user),
                "view": view.to_api(),
                "actions": [action],
            }
        )
        return self._send("block_actions", self.interactions_url, payload, form=True, opts=opts)

    # -- views ----------------------------------------------------------------------------------

    def submit_view(
        self,
        view_id: str,
        user: str,
        values: Mapping[str, InputValue] | None = None,
        *,
        check_required: bool = True,
        **opts: Unpack[SendOptions],
    ) -> Response:
        """``user`` submits the modal with ``values`` keyed by block_id (or a unique action_id).

        Text inputs take a string, selects / radio buttons the option value, multi-selects and
        checkboxes a list of values, pickers the date / time / user / channel id. Inputs not named
        keep their current (or initial) value. Like Slack's client, refuses to submit an empty
        required input or a text shorter / longer than allowed (``check_required=False`` skips).
        The app's answer is applied: empty ack closes the view, ``response_action`` update /
        push / clear act on the stack, ``errors`` keeps it open (see ``response.json``).
        """
        view = self.fake.view(view_id)
        if view.type != "modal" or not view.is_open:
            raise LookupError(f"view {view_id} is not an open modal")
        if view.user != user:
            raise ValueError(f"view {view_id} was opened for {view.user}, not {user}")
        self.fake.record_view_state(view_id, self._view_state(view, values or {}, check=check_required))
        view = self.fake.view(view_id)
        payload = self._common("view_submission", user)
        payload.update(
            {"trigger_id": self.fake.issue_trigger(user), "view": view.to_api(), "response_urls": []}
        )
        response = self._send("view_submission", self.interactions_url, payload, form=True, opts=opts)
        problems = (
            self.fake.apply_view_submission_response(view_id, response.status, response.body)
            if response.status == 200
            else []
        )
        return self._finish(response, problems)

    def view_closed(self, view_id: str, user: str, **opts: Unpack[SendOptions]) -> Response | None:
        """``user`` closes the modal. Slack only tells the app when the view has
        ``notify_on_close``; otherwise nothing is sent and None returned."""
        view = self.fake.view(view_id)
        self.fake.close_view(view_id, clear=view.clear_on_close)
        if not view.notify_on_close:
            return None
        payload = self._common("view_closed", user)
        payload.update({"view": view.to_api(), "is_cleared": view.clear_on_close})
        return self._send("view_closed", self.interactions_url, payload, form=True, opts=opts)

    # -- element lookup and state ---------------------------------------------------------------

    @staticmethod
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

    def _find_element(
        self,
        blocks: Sequence[Mapping[str, Any]],
        action_id: str,
        value: str | None,
        block_id: str | None,
    ) -> tuple[str, Mapping[str, Any]]:
        found = [
            (b, e)
            for b, e in self._elements(blocks)
            if e.get("action_id") == action_id and block_id in (None, b)
        ]
        if len(found) > 1 and value is not None:
            found = [(b, e) for b, e in found if e.get("type") != "button" or e.get("value") == value]
        if len(found) == 1:
            return found[0]
        if not found:
            available = sorted({str(e.get("action_id")) for _, e in self._elements(blocks)})
            raise LookupError(f"no element with action_id {action_id!r}; available: {available}")
        blocks_found = [b for b, _ in found]
        raise LookupError(
            f"{len(found)} elements have action_id {action_id!r} (blocks {blocks_found}); "
            "pass block_id= or the button's value="
        )

    @staticmethod
    def _all_options(element: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        options = [o for o in element.get("options") or [] if isinstance(o, Mapping)]
        for group in element.get("option_groups") or []:
            if isinstance(group, Mapping):
                options += [o for o in group.get("options") or [] if isinstance(o, Mapping)]
        return options

    def _option(self, element: Mapping[str, Any], value: str) -> JSONDict:
        if str(element.get("type", "")).endswith("external_select"):
            return {"text": {"type": "plain_text", "text": value, "emoji": True}, "value": value}
        for option in self._all_options(element):
            if option.get("value") == value:
                return dict(option)
        values = [o.get("value") for o in self._all_options(element)]
        raise LookupError(f"{element.get('action_id')!r} has no option {value!r}; options: {values}")

    def _selection(self, element: Mapping[str, Any], raw: Any) -> JSONDict:
        """The value part of an action / a state entry, shaped by element type."""
        kind = str(element.get("type", ""))
        items = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list | tuple) else []
        if kind in ("static_select", "external_select", "overflow", "radio_buttons"):
            return {"selected_option": self._option(element, raw) if isinstance(raw, str) and raw else None}
        if kind in ("multi_static_select", "multi_external_select", "checkboxes"):
            return {"selected_options": [self._option(element, v) for v in items]}
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

    @staticmethod
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

    def _action(
        self,
        block_id: str,
        element: Mapping[str, Any],
        value: str | None,
        selected_option: str | None,
        selected_options: Sequence[str] | None,
    ) -> JSONDict:
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
            action.update(self._selection(element, raw))
            if "placeholder" in element:
                action["placeholder"] = element["placeholder"]
        action["action_ts"] = self.fake.new_ts()
        return action

    def _message_state(self, blocks: Sequence[Mapping[str, Any]]) -> JSONDict:
        """``state.values`` of a message: the current value of each stateful element in it."""
        state: JSONDict = {}
        for block_id, element in self._elements(blocks):
            kind = str(element.get("type", ""))
            if kind in ("button", "overflow", "workflow_button", "image") or "action_id" not in element:
                continue
            entry = {"type": kind, **self._selection(element, self._initial(element))}
            state.setdefault(block_id, {})[str(element["action_id"])] = entry
        return state

    def _view_state(self, view: View, values: Mapping[str, InputValue], *, check: bool) -> JSONDict:
        """``view.state.values`` after the user entered ``values`` (keyed by block or action id)."""
        inputs = [
            b for b in view.blocks if b.get("type") == "input" and isinstance(b.get("element"), Mapping)
        ]
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
                raw = self._initial(element) if raw is _UNSET else raw
                entry = {"type": kind, **self._selection(element, raw)}
            if check:
                self._client_checks(block, element, entry)
            state[block_id] = {action_id: entry}
        for block_id, actions in view.state.items():
            state.setdefault(block_id, actions)
        return state

    @staticmethod
    def _client_checks(
        block: Mapping[str, Any], element: Mapping[str, Any], entry: Mapping[str, Any]
    ) -> None:
        """What Slack's client enforces before it lets the user submit."""
        label = block.get("label", {}).get("text", block.get("block_id"))
        filled = [v for k, v in entry.items() if k != "type" and v not in (None, "", [])]
        if not filled:
            if not block.get("optional"):
                raise ValueError(
                    f"input {block.get('block_id')!r} ({label}) is required; Slack would not submit"
                )
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
