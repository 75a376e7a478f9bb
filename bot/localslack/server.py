"""A local stand-in for Slack's Web API, served over real HTTP on 127.0.0.1.

The bot under test talks to it with an ordinary ``slack_sdk.WebClient(base_url=fake.api_url)``;
the test (or ``consult-bot demo``) seeds users and channels, lets people "write" messages, and
afterwards inspects what the bot did: messages, ephemeral messages, views, files, and every API
call it made. The fake is strict on purpose: it checks tokens, required arguments, channel
membership, trigger ids and Block Kit limits the way Slack does, and answers with Slack's error
codes, so a test that passes here does not fail on Slack for a payload Slack would refuse.

All state sits behind one lock; the HTTP server answers from its own threads.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import random
import string
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.localslack.blockkit import MAX_MESSAGE_TEXT, validate_message_blocks, validate_view
from bot.localslack.spec import REQUIRED_PARAMS

__all__ = [
    "ApiCall",
    "Channel",
    "EphemeralMessage",
    "FakeSlack",
    "Message",
    "StoredFile",
    "User",
    "View",
]

JSONDict = dict[str, Any]

#: Host used in permalinks; Slack's would be https://<workspace>.slack.com
PERMALINK_HOST: Final = "https://fake.slack.local"

_TZ_NAMES = {
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "EET": "Eastern European Time",
    "EEST": "Eastern European Summer Time",
    "WET": "Western European Time",
    "WEST": "Western European Summer Time",
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "IST": "Irish Standard Time",
    "UTC": "Coordinated Universal Time",
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
}


def tz_label_for(tz: str) -> str:
    """Slack's ``tz_label`` ("Central European Time") for an IANA zone name, best effort."""
    try:
        abbreviation = datetime.now(ZoneInfo(tz)).tzname() or tz
    except (ZoneInfoNotFoundError, ValueError):
        return tz
    return _TZ_NAMES.get(abbreviation, abbreviation)


@dataclass
class User:
    """A workspace member (a person or a bot user)."""

    id: str
    name: str
    real_name: str
    tz: str = "Europe/Brussels"
    tz_offset: int = 3600
    is_bot: bool = False
    display_name: str = ""
    email: str | None = None
    tz_label: str = ""
    deleted: bool = False

    def to_api(self, team_id: str) -> JSONDict:
        profile: JSONDict = {
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "display_name": self.display_name,
            "display_name_normalized": self.display_name,
            "first_name": self.real_name.split(" ")[0],
            "last_name": " ".join(self.real_name.split(" ")[1:]),
            "team": team_id,
            "image_48": f"https://fake.slack.local/avatars/{self.id}_48.png",
        }
        if self.email is not None:
            profile["email"] = self.email
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": self.tz_label or tz_label_for(self.tz),
            "tz_offset": self.tz_offset,
            "profile": profile,
            "is_admin": False,
            "is_owner": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1_700_000_000,
        }


@dataclass
class Channel:
    """A conversation: public or private channel, or a direct message (IM) with the bot."""

    id: str
    name: str
    members: list[str] = field(default_factory=list)
    is_im: bool = False
    is_private: bool = False
    im_user: str | None = None
    created: int = field(default_factory=lambda: int(time.time()))
    topic: str = ""
    purpose: str = ""

    @property
    def channel_type(self) -> Literal["channel", "group", "im"]:
        """The ``channel_type`` Slack puts on message events."""
        if self.is_im:
            return "im"
        return "group" if self.is_private else "channel"

    def to_api(self, bot_user_id: str, *, include_num_members: bool = False) -> JSONDict:
        if self.is_im:
            return {
                "id": self.id,
                "created": self.created,
                "is_im": True,
                "is_org_shared": False,
                "user": self.im_user,
                "is_user_deleted": False,
                "priority": 0,
            }
        data: JSONDict = {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": not self.is_private,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "created": self.created,
            "is_archived": False,
            "is_general": self.name == "general",
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "is_member": bot_user_id in self.members,
            "topic": {"value": self.topic, "creator": "", "last_set": 0},
            "purpose": {"value": self.purpose, "creator": "", "last_set": 0},
        }
        if include_num_members:
            data["num_members"] = len(self.members)
        return data


@dataclass
class Message:
    """A message in a channel, posted by the bot (``bot_id`` set) or by a person."""

    channel: str
    ts: str
    text: str = ""
    user: str | None = None
    bot_id: str | None = None
    app_id: str | None = None
    team: str | None = None
    blocks: list[JSONDict] = field(default_factory=list)
    attachments: list[JSONDict] = field(default_factory=list)
    files: list[JSONDict] = field(default_factory=list)
    thread_ts: str | None = None
    parent_user_id: str | None = None
    reply_count: int = 0
    reply_users: list[str] = field(default_factory=list)
    latest_reply: str | None = None
    edited: JSONDict | None = None
    deleted: bool = False
    subtype: str | None = None
    reactions: list[JSONDict] = field(default_factory=list)
    client_msg_id: str | None = None
    metadata: JSONDict | None = None

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    @property
    def is_from_bot(self) -> bool:
        return self.bot_id is not None

    @property
    def author(self) -> str:
        """The user id who posted it (the bot's user id for bot messages)."""
        return self.user or self.bot_id or ""

    def to_api(self) -> JSONDict:
        """The message as conversations.history / replies return it."""
        if self.deleted:
            return {
                "type": "message",
                "subtype": "tombstone",
                "hidden": True,
                "user": "USLACKBOT",
                "text": "This message was deleted.",
                "ts": self.ts,
                "thread_ts": self.thread_ts,
                "reply_count": self.reply_count,
            }
        data: JSONDict = {"type": "message"}
        if self.subtype:
            data["subtype"] = self.subtype
        data["text"] = self.text
        if self.user:
            data["user"] = self.user
        if self.bot_id:
            data["bot_id"] = self.bot_id
            data["app_id"] = self.app_id
        data["ts"] = self.ts
        if self.team:
            data["team"] = self.team
        if self.client_msg_id:
            data["client_msg_id"] = self.client_msg_id
        if self.blocks:
            data["blocks"] = copy.deepcopy(self.blocks)
        if self.attachments:
            data["attachments"] = copy.deepcopy(self.attachments)
        if self.files:
            data["files"] = copy.deepcopy(self.files)
            data["upload"] = True
        if self.thread_ts:
            data["thread_ts"] = self.thread_ts
            if self.is_reply:
                data["parent_user_id"] = self.parent_user_id
        if not self.is_reply and self.reply_count:
            data["reply_count"] = self.reply_count
            data["reply_users_count"] = len(self.reply_users)
            data["reply_users"] = list(self.reply_users)
            data["latest_reply"] = self.latest_reply
            data["is_locked"] = False
            data["subscribed"] = False
        if self.edited:
            data["edited"] = dict(self.edited)
        if self.reactions:
            data["reactions"] = copy.deepcopy(self.reactions)
        if self.metadata:
            data["metadata"] = copy.deepcopy(self.metadata)
        return data


@dataclass
class EphemeralMessage:
    """A message only ``user`` sees; Slack never stores these, the fake keeps them apart."""

    channel: str
    user: str
    ts: str
    text: str = ""
    blocks: list[JSONDict] = field(default_factory=list)
    attachments: list[JSONDict] = field(default_factory=list)
    thread_ts: str | None = None
    deleted: bool = False
    via: Literal["chat.postEphemeral", "response_url"] = "chat.postEphemeral"
    bot_id: str | None = None
    bot_user_id: str | None = None

    @property
    def author(self) -> str:
        """The bot's user id (ephemeral messages always come from the app)."""
        return self.bot_user_id or self.bot_id or ""

    def to_api(self) -> JSONDict:
        data: JSONDict = {"type": "message", "subtype": "bot_message", "text": self.text, "ts": self.ts}
        if self.bot_id:
            data["bot_id"] = self.bot_id
        if self.blocks:
            data["blocks"] = copy.deepcopy(self.blocks)
        if self.attachments:
            data["attachments"] = copy.deepcopy(self.attachments)
        if self.thread_ts:
            data["thread_ts"] = self.thread_ts
        return data


