"""The state of a local Slack workspace and the helpers every Web API family uses on it.

All state sits behind one lock (``_lock``, with ``_changed`` notified on every change); the HTTP
server answers from its own threads. Helpers whose names start with ``_`` expect the lock held.
"""

from __future__ import annotations

import copy
import random
import string
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from bot.localhttp import LocalHttpService
from bot.localslack.models import (
    PERMALINK_HOST,
    ApiCall,
    Channel,
    EphemeralMessage,
    Message,
    StoredFile,
    User,
    View,
)
from bot.localslack.socket_mode import SocketModeServer
from bot.localslack.timezones import tz_label_for
from bot.localslack.wire import SlackError

if TYPE_CHECKING:
    from bot.localslack.hooks import AfterCall

JSONDict = dict[str, Any]

_ID_CHARS: Final = string.ascii_uppercase + string.digits
_BLOCK_ID_CHARS: Final = string.ascii_letters + string.digits
_INTERACTIVE_CONTAINERS: Final = ("accessory", "element")


@dataclass
class Fault:
    """A queued failure: the next ``remaining`` calls of a method answer ``status``."""

    status: int
    retry_after: int
    remaining: int
    error: str | None


@dataclass
class FaultWindow:
    """Every call of a method answers ``status`` until ``until`` (time.monotonic())."""

    status: int
    retry_after: int
    until: float
    error: str | None


@dataclass(frozen=True)
class Attempt:
    """One call as it arrived: when (time.monotonic()), the HTTP status answered, and the
    ``Retry-After`` seconds given with a 429."""

    method: str
    at: float
    status: int
    retry_after: int | None = None


@dataclass
class Trigger:
    user: str
    issued_at: float
    used: bool = False


@dataclass
class ResponseTarget:
    """What a response_url belongs to: who clicked where, and which message (if any) it replaces."""

    channel: str
    user: str
    message_ts: str | None
    ephemeral: bool
    created: float
    uses: int = 0
    last_posted: tuple[str, bool] | None = None  # (ts, is_ephemeral) of the last message it posted


class WorkspaceState(LocalHttpService):
    """Users, channels, messages, views, files, triggers, response URLs, faults and recorded calls."""

    server_name = "FakeSlack"

    def __init__(
        self,
        bot_token: str = "xoxb-test",
        team_id: str = "T0001",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        *,
        bot_name: str = "consult-bot",
        app_token: str = "xapp-test",
        app_id: str = "A0001",
        team_domain: str = "fake-workspace",
        verification_token: str = "fake-verification-token",
        trigger_ttl: float = 3.0,
        seed: int = 0,
    ) -> None:
        super().__init__()
        self.bot_token = bot_token
        #: The app-level token: the only one ``apps.connections.open`` takes (Socket Mode).
        self.app_token = app_token
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
        self._triggers: dict[str, Trigger] = {}
        self._response_urls: dict[str, ResponseTarget] = {}
        self._calls: list[ApiCall] = []
        self._faults: dict[str, list[Fault]] = {}
        self._fault_windows: dict[str, FaultWindow] = {}
        self._attempts: list[Attempt] = []
        self._hooks: list[AfterCall] = []
        self._latency = 0.0
        self._last_ts_micros = 0
        self._counter = 0
        self.socket_mode = SocketModeServer(app_id, on_change=self._notify_changed)
        self._users[bot_user_id] = User(
            id=bot_user_id,
            name=bot_name,
            real_name=bot_name,
            is_bot=True,
            display_name=bot_name,
            tz_label=tz_label_for(User.tz),
        )

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/``"""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def api_url(self) -> str:
        """What goes into SLACK_API_URL / ``WebClient(base_url=...)``: ``http://127.0.0.1:PORT/api/``."""
        return self.base_url + "api/"

    def _notify_changed(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def _record(self, method: str, params: JSONDict, response: JSONDict) -> None:
        self._calls.append(ApiCall(method, copy.deepcopy(params), copy.deepcopy(response), time.time()))
        self._changed.notify_all()

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
            raise SlackError("channel_not_found")
        if ref in self._channels:
            return self._channels[ref]
        if ref in self._users:
            return self._open_im(ref)
        name = ref.lstrip("#")
        for channel in self._channels.values():
            if channel.name == name and not channel.is_im:
                return channel
        raise SlackError("channel_not_found")

    def _require_bot_in(self, channel: Channel) -> None:
        if not channel.is_im and self.bot_user_id not in channel.members:
            raise SlackError("not_in_channel")

    def _existing(self, channel_id: str, ts: str) -> Message:
        msg = self._index.get((channel_id, ts))
        if msg is None or msg.deleted:
            raise LookupError(f"no message {ts} in {channel_id}; it has {self._summary(channel_id)}")
        return msg

    def _find(self, channel_id: str, ts: str | None) -> Message:
        msg = self._index.get((channel_id, ts or ""))
        if msg is None or msg.deleted:
            raise SlackError("message_not_found")
        return msg

    def _thread_root(self, channel_id: str, thread_ts: str) -> Message:
        msg = self._index.get((channel_id, thread_ts))
        if msg is None or msg.deleted:
            raise SlackError("thread_not_found")
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
        base = self.base_url if self.running else PERMALINK_HOST + "/"
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