@dataclass
class View:
    """A modal (open or closed) or a user's home tab."""

    id: str
    type: Literal["modal", "home"]
    user: str
    hash: str
    blocks: list[JSONDict] = field(default_factory=list)
    title: JSONDict | None = None
    submit: JSONDict | None = None
    close: JSONDict | None = None
    callback_id: str = ""
    private_metadata: str = ""
    external_id: str = ""
    clear_on_close: bool = False
    notify_on_close: bool = False
    submit_disabled: bool = False
    #: ``state.values``: block_id -> action_id -> value object, as in view_submission payloads.
    state: JSONDict = field(default_factory=dict)
    root_view_id: str | None = None
    previous_view_id: str | None = None
    is_open: bool = True
    team_id: str = ""
    app_id: str = ""
    bot_id: str = ""

    def to_api(self) -> JSONDict:
        return {
            "id": self.id,
            "team_id": self.team_id,
            "type": self.type,
            "blocks": copy.deepcopy(self.blocks),
            "private_metadata": self.private_metadata,
            "callback_id": self.callback_id,
            "state": {"values": copy.deepcopy(self.state)},
            "hash": self.hash,
            "title": copy.deepcopy(self.title),
            "clear_on_close": self.clear_on_close,
            "notify_on_close": self.notify_on_close,
            "close": copy.deepcopy(self.close),
            "submit": copy.deepcopy(self.submit),
            "previous_view_id": self.previous_view_id,
            "root_view_id": self.root_view_id,
            "app_id": self.app_id,
            "external_id": self.external_id,
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }


@dataclass
class StoredFile:
    """A file uploaded through the v2 flow (or attached to a person's message)."""

    id: str
    name: str
    title: str
    user: str
    length: int
    url_private: str
    permalink: str
    content: bytes | None = None
    mimetype: str = "application/octet-stream"
    created: int = field(default_factory=lambda: int(time.time()))
    completed: bool = False
    channels: list[str] = field(default_factory=list)

    @property
    def uploaded(self) -> bool:
        return self.content is not None

    def to_api(self) -> JSONDict:
        filetype = self.name.rsplit(".", 1)[-1].lower() if "." in self.name else "binary"
        return {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.name,
            "title": self.title,
            "mimetype": self.mimetype,
            "filetype": filetype,
            "pretty_type": filetype.upper(),
            "user": self.user,
            "size": len(self.content) if self.content is not None else self.length,
            "mode": "hosted",
            "is_external": False,
            "is_public": False,
            "url_private": self.url_private,
            "url_private_download": self.url_private,
            "permalink": self.permalink,
            "channels": list(self.channels),
        }


@dataclass(frozen=True)
class ApiCall:
    """One call the bot made: Web API method, or ``"response_url"`` for a response URL post."""

    method: str
    params: JSONDict
    response: JSONDict
    at: float

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    def describe(self) -> str:
        """One line for failure messages: method, the telling params, and the outcome."""
        shown = []
        for key in ("channel", "user", "user_id", "ts", "thread_ts", "trigger_id", "view_id", "text"):
            if key in self.params:
                value = str(self.params[key])
                shown.append(f"{key}={value[:40] + '…' if len(value) > 40 else value!s}")
        outcome = "ok" if self.ok else f"error={self.response.get('error')}"
        return f"{self.method}({', '.join(shown)}) -> {outcome}"


# ---------------------------------------------------------------------------------------------
# Internals: errors, arguments, HTTP plumbing
# ---------------------------------------------------------------------------------------------


class _SlackError(Exception):
    """Raised inside a method handler; becomes ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra

    def response(self) -> JSONDict:
        return {"ok": False, "error": self.error, **self.extra}


def _invalid_blocks(errors: list[str]) -> _SlackError:
    return _SlackError(
        "invalid_blocks",
        errors=errors,
        response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
    )


def _invalid_arguments(errors: list[str]) -> _SlackError:
    return _SlackError("invalid_arguments", response_metadata={"messages": [f"[ERROR] {e}" for e in errors]})


#: Which error Slack gives when a required argument is missing, where it has a specific one.
_MISSING_ERRORS: Final = {
    "channel": "channel_not_found",
    "ts": "message_not_found",
    "message_ts": "message_not_found",
    "timestamp": "no_item_specified",
}

#: Arguments that carry JSON; form-encoded requests send them as JSON strings.
_JSON_FIELDS: Final = frozenset({"blocks", "attachments", "view", "files", "metadata"})


class _Args:
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
        raise _invalid_arguments([f"{name} must be a string [json-pointer:/{name}]"])

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
            raise _SlackError(error) from None

    def get(self, name: str) -> Any:
        return self.params.get(name)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _encode_cursor(kind: str, value: str) -> str:
    return base64.b64encode(f"{kind}:{value}".encode()).decode()


def _decode_cursor(cursor: str, kind: str) -> str:
    try:
        decoded = base64.b64decode(cursor.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        raise _SlackError("invalid_cursor") from None
    prefix, _, value = decoded.partition(":")
    if prefix != kind or not value:
        raise _SlackError("invalid_cursor")
    return value


def _ts_value(ts: str, error: str) -> Decimal:
    try:
        return Decimal(ts)
    except InvalidOperation:
        raise _SlackError(error) from None


@dataclass
class _Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(
        cls, data: Mapping[str, Any], status: int = 200, headers: dict[str, str] | None = None
    ) -> _Reply:
        return cls(status, json.dumps(data).encode(), headers=headers or {})

    @classmethod
    def text(cls, text: str, status: int = 200) -> _Reply:
        return cls(status, text.encode(), content_type="text/plain; charset=utf-8")


@dataclass
class _Fault:
    status: int
    retry_after: int
    remaining: int
    error: str | None


@dataclass
class _Trigger:
    user: str
    issued_at: float
    used: bool = False


@dataclass
class _ResponseTarget:
    """What a response_url belongs to: who clicked where, and which message (if any) it replaces."""

    channel: str
    user: str
    message_ts: str | None
    ephemeral: bool
    created: float
    uses: int = 0
    last_posted: tuple[str, bool] | None = None  # (ts, is_ephemeral) of the last message it posted


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeSlack) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "FakeSlack/1.0"

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            reply = self.server.fake._handle_http(self.command, self.path, headers, body)
        except Exception as exc:  # a bug in the fake must not look like a hung Slack
            reply = _Reply.json({"ok": False, "error": "fatal_error", "detail": repr(exc)}, status=500)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        return None


_MethodHandler = Callable[["FakeSlack", _Args], JSONDict]
_METHODS: dict[str, _MethodHandler] = {}


def _method(name: str) -> Callable[[_MethodHandler], _MethodHandler]:
    """Register a FakeSlack method as the handler of a Web API method."""

    def register(handler: _MethodHandler) -> _MethodHandler:
        _METHODS[name] = handler
        return handler

    return register


_ID_CHARS: Final = string.ascii_uppercase + string.digits
_BLOCK_ID_CHARS: Final = string.ascii_letters + string.digits
_INTERACTIVE_CONTAINERS: Final = ("accessory", "element")


# ---------------------------------------------------------------------------------------------
# The fake
# ---------------------------------------------------------------------------------------------


class FakeSlack:
    """A Slack workspace with one bot, answering the Web API on a local port.

    Use it as a context manager (or call ``start()`` / ``stop()``)::

        with FakeSlack() as fake:
            fake.add_user("U1", "anna", real_name="Anna Berger", tz="Europe/Vienna")
            fake.add_channel("C1", "general", members=["U1"])
            client = WebClient(base_url=fake.api_url, token=fake.bot_token)
            client.chat_postMessage(channel="C1", text="hello")
            assert fake.messages("C1")[0].text == "hello"
    """

    def __init__(
        self,
        bot_token: str = "xoxb-test",
        team_id: str = "T0001",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        *,
        bot_name: str = "consult-bot",
        app_id: str = "A0001",
        team_domain: str = "fake-workspace",
        verification_token: str = "fake-verification-token",
        trigger_ttl: float = 3.0,
        seed: int = 0,
    ) -> None:
        self.bot_token = bot_token
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.app_id = app_id
        self.team_domain = team_domain
        self.verification_token = verification_token
        #: Seconds a trigger_id stays usable (Slack: 3).
        self.trigger_ttl = trigger_ttl

        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._rng = random.Random(seed)
        self._users: dict[str, User] = {}
        self._channels: dict[str, Channel] = {}
        self._im_by_user: dict[str, str] = {}
        self._messages: dict[str, list[Message]] = {}
        self._index: dict[tuple[str, str], Message] = {}
        self._ephemerals: list[EphemeralMessage] = []
        self._views: dict[str, View] = {}
        self._modal_stacks: dict[str, list[str]] = {}
        self._view_touched: dict[str, int] = {}
        self._home_views: dict[str, str] = {}
        self._files: dict[str, StoredFile] = {}
        self._triggers: dict[str, _Trigger] = {}
        self._response_urls: dict[str, _ResponseTarget] = {}
        self._calls: list[ApiCall] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._latency = 0.0
        self._last_ts_micros = 0
        self._counter = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.add_user(bot_user_id, bot_name, real_name=bot_name, is_bot=True)

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        """Serve on 127.0.0.1 on a free port, in a daemon thread. Idempotent."""
        with self._lock:
            if self._server is not None:
                return self
            self._server = _Server(self)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="FakeSlack",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not running; call start() or use it as a context manager")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/``"""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def api_url(self) -> str:
        """What goes into SLACK_API_URL / ``WebClient(base_url=...)``: ``http://127.0.0.1:PORT/api/``."""
        return self.base_url + "api/"

    @classmethod
    def supported_methods(cls) -> frozenset[str]:
        """Every Web API method this fake answers."""
        return frozenset(_METHODS)

    # -- seeding --------------------------------------------------------------------------------

    def add_user(
        self,
        id: str,
        name: str,
        real_name: str | None = None,
        tz: str = "Europe/Brussels",
        tz_offset: int = 3600,
        is_bot: bool = False,
        *,
        display_name: str | None = None,
        email: str | None = None,
        tz_label: str | None = None,
    ) -> User:
        user = User(
            id=id,
            name=name,
            real_name=real_name or name,
            tz=tz,
            tz_offset=tz_offset,
            is_bot=is_bot,
            display_name=name if display_name is None else display_name,
            email=email,
            tz_label=tz_label or tz_label_for(tz),
        )
        with self._lock:
            self._users[id] = user
            return copy.deepcopy(user)

    def add_channel(
        self,
        id: str,
        name: str,
        members: Iterable[str] = (),
        *,
        bot_member: bool = True,
        is_private: bool = False,
        topic: str = "",
        purpose: str = "",
    ) -> Channel:
        """A public (or private) channel; the bot is a member unless ``bot_member=False``."""
        member_list = list(dict.fromkeys(members))
        if bot_member and self.bot_user_id not in member_list:
            member_list.append(self.bot_user_id)
        channel = Channel(
            id=id, name=name, members=member_list, is_private=is_private, topic=topic, purpose=purpose
        )
        with self._lock:
            self._channels[id] = channel
            self._messages.setdefault(id, [])
            return copy.deepcopy(channel)

    def im_channel(self, user: str) -> str:
        """The id of the bot's DM channel with ``user`` (created on first use, then stable)."""
        with self._lock:
            if user not in self._users:
                raise LookupError(f"unknown user {user!r}; add_user() it first")
            return self._open_im(user).id

    # -- reading state --------------------------------------------------------------------------

    def user(self, user_id: str) -> User:
        with self._lock:
            if user_id not in self._users:
                raise LookupError(f"unknown user {user_id!r}")
            return copy.deepcopy(self._users[user_id])

    def users(self) -> list[User]:
        with self._lock:
            return copy.deepcopy(list(self._users.values()))

    def user_names(self) -> dict[str, str]:
        """User id -> real name (what ``render_message`` takes as ``users``)."""
        with self._lock:
            return {u.id: u.real_name or u.name for u in self._users.values()}

    def channel(self, channel_id: str) -> Channel:
        with self._lock:
            if channel_id not in self._channels:
                raise LookupError(f"unknown channel {channel_id!r}")
            return copy.deepcopy(self._channels[channel_id])

    def channels(self) -> list[Channel]:
        with self._lock:
            return copy.deepcopy(list(self._channels.values()))

    def messages(self, channel: str, include_replies: bool = True) -> list[Message]:
        """Messages in ``channel`` (id, or a user id for their DM with the bot), oldest first.

        Deleted messages are left out; ``include_replies=False`` keeps only what the channel shows
        (thread roots, unthreaded messages, and replies also sent to the channel).
        """
        with self._lock:
            channel_id = self._lookup_channel_id(channel)
            return copy.deepcopy(
                [
                    m
                    for m in self._messages.get(channel_id, [])
                    if not m.deleted
                    and (include_replies or not m.is_reply or m.subtype == "thread_broadcast")
                ]
            )

    def all_messages(self) -> list[Message]:
        """Every undeleted message in every channel and DM (replies too), oldest first."""
        with self._lock:
            every = [m for msgs in self._messages.values() for m in msgs if not m.deleted]
            return copy.deepcopy(sorted(every, key=lambda m: Decimal(m.ts)))

    def message(self, channel: str, ts: str) -> Message:
        """One message by ts (also a deleted one, so tests can check it is marked deleted)."""
        with self._lock:
            channel_id = self._lookup_channel_id(channel)
            msg = self._index.get((channel_id, ts))
            if msg is None:
                raise LookupError(f"no message {ts} in {channel_id}; it has {self._summary(channel_id)}")
            return copy.deepcopy(msg)

    def thread(self, channel: str, ts: str) -> list[Message]:
        """Root message then its (undeleted) replies in ts order; ``ts`` may be a reply's."""
        with self._lock:
            channel_id = self._lookup_channel_id(channel)
            msg = self._index.get((channel_id, ts))
            if msg is None:
                raise LookupError(f"no message {ts} in {channel_id}")
            root_ts = msg.thread_ts or msg.ts
            return copy.deepcopy(
                [
                    m
                    for m in self._messages[channel_id]
                    if not m.deleted and (m.ts == root_ts or (m.is_reply and m.thread_ts == root_ts))
                ]
            )

    def ephemerals(self, user: str | None = None, channel: str | None = None) -> list[EphemeralMessage]:
        """Ephemeral messages (not deleted), optionally only those shown to ``user`` / in ``channel``."""
        with self._lock:
            channel_id = self._lookup_channel_id(channel) if channel is not None else None
            return copy.deepcopy(
                [
                    e
                    for e in self._ephemerals
                    if not e.deleted
                    and (user is None or e.user == user)
                    and (channel_id is None or e.channel == channel_id)
                ]
            )

    def ephemeral(self, user: str, ts: str) -> EphemeralMessage:
        with self._lock:
            for e in self._ephemerals:
                if e.user == user and e.ts == ts:
                    return copy.deepcopy(e)
        raise LookupError(f"no ephemeral message {ts} for {user}")

    def dm_messages(self, user: str) -> list[Message]:
        """Messages in the bot's DM with ``user`` (empty if it was never opened)."""
        with self._lock:
            channel_id = self._im_by_user.get(user)
            return self.messages(channel_id) if channel_id else []

    def view(self, view_id: str) -> View:
        with self._lock:
            if view_id not in self._views:
                raise LookupError(f"no view {view_id!r}; views: {sorted(self._views)}")
            return copy.deepcopy(self._views[view_id])

    def views(self, user: str | None = None, *, open_only: bool = False) -> list[View]:
        """Views in the order they were created (modals and home tabs)."""
        with self._lock:
            return copy.deepcopy(
                [
                    v
                    for v in self._views.values()
                    if (user is None or v.user == user) and (v.is_open or not open_only)
                ]
            )

    def last_view(self, user: str | None = None) -> View:
        """The most recently opened, pushed or updated modal (of ``user``); LookupError if none."""
        with self._lock:
            modals = [
                v for v in self._views.values() if v.type == "modal" and (user is None or v.user == user)
            ]
            if not modals:
                raise LookupError(f"no modal was opened{' for ' + user if user else ''}")
            return copy.deepcopy(max(modals, key=lambda v: self._view_touched.get(v.id, 0)))

    def open_modals(self, user: str) -> list[View]:
        """The user's modal stack, bottom first."""
        with self._lock:
            return copy.deepcopy([self._views[v] for v in self._modal_stacks.get(user, [])])

    def home_view(self, user: str) -> View | None:
        with self._lock:
            view_id = self._home_views.get(user)
            return copy.deepcopy(self._views[view_id]) if view_id else None

    def files(self) -> list[StoredFile]:
        with self._lock:
            return copy.deepcopy(list(self._files.values()))

    # -- calls, waiting, faults -----------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Recorded calls, oldest first (``"response_url"`` for posts to response URLs)."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def reset_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    def wait_for(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = 5.0,
        count: int = 1,
    ) -> list[ApiCall]:
        """Block until ``count`` calls to ``method`` (matching ``predicate``) were made; return them.

        Raises AssertionError listing every call made so far when the time runs out.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                matching = [
                    c for c in self._calls if c.method == method and (predicate is None or predicate(c))
                ]
                if len(matching) >= count:
                    return matching
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    made = "\n".join(f"  {c.describe()}" for c in self._calls) or "  (none)"
                    condition = " matching the predicate" if predicate else ""
                    raise AssertionError(
                        f"expected {count} call(s) to {method}{condition} within {timeout}s, "
                        f"got {len(matching)}. Calls made ({len(self._calls)}):\n{made}"
                    )
                self._changed.wait(remaining)

    def wait_until(
        self, condition: Callable[[], bool], timeout: float = 5.0, what: str = "condition"
    ) -> None:
        """Block until ``condition()`` is true; it is re-checked whenever the fake's state changes."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    made = "\n".join(f"  {c.describe()}" for c in self._calls) or "  (none)"
                    raise AssertionError(f"{what} not met within {timeout}s. Calls made:\n{made}")
                self._changed.wait(min(remaining, 0.1))

    def fail_next(
        self, method: str, status: int = 429, retry_after: int = 1, times: int = 1, error: str | None = None
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail.

        429 answers ``Retry-After: retry_after`` and ``{"ok": false, "error": "ratelimited"}``;
        500/503 answer a server error; 200 with ``error`` answers ``{"ok": false, "error": error}``.
        ``method`` may also be ``"response_url"``.
        """
        with self._lock:
            self._faults.setdefault(method, []).append(_Fault(status, retry_after, times, error))

    def set_latency(self, seconds: float) -> None:
        """Delay every answer by ``seconds`` (0 to turn off)."""
        self._latency = max(0.0, seconds)

    def reset(self) -> None:
        """Forget messages, ephemerals, views, files, triggers, response URLs, faults and calls.

        Users and channels (including DM channels) stay.
        """
        with self._lock:
            for channel_id in self._messages:
                self._messages[channel_id] = []
            self._index.clear()
            self._ephemerals.clear()
            self._views.clear()
            self._modal_stacks.clear()
            self._view_touched.clear()
            self._home_views.clear()
            self._files.clear()
            self._triggers.clear()
            self._response_urls.clear()
            self._faults.clear()
            self._calls.clear()
            self._changed.notify_all()

    # -- people acting in Slack (state only; SlackSender also delivers the events) --------------

    def post_user_message(
        self,
        channel: str,
        user: str,
        text: str,
        thread_ts: str | None = None,
        files: Sequence[str | Mapping[str, Any]] | None = None,
    ) -> Message:
        """Store a message ``user`` wrote. ``channel`` may be a channel id, the DM channel id, or
        the bot's user id / the user's own id for the user's DM with the bot.

        ``files`` are file names or dicts with ``name`` and optional ``title``, ``content``
        (bytes or str) and ``mimetype``.
        """
        with self._lock:
            author = self._users.get(user)
            if author is None:
                raise LookupError(f"unknown user {user!r}; add_user() it first")
            if channel in (self.bot_user_id, user):
                target = self._open_im(user)
            elif channel in self._channels:
                target = self._channels[channel]
            else:
                raise LookupError(f"unknown channel {channel!r}; channels: {sorted(self._channels)}")
            if not target.is_im and user not in target.members:
                raise ValueError(
                    f"{user} is not a member of {target.id}; add them with add_channel(members=...)"
                )
            if target.is_im and target.im_user != user:
                raise ValueError(f"{target.id} is the DM of {target.im_user}, not of {user}")
            root = None
            if thread_ts is not None:
                root = self._index.get((target.id, thread_ts))
                if root is None or root.deleted:
                    raise LookupError(f"no message {thread_ts} in {target.id} to reply to")
                if root.is_reply:
                    root = self._index[(target.id, root.thread_ts or "")]
            ts = self._next_ts()
            file_objects = [self._user_file(user, target.id, f).to_api() for f in files or ()]
            msg = Message(
                channel=target.id,
                ts=ts,
                text=text,
                user=user,
                team=self.team_id,
                client_msg_id=str(uuid.UUID(int=self._rng.getrandbits(128), version=4)),
                blocks=[self._rich_text_block(text)] if text else [],
                files=file_objects,
                subtype="file_share" if file_objects else None,
                thread_ts=root.ts if root else None,
                parent_user_id=root.author if root else None,
            )
            self._append(msg, root)
            return copy.deepcopy(msg)

    def edit_user_message(self, channel: str, ts: str, text: str) -> Message:
        """Change the text of a message (as its author would in Slack); returns the new version."""
        with self._lock:
            msg = self._existing(self._lookup_channel_id(channel), ts)
            msg.text = text
            msg.blocks = [self._rich_text_block(text)] if msg.user and not msg.bot_id else msg.blocks
            msg.edited = {"user": msg.author, "ts": self._next_ts()}
            self._changed.notify_all()
            return copy.deepcopy(msg)

    def delete_message(self, channel: str, ts: str) -> Message:
        """Delete any message (as its author or an admin would); returns it as it was."""
        with self._lock:
            msg = self._existing(self._lookup_channel_id(channel), ts)
            before = copy.deepcopy(msg)
            self._delete(msg)
            return before

    # -- interaction plumbing used by SlackSender -----------------------------------------------

    def new_ts(self) -> str:
        """A fresh message timestamp ("1764032400.000100"), unique and increasing."""
        with self._lock:
            return self._next_ts()

    def issue_trigger(self, user: str) -> str:
        """A fresh trigger_id for ``user``, valid once within ``trigger_ttl`` seconds."""
        with self._lock:
            self._counter += 1
            trigger_id = f"{self._counter}.{int(time.time())}.{self._rng.getrandbits(128):032x}"
            self._triggers[trigger_id] = _Trigger(user=user, issued_at=time.monotonic())
            return trigger_id

    def new_response_url(
        self, channel: str, user: str, *, message_ts: str | None = None, ephemeral: bool = False
    ) -> str:
        """A response_url on this server for an interaction by ``user`` in ``channel``.

        ``message_ts`` is the message the interaction came from (``ephemeral`` if it is an
        ephemeral one): ``replace_original`` / ``delete_original`` act on it.
        """
        with self._lock:
            url_id = f"{self.team_id}/{self._next_counter()}/{self._token(24)}"
            self._response_urls[url_id] = _ResponseTarget(
                channel=self._lookup_channel_id(channel),
                user=user,
                message_ts=message_ts,
                ephemeral=ephemeral,
                created=time.monotonic(),
            )
            return f"{self.base_url}response/{url_id}"

    def record_view_state(self, view_id: str, values: JSONDict) -> None:
        """Store what the user entered in a view (``state.values``)."""
        with self._lock:
            self._views[view_id].state = copy.deepcopy(values)

    def close_view(self, view_id: str, *, clear: bool = False) -> None:
        """The user closed a modal (or the app acknowledged its submission): pop it off the stack,
        or close the whole stack with ``clear=True``."""
        with self._lock:
            view = self._views.get(view_id)
            if view is None or view.type != "modal":
                return
            stack = self._modal_stacks.get(view.user, [])
            if clear:
                closing = list(stack)
                stack.clear()
            else:
                closing = [view_id]
                if view_id in stack:
                    stack.remove(view_id)
            for closed in closing:
                self._views[closed].is_open = False
            self._changed.notify_all()

    def apply_view_submission_response(self, view_id: str, status: int, body: str) -> list[str]:
        """Apply the app's answer to a view_submission the way Slack does.

        Empty 200 closes the view; ``response_action`` update / push / clear / errors act on the
        stack. Returns the problems Slack would have with the answer (empty if none).
        """
        with self._lock:
            view = self._views[view_id]
            if status != 200:
                return [f"the app answered HTTP {status}; Slack keeps the view open and shows an error"]
            if not body.strip():
                self.close_view(view_id)
                return []
            try:
                answer = json.loads(body)
            except ValueError:
                return [f"the app answered a body that is not JSON: {body[:200]!r}"]
            action = answer.get("response_action") if isinstance(answer, dict) else None
            if action is None:
                self.close_view(view_id)
                return []
            if action == "clear":
                self.close_view(view_id, clear=True)
                return []
            if action == "errors":
                return self._check_response_errors(view, answer.get("errors"))
            if action in ("update", "push"):
                payload = answer.get("view")
                errors = validate_view(payload)
                if not errors and isinstance(payload, dict) and payload.get("type") != "modal":
                    errors = ["must be modal [json-pointer:/view/type]"]
                if errors:
                    return [f"response_action={action} with an invalid view: {e}" for e in errors]
                assert isinstance(payload, dict)
                if action == "update":
                    self._update_view(view, payload)
                else:
                    stack = self._modal_stacks.setdefault(view.user, [])
                    if len(stack) >= 3:
                        return ["push_limit_reached: a modal stack holds at most 3 views"]
                    self._push_view(view.user, payload)
                return []
            return [f"unknown response_action {action!r}"]

    def apply_command_response(self, response_url: str, status: int, body: str) -> list[str]:
        """Show what the app answered synchronously to a slash command, as Slack does."""
        if status != 200 or not body.strip():
            return [] if status == 200 else [f"the app answered HTTP {status}; Slack shows a failure"]
        try:
            answer: Any = json.loads(body)
        except ValueError:
            answer = {"text": body}
        if not isinstance(answer, dict):
            return [f"the app answered {body[:200]!r}"]
        url_id = response_url.split("/response/", 1)[-1]
        reply = self._apply_response(url_id, answer, count_use=False)
        return [] if reply.status == 200 else [f"Slack refused the answer: {reply.body.decode()}"]

    # -- HTTP entry -----------------------------------------------------------------------------

    def _handle_http(self, verb: str, raw_path: str, headers: Mapping[str, str], body: bytes) -> _Reply:
        parts = urllib.parse.urlsplit(raw_path)
        path = parts.path
        if path.startswith("/api/"):
            return self._handle_api(path[len("/api/") :], headers, parts.query, body)
        if path.startswith("/response/") and verb == "POST":
            return self._handle_response_url(path[len("/response/") :], headers, body)
        if path.startswith("/upload/v1/") and verb == "POST":
            return self._handle_upload(path[len("/upload/v1/") :], body)
        if path.startswith("/files/") and verb == "GET":
            return self._handle_download(path[len("/files/") :])
        return _Reply.text("not_found", status=404)

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.pop(0)
        return fault

    def _fault_reply(self, method: str, params: JSONDict, fault: _Fault) -> _Reply:
        if fault.status == 429:
            response: JSONDict = {"ok": False, "error": "ratelimited"}
            self._record(method, params, response)
            return _Reply.json(response, status=429, headers={"Retry-After": str(fault.retry_after)})
        if fault.status >= 500:
            response = {"ok": False, "error": "service_unavailable" if fault.status == 503 else "fatal_error"}
            self._record(method, params, response)
            return _Reply.json(response, status=fault.status)
        response = {"ok": False, "error": fault.error or "fatal_error"}
        self._record(method, params, response)
        return _Reply.json(response, status=fault.status)

    def _handle_api(self, method: str, headers: Mapping[str, str], query: str, body: bytes) -> _Reply:
        params, parse_error = self._parse_params(headers.get("content-type", ""), query, body)
        auth = headers.get("authorization", "")
        token = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else None
        body_token = params.pop("token", None)
        token = token or (str(body_token) if body_token else None)
        if self._latency:
            time.sleep(self._latency)
        with self._lock:
            fault = self._take_fault(method)
            if fault is not None:
                return self._fault_reply(method, params, fault)
            if parse_error:
                response: JSONDict = {"ok": False, "error": parse_error}
            elif not token:
                response = {"ok": False, "error": "not_authed"}
            elif token != self.bot_token:
                response = {"ok": False, "error": "invalid_auth"}
            elif method not in _METHODS:
                response = {"ok": False, "error": "unknown_method", "req_method": method}
            else:
                if method in ("views.open", "views.push") and not params.get("trigger_id"):
                    # slack_sdk sends interactivity_pointer as an alternative to trigger_id
                    params["trigger_id"] = params.get("interactivity_pointer")
                try:
                    self._check_required(method, params)
                    response = _METHODS[method](self, _Args(params))
                except _SlackError as exc:
                    response = exc.response()
            self._record(method, params, response)
            return _Reply.json(response)

    @staticmethod
    def _parse_params(content_type: str, query: str, body: bytes) -> tuple[JSONDict, str | None]:
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

    @staticmethod
    def _check_required(method: str, params: JSONDict) -> None:
        for name in REQUIRED_PARAMS.get(method, ()):
            if _is_missing(params.get(name)):
                error = _MISSING_ERRORS.get(name, "invalid_arguments")
                raise _SlackError(
                    error, response_metadata={"messages": [f"[ERROR] missing required field: {name}"]}
                )

    def _record(self, method: str, params: JSONDict, response: JSONDict) -> None:
        self._calls.append(ApiCall(method, copy.deepcopy(params), copy.deepcopy(response), time.time()))
        self._changed.notify_all()

    # -- helpers (called with the lock held) ----------------------------------------------------

    def _next_ts(self) -> str:
        micros = max(time.time_ns() // 1000, self._last_ts_micros + 1)
        self._last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_counter(self) -> int:
        self._counter += 1
        return self._counter

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{self._next_counter():04d}{''.join(self._rng.choices(_ID_CHARS, k=6))}"

    def _token(self, length: int) -> str:
        return "".join(self._rng.choices(_BLOCK_ID_CHARS, k=length))

    def _lookup_channel_id(self, ref: str) -> str:
        """Channel id for a channel id, or for a user id (their DM with the bot)."""
        if ref in self._channels:
            return ref
        if ref in self._users:
            return self._open_im(ref).id
        for channel in self._channels.values():
            if channel.name == ref.lstrip("#") and not channel.is_im:
                return channel.id
        raise LookupError(f"unknown channel {ref!r}; channels: {sorted(self._channels)}")

    def _summary(self, channel_id: str) -> str:
        msgs = self._messages.get(channel_id, [])
        return ", ".join(f"{m.ts}{' (deleted)' if m.deleted else ''}" for m in msgs) or "no messages"

    def _open_im(self, user: str) -> Channel:
        channel_id = self._im_by_user.get(user)
        if channel_id is None:
            channel_id = self._new_id("D")
            self._channels[channel_id] = Channel(
                id=channel_id, name=channel_id, members=[user, self.bot_user_id], is_im=True, im_user=user
            )
            self._messages[channel_id] = []
            self._im_by_user[user] = channel_id
        return self._channels[channel_id]

    def _resolve_channel(self, ref: str | None) -> Channel:
        """A channel as the Web API resolves ``channel``: id, user id (-> DM), or name."""
        if not ref:
            raise _SlackError("channel_not_found")
        if ref in self._channels:
            return self._channels[ref]
        if ref in self._users:
            return self._open_im(ref)
        name = ref.lstrip("#")
        for channel in self._channels.values():
            if channel.name == name and not channel.is_im:
                return channel
        raise _SlackError("channel_not_found")

    def _require_bot_in(self, channel: Channel) -> None:
        if not channel.is_im and self.bot_user_id not in channel.members:
            raise _SlackError("not_in_channel")

    def _existing(self, channel_id: str, ts: str) -> Message:
        msg = self._index.get((channel_id, ts))
        if msg is None or msg.deleted:
            raise LookupError(f"no message {ts} in {channel_id}; it has {self._summary(channel_id)}")
        return msg

    def _find(self, channel_id: str, ts: str | None) -> Message:
        msg = self._index.get((channel_id, ts or ""))
        if msg is None or msg.deleted:
            raise _SlackError("message_not_found")
        return msg

    def _thread_root(self, channel_id: str, thread_ts: str) -> Message:
        msg = self._index.get((channel_id, thread_ts))
        if msg is None or msg.deleted:
            raise _SlackError("thread_not_found")
        if msg.is_reply:
            return self._index[(channel_id, msg.thread_ts or "")]
        return msg

    def _append(self, msg: Message, root: Message | None) -> None:
        self._messages.setdefault(msg.channel, []).append(msg)
        self._index[(msg.channel, msg.ts)] = msg
        if root is not None:
            root.thread_ts = root.ts
            self._recount_replies(root)
        self._changed.notify_all()

    def _recount_replies(self, root: Message) -> None:
        replies = [
            m for m in self._messages[root.channel] if m.is_reply and m.thread_ts == root.ts and not m.deleted
        ]
        root.reply_count = len(replies)
        root.reply_users = list(dict.fromkeys(m.author for m in replies))
        root.latest_reply = replies[-1].ts if replies else None

    def _delete(self, msg: Message) -> None:
        msg.deleted = True
        if msg.is_reply:
            root = self._index.get((msg.channel, msg.thread_ts or ""))
            if root is not None:
                self._recount_replies(root)
        self._changed.notify_all()

    def _with_ids(self, blocks: Any) -> list[JSONDict]:
        """Copy of ``blocks`` with the block_id / action_id Slack fills in where they are missing."""
        if not isinstance(blocks, list):
            return []
        result: list[JSONDict] = copy.deepcopy([b for b in blocks if isinstance(b, dict)])
        for block in result:
            block.setdefault("block_id", self._token(5))
            elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
            elements += [block[key] for key in _INTERACTIVE_CONTAINERS if isinstance(block.get(key), dict)]
            for element in elements:
                if isinstance(element, dict) and element.get("type") not in ("image", "plain_text", "mrkdwn"):
                    element.setdefault("action_id", self._token(5))
        return result

    def _rich_text_block(self, text: str) -> JSONDict:
        return {
            "type": "rich_text",
            "block_id": self._token(5),
            "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
        }

    def _content(self, args: _Args, *, require: bool = True) -> tuple[str | None, list[JSONDict] | None, Any]:
        """(text, blocks, attachments) of a message call, validated like Slack does."""
        text = args.text("text") or args.text("markdown_text")
        blocks = args.get("blocks")
        attachments = args.get("attachments")
        if blocks is not None:
            if isinstance(blocks, str):
                if blocks.strip():
                    raise _SlackError("invalid_blocks_format")
                blocks = None
            elif not isinstance(blocks, list):
                raise _SlackError("invalid_blocks_format")
            else:
                errors = validate_message_blocks(blocks)
                if errors:
                    raise _invalid_blocks(errors)
        if attachments is not None and attachments != "":
            if not isinstance(attachments, list):
                raise _SlackError("invalid_attachments")
            if len(attachments) > 100:
                raise _SlackError("too_many_attachments")
            for i, attachment in enumerate(attachments):
                if isinstance(attachment, dict) and "blocks" in attachment:
                    errors = [
                        e.replace("[json-pointer:/blocks", f"[json-pointer:/attachments/{i}/blocks")
                        for e in validate_message_blocks(attachment["blocks"])
                    ]
                    if errors:
                        raise _invalid_blocks(errors)
        else:
            attachments = None
        if require and not text and not blocks and not attachments:
            raise _SlackError("no_text")
        if text is not None and len(text) > MAX_MESSAGE_TEXT:
            raise _SlackError("msg_too_long")
        return text, blocks, attachments

    def _post(
        self,
        channel: Channel,
        *,
        text: str | None,
        blocks: list[JSONDict] | None,
        attachments: Any,
        thread_ts: str | None = None,
        broadcast: bool = False,
        files: list[JSONDict] | None = None,
        metadata: Any = None,
    ) -> Message:
        root = self._thread_root(channel.id, thread_ts) if thread_ts else None
        msg = Message(
            channel=channel.id,
            ts=self._next_ts(),
            text=text or "",
            user=self.bot_user_id,
            bot_id=self.bot_id,
            app_id=self.app_id,
            team=self.team_id,
            blocks=self._with_ids(blocks),
            attachments=copy.deepcopy(attachments) if isinstance(attachments, list) else [],
            files=files or [],
            thread_ts=root.ts if root else None,
            parent_user_id=root.author if root else None,
            subtype="thread_broadcast" if broadcast and root else None,
            metadata=metadata if isinstance(metadata, dict) else None,
        )
        self._append(msg, root)
        return msg

    def _user_file(self, user: str, channel_id: str, spec: str | Mapping[str, Any]) -> StoredFile:
        info: Mapping[str, Any] = {"name": spec} if isinstance(spec, str) else spec
        name = str(info.get("name") or "file")
        content = info.get("content")
        data = (
            content.encode() if isinstance(content, str) else content if isinstance(content, bytes) else b""
        )
        stored = self._new_file(name, str(info.get("title") or name), len(data), user)
        stored.content = data
        stored.mimetype = str(info.get("mimetype") or stored.mimetype)
        stored.completed = True
        stored.channels.append(channel_id)
        return stored

    def _new_file(self, name: str, title: str, length: int, user: str) -> StoredFile:
        file_id = self._new_id("F")
        base = self.base_url if self._server is not None else PERMALINK_HOST + "/"
        quoted = urllib.parse.quote(name)
        stored = StoredFile(
            id=file_id,
            name=name,
            title=title,
            user=user,
            length=length,
            url_private=f"{base}files/{file_id}/{quoted}",
            permalink=f"{PERMALINK_HOST}/files/{user}/{file_id}/{quoted}",
        )
        self._files[file_id] = stored
        return stored

    def _permalink(self, msg: Message) -> str:
        link = f"{PERMALINK_HOST}/archives/{msg.channel}/p{msg.ts.replace('.', '')}"
        if msg.is_reply:
            link += f"?thread_ts={msg.thread_ts}&cid={msg.channel}"
        return link

    def _ts_window(self, args: _Args) -> Callable[[Message], bool]:
        oldest = _ts_value(args.text("oldest") or "0", "invalid_ts_oldest")
        latest_raw = args.text("latest")
        latest = _ts_value(latest_raw, "invalid_ts_latest") if latest_raw else None
        inclusive = args.flag("inclusive")

        def inside(msg: Message) -> bool:
            ts = Decimal(msg.ts)
            after = ts >= oldest if inclusive else ts > oldest
            before = latest is None or (ts <= latest if inclusive else ts < latest)
            return after and before

        return inside

    @staticmethod
    def _limit(args: _Args, default: int) -> int:
        limit = args.number("limit", default, error="invalid_limit")
        if limit < 0:
            raise _SlackError("invalid_limit")
        return min(limit or default, 1000)

    def _page_messages(
        self, items: list[Message], args: _Args, *, newest_first: bool, default_limit: int
    ) -> tuple[list[Message], str]:
        limit = self._limit(args, default_limit)
        cursor = args.text("cursor")
        if cursor:
            start = _ts_value(_decode_cursor(cursor, "next_ts"), "invalid_cursor")
            items = [m for m in items if (Decimal(m.ts) <= start if newest_first else Decimal(m.ts) >= start)]
        page, rest = items[:limit], items[limit:]
        return page, _encode_cursor("next_ts", rest[0].ts) if rest else ""

    def _page_ids(
        self, ids: list[str], args: _Args, *, kind: str, default_limit: int
    ) -> tuple[list[str], str]:
        limit = self._limit(args, default_limit or max(len(ids), 1))
        cursor = args.text("cursor")
        start = 0
        if cursor:
            first = _decode_cursor(cursor, kind)
            if first not in ids:
                raise _SlackError("invalid_cursor")
            start = ids.index(first)
        page = ids[start : start + limit]
        rest = ids[start + limit :]
        return page, _encode_cursor(kind, rest[0]) if rest else ""

    # -- Web API: auth, chat --------------------------------------------------------------------

    @_method("auth.test")
    def _auth_test(self, args: _Args) -> JSONDict:
        return {
            "ok": True,
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_domain,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    @_method("chat.postMessage")
    def _chat_post_message(self, args: _Args) -> JSONDict:
        channel = self._resolve_channel(args.text("channel"))
        self._require_bot_in(channel)
        text, blocks, attachments = self._content(args)
        msg = self._post(
            channel,
            text=text,
            blocks=blocks,
            attachments=attachments,
            thread_ts=args.text("thread_ts"),
            broadcast=args.flag("reply_broadcast"),
            metadata=args.get("metadata"),
        )
        return {"ok": True, "channel": channel.id, "ts": msg.ts, "message": msg.to_api()}

    @_method("chat.postEphemeral")
    def _chat_post_ephemeral(self, args: _Args) -> JSONDict:
        channel = self._resolve_channel(args.text("channel"))
        user = args.text("user") or ""
        if user not in self._users:
            raise _SlackError("user_not_found")
        self._require_bot_in(channel)
        if user not in channel.members:
            raise _SlackError("user_not_in_channel")
        text, blocks, attachments = self._content(args)
        eph = EphemeralMessage(
            channel=channel.id,
            user=user,
            ts=self._next_ts(),
            text=text or "",
            blocks=self._with_ids(blocks),
            attachments=attachments or [],
            thread_ts=args.text("thread_ts"),
            bot_id=self.bot_id,
            bot_user_id=self.bot_user_id,
        )
        self._ephemerals.append(eph)
        self._changed.notify_all()
        return {"ok": True, "message_ts": eph.ts}

    @_method("chat.update")
    def _chat_update(self, args: _Args) -> JSONDict:
        channel = self._resolve_channel(args.text("channel"))
        msg = self._find(channel.id, args.text("ts"))
        if msg.bot_id != self.bot_id:
            raise _SlackError("cant_update_message")
        text, blocks, attachments = self._content(args)
        if text is not None:
            msg.text = text
        if blocks is not None:
            msg.blocks = self._with_ids(blocks)
        if attachments is not None:
            msg.attachments = copy.deepcopy(attachments)
        msg.edited = {"user": self.bot_user_id, "ts": self._next_ts()}
        self._changed.notify_all()
        return {"ok": True, "channel": channel.id, "ts": msg.ts, "text": msg.text, "message": msg.to_api()}

    @_method("chat.delete")
    def _chat_delete(self, args: _Args) -> JSONDict:
        channel = self._resolve_channel(args.text("channel"))
        msg = self._find(channel.id, args.text("ts"))
        if msg.bot_id != self.bot_id:
            raise _SlackError("cant_delete_message")
        self._delete(msg)
        return {"ok": True, "channel": channel.id, "ts": msg.ts}

    @_method("chat.getPermalink")
    def _chat_get_permalink(self, args: _Args) -> JSONDict:
        channel = self._resolve_channel(args.text("channel"))
        msg = self._find(channel.id, args.text("message_ts"))
        return {"ok": True, "channel": channel.id, "permalink": self._permalink(msg)}

    @_method("reactions.add")
    def _reactions_add(self, args: _Args) -> JSONDict:
        channel = self._resolve_channel(args.text("channel"))
        msg = self._find(channel.id, args.text("timestamp"))
        name = (args.text("name") or "").strip(":")
        if not name or any(c.isspace() or c == ":" for c in name):
            raise _SlackError("invalid_name")
        for reaction in msg.reactions:
            if reaction["name"] == name:
                if self.bot_user_id in reaction["users"]:
                    raise _SlackError("already_reacted")
                reaction["users"].append(self.bot_user_id)
                reaction["count"] += 1
                break
        else:
            msg.reactions.append({"name": name, "users": [self.bot_user_id], "count": 1})
        self._changed.notify_all()
        return {"ok": True}

    # -- Web API: conversations, users ----------------------------------------------------------

    @_method("conversations.open")
    def _conversations_open(self, args: _Args) -> JSONDict:
        channel_ref = args.text("channel")
        users_raw = args.text("users")
        if channel_ref:
            channel = self._resolve_channel(channel_ref)
            if not channel.is_im:
                raise _SlackError("method_not_supported_for_channel_type")
            already = True
        else:
            if not users_raw:
                raise _SlackError("users_list_not_supplied")
            users = [u.strip() for u in users_raw.split(",") if u.strip()]
            if len(users) != 1:
                raise _SlackError("not_enough_users" if not users else "too_many_users")
            if users[0] not in self._users:
                raise _SlackError("user_not_found")
            already = users[0] in self._im_by_user
            channel = self._open_im(users[0])
        data: JSONDict = {"ok": True, "channel": {"id": channel.id}}
        if args.flag("return_im"):
            data["channel"] = channel.to_api(self.bot_user_id)
        if already:
            data["no_op"] = True
            data["already_open"] = True
        return data

    @_method("conversations.info")
    def _conversations_info(self, args: _Args) -> JSONDict:
        channel = self._resolve_channel(args.text("channel"))
        return {
            "ok": True,
            "channel": channel.to_api(self.bot_user_id, include_num_members=args.flag("include_num_members")),
        }

    @_method("conversations.members")
    def _conversations_members(self, args: _Args) -> JSONDict:
        channel = self._resolve_channel(args.text("channel"))
        page, next_cursor = self._page_ids(channel.members, args, kind="user", default_limit=100)
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}

    @_method("conversations.join")
    def _conversations_join(self, args: _Args) -> JSONDict:
        channel = self._resolve_channel(args.text("channel"))
        if channel.is_im:
            raise _SlackError("method_not_supported_for_channel_type")
        data: JSONDict = {"ok": True}
        if self.bot_user_id in channel.members:
            data["warning"] = "already_in_channel"
            data["response_metadata"] = {"warnings": ["already_in_channel"]}
        else:
            channel.members.append(self.bot_user_id)
            self._changed.notify_all()
        data["channel"] = channel.to_api(self.bot_user_id)
        return data

    @_method("conversations.history")
    def _conversations_history(self, args: _Args) -> JSONDict:
        channel = self._resolve_channel(args.text("channel"))
        self._require_bot_in(channel)
        inside = self._ts_window(args)
        visible = [
            m
            for m in reversed(self._messages[channel.id])
            if (not m.is_reply or m.subtype == "thread_broadcast")
            and (not m.deleted or m.reply_count > 0)
            and inside(m)
        ]
        page, next_cursor = self._page_messages(visible, args, newest_first=True, default_limit=100)
        return {
            "ok": True,
            "messages": [m.to_api() for m in page],
            "has_more": bool(next_cursor),
            "pin_count": 0,
            "response_metadata": {"next_cursor": next_cursor},
        }

    @_method("conversations.replies")
    def _conversations_replies(self, args: _Args) -> JSONDict:
        channel = self._resolve_channel(args.text("channel"))
        ts = args.text("ts")
        if not ts:
            raise _SlackError(
                "invalid_arguments", response_metadata={"messages": ["[ERROR] missing required field: ts"]}
            )
        self._require_bot_in(channel)
        msg = self._index.get((channel.id, ts))
        if msg is None or (msg.deleted and msg.reply_count == 0):
            raise _SlackError("thread_not_found")
        root = self._index[(channel.id, msg.thread_ts)] if msg.is_reply and msg.thread_ts else msg
        inside = self._ts_window(args)
        thread = [root] + [
            m for m in self._messages[channel.id] if m.is_reply and m.thread_ts == root.ts and not m.deleted
        ]
        page, next_cursor = self._page_messages(
            [m for m in thread if inside(m)], args, newest_first=False, default_limit=1000
        )
        return {
            "ok": True,
            "messages": [m.to_api() for m in page],
            "has_more": bool(next_cursor),
            "response_metadata": {"next_cursor": next_cursor},
        }

    @_method("users.info")
    def _users_info(self, args: _Args) -> JSONDict:
        user = self._users.get(args.text("user") or "")
        if user is None:
            raise _SlackError("user_not_found")
        return {"ok": True, "user": user.to_api(self.team_id)}

    @_method("users.list")
    def _users_list(self, args: _Args) -> JSONDict:
        page, next_cursor = self._page_ids(list(self._users), args, kind="user", default_limit=0)
        return {
            "ok": True,
            "members": [self._users[u].to_api(self.team_id) for u in page],
            "cache_ts": int(time.time()),
            "response_metadata": {"next_cursor": next_cursor},
        }

    # -- Web API: views -------------------------------------------------------------------------

    def _check_trigger(self, trigger_id: str | None) -> _Trigger:
        trigger = self._triggers.get(trigger_id or "")
        if trigger is None:
            raise _SlackError("invalid_trigger_id")
        if trigger.used:
            raise _SlackError("exchanged_trigger_id")
        if time.monotonic() - trigger.issued_at > self.trigger_ttl:
            raise _SlackError("expired_trigger_id")
        return trigger

    @staticmethod
    def _view_payload(args: _Args, expected_type: str) -> JSONDict:
        payload = args.get("view")
        if not isinstance(payload, dict):
            raise _invalid_arguments(["must be a JSON object [json-pointer:/view]"])
        errors = validate_view(payload)
        if not errors and payload.get("type") != expected_type:
            errors = [f"must be {expected_type} [json-pointer:/view/type]"]
        if errors:
            raise _invalid_arguments(errors)
        return payload

    def _check_external_id(self, payload: JSONDict, keep: str | None = None) -> None:
        external_id = payload.get("external_id")
        if external_id and any(
            v.external_id == external_id and v.is_open and v.id != keep for v in self._views.values()
        ):
            raise _SlackError("duplicate_external_id")

    def _new_hash(self) -> str:
        return f"{time.time():.6f}.{self._token(8)}"

    def _fill_view(self, view: View, payload: JSONDict) -> None:
        previous_state = view.state
        view.blocks = self._with_ids(payload.get("blocks"))
        view.title = copy.deepcopy(payload.get("title"))
        view.submit = copy.deepcopy(payload.get("submit"))
        view.close = copy.deepcopy(payload.get("close"))
        view.callback_id = str(payload.get("callback_id") or "")
        view.private_metadata = str(payload.get("private_metadata") or "")
        view.external_id = str(payload.get("external_id") or "")
        view.clear_on_close = bool(payload.get("clear_on_close"))
        view.notify_on_close = bool(payload.get("notify_on_close"))
        view.submit_disabled = bool(payload.get("submit_disabled"))
        block_ids = {b.get("block_id") for b in view.blocks}
        view.state = {k: v for k, v in previous_state.items() if k in block_ids}
        view.hash = self._new_hash()
        self._view_touched[view.id] = self._next_counter()
        self._changed.notify_all()

    def _create_view(self, user: str, payload: JSONDict, view_type: Literal["modal", "home"]) -> View:
        view = View(
            id=self._new_id("V"),
            type=view_type,
            user=user,
            hash="",
            team_id=self.team_id,
            app_id=self.app_id,
            bot_id=self.bot_id,
        )
        self._fill_view(view, payload)
        self._views[view.id] = view
        return view

    def _push_view(self, user: str, payload: JSONDict) -> View:
        stack = self._modal_stacks.setdefault(user, [])
        view = self._create_view(user, payload, "modal")
        view.previous_view_id = stack[-1] if stack else None
        view.root_view_id = stack[0] if stack else view.id
        stack.append(view.id)
        return view

    def _update_view(self, view: View, payload: JSONDict) -> None:
        self._fill_view(view, payload)

    def _check_response_errors(self, view: View, errors: Any) -> list[str]:
        if not isinstance(errors, dict) or not errors:
            return ["response_action=errors needs a non-empty errors object"]
        input_ids = {b.get("block_id") for b in view.blocks if b.get("type") == "input"}
        return [
            f"response_action=errors names {key!r}, which is not the block_id of an input block"
            for key in errors
            if key not in input_ids
        ]

    @_method("views.open")
    def _views_open(self, args: _Args) -> JSONDict:
        trigger = self._check_trigger(args.text("trigger_id"))
        payload = self._view_payload(args, "modal")
        self._check_external_id(payload)
        trigger.used = True
        for old in self._modal_stacks.pop(trigger.user, []):
            self._views[old].is_open = False
        view = self._push_view(trigger.user, payload)
        return {"ok": True, "view": view.to_api()}

    @_method("views.push")
    def _views_push(self, args: _Args) -> JSONDict:
        trigger = self._check_trigger(args.text("trigger_id"))
        payload = self._view_payload(args, "modal")
        self._check_external_id(payload)
        if len(self._modal_stacks.get(trigger.user, [])) >= 3:
            raise _SlackError("push_limit_reached")
        trigger.used = True
        view = self._push_view(trigger.user, payload)
        return {"ok": True, "view": view.to_api()}

    @_method("views.update")
    def _views_update(self, args: _Args) -> JSONDict:
        view_id, external_id = args.text("view_id"), args.text("external_id")
        if not view_id and not external_id:
            raise _invalid_arguments(["either view_id or external_id is required"])
        if view_id:
            view = self._views.get(view_id)
        else:
            matches = [v for v in self._views.values() if v.external_id == external_id]
            view = matches[-1] if matches else None
        if view is None or not view.is_open:
            raise _SlackError("not_found")
        expected_hash = args.text("hash")
        if expected_hash and expected_hash != view.hash:
            raise _SlackError("hash_conflict")
        payload = self._view_payload(args, view.type)
        self._check_external_id(payload, keep=view.id)
        self._update_view(view, payload)
        return {"ok": True, "view": view.to_api()}

    @_method("views.publish")
    def _views_publish(self, args: _Args) -> JSONDict:
        user = args.text("user_id") or ""
        if user not in self._users:
            raise _SlackError("user_not_found")
        payload = self._view_payload(args, "home")
        existing = self._views.get(self._home_views.get(user, ""))
        expected_hash = args.text("hash")
        if existing is not None and expected_hash and expected_hash != existing.hash:
            raise _SlackError("hash_conflict")
        if existing is None:
            existing = self._create_view(user, payload, "home")
            existing.root_view_id = existing.id
            self._home_views[user] = existing.id
        else:
            self._update_view(existing, payload)
        return {"ok": True, "view": existing.to_api()}

    # -- Web API: files (upload v2) -------------------------------------------------------------

    @_method("files.getUploadURLExternal")
    def _files_get_upload_url(self, args: _Args) -> JSONDict:
        length = args.number("length", -1, error="invalid_arguments")
        if length < 0:
            raise _invalid_arguments(["length must be a non-negative integer"])
        name = args.text("filename") or "file"
        stored = self._new_file(name, name, length, self.bot_user_id)
        return {"ok": True, "upload_url": f"{self.base_url}upload/v1/{stored.id}", "file_id": stored.id}

    def _handle_upload(self, file_id: str, body: bytes) -> _Reply:
        with self._lock:
            stored = self._files.get(file_id)
            if stored is None:
                return _Reply.text("file_not_found", status=404)
            stored.content = bytes(body)
            self._changed.notify_all()
        return _Reply.text(f"OK - {len(body)}")

    def _handle_download(self, rest: str) -> _Reply:
        file_id = rest.split("/", 1)[0]
        with self._lock:
            stored = self._files.get(file_id)
            if stored is None or stored.content is None:
                return _Reply.text("file_not_found", status=404)
            return _Reply(200, stored.content, content_type=stored.mimetype)

    @_method("files.completeUploadExternal")
    def _files_complete_upload(self, args: _Args) -> JSONDict:
        entries = args.get("files")
        if not isinstance(entries, list) or not entries:
            raise _invalid_arguments(["files must be a JSON array of {id, title} [json-pointer:/files]"])
        stored_files: list[StoredFile] = []
        for entry in entries:
            file_id = entry.get("id") if isinstance(entry, dict) else None
            stored = self._files.get(str(file_id))
            if stored is None or stored.completed:
                raise _SlackError("file_not_found")
            if not stored.uploaded:
                raise _SlackError("file_upload_not_found" if stored.length else "file_not_found")
            if isinstance(entry, dict) and entry.get("title"):
                stored.title = str(entry["title"])
            stored_files.append(stored)
        channel_refs = [args.text("channel_id")] if args.text("channel_id") else []
        channel_refs += [c for c in (args.text("channels") or "").split(",") if c]
        channels = [self._resolve_channel(ref) for ref in channel_refs]
        for channel in channels:
            self._require_bot_in(channel)
        thread_ts = args.text("thread_ts")
        for channel in channels:
            if thread_ts:
                self._thread_root(channel.id, thread_ts)
        comment = args.text("initial_comment")
        if comment is not None and len(comment) > MAX_MESSAGE_TEXT:
            raise _SlackError("msg_too_long")
        for stored in stored_files:
            stored.completed = True
        for channel in channels:
            for stored in stored_files:
                stored.channels.append(channel.id)
            self._post(
                channel,
                text=comment,
                blocks=None,
                attachments=None,
                thread_ts=thread_ts,
                files=[s.to_api() for s in stored_files],
            )
        self._changed.notify_all()
        return {"ok": True, "files": [s.to_api() for s in stored_files]}

    # -- response_url ---------------------------------------------------------------------------

    def _handle_response_url(self, url_id: str, headers: Mapping[str, str], body: bytes) -> _Reply:
        text = body.decode("utf-8", errors="replace")
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            if kind == "application/x-www-form-urlencoded":
                text = urllib.parse.parse_qs(text).get("payload", [""])[-1]
            answer = json.loads(text)
        except ValueError:
            answer = None
        with self._lock:
            fault = self._take_fault("response_url")
            if fault is not None:
                return self._fault_reply("response_url", {"url": url_id}, fault)
            if not isinstance(answer, dict):
                reply = _Reply.text("invalid_payload", status=400)
            else:
                reply = self._apply_response(url_id, answer, count_use=True)
            ok = reply.status == 200
            response: JSONDict = {"ok": ok} if ok else {"ok": False, "error": reply.body.decode()}
            params = dict(answer) if isinstance(answer, dict) else {"body": text}
            params["response_url"] = url_id
            self._record("response_url", params, response)
            return reply

    def _apply_response(self, url_id: str, answer: JSONDict, *, count_use: bool) -> _Reply:
        with self._lock:
            target = self._response_urls.get(url_id)
            if target is None:
                return _Reply.text("invalid_url", status=404)
            if time.monotonic() - target.created > 30 * 60:
                return _Reply.text("expired_url", status=404)
            if count_use:
                if target.uses >= 5:
                    return _Reply.text("used_url", status=404)
                target.uses += 1
            original = self._response_original(target)
            if answer.get("delete_original") in (True, "true"):
                if original is None:
                    return _Reply.text("message_not_found", status=404)
                if isinstance(original, Message):
                    self._delete(original)
                else:
                    original.deleted = True
                    self._changed.notify_all()
                return _Reply.text("ok")
            args = _Args(dict(answer))
            try:
                text, blocks, attachments = self._content(args)
            except _SlackError as exc:
                return _Reply.text(exc.error, status=400)
            if answer.get("replace_original") in (True, "true") and original is not None:
                original.text = text or ""
                original.blocks = self._with_ids(blocks)
                original.attachments = copy.deepcopy(attachments) or []
                self._changed.notify_all()
                return _Reply.text("ok")
            channel = self._channels[target.channel]
            thread_ts = args.text("thread_ts")
            if answer.get("response_type") == "in_channel":
                try:
                    msg = self._post(
                        channel, text=text, blocks=blocks, attachments=attachments, thread_ts=thread_ts
                    )
                except _SlackError as exc:
                    return _Reply.text(exc.error, status=404)
                target.last_posted = (msg.ts, False)
            else:
                eph = EphemeralMessage(
                    channel=channel.id,
                    user=target.user,
                    ts=self._next_ts(),
                    text=text or "",
                    blocks=self._with_ids(blocks),
                    attachments=attachments or [],
                    thread_ts=thread_ts,
                    via="response_url",
                    bot_id=self.bot_id,
                    bot_user_id=self.bot_user_id,
                )
                self._ephemerals.append(eph)
                target.last_posted = (eph.ts, True)
            self._changed.notify_all()
            return _Reply.text("ok")

    def _response_original(self, target: _ResponseTarget) -> Message | EphemeralMessage | None:
        """The message replace_original / delete_original act on, if it still exists."""
        if target.message_ts is not None:
            ref: tuple[str, bool] | None = (target.message_ts, target.ephemeral)
        else:
            ref = target.last_posted
        if ref is None:
            return None
        ts, ephemeral = ref
        if ephemeral:
            for eph in self._ephemerals:
                if eph.ts == ts and eph.user == target.user and not eph.deleted:
                    return eph
            return None
        msg = self._index.get((target.channel, ts))
        return msg if msg is not None and not msg.deleted else None
